"""Invoices edited after import: the new version replaces the old one for counting, and the old
one stays in the history (table `record_versions`, shown by `korwatch ledger`).

An invoice's dedup key is its number (and kind), so a Moneybird invoice whose amount, date or
customer changed, or an invoice CSV exported again with a corrected line, arrives under the key
of the stored invoice. When it says something else, the stored row takes the new values in
place (its id, and whatever refers to it, stays) and its former values go to the history; when
it says the same, the document is one more carrier of it. The version imported last is the one
that counts.

Invoice exports carry no export date, so an older export dropped after a newer one brings back
a version the ledger already replaced, exactly as a real change back would. That is never
silent: the version imported last counts, and the invoice is flagged for review (`review`,
shown by `ledger` and `status`), naming the documents, until a later document carries the
invoice unchanged (a newer export or the next Moneybird pull confirms the version that counts).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, cast

from korwatch.ledger.rows import InvoiceRow, Row
from korwatch.models import money

_BATCH = 500  # keys per query (well under SQLite's limit on bound parameters)
_STORED = (
    "SELECT dedup_key, id, date, amount_cents, vat_cents, gross_cents, credit_note, currency, "
    "counterparty_name, value_date, reference, review FROM records WHERE business = ? AND "
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


_OLD_VERSIONS = (
    "SELECT document, date, amount_cents, vat_cents, gross_cents, credit_note, currency, "
    "counterparty_name, value_date FROM record_versions WHERE record = ? ORDER BY id"
)


def _version_of_stored(row: tuple[Any, ...]) -> InvoiceVersion:
    """A version from its stored columns: date, net, VAT, gross, credit note, currency,
    customer, supply date."""
    day, net, vat, gross, credit_note, currency, customer, supply = row
    return InvoiceVersion(day, net, vat, gross, bool(credit_note), currency, customer, supply)


class Versions:
    """Sorts a document's invoice rows into new ones, repeats and edits, storing the edits."""

    def __init__(
        self, connection: sqlite3.Connection, business: str, document: tuple[str, str]
    ) -> None:
        """`document` is (sha256, name) of the document being stored."""
        self.connection, self.business = connection, business
        self.sha256, self.name = document
        self.edits: list[Edit] = []
        self.carriers: list[tuple[int, str, int, str]] = []
        self.names: dict[str, str] = {}  # document sha256 -> name, read when first needed

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
            record, number, before, flagged = found
            after = _version_of_row(row)
            if after == before:
                self.carriers.append((record, self.sha256, cast(int, row[-1]), "same-line"))
                note = ""
            else:
                note = self._returning(record, number, before, after)
                self._replace(record, row, after)
                self.edits.append(Edit(record, number, before, after))
            if note or flagged:
                self.connection.execute(
                    "UPDATE records SET review = ? WHERE id = ?", (note, record)
                )
        return fresh

    def _returning(
        self, record: int, number: str, before: InvoiceVersion, after: InvoiceVersion
    ) -> str:
        """The review note when `after` is a version the invoice had before (an older export
        imported after a newer one, or a real change back: korwatch cannot tell), else ""."""
        rows = self.connection.execute(_OLD_VERSIONS, (record,)).fetchall()
        had = [str(row[0]) for row in rows if _version_of_stored(row[1:]) == after]
        if not had:
            return ""
        current = self.connection.execute(
            "SELECT document FROM records WHERE id = ?", (record,)
        ).fetchone()[0]
        return (
            f"invoice {number} went back to the version of {self._name(had[-1])} "
            f"(EUR {money(after.net_cents)}) with {self._name(self.sha256)}, replacing the "
            f"version of {self._name(str(current))} (EUR {money(before.net_cents)}): the "
            "version imported last counts; if that file is an older export, import a newer "
            "one: a later document carrying the invoice unchanged settles this"
        )

    def _name(self, sha256: str) -> str:
        if not self.names:
            self.names = {
                str(sha): str(name)
                for sha, name in self.connection.execute(
                    "SELECT sha256, name FROM documents WHERE business = ?", (self.business,)
                )
            }
        return self.name if sha256 == self.sha256 else self.names.get(sha256, "another document")

    def _stored(self, keys: list[str]) -> dict[str, tuple[int, str, InvoiceVersion, bool]]:
        """Key -> (record, invoice number, stored version, whether flagged for review)."""
        found: dict[str, tuple[int, str, InvoiceVersion, bool]] = {}
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            query = _STORED.format(", ".join("?" * len(batch)))
            for row in self.connection.execute(query, (self.business, *batch)):
                key, record, number, review = row[0], row[1], row[10], row[11]
                found[key] = (record, number, _version_of_stored(row[2:10]), bool(review))
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
        for row in rows:
            version = _version_of_stored(row[1:9])
            found.setdefault(row[0], []).append(OldVersion(version, *row[9:12]))
    return found
