"""Storing one document's records in the ledger, fast: an import may hold 100,000 of them.

What is the same for every record of the document (business, document, kind) is written into
the INSERT statement instead of being bound per row, and rows (ledger/rows.py) go to SQLite in
chunks. When
every record of the document is new, their ids are known without reading them back, so the
document's counting records (credits and invoices) are classified as they are stored and
handed to the evaluation that follows (see `Inserted.judged_for`): reading them back and
classifying them then costs more than storing them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from korwatch.ledger.carriers import Matcher
from korwatch.ledger.rows import YEAR, Chunk, Row, StoredMaker, counts
from korwatch.ledger.versions import Edit, Versions
from korwatch.models import StoredRecord
from korwatch.tax.verdict import Classified, amend

_COLUMNS = (
    "business, document, kind, vat_cents, gross_cents, credit_note, dedup_key, date, year, "
    "amount_cents, currency, account, counterparty_name, counterparty_iban, description, "
    "reference, bank_id, value_date, reversal, code, line"
)


Judge = Callable[[StoredRecord], Classified]
# Matching bank lines against what other documents stored (carriers.py). Only the benchmark
# turns it off, to measure what it costs (benchmarks/import_speed.py).
CROSS_FORMAT = True


@dataclass
class Inserted:
    """What storing a document did."""

    new: int = 0
    duplicates: int = 0  # lines the ledger held already (matched included)
    matched: int = 0  # of those, lines found through another document (another format)
    reviews: int = 0  # records marked as a possible double with another amount
    edits: list[Edit] = field(default_factory=list)  # invoices that came in a new version
    per_year: Counter[int] = field(default_factory=Counter)  # records read, by year
    judged: list[Classified] | None = None  # the verdicts on its credits and invoices, if all new
    invoices: int = 0  # invoice records read

    @property
    def years(self) -> set[int]:
        return set(self.per_year)

    def covers(self, ledger_counts: dict[int, int], years: list[int]) -> bool:
        """Whether every record the ledger holds in `years` is one this document stored."""
        return self.judged is not None and all(
            ledger_counts.get(year, 0) == self.per_year.get(year, 0) for year in years
        )

    def judged_for(
        self, ledger_counts: dict[int, int], years: list[int], *, copies: bool
    ) -> list[Classified] | None:
        """The verdicts on the counting records of `years` in booking order (date, then id),
        as classifying the records read back would give them before matching, when the
        ledger holds nothing else in those years; else None.

        `copies`: hand out copies, for a caller whose matching may change the items (it does
        on the invoice basis and with invoices among them): one document's items may serve
        the evaluations of several years."""
        if self.judged is None or not self.covers(ledger_counts, years):
            return None
        wanted = set(years)
        found = [item for item in self.judged if item.record.date.year in wanted]
        if copies:
            found = [amend(item) for item in found]
        found.sort(key=_RECORD_DATE)  # stable: ties stay in id order
        return found


_RECORD_DATE = attrgetter("record.date")


def insert_records(
    connection: sqlite3.Connection,
    business: str,
    document: tuple[str, str],
    chunks: Iterable[Chunk],
    judge: Judge,
    progress: Callable[[int], None] | None = None,
    *,
    format_name: str = "",
) -> Inserted:
    """Insert the rows (rows.chunks) not already present. `document` is (sha256, name);
    `format_name` the parser that read it.

    A bank line the ledger holds through another document becomes a carrier of it
    (carriers.py); an invoice in a new version replaces the stored one (versions.py).
    `judge` classifies one stored credit or invoice (rules.classify_one with the business's
    settings); `progress`, if given, hears the number of records read after each chunk.
    """
    statements = {
        kind: _insert_sql(business, document[0], kind) for kind in ("transaction", "invoice")
    }
    first_id = _next_id(connection)
    matcher = (
        Matcher.open(connection, business, (*document, format_name), first_id)
        if CROSS_FORMAT
        else None
    )
    versions = Versions(connection, business, document)
    result, kept = Inserted(), _Kept(first_id, StoredMaker(*document), judge)
    per_year, read = result.per_year, 0
    for kind, rows in chunks:
        for row in rows:
            per_year[row[YEAR]] += 1  # type: ignore[index]
        read += len(rows)
        fresh = rows
        if kind == "invoice":
            result.invoices += len(rows)
            fresh = versions.sift(rows)
        elif matcher is not None:
            fresh = matcher.sift(rows)
            matcher.flush()
        before = connection.total_changes
        connection.executemany(statements[kind], fresh)
        result.new += connection.total_changes - before
        kept.add(kind, fresh)
        if progress is not None:
            progress(read)
    versions.flush()
    result.edits = versions.edits
    if matcher is not None:
        result.matched, result.reviews = matcher.matched, matcher.finish()
    result.duplicates = read - result.new - len(result.edits)
    plain = result.duplicates == 0 and not result.edits and not result.reviews
    if plain and _ids_follow(connection, first_id, result.new):
        result.judged = kept.judged
    return result


def _next_id(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM records").fetchone()[0])


def _ids_follow(connection: sqlite3.Connection, first_id: int, new: int) -> bool:
    """Whether the new rows got the ids first_id, first_id + 1, ... in the order inserted.

    SQLite gives each new row max(id) + 1 (checked, not assumed): inside this write
    transaction no id at or above first_id existed before, so `new` rows ending at
    first_id + new - 1 fill that range exactly. MAX(id) is read off the end of the table."""
    return new == 0 or _next_id(connection) - 1 == first_id + new - 1


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
    """The verdicts on the document's counting records (credits, invoices), made as the rows
    go by, on StoredRecords with the ids they get if every row is new (checked at the end).
    Made early, they cost no memory for the rows, and when a child reads the document this
    process has the time to make them (see ledger/reader.py)."""

    def __init__(self, first_id: int, maker: StoredMaker, judge: Judge) -> None:
        self.judged: list[Classified] = []
        self.position = first_id
        self.maker, self.judge = maker, judge

    def add(self, kind: str, rows: list[Row]) -> None:
        stored, judge, position = self.maker.stored, self.judge, self.position
        self.judged += [
            judge(stored(position + offset, kind, row))
            for offset, row in enumerate(rows)
            if counts(kind, row)
        ]
        self.position += len(rows)
