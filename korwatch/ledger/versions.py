"""Invoices edited after import: the new version replaces the old one for counting, and the old
one stays in the history (table `record_versions`, shown by `korwatch ledger`).

An invoice's dedup key is its number (and kind), so a Moneybird invoice whose amount, date or
customer changed, or an invoice CSV exported again with a corrected line, arrives under the key
of the stored invoice. When it says something else, the stored row takes the new values in
place (its id, and whatever refers to it, stays) and its former values go to the history; when
it says the same, the document is one more carrier of it. The version imported last is the one
that counts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import cast

from korwatch.ledger.rows import InvoiceRow, Row

_BATCH = 500  # keys per query (well under SQLite's limit on bound parameters)
_STORED = (
    "SELECT dedup_key, id, date, amount_cents, vat_cents, gross_cents, credit_note, currency, "
    "counterparty_name, value_date, reference FROM records WHERE business = ? AND "
    "kind = 'invoice' AND dedup_key IN ({})"
)
_KEEP_OLD = (
    "INSERT INTO record_versions (record, replaced_by, document, date, year, amount_cents, "
    "vat_cents, gross_cents, credit_note, currency, counterparty_name, value_date, line) "
    "SELECT id, ?, document, date, year, amount_cents, vat_cents, gross_cents, credit_note, "
    "currency, counterparty_name, value_date, line FROM records WHERE id = ?"
)
_TAKE_NEW = (
    "UPDATE records SET date = ?, year = ?, amount_cents = ?, vat_cents = ?, gross_cents = ?, "
    "credit_note = ?, currency = ?, counterparty_name = ?, value_date = ?, document = ?, "
    "line = ? WHERE id = ?"
)


@dataclass(frozen=True)
class InvoiceVersion:
    """What one version of an invoice says (money in cents, dates ISO)."""

    date: str
    net_cents: int
    vat_cents: int | None
    gross_cents: int | None
    credit_note: bool
    currency: str
    customer: str
    supply_date: str | None

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass(frozen=True)
class Edit:
    """An invoice stored before that a document brought in another version."""

    record: int
    number: str
    before: InvoiceVersion
    after: InvoiceVersion


def _version_of_row(row: Row) -> InvoiceVersion:
    (vat, gross, credit_note, _, day, _, net, currency, _, customer, _, _, _, _, supply,
     _, _, _) = cast(InvoiceRow, row)  # fmt: skip
    return InvoiceVersion(day, net, vat, gross, bool(credit_note), currency, customer, supply)


class Versions:
    """Sorts a document's invoice rows into new ones, repeats and edits, storing the edits."""

    def __init__(self, connection: sqlite3.Connection, business: str, sha256: str) -> None:
        self.connection, self.business, self.sha256 = connection, business, sha256
        self.edits: list[Edit] = []
        self.carriers: list[tuple[int, str, int, str]] = []

    def sift(self, rows: list[Row]) -> list[Row]:
        """The rows to insert; an edited invoice is updated here, a repeated one noted."""
        stored = self._stored([str(row[3]) for row in rows])
        if not stored:
            return rows
        fresh = []
        for row in rows:
            found = stored.get(str(row[3]))
            if found is None:
                fresh.append(row)
                continue
            record, number, before = found
            after = _version_of_row(row)
            if after == before:
                self.carriers.append((record, self.sha256, cast(int, row[-1]), "same-line"))
            else:
                self._replace(record, row, after)
                self.edits.append(Edit(record, number, before, after))
        return fresh

    def _stored(self, keys: list[str]) -> dict[str, tuple[int, str, InvoiceVersion]]:
        found: dict[str, tuple[int, str, InvoiceVersion]] = {}
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            query = _STORED.format(", ".join("?" * len(batch)))
            for (key, record, day, net, vat, gross, credit_note, currency, customer, supply,
                 number) in self.connection.execute(query, (self.business, *batch)):  # fmt: skip
                version = InvoiceVersion(
                    day, net, vat, gross, bool(credit_note), currency, customer, supply
                )
                found[key] = (record, number, version)
        return found

    def _replace(self, record: int, row: Row, after: InvoiceVersion) -> None:
        self.connection.execute(_KEEP_OLD, (self.sha256, record))
        self.connection.execute(
            _TAKE_NEW,
            (after.date, after.year, after.net_cents, after.vat_cents, after.gross_cents,
             int(after.credit_note), after.currency, after.customer, after.supply_date,
             self.sha256, row[-1], record),
        )  # fmt: skip

    def flush(self) -> None:
        if self.carriers:
            self.connection.executemany(
                "INSERT INTO carriers (record, document, line, how) VALUES (?, ?, ?, ?)",
                self.carriers,
            )
            self.carriers = []


@dataclass(frozen=True)
class OldVersion:
    """A replaced version of an invoice, as `korwatch ledger` lists it."""

    version: InvoiceVersion
    document_name: str  # the document that carried this version
    replaced_by: str  # the name of the document that brought the next version
    replaced_at: str  # when that document was imported


def history(
    connection: sqlite3.Connection, business: str, records: list[int]
) -> dict[int, list[OldVersion]]:
    """The replaced versions of these records, oldest first."""
    found: dict[int, list[OldVersion]] = {}
    for start in range(0, len(records), _BATCH):
        batch = records[start : start + _BATCH]
        rows = connection.execute(
            "SELECT v.record, v.date, v.amount_cents, v.vat_cents, v.gross_cents, "
            "v.credit_note, v.currency, v.counterparty_name, v.value_date, "
            "COALESCE(old.name, ''), COALESCE(new.name, ''), COALESCE(new.imported_at, '') "
            "FROM record_versions AS v "
            "LEFT JOIN documents AS old ON old.sha256 = v.document AND old.business = ? "
            "LEFT JOIN documents AS new ON new.sha256 = v.replaced_by AND new.business = ? "
            f"WHERE v.record IN ({', '.join('?' * len(batch))}) ORDER BY v.id",
            (business, business, *batch),
        )
        for (record, day, net, vat, gross, credit_note, currency, customer, supply, old_name,
             new_name, when) in rows:  # fmt: skip
            version = InvoiceVersion(
                day, net, vat, gross, bool(credit_note), currency, customer, supply
            )
            found.setdefault(record, []).append(OldVersion(version, old_name, new_name, when))
    return found
