"""Storing one document's records in the ledger, fast: an import may hold 100,000 of them.

What is the same for every record of the document (business, document, kind) is written into
the INSERT statement instead of being bound per row, and rows (ledger_rows.py) go to SQLite in
chunks. When
every record of the document is new, their ids are known without reading them back, so the
document's counting records (credits and invoices) are handed to the evaluation that follows
as StoredRecords (see `Inserted.records_for`): reading them back costs more than storing them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from korwatch.ledger_rows import YEAR, Chunk, Row, StoredMaker, counts
from korwatch.models import StoredRecord

_COLUMNS = (
    "business, document, kind, vat_cents, gross_cents, credit_note, dedup_key, date, year, "
    "amount_cents, currency, account, counterparty_name, counterparty_iban, description, "
    "reference, bank_id, value_date, reversal, code, line"
)


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
    chunks: Iterable[Chunk],
    progress: Callable[[int], None] | None = None,
) -> Inserted:
    """Insert the rows (ledger_rows.chunks) not already present. `document` is (sha256, name).

    `progress`, if given, hears the number of records read after each chunk.
    """
    statements = {
        kind: _insert_sql(business, document[0], kind) for kind in ("transaction", "invoice")
    }
    first_id = _next_id(connection)
    result, kept = Inserted(), _Kept(first_id, StoredMaker(*document))
    per_year = result.per_year
    before = connection.total_changes
    for kind, rows in chunks:
        connection.executemany(statements[kind], rows)
        for row in rows:
            per_year[row[YEAR]] += 1  # type: ignore[index]
        kept.add(kind, rows)
        if progress is not None:
            progress(kept.position - first_id)
    result.new = connection.total_changes - before
    result.duplicates = kept.position - first_id - result.new
    if result.duplicates == 0 and _ids_follow(connection, first_id, result.new):
        result.counting = kept.records
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
    """The document's counting records (credits, invoices) as StoredRecords, made as the rows
    go by with the ids they get if every row is new (checked at the end): made early, they
    cost no extra memory for the rows, and a reader child leaves time to make them."""

    def __init__(self, first_id: int, maker: StoredMaker) -> None:
        self.records: list[StoredRecord] = []
        self.position = first_id
        self.maker = maker

    def add(self, kind: str, rows: list[Row]) -> None:
        stored, position = self.maker.stored, self.position
        self.records += [
            stored(position + offset, kind, row)
            for offset, row in enumerate(rows)
            if counts(kind, row)
        ]
        self.position += len(rows)
