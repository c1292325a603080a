"""The stored bank transactions a document's lines are matched against (carriers.py): those of
the document's dates and NEAR_DAYS around them, a window that moves with the document.

A document is read in chunks of a few days each; the window loads the days a chunk adds and
forgets the ones behind it once it holds more than HOLD transactions, so memory stays small
whatever the ledger holds, and each stored transaction is read once. They are kept as the lean
rows SQLite gives (`Held`: what finds a line's candidates and the review's), indexed by amount;
the rest of a row (`Stored`) is read, and a Carrier made, only for one that a line may match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from korwatch.ledger.identity import (
    NEAR_DAYS,
    UNDATED_FORMAT,
    Carrier,
    account_key,
    strong_text,
)

HOLD = 20_000  # stored transactions held before the days behind the document are let go
_DAY, _NEAR = timedelta(days=1), timedelta(days=NEAR_DAYS)
# What the window holds of each stored transaction, in one query, as lean as it can be: what
# finds a line's candidates (day, amount, currency, account), its dedup key only when a held
# document is of the document's own format (only then can a line repeat a stored key), and
# what the review of another amount looks up, for credits only (a debit never counts: a wrong
# match can only hide a line of money going out, never change the turnover): the counterparty
# account and the bank id. Whether it is an MT940 line booked on its value date
# (identity.booked_on_value) says whether it can be a carrier booked on another day. The rest
# (`_DETAILS`) is read only for the few a line may match: the whole row costs twice as much.
_LOAD = (
    "SELECT id, {key}, date, amount_cents, currency, account, "
    "CASE WHEN amount_cents > 0 THEN counterparty_iban END, "
    "CASE WHEN amount_cents > 0 THEN bank_id END, "
    "{undated} AND date = value_date "
    "FROM records WHERE business = ? AND kind = 'transaction' "
    "AND year IN ({years}) AND date BETWEEN ? AND ? AND id < ?"
)  # years listed, not a range: the index (business, year, date) then seeks the dates
# (id, dedup key, date, cents, currency, account, credit's counterparty account, credit's bank
#  id, an MT940 line booked on its value date)
Held = tuple[int, str, str, int, str, str, str | None, str | None, int | None]
# What the identity compares: the counterparty's name and the text of credits only; whether it
# came in the document's own format (for the bank-id rule).
_DETAILS = (
    "SELECT id, {key}, date, amount_cents, currency, account, bank_id, value_date, "
    "counterparty_iban, {own} AS own, "
    "CASE WHEN amount_cents > 0 THEN counterparty_name END, "
    "CASE WHEN amount_cents > 0 THEN COALESCE(NULLIF(description, ''), reference) END, "
    "{undated} AND date = value_date "
    "FROM records WHERE id IN ({ids})"
)
# (id, dedup key, date, cents, currency, account, bank id, value date, counterparty account,
#  in the document's own format, credit's counterparty name, credit's text, an MT940 line
#  booked on its value date (identity.booked_on_value))
Stored = tuple[
    int, str, str, int, str, str, str, str | None, str, int, str | None, str | None, int | None
]
# An index holds one transaction as itself and makes a list only for a second one: a list per
# held transaction would be 100,000 more objects for the garbage collector to walk.
Entry = Held | list[Held]
Twins = dict[tuple[str, str, str], Entry]  # a review index of held credits (Window.twins)
_BATCH = 5000  # ids per query of details (a statement's length is limited)


def _among(documents: list[str]) -> str:
    """SQL: whether a record came in one of these documents (sha256 hex, written inline)."""
    marks = ", ".join(f"'{sha}'" for sha in documents if sha.isalnum())
    return f"document IN ({marks})" if marks else "0"


def put(index: dict[Any, Entry], keyed: Iterable[tuple[Any, Held]]) -> None:
    """Add these (key, held transaction) to an index (one call for all: the window adds
    100,000 of them)."""
    get = index.get
    for key, stored in keyed:
        found = get(key)
        if found is None:
            index[key] = stored
        elif isinstance(found, list):
            found.append(stored)
        else:
            index[key] = [found, stored]


def entries(found: Entry | None) -> list[Held]:
    """What an index holds under one key, as a list (the index's own: do not change it)."""
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


class _Accounts(dict[str, str]):
    """Account as written -> account_key, made when first asked (looked up as a plain dict:
    the window asks it for every held transaction)."""

    def __missing__(self, account: str) -> str:
        key = self[account] = account_key(account)
        return key


class Window:
    """The stored transactions of the days around the lines seen last, by slot, by dedup key
    (when `keyed`) and, for credits, where the review of another amount looks (`twins`)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        business: str,
        first_id: int,
        formats: dict[str, str],
        own_format: str,
    ) -> None:
        self.connection, self.business, self.first_id = connection, business, first_id
        self.own_format = own_format
        own = [sha for sha, kind in formats.items() if kind == own_format and own_format]
        # Only a document of a format already stored can repeat a stored line's dedup key.
        self.keyed = not own_format or bool(own)
        self.accounts = _Accounts()
        self.by_key: dict[str, Held] = {}
        # By amount alone, not by slot (account, amount, currency: a line's candidates share
        # it): an int key costs a third of a tuple, and one account in one currency is usual.
        self.by_cents: dict[int, Entry] = {}
        undated = [sha for sha, kind in formats.items() if kind == UNDATED_FORMAT]
        self._load_sql, self._details_sql = (
            sql.replace("{key}", "dedup_key" if self.keyed else "''")
            .replace("{own}", _among(own))
            .replace("{undated}", _among(undated))
            for sql in (_LOAD, _DETAILS)
        )
        self._span: tuple[date, date] | None = None
        self._held: list[Held] = []
        self._details: dict[int, Stored] = {}
        self._twins: dict[str, Twins] = {}
        self._indexed: dict[str, int] = {}  # how many of _held each of _twins holds
        self._carriers: dict[int, Carrier] = {}
        self._strong: dict[int, str] = {}

    def __bool__(self) -> bool:
        return bool(self._held)

    def account(self, account: str) -> str:
        return self.accounts[account]

    def move(self, days: list[str]) -> None:
        """Hold the stored transactions of these days and NEAR_DAYS around them."""
        low = date.fromisoformat(min(days)) - _NEAR
        high = date.fromisoformat(max(days)) + _NEAR
        span = self._span
        if span is not None and span[0] <= low and high <= span[1]:
            return
        if span is None or high < span[0] or low > span[1]:
            self._forget()
            self._add(self._load(low, high))
            self._span = (low, high)
            return
        if low < span[0]:
            self._add(self._load(low, span[0] - _DAY))
        if high > span[1]:
            self._add(self._load(span[1] + _DAY, high))
        self._span = (min(low, span[0]), max(high, span[1]))
        if len(self._held) > HOLD:
            first, last = low.isoformat(), high.isoformat()
            kept = [stored for stored in self._held if first <= stored[2] <= last]
            self._forget()
            self._add(kept)
            self._span = (low, high)

    def details(self, held: list[Held]) -> list[Stored]:
        """What the identity compares of these held transactions, read once for each."""
        known = self._details
        missing = [stored[0] for stored in held if stored[0] not in known]
        for start in range(0, len(missing), _BATCH):
            ids = ", ".join(str(record) for record in missing[start : start + _BATCH])
            for row in self.connection.execute(self._details_sql.replace("{ids}", ids)):
                known[row[0]] = row
        return [known[stored[0]] for stored in held]

    def slot(self, found: Entry, account: str, currency: str) -> list[Held]:
        """Those held under one amount (`by_cents`) of this account key and currency."""
        accounts = self.accounts
        return [
            held for held in entries(found) if held[4] == currency and accounts[held[5]] == account
        ]

    def carrier(self, held: Held) -> Carrier:
        """The stored transaction as identity.py compares it (made once). Its document and
        line are read only for a review note (`origin`)."""
        made = self._carriers.get(held[0])
        if made is None:
            (record, key, day, cents, currency, account, bank_id, value_day, iban, own, name,
             text, _) = self.details([held])[0]  # fmt: skip
            made = self._carriers[record] = Carrier(
                record, key, day, cents, currency, self.account(account), name or "",
                iban, text or "", bank_id, value_day, self.own_format if own else "\x00other",
                "", 0,
            )  # fmt: skip
        return made

    def origin(self, record: int) -> tuple[str, int]:
        """The document (sha256) and line of a held transaction."""
        found = self.connection.execute(
            "SELECT document, line FROM records WHERE id = ?", (record,)
        ).fetchone()
        return (str(found[0]), int(found[1])) if found else ("", 0)

    def twins(self, kind: str) -> Twins:
        """Held credits where the review of another amount looks, made when first asked and
        kept up as the window moves: by (account, day, counterparty account) for kind
        "party"; by (account, day, strong text) for "text" (all credits) and "partyless"
        (those without a counterparty account); by (account, "id", bank id) for "id"."""
        index = self._twins.get(kind)
        if index is None:
            index = self._twins[kind] = {}
        done = self._indexed.get(kind, 0)
        if done < len(self._held):
            credits = [stored for stored in self._held[done:] if stored[3] > 0]
            put(index, self._twin_keys(kind, credits))
            self._indexed[kind] = len(self._held)
        return index

    def _twin_keys(self, kind: str, credits: list[Held]) -> list[tuple[tuple[str, str, str], Held]]:
        """The held credits that have a key in the index of this kind, with it (one pass
        per kind: the keys of every held credit are made)."""
        accounts = self.accounts
        if kind == "party":
            return [
                ((accounts[credit[5]], credit[2], account_key(credit[6])), credit)
                for credit in credits
                if credit[6]
            ]
        if kind == "id":
            return [
                ((accounts[credit[5]], "id", credit[7].strip()), credit)
                for credit in credits
                if credit[7]
            ]
        if kind == "partyless":
            credits = [credit for credit in credits if not credit[6]]
        self.details(credits)  # their texts, read for all of them at once
        keyed = [
            ((accounts[credit[5]], credit[2], self.strong(credit)), credit) for credit in credits
        ]
        return [(key, credit) for key, credit in keyed if key[2]]

    def strong(self, held: Held) -> str:
        """A held credit's strong text (identity.strong_text), made once."""
        text = self._strong.get(held[0])
        if text is None:
            text = self._strong[held[0]] = strong_text(self.details([held])[0][11] or "")
        return text

    def _load(self, start: date, end: date) -> list[Held]:
        years = ", ".join(str(year) for year in range(start.year, end.year + 1))
        rows = self.connection.execute(
            self._load_sql.format(years=years),
            (self.business, start.isoformat(), end.isoformat(), self.first_id),
        )
        return rows.fetchall()

    def _add(self, rows: list[Held]) -> None:
        by_cents = self.by_cents
        if self.keyed:
            self.by_key.update((stored[1], stored) for stored in rows)
        put(by_cents, ((stored[3], stored) for stored in rows))
        self._held += rows

    def _forget(self) -> None:
        self._held = []
        self.by_key.clear()
        self.by_cents.clear()
        self._twins.clear()
        self._indexed.clear()
        self._carriers.clear()
        self._strong.clear()
        self._details.clear()
