"""Records as the ledger's rows: the values bound to one INSERT per record, made in chunks.

Pure (no I/O), so that it can run where the records are read: in this process, or in the
child process that reads a big document (ledger/reader.py). A row holds everything the ledger
stores of a record, so the StoredRecord the rules see can be made back from it.

Layouts (see insert._insert_sql): a transaction row is
  (key, date, year, amount_cents, currency, account, counterparty_name, counterparty_iban,
   description, reference, bank_id, value_date, reversal, code, line);
an invoice row starts with (vat_cents, gross_cents, credit_note) and then has the same 15
places (account, counterparty_iban, description, bank_id and code empty). Both therefore end
with the same 13 places: the year is row[YEAR] and the amount row[AMOUNT] in either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import cast

from korwatch import clock
from korwatch.clock import accepted_dates, local_today
from korwatch.errors import ParseError
from korwatch.ledger.dedup import Keys
from korwatch.models import Invoice, Record, StoredRecord, Transaction, cents

CHUNK = 2000  # records per chunk (one executemany call, one progress report)
YEAR, AMOUNT = -13, -12
Row = tuple[object, ...]
TransactionRow = tuple[
    str, str, int, int, str, str, str, str, str, str, str, str | None, int, str, int
]
InvoiceRow = tuple[
    int, int, int, str, str, int, int, str, str, str, str, str, str, str, str | None, int, str, int
]
Chunk = tuple[str, list[Row]]  # ("transaction" | "invoice", rows)


def chunks(records: Iterable[Record], accepted: tuple[date, date] | None = None) -> Iterator[Chunk]:
    """The rows of `records` in runs of one kind, at most CHUNK long, in document order.

    Every format's records pass here on their way to the ledger, so this is where a date outside
    `accepted` (clock.accepted_dates: 2000 to next year, by korwatch's clock) refuses the file,
    naming the line: the rules and the emails cannot reason about year 9999."""
    dates = Dates(*(accepted or accepted_dates(local_today(clock.now()))))
    seen = dates.seen
    keys = Keys()
    rows: list[Row] = []
    kind = "transaction"
    for record in records:
        fresh = "transaction" if type(record) is Transaction else "invoice"
        if (fresh != kind and rows) or len(rows) >= CHUNK:
            yield kind, rows
            rows = []
        kind = fresh
        if isinstance(record, Transaction):
            if record.booking_date not in seen or record.value_date not in seen:
                dates.check(record.line, record.booking_date, record.value_date)
            rows.append(_transaction_row(keys, record))
        else:
            if record.issue_date not in seen or record.supply_date not in seen:
                dates.check(record.line, record.issue_date, record.supply_date)
            rows.append(_invoice_row(keys.key(record), record))
    if rows:
        yield kind, rows


class Dates:
    """The accepted dates, and those already found inside them (a document of 100,000 records
    holds a few hundred days, so each day is compared once)."""

    def __init__(self, first: date, last: date) -> None:
        self.first, self.last = first, last
        self.seen: set[date | None] = {None}  # no value date or supply date is fine

    def check(self, line: int, *days: date | None) -> None:
        for day in days:
            if day is None or day in self.seen:
                continue
            if not self.first <= day <= self.last:
                raise ParseError(
                    f"the date {day} is outside the dates korwatch accepts ({self.first} to "
                    f"{self.last}); correct the export or leave this line out",
                    line or None,
                )
            self.seen.add(day)


def counts(kind: str, row: Row) -> bool:
    """Whether the record may count as turnover (a credit or an invoice; never a debit)."""
    return kind == "invoice" or cast(int, row[AMOUNT]) > 0


def _transaction_row(keys: Keys, record: Transaction) -> Row:
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


def _invoice_row(key: str, invoice: Invoice) -> Row:
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


class StoredMaker:
    """StoredRecords from rows, as ledger.records_for_years would read them back."""

    def __init__(self, sha256: str, name: str) -> None:
        self.sha256, self.name = sha256, name
        self._dates: dict[str, date] = {}

    def _date(self, text: str) -> date:
        day = self._dates.get(text)
        if day is None:
            day = self._dates[text] = date.fromisoformat(text)
        return day

    def stored(self, record_id: int, kind: str, row: Row) -> StoredRecord:
        if kind == "transaction":
            (_, day, _, amount, currency, account, party, iban, text, reference, _, value,
             reversal, code, _) = cast(TransactionRow, row)  # fmt: skip
            return StoredRecord(
                record_id, kind, self._date(day), amount, currency, account, party, iban, text,
                reference, bool(reversal), code, self.sha256, self.name, None, None, False,
                self._date(value) if value else None,
            )  # fmt: skip
        (vat, gross, credit_note, _, day, _, net, currency, _, customer, _, _, number, _, supply,
         _, _, _) = cast(InvoiceRow, row)  # fmt: skip
        return StoredRecord(
            record_id, kind, self._date(day), net, currency, "", customer, "", "", number, False,
            "", self.sha256, self.name, vat, gross, bool(credit_note),
            self._date(supply) if supply else None,
        )  # fmt: skip
