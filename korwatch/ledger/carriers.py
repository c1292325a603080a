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

Only the stored transactions of the document's dates are held (window.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import cast

from korwatch.ledger.identity import (
    Carrier,
    account_key,
    booked_on_value,
    fit,
    fit_parts,
    near_fit,
    strong_text,
)
from korwatch.ledger.rows import Row, TransactionRow
from korwatch.ledger.window import Held, Twins, Window, entries
from korwatch.models import money


class Matcher:
    """Matches a document's bank lines against the transactions the ledger holds."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        business: str,
        document: tuple[str, str, str],
        first_id: int,
    ) -> None:
        self.connection, self.business = connection, business
        self.sha256, self.name, self.format = document
        self.documents = {
            str(sha): (str(name), str(kind or ""))
            for sha, name, kind in connection.execute(
                "SELECT sha256, name, format FROM documents WHERE business = ?", (business,)
            )
        }
        formats = {sha: kind for sha, (_, kind) in self.documents.items()}
        self.window = Window(connection, business, first_id, formats, self.format)
        self.claimed: set[int] = set()
        # (record, document, line, how, key of the line): the carriers found, until flushed
        self.carriers: list[tuple[int, str, int, str, str]] = []
        self.matched = 0  # lines found through another document (not by their dedup key)
        self.reviews: list[tuple[str, int, str, str]] = []  # (new key, stored id, notes)

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
        window = self.window
        window.move([line[1] for line in lines])
        if not window:
            return rows
        fresh: list[TransactionRow] = []
        pending: list[tuple[TransactionRow, list[Held]]] = []
        by_key, by_cents, accounts = window.by_key, window.by_cents, window.accounts
        for line in lines:
            stored = by_key.get(line[0]) if by_key else None
            row = line if stored is None else self._same_key(line, stored)
            if row is None:
                continue
            found = by_cents.get(row[3])
            if found is None:
                fresh.append(row)
                continue
            group = window.slot(found, accounts[row[5]], row[4])
            if not group:
                fresh.append(row)
            else:
                pending.append((row, group))
        fresh += self._pair(pending)
        self._review(fresh)
        return cast(list[Row], fresh)

    def flush(self) -> None:
        """Store the carriers found so far (in the caller's transaction). The document and how
        are written into the statement, not bound per row (a re-import stores 100,000)."""
        document = self.sha256.replace("'", "''")
        for how in ("same-line", "same-transaction"):
            rows = [(record, line) for record, _, line, kind, _ in self.carriers if kind == how]
            if rows:
                self.connection.executemany(
                    "INSERT INTO carriers (record, document, line, how) "
                    f"VALUES (?, '{document}', ?, '{how}')",
                    rows,
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

    def _same_key(self, row: TransactionRow, stored: Held) -> TransactionRow | None:
        """A line with a stored line's dedup key: a carrier of it, or, when its amount differs
        (a bank id reused with another amount), a new record under its own key, for review.
        When a line of this document was already paired with the stored one (in an earlier
        chunk: a chunk may end inside a day), this line is another payment: it is matched as a
        new line, under a key of its own (the stored one holds this key)."""
        if stored[0] in self.claimed:
            return (f"{row[0]}@{self.sha256[:16]}", *row[1:])
        if stored[3] == row[3] and stored[4] == row[4]:
            self.claimed.add(stored[0])
            self.carriers.append((stored[0], self.sha256, row[-1], "same-line", row[0]))
            return None
        changed = (f"{row[0]}~{row[3]}", *row[1:])
        line = self._carrier(changed)
        self.reviews.append((line.key, stored[0], *self._notes(line, self.window.carrier(stored))))
        return changed

    def _pair(self, pending: list[tuple[TransactionRow, list[Held]]]) -> list[TransactionRow]:
        """Pair lines with stored transactions of their slot, the best fits first: those
        booked the same day, then (for the lines left) those a few days apart whose value
        dates tie them. The rest are new."""
        taken = self._assign(pending, range(len(pending)), near=False)
        left = [index for index in range(len(pending)) if index not in taken]
        if left:
            taken |= self._assign(pending, left, near=True)
        return [row for index, (row, _) in enumerate(pending) if index not in taken]

    def _assign(
        self,
        pending: list[tuple[TransactionRow, list[Held]]],
        indexes: Iterable[int],
        *,
        near: bool,
    ) -> set[int]:
        """Pair the lines at `indexes` with candidates booked the same day (or, `near`, a few
        days apart), the best fit first. On the parts themselves: a re-import in another
        format pairs every line."""
        candidates = self._candidates(pending, indexes, near=near)
        details = self.window.details([held for _, _, held in candidates])
        claimed, options = self.claimed, []
        for (index, on_value, _), found in zip(candidates, details, strict=True):
            row = pending[index][0]
            day, value = row[1], row[11]
            if near and not near_fit(day, value, found[2], found[7], (on_value, bool(found[12]))):
                continue
            score = fit_parts(
                row[10], row[7], row[6], row[8] or row[9], found[6], found[8], found[10] or "",
                found[11] or "", same_format=bool(found[9]),
            )  # fmt: skip
            if score is not None:
                options.append((-score, found[0], index))
        options.sort()
        taken: set[int] = set()
        for _, stored_id, index in options:
            if index in taken or stored_id in claimed:
                continue
            taken.add(index)
            claimed.add(stored_id)
            self.matched += 1
            row = pending[index][0]
            self.carriers.append((stored_id, self.sha256, row[-1], "same-transaction", row[0]))
        return taken

    def _candidates(
        self,
        pending: list[tuple[TransactionRow, list[Held]]],
        indexes: Iterable[int],
        *,
        near: bool,
    ) -> list[tuple[int, bool, Held]]:
        """(line's index, whether it is booked on its value date, held transaction): the
        unclaimed ones of its slot booked the same day or, `near`, another day where one of
        the two is an MT940 line booked on its value date (identity.near_fit: others never
        fit a few days apart), to be compared."""
        claimed, found = self.claimed, []
        for index in indexes:
            row, group = pending[index]
            day = row[1]
            on_value = near and booked_on_value(self.format, day, row[11])
            for held in group:
                if held[0] in claimed:
                    continue
                if near:
                    if held[2] == day or not (on_value or held[8]):
                        continue
                elif held[2] != day:
                    continue
                found.append((index, on_value, held))
        return found

    def _review(self, fresh: list[TransactionRow]) -> None:
        """Mark a new credit that a stored credit of the day has with another amount, the
        same text and a fitting counterparty (or the same bank id): the same payment read
        differently, or two payments; a person decides. Only credits: a debit never counts,
        so another amount changes no turnover. Texts are made plain only for credits that
        share the day and counterparty (or where one side names none)."""
        credits = [row for row in fresh if row[3] > 0]
        if not credits:
            return
        window = self.window
        party, partyless, texts, ids = self._twins(credits)
        for row in credits:
            account, day = window.account(row[5]), row[1]
            if row[7]:
                found = entries(party.get((account, day, account_key(row[7]))))
                plain_texts = partyless
            else:
                found, plain_texts = [], texts
            if plain_texts:
                text = strong_text(row[8] or row[9])
                found = [*found, *entries(plain_texts.get((account, day, text)))] if text else found
            if row[10]:
                found = [*found, *entries(ids.get((account, "id", row[10].strip())))]
            if found:
                self._review_line(self._carrier(row), found)

    def _twins(self, credits: list[TransactionRow]) -> tuple[Twins, Twins, Twins, Twins]:
        """The window's review indexes these credits look in (window.twins), each asked of it
        once per chunk, an empty one where no credit looks: by counterparty account, of those
        without one, by text, by bank id."""
        window, none = self.window, cast(Twins, {})
        parties = any(row[7] for row in credits)
        return (
            window.twins("party") if parties else none,
            window.twins("partyless") if parties else none,
            window.twins("text") if not all(row[7] for row in credits) else none,
            window.twins("id") if any(row[10] for row in credits) else none,
        )

    def _review_line(self, line: Carrier, found: list[Held]) -> None:
        text = ""
        for candidate in found:
            if candidate[0] in self.claimed or candidate[3] == line.cents:
                continue
            same_id = bool(line.bank_id) and line.bank_id.strip() == (candidate[7] or "").strip()
            if not same_id:
                text = text or strong_text(line.text)
                if not text or text != self.window.strong(candidate):
                    continue
            stored = self.window.carrier(candidate)
            if fit(line, stored) is not None:
                self.claimed.add(stored.id)
                self.reviews.append((line.key, stored.id, *self._notes(line, stored)))
                return

    def _notes(self, line: Carrier, stored: Carrier) -> tuple[str, str]:
        """The review notes of a new line and the stored record it may duplicate."""
        document, number = self.window.origin(stored.id)
        name, kind = self.documents.get(document, ("another document", ""))
        here = f"{self.name} ({self.format})" if self.format else self.name
        there = f"{name} ({kind})" if kind else name
        tail = "both are counted until a person decides"
        return (
            f"the same payment may be in {there} line {number} as EUR "
            f"{money(stored.cents)}: {tail}",
            f"the same payment may be in {here} line {line.line} as EUR {money(line.cents)}: "
            f"{tail}",
        )

    def _carrier(self, row: TransactionRow) -> Carrier:
        (key, day, _, cents, currency, account, name, iban, text, reference, bank_id, value_day,
         _, _, line) = row  # fmt: skip
        return Carrier(
            0, key, day, cents, currency, self.window.account(account), name, iban,
            text or reference, bank_id, value_day, self.format, self.sha256, line,
        )  # fmt: skip


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
