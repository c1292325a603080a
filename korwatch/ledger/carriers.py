"""Recognising, while a document is stored, the bank transactions the ledger already holds
through another document: another export of the account, another format, a bank feed.

Such a line becomes one more *carrier* of the stored transaction (table `carriers`), not a second
transaction. Identity and fit are identity.py's. Lines of one document are never merged with
each other (each is a booking), and each stored transaction carries at most one line of a
document: two identical payments of one day are two in any document, and a document that holds
them both next to one that holds one of them gives two, not three (the union of documents is
the largest count per document, not the sum).

A line with the same dedup key as a stored one (the same export again, overlapping) is a carrier
too. A credit with no stored match whose text (or bank id) is found on a stored credit of the
same day with another amount is stored, and both are marked for review: neither amount is
chosen silently.

Only the stored transactions of the document's dates (plus NEAR_DAYS) are held, a window that
moves with the document, so memory stays small whatever the ledger holds.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from itertools import chain
from typing import cast

from korwatch.ledger.identity import NEAR_DAYS, Carrier, account_key, fit, near_fit, strong_text
from korwatch.ledger.rows import Row, TransactionRow
from korwatch.models import money

_NEAR = timedelta(days=NEAR_DAYS)
_LOAD = (
    "SELECT id, dedup_key, date, amount_cents, currency, account, counterparty_name, "
    "counterparty_iban, description, reference, bank_id, value_date, document, line "
    "FROM records WHERE business = ? AND kind = 'transaction' AND year BETWEEN ? AND ? "
    "AND date BETWEEN ? AND ? AND id < ?"
)
Slot = tuple[str, int, str]  # (account key, cents, currency): a day's candidates share it


class Matcher:
    """The stored transactions a document's lines are matched against, a window at a time."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        business: str,
        document: tuple[str, str, str],
        first_id: int,
    ) -> None:
        self.connection, self.business, self.first_id = connection, business, first_id
        self.sha256, self.name, self.format = document
        self.documents = {
            str(sha): (str(name), str(kind or ""))
            for sha, name, kind in connection.execute(
                "SELECT sha256, name, format FROM documents WHERE business = ?", (business,)
            )
        }
        self.claimed: set[int] = set()
        # (record, document, line, how, key of the line): the carriers found, until flushed
        self.carriers: list[tuple[int, str, int, str, str]] = []
        self.matched = 0  # lines found through another document (not by their dedup key)
        self.reviews: list[tuple[str, int, str, str]] = []  # (new key, stored id, notes)
        self._accounts: dict[str, str] = {}
        self._window: tuple[date, date] | None = None
        self._held: list[Carrier] = []
        self._by_slot: dict[Slot, list[Carrier]] = {}
        self._by_key: dict[str, Carrier] = {}
        self._by_text: dict[tuple[str, str, str], list[Carrier]] | None = None

    @classmethod
    def open(
        cls,
        connection: sqlite3.Connection,
        business: str,
        document: tuple[str, str, str],
        first_id: int,
    ) -> Matcher | None:
        """A matcher, or None when the business has no bank transaction stored yet."""
        row = connection.execute(
            "SELECT 1 FROM records WHERE business = ? AND kind = 'transaction' LIMIT 1",
            (business,),
        ).fetchone()
        return None if row is None else cls(connection, business, document, first_id)

    def sift(self, rows: list[Row]) -> list[Row]:
        """The rows to insert: those that are not carriers of a stored transaction."""
        lines = cast(list[TransactionRow], rows)
        self._move(lines)
        if not self._held:
            return rows
        fresh: list[TransactionRow] = []
        pending: list[tuple[TransactionRow, list[Carrier]]] = []
        by_key, by_slot, account_of = self._by_key, self._by_slot, self._account
        for line in lines:
            stored = by_key.get(line[0])
            row = line if stored is None else self._same_key(line, stored)
            if row is None:
                continue
            group = by_slot.get((account_of(row[5]), row[3], row[4]))
            if group is None:
                fresh.append(row)
            else:
                pending.append((row, group))
        fresh += self._pair(pending)
        self._review(fresh)
        return cast(list[Row], fresh)

    def flush(self) -> None:
        """Store the carriers found so far (in the caller's transaction)."""
        if self.carriers:
            self.connection.executemany(
                "INSERT INTO carriers (record, document, line, how) VALUES (?, ?, ?, ?)",
                [carrier[:4] for carrier in self.carriers],
            )
            self.carriers = []

    def finish(self) -> int:
        """Store the carriers and the review notes; return how many records were noted."""
        self.flush()
        for key, stored, note_new, note_stored in self.reviews:
            self.connection.execute(
                "UPDATE records SET review = ? WHERE business = ? AND dedup_key = ?",
                (note_new, self.business, key),
            )
            self.connection.execute(
                "UPDATE records SET review = CASE WHEN review = '' THEN ? "
                "ELSE review || '; ' || ? END WHERE id = ?",
                (note_stored, note_stored, stored),
            )
        return 2 * len(self.reviews)

    def _same_key(self, row: TransactionRow, stored: Carrier) -> TransactionRow | None:
        """A line with a stored line's dedup key: a carrier of it, or, when its amount differs
        (a bank id reused with another amount), a new record under its own key, for review."""
        if stored.cents == row[3] and stored.currency == row[4]:
            self.claimed.add(stored.id)
            self.carriers.append((stored.id, self.sha256, row[-1], "same-line", row[0]))
            return None
        changed = (f"{row[0]}~{row[3]}", *row[1:])
        line = self._carrier(changed)
        self.reviews.append((line.key, stored.id, *self._notes(line, stored)))
        return changed

    def _pair(self, pending: list[tuple[TransactionRow, list[Carrier]]]) -> list[TransactionRow]:
        """Pair lines with stored transactions of their slot, the best fits first; the rest
        are new."""
        options: list[tuple[bool, int, int, int]] = []
        lines = [self._carrier(row) for row, _ in pending]
        for index, ((_, group), line) in enumerate(zip(pending, lines, strict=True)):
            for stored in group:
                if stored.id in self.claimed:
                    continue
                same_day = stored.day == line.day
                if not same_day and not near_fit(line, stored, _days_apart(line.day, stored.day)):
                    continue
                score = fit(line, stored)
                if score is not None:
                    options.append((not same_day, -score, stored.id, index))
        options.sort()
        taken: set[int] = set()
        for _, _, stored_id, index in options:
            if index in taken or stored_id in self.claimed:
                continue
            taken.add(index)
            self.claimed.add(stored_id)
            self.matched += 1
            line = lines[index]
            self.carriers.append((stored_id, self.sha256, line.line, "same-transaction", line.key))
        return [row for index, (row, _) in enumerate(pending) if index not in taken]

    def _review(self, fresh: list[TransactionRow]) -> None:
        """Mark a new credit whose text or bank id a stored credit of the day has with another
        amount: the same payment read differently, or two payments; a person decides."""
        for row in fresh:
            if row[3] <= 0:
                continue  # a debit never counts: another amount changes no turnover
            line = self._carrier(row)
            twin = self._twin(line)
            if twin is not None:
                self.claimed.add(twin.id)
                self.reviews.append((line.key, twin.id, *self._notes(line, twin)))

    def _twin(self, line: Carrier) -> Carrier | None:
        index = self._text_index()
        text = strong_text(line)
        found = index.get((line.account, line.day, text), []) if text else []
        if line.bank_id:
            found = list(chain(found, index.get((line.account, "id", line.bank_id.strip()), [])))
        for stored in found:
            if stored.id in self.claimed or stored.cents == line.cents:
                continue
            if fit(line, stored) is not None:
                return stored
        return None

    def _text_index(self) -> dict[tuple[str, str, str], list[Carrier]]:
        if self._by_text is None:
            index: dict[tuple[str, str, str], list[Carrier]] = defaultdict(list)
            for stored in self._held:
                if stored.cents <= 0:
                    continue
                text = strong_text(stored)
                if text:
                    index[(stored.account, stored.day, text)].append(stored)
                if stored.bank_id:
                    index[(stored.account, "id", stored.bank_id.strip())].append(stored)
            self._by_text = index
        return self._by_text

    def _notes(self, line: Carrier, stored: Carrier) -> tuple[str, str]:
        """The review notes of a new line and the stored record it may duplicate."""
        name, kind = self.documents.get(stored.document, ("another document", ""))
        here = f"{self.name} ({self.format})" if self.format else self.name
        there = f"{name} ({kind})" if kind else name
        tail = "both are counted until a person decides"
        return (
            f"the same payment may be in {there} line {stored.line} as EUR "
            f"{money(stored.cents)}: {tail}",
            f"the same payment may be in {here} line {line.line} as EUR {money(line.cents)}: "
            f"{tail}",
        )

    def _carrier(self, row: TransactionRow) -> Carrier:
        (key, day, _, cents, currency, account, name, iban, text, reference, bank_id, value_day,
         _, _, line) = row  # fmt: skip
        return Carrier(
            0, key, day, cents, currency, self._account(account), name, iban, text or reference,
            bank_id, value_day, self.format, self.sha256, line,
        )  # fmt: skip

    def _move(self, rows: list[TransactionRow]) -> None:
        """Hold the stored transactions of the rows' dates (and NEAR_DAYS around them), and
        no others: the window follows the document."""
        days = [row[1] for row in rows]
        low = date.fromisoformat(min(days)) - _NEAR
        high = date.fromisoformat(max(days)) + _NEAR
        window, day = self._window, timedelta(days=1)
        if window is not None and window[0] <= low and high <= window[1]:
            return
        if window is None or high < window[0] or low > window[1]:
            held = self._load(low, high)
        else:
            first, last = low.isoformat(), high.isoformat()
            held = [stored for stored in self._held if first <= stored.day <= last]
            if low < window[0]:
                held += self._load(low, window[0] - day)
            if high > window[1]:
                held += self._load(window[1] + day, high)
        self._window = (low, high)
        self._hold(held)

    def _load(self, start: date, end: date) -> list[Carrier]:
        rows = self.connection.execute(
            _LOAD,
            (self.business, start.year, end.year, start.isoformat(), end.isoformat(),
             self.first_id),
        )  # fmt: skip
        formats, account_of = self.documents, self._account
        return [
            Carrier(
                record, key, day, cents, currency, account_of(account), name, iban,
                text or reference, bank_id, value_day, formats.get(document, ("", ""))[1],
                document, line,
            )
            for (record, key, day, cents, currency, account, name, iban, text, reference,
                 bank_id, value_day, document, line) in rows
        ]  # fmt: skip

    def _account(self, account: str) -> str:
        key = self._accounts.get(account)
        if key is None:
            key = self._accounts[account] = account_key(account)
        return key

    def _hold(self, held: list[Carrier]) -> None:
        self._held = held
        self._by_key = {stored.key: stored for stored in held}
        by_slot: dict[Slot, list[Carrier]] = defaultdict(list)
        for stored in held:
            by_slot[(stored.account, stored.cents, stored.currency)].append(stored)
        self._by_slot = dict(by_slot)
        self._by_text = None


def _days_apart(first: str, second: str) -> int:
    return abs((date.fromisoformat(first) - date.fromisoformat(second)).days)


def also_in(
    connection: sqlite3.Connection, business: str, years: list[int]
) -> dict[int, list[str]]:
    """Record id -> the other documents that carried it ("name (format)"), for the records of
    these years, in the order they came."""
    marks = ", ".join("?" * len(years))
    rows = connection.execute(
        "SELECT c.record, COALESCE(d.name, c.document), COALESCE(d.format, '') "
        "FROM carriers AS c JOIN records AS r ON r.id = c.record "
        "LEFT JOIN documents AS d ON d.sha256 = c.document AND d.business = r.business "
        f"WHERE r.business = ? AND r.year IN ({marks}) ORDER BY c.id",
        (business, *years),
    )
    found: dict[int, list[str]] = {}
    for record, name, kind in rows:
        shown = f"{name} ({kind})" if kind else str(name)
        listed = found.setdefault(int(record), [])
        if shown not in listed:
            listed.append(shown)
    return found
