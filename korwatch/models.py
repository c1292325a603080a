"""The records korwatch reads from exports, and the few value types shared by every layer.

Parsers turn files into `Transaction` (a bank line) and `Invoice` (a sales invoice or credit
note) records. Amounts are `Decimal` with at most two decimals; a bank amount is signed
(positive = money in). Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

CENT = Decimal("0.01")


# Records are immutable by convention, not `frozen=True`: a frozen dataclass costs ~3.5 us per
# construction (each field set through object.__setattr__), and an import builds 100,000 of
# them. They stay hashable (by value) so they can still be set members or dict keys.
@dataclass(slots=True, unsafe_hash=True)
class Transaction:
    """One booked line of a bank statement or bank export (treat as immutable)."""

    booking_date: date
    amount: Decimal  # signed: positive is a credit (money in), negative a debit
    currency: str  # ISO 4217, e.g. "EUR"
    account: str = ""  # the own account as the file names it (IBAN or bank account number)
    counterparty_name: str = ""
    counterparty_iban: str = ""
    description: str = ""  # free remittance text (Omschrijving, Ustrd, /REMI/, MEMO ...)
    reference: str = ""  # structured reference (betalingskenmerk, CdtrRefInf/Ref, EREF)
    bank_id: str = ""  # the bank's own unique id for this line; "" when the format has none
    value_date: date | None = None
    reversal: bool = False  # a storno / reversal of an earlier booking
    code: str = ""  # the bank's transaction code or type, as given (GT, N541, TRNTYPE ...)
    line: int = 0  # 1-based position in the document (line or entry number), for messages


@dataclass(slots=True, unsafe_hash=True)
class Invoice:
    """One sales invoice (or credit note) from an invoicing or bookkeeping export (immutable
    by convention, as Transaction)."""

    number: str
    issue_date: date
    customer: str
    net: Decimal  # excluding VAT; negative for a credit note
    vat: Decimal
    gross: Decimal  # net + vat
    currency: str = "EUR"
    credit_note: bool = False
    supply_date: date | None = None
    customer_id: str = ""
    line: int = 0


Record = Transaction | Invoice


_Day = date  # `date` is also a field name of StoredRecord


@dataclass(slots=True, unsafe_hash=True)
class StoredRecord:
    """A record as the ledger holds it (money in cents), as the rules and reports see it
    (immutable by convention, as Transaction: a year's evaluation loads 100,000 of them)."""

    id: int
    kind: str
    date: date
    amount_cents: int
    currency: str
    account: str
    counterparty_name: str
    counterparty_iban: str
    description: str
    reference: str
    reversal: bool
    code: str
    document: str
    document_name: str
    vat_cents: int | None
    gross_cents: int | None
    credit_note: bool
    value_date: _Day | None = None  # a bank line's value date; an invoice's supply date
    review: str = ""  # why a person should look at it (a possible double with another amount)


@dataclass(frozen=True, slots=True)
class Sample:
    """The head of a file, given to every parser to decide whether the file is its own."""

    path: Path
    head: bytes  # the first bytes of the file (at most HEAD_BYTES)
    text: str  # `head` decoded best-effort (utf-8-sig, else cp1252), for text formats

    @property
    def name(self) -> str:
        return self.path.name

    def lines(self, limit: int = 20) -> list[str]:
        """The first non-empty lines of the text head, without line ends."""
        found: list[str] = []
        for raw in self.text.splitlines():
            if raw.strip():
                found.append(raw)
                if len(found) >= limit:
                    break
        return found


HEAD_BYTES = 64 * 1024


_HUNDRED = Decimal(100)


def cents(amount: Decimal) -> int:
    """Exact integer cents of an amount that has at most two decimals."""
    scaled = amount * _HUNDRED
    whole = int(scaled)
    if whole != scaled:
        raise ValueError(f"amount {amount} has more than two decimals")
    return whole


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def money(value: int) -> str:
    """Cents as the contract's money string: two decimals, no thousands separator (what
    str(from_cents(value)) gives, without Decimal arithmetic: a ledger page formats 15,000)."""
    whole, part = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{whole}.{part:02d}"
