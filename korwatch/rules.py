"""What counts as KOR turnover, and why (pure: no I/O, no clock).

Every stored record gets a `Classified` verdict: whether it counts, the amount that counts (in
cents), the date it counts on, the rule that decided and a sentence saying why. On the bank basis
credits count and debits do not; credits from the business's own accounts are transfers. On the
invoice basis invoices count on their date and bank lines are evidence only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from korwatch.models import StoredRecord
from korwatch.references import invoice_number


@dataclass(frozen=True)
class RuleSettings:
    """The part of a business's config the rules read."""

    basis: str = "bank"  # "bank" or "invoices"
    own_ibans: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Classified:
    record: StoredRecord
    counts: bool
    amount_cents: int  # what counts towards turnover; 0 when it does not count
    effective_date: date  # the date it counts on
    rule: str  # short, stable name of the deciding rule, e.g. "credit", "own-account"
    reason: str  # a sentence for people (the accountant's file)
    invoice: str = ""  # the invoice number it names or is
    flags: tuple[str, ...] = ()


def classify(records: Iterable[StoredRecord], settings: RuleSettings) -> list[Classified]:
    """The verdict on each record, in the order given."""
    return [_classify_one(record, settings) for record in records]


def _classify_one(record: StoredRecord, settings: RuleSettings) -> Classified:
    if record.kind == "invoice":
        return _invoice(record, settings)
    return _bank_line(record, settings)


def _verdict(
    record: StoredRecord,
    counts: bool,
    rule: str,
    reason: str,
    invoice: str = "",
    amount: int | None = None,
) -> Classified:
    counted = (record.amount_cents if amount is None else amount) if counts else 0
    return Classified(record, counts, counted, record.date, rule, reason, invoice)


def _bank_line(record: StoredRecord, settings: RuleSettings) -> Classified:
    invoice = invoice_number(record.description, record.reference)
    if record.amount_cents <= 0:
        return _verdict(record, False, "debit", "money out (a debit) is not turnover", invoice)
    if record.counterparty_iban and _iban(record.counterparty_iban) in settings.own_ibans:
        return _verdict(
            record,
            False,
            "own-account",
            "a transfer from the business's own account (own_ibans)",
            invoice,
        )
    if record.reversal:
        return _verdict(
            record,
            False,
            "reversal",
            "a reversal (storno) of an earlier booking is not turnover",
            invoice,
        )
    if settings.basis == "invoices":
        return _verdict(
            record,
            False,
            "invoice-basis-payment",
            "on the invoice basis the invoice counts, not its payment",
            invoice,
        )
    return _verdict(
        record,
        True,
        "credit",
        "a credit on the bank basis counts as turnover (provisional)",
        invoice,
    )


def _invoice(record: StoredRecord, settings: RuleSettings) -> Classified:
    number = record.reference
    if settings.basis != "invoices":
        return _verdict(
            record,
            False,
            "bank-basis-invoice",
            "on the bank basis the payment counts, not the invoice",
            number,
        )
    if record.credit_note:
        return _verdict(
            record, True, "credit-note", "a credit note lowers the turnover of its year", number
        )
    return _verdict(record, True, "invoice", "an invoice counts on its date", number)


def _iban(value: str) -> str:
    return "".join(value.split()).upper()
