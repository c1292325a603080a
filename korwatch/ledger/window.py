"""The stored bank transactions a document's lines are matched against (carriers.py): those of
the document's dates and NEAR_DAYS around them, a window that moves with the document.

A document is read in chunks of a few days each; the window loads the days a chunk adds and
forgets the ones behind it once it holds more than HOLD transactions, so memory stays small
whatever the ledger holds, and each stored transaction is read once. They are kept as the rows
SQLite gives (cheap); a Carrier is made only for one that a line may match.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from korwatch.ledger.identity import NEAR_DAYS, Carrier, account_key, strong_text

HOLD = 20_000  # stored transactions held before the days behind the document are let go
_BATCH = 500  # ids per query
_DAY, _NEAR = timedelta(days=1), timedelta(days=NEAR_DAYS)
# What every held transaction needs: its slot, its dedup key (when the document's own format
# is among those held: only then can a line repeat a stored key) and, for a credit, what the
# review of another amount looks up. The rest is read for the few a line may match (_DETAILS).
_LOAD = (
    "SELECT id, {key}, date, amount_cents, currency, account, "
    "CASE WHEN amount_cents > 0 THEN bank_id END, value_date, "
    "CASE WHEN amount_cents > 0 THEN counterparty_iban END "
    "FROM records WHERE business = ? AND kind = 'transaction' "
    "AND year IN ({years}) AND date BETWEEN ? AND ? AND id < ?"
)  # years listed, not a range: the index (business, year, date) then seeks the dates
_DETAILS = (
    "SELECT id, counterparty_name, counterparty_iban, description, reference, bank_id, "
    "document, line "
    "FROM records WHERE id IN ({ids})"
)
# (id, dedup key, date, cents, currency, account, credit's bank id, value date, credit's
#  counterparty account)
Stored = tuple[int, str, str, int, str, str, str | None, str | None, str | None]
Slot = tuple[str, int, str]  # (account key, cents, currency): a line's candidates share it
# An index holds one transaction as itself and makes a list only for a second one: a list per
# held transaction would be 100,000 more objects for the garbage collector to walk.
Entry = Stored | list[Stored]


def put(index: dict[Any, Entry], key: Any, stored: Stored) -> None:
    found = index.get(key)
    if found is None:
        index[key] = stored
    elif isinstance(found, list):
        found.append(stored)
    else:
        index[key] = [found, stored]


def entries(found: Entry | None) -> list[Stored]:
    """What an index holds under one key, as a list (the index's own: do not change it)."""
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


class Window:
    """The stored transactions of the days around the lines seen last, by slot, by dedup key
    (when `keyed`) and, for credits, where the review of another amount looks (`twins`)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        business: str,
        first_id: int,
        formats: dict[str, str],
        keyed: bool,
    ) -> None:
        self.connection, self.business, self.first_id = connection, business, first_id
        self.formats = formats  # document sha256 -> the parser that read it
        self.keyed = keyed
        self.accounts: dict[str, str] = {}
        self.by_key: dict[str, Stored] = {}
        self.by_slot: dict[Slot, Entry] = {}
        self._load_sql = _LOAD.replace("{key}", "dedup_key" if keyed else "''")
        self._span: tuple[date, date] | None = None
        self._held: list[Stored] = []
        self._twins: dict[str, dict[tuple[str, str, str], Entry]] = {}
        self._indexed: dict[str, int] = {}  # how many of _held each of _twins holds
        self._carriers: dict[int, Carrier] = {}
        self._strong: dict[int, str] = {}

    def __bool__(self) -> bool:
        return bool(self._held)

    def account(self, account: str) -> str:
        key = self.accounts.get(account)
        if key is None:
            key = self.accounts[account] = account_key(account)
        return key

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

    def prepare(self, found: list[Stored]) -> None:
        """Read, in one query, what `carrier` needs of these transactions."""
        wanted = [stored for stored in found if stored[0] not in self._carriers]
        for start in range(0, len(wanted), _BATCH):
            batch = {stored[0]: stored for stored in wanted[start : start + _BATCH]}
            marks = ", ".join("?" * len(batch))
            rows = self.connection.execute(_DETAILS.format(ids=marks), tuple(batch))
            for record, name, iban, text, reference, bank_id, document, line in rows:
                stored = batch[record]
                self._carriers[record] = Carrier(
                    record, stored[1], stored[2], stored[3], stored[4], self.account(stored[5]),
                    name, iban, text or reference, bank_id, stored[7],
                    self.formats.get(document, ""), document, line,
                )  # fmt: skip

    def carrier(self, stored: Stored) -> Carrier:
        """The stored transaction as identity.py compares it."""
        made = self._carriers.get(stored[0])
        if made is None:
            self.prepare([stored])
            made = self._carriers[stored[0]]
        return made

    def twins(self, kind: str) -> dict[tuple[str, str, str], Entry]:
        """Held credits where the review of another amount looks, made when first asked and
        kept up as the window moves: by (account, day, counterparty account) for kind
        "party"; by (account, day, strong text) for "text" (all credits) and "partyless"
        (those without a counterparty account); by (account, "id", bank id) for "id"."""
        index = self._twins.get(kind)
        if index is None:
            index = self._twins[kind] = {}
        done = self._indexed.get(kind, 0)
        if done < len(self._held):
            fresh = [stored for stored in self._held[done:] if stored[3] > 0]
            if kind in ("text", "partyless"):  # their texts, in one query per 500
                self.prepare([stored for stored in fresh if kind == "text" or not stored[8]])
            for stored in fresh:
                key = self._twin_key(kind, stored)
                if key is not None:
                    put(index, key, stored)
            self._indexed[kind] = len(self._held)
        return index

    def _twin_key(self, kind: str, stored: Stored) -> tuple[str, str, str] | None:
        account, party = self.account(stored[5]), stored[8]
        if kind == "party":
            return (account, stored[2], account_key(party)) if party else None
        if kind == "id":
            return (account, "id", stored[6].strip()) if stored[6] else None
        if kind == "partyless" and party:
            return None
        text = self.strong(stored)
        return (account, stored[2], text) if text else None

    def strong(self, stored: Stored) -> str:
        """A held credit's strong text (identity.strong_text), made once."""
        text = self._strong.get(stored[0])
        if text is None:
            text = self._strong[stored[0]] = strong_text(self.carrier(stored).text)
        return text

    def _load(self, start: date, end: date) -> list[Stored]:
        years = ", ".join(str(year) for year in range(start.year, end.year + 1))
        rows = self.connection.execute(
            self._load_sql.format(years=years),
            (self.business, start.isoformat(), end.isoformat(), self.first_id),
        )
        return rows.fetchall()

    def _add(self, rows: list[Stored]) -> None:
        by_slot, accounts = self.by_slot, self.accounts
        if self.keyed:
            self.by_key.update((stored[1], stored) for stored in rows)
        get = by_slot.get
        for stored in rows:  # put() written out: this runs for every held transaction
            slot = (accounts.get(stored[5]) or self.account(stored[5]), stored[3], stored[4])
            found = get(slot)
            if found is None:
                by_slot[slot] = stored
            elif isinstance(found, list):
                found.append(stored)
            else:
                by_slot[slot] = [found, stored]
        self._held += rows

    def _forget(self) -> None:
        self._held = []
        self.by_key.clear()
        self.by_slot.clear()
        self._twins.clear()
        self._indexed.clear()
        self._carriers.clear()
        self._strong.clear()
