"""Storing one document's records in the ledger, fast: an import may hold 100,000 of them.

What is the same for every record of the document (business, document, kind) is written into
the INSERT statement instead of being bound per row, and rows go to SQLite in chunks. When
every record of the document is new, their ids are known without reading them back, so the
document's counting records (credits and invoices) are handed to the evaluation that follows
as StoredRecords (see `Inserted.records_for`): reading them back costs more than storing them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from korwatch.dedup import Keys
from korwatch.models import Invoice, Record, StoredRecord, Transaction, cents

_COLUMNS = (
    "business, document, kind, vat_cents, gross_cents, credit_note, dedup_key, date, year, "
    "amount_cents, currency, account, counterparty_name, counterparty_iban, description, "
    "reference, bank_id, value_date, reversal, code, line"
)
CHUNK = 2000  # records per executemany call (and between progress reports)
_Row = tuple[object, ...]


@dataclass
class Inserted:
    """What storing a document did."""

    new: int = 0
    duplicates: int = 0
    per_year: Counter[int] = field(default_factory=Counter)  # records read, by year
    counting: list[StoredRecord] | None = None  # credits and invoices as stored, if all new

    @property
    def years(self) -> set[int]:
        return set(self.per_year)

    def records_for(self, ledger_counts: dict[int, int], years: list[int]) -> list[StoredRecord]:
        """The counting records of `years` in booking order (date, then id), as the ledger
        would return them, when the ledger holds nothing else in those years; else []."""
        if self.counting is None:
            return []
        if any(ledger_counts.get(year, 0) != self.per_year.get(year, 0) for year in years):
            return []
        wanted = set(years)
        found = [record for record in self.counting if record.date.year in wanted]
        found.sort(key=_DATE)  # stable: ties stay in id order
        return found


_DATE = attrgetter("date")


def insert_records(
    connection: sqlite3.Connection,
    business: str,
    document: tuple[str, str],
    records: Iterable[Record],
    progress: Callable[[int], None] | None = None,
) -> Inserted:
    """Insert the records not already present. `document` is (sha256, name).

    `progress`, if given, hears the number of records read every CHUNK records.
    """
    statements = {
        kind: _insert_sql(business, document[0], kind) for kind in ("transaction", "invoice")
    }
    first_id = _next_id(connection)
    result, kept = Inserted(), _Kept(document)
    before = connection.total_changes
    seen = 0
    for kind, rows in _chunks(records, result.per_year, kept):
        connection.executemany(statements[kind], rows)
        seen += len(rows)
        if progress is not None:
            progress(seen)
    result.new = connection.total_changes - before
    result.duplicates = seen - result.new
    if result.duplicates == 0 and _ids_follow(connection, first_id, result.new):
        result.counting = kept.stored(first_id)
    return result


def _next_id(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM records").fetchone()[0])


def _ids_follow(connection: sqlite3.Connection, first_id: int, new: int) -> bool:
    """Whether the new rows got the ids first_id, first_id + 1, ... in the order inserted
    (SQLite gives max(id) + 1; checked, not assumed)."""
    count, last = connection.execute(
        "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM records WHERE id >= ?", (first_id,)
    ).fetchone()
    return bool(count == new and (new == 0 or last == first_id + new - 1))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_sql(business: str, document: str, kind: str) -> str:
    """The INSERT for one document's records of one kind. What is the same for all of them is
    written into the statement, not bound per row: binding is most of SQLite's cost here."""
    constants = [_quote(business), _quote(document), _quote(kind)]
    constants += ["?, ?, ?"] if kind == "invoice" else ["NULL, NULL, 0"]
    values = ", ".join(constants + ["?"] * 15)
    return f"INSERT OR IGNORE INTO records ({_COLUMNS}) VALUES ({values})"


class _Kept:
    """The document's credits and invoices with their position among its rows."""

    def __init__(self, document: tuple[str, str]) -> None:
        self.sha256, self.name = document
        self.items: list[tuple[int, Record]] = []
        self.position = 0

    def add(self, record: Record, counts: bool) -> None:
        if counts:
            self.items.append((self.position, record))
        self.position += 1

    def stored(self, first_id: int) -> list[StoredRecord]:
        return [self._stored(first_id + position, record) for position, record in self.items]

    def _stored(self, record_id: int, record: Record) -> StoredRecord:
        sha, name = self.sha256, self.name
        if isinstance(record, Transaction):
            return StoredRecord(
                record_id, "transaction", record.booking_date, cents(record.amount),
                record.currency, record.account, record.counterparty_name,
                record.counterparty_iban, record.description, record.reference, record.reversal,
                record.code, sha, name, None, None, False, record.value_date,
            )  # fmt: skip
        return StoredRecord(
            record_id, "invoice", record.issue_date, cents(record.net), record.currency, "",
            record.customer, "", "", record.number, False, "", sha, name, cents(record.vat),
            cents(record.gross), record.credit_note, record.supply_date,
        )  # fmt: skip


def _chunks(
    records: Iterable[Record], per_year: Counter[int], kept: _Kept
) -> Iterator[tuple[str, list[_Row]]]:
    """Rows in runs of one kind, at most CHUNK long, in document order."""
    keys = Keys()
    rows: list[_Row] = []
    kind = "transaction"
    for record in records:
        fresh = "transaction" if type(record) is Transaction else "invoice"
        if (fresh != kind and rows) or len(rows) >= CHUNK:
            yield kind, rows
            rows = []
        kind = fresh
        if isinstance(record, Transaction):
            per_year[record.booking_date.year] += 1
            kept.add(record, record.amount > 0)
            rows.append(_transaction_row(keys, record))
        else:
            per_year[record.issue_date.year] += 1
            kept.add(record, True)
            rows.append(_invoice_row(keys.key(record), record))
    if rows:
        yield kind, rows


def _transaction_row(keys: Keys, record: Transaction) -> _Row:
    """The bound values of a transaction, in the order of _insert_sql's placeholders."""
    key = keys.key(record)
    day = record.booking_date
    value_date = record.value_date
    return (
        key,
        keys.iso_dates.get(day) or day.isoformat(),
        day.year,
        cents(record.amount),
        record.currency,
        record.account,
        record.counterparty_name,
        record.counterparty_iban,
        record.description,
        record.reference,
        record.bank_id,
        value_date.isoformat() if value_date else None,
        int(record.reversal),
        record.code,
        record.line,
    )


def _invoice_row(key: str, invoice: Invoice) -> _Row:
    day = invoice.issue_date
    supply = invoice.supply_date
    return (
        cents(invoice.vat),
        cents(invoice.gross),
        int(invoice.credit_note),
        key,
        day.isoformat(),
        day.year,
        cents(invoice.net),
        invoice.currency,
        "",
        invoice.customer,
        "",
        "",
        invoice.number,
        "",
        supply.isoformat() if supply else None,
        0,
        "",
        invoice.line,
    )
