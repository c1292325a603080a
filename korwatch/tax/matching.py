"""Matching bank payments to invoices: by invoice number, then by amount and customer.

A match decides dates. On the invoice basis the invoice counts and its payment is evidence; an
invoice paid before its date counts on the day the money came in (R7.1, T6). On the bank basis
the payment counts, dated at its invoice when that is earlier (R7.2), so a December invoice paid
in January counts in December (T12). Invoices no payment was matched to are flagged UNPAID; on
the invoice basis a payment no invoice was matched to counts as an advance unless the config
says otherwise (`unmatched_payments`, U20). One pass over the items with dictionary lookups.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from korwatch.tax.verdict import ADVANCE, REVIEW, UNPAID, Classified, RuleSettings

_TOKEN = re.compile(r"[A-Za-z0-9][\w/.-]*[A-Za-z0-9]|\d")
_LEGAL_FORMS = re.compile(r"\b(b\.?v\.?|v\.?o\.?f\.?|n\.?v\.?|gmbh|ltd|bvba|cv|holding)\b")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
MATCHABLE = frozenset({"credit", "platform-payout", "advance-payment"})


def normalise_number(value: str) -> str:
    return value.replace(" ", "").upper().lstrip("#")


def name_key(name: str) -> str:
    """A customer name without case, legal form and punctuation, for comparing names."""
    return _NOT_ALNUM.sub("", _LEGAL_FORMS.sub("", name.casefold()))


def _same_customer(one: str, other: str) -> bool:
    return bool(one and other) and (one in other or other in one)


class _Invoices:
    """The invoices of the items, indexed by number and by amount to pay."""

    def __init__(self, items: list[Classified]) -> None:
        self.by_number: dict[str, int] = {}
        self.by_amount: dict[int, list[int]] = {}
        self.paid: dict[int, int] = {}
        self.first_paid: dict[int, date] = {}
        for index, item in enumerate(items):
            record = item.record
            if record.kind != "invoice" or record.credit_note:
                continue
            self.by_number.setdefault(normalise_number(record.reference), index)
            self.by_amount.setdefault(_to_pay(item), []).append(index)

    def find(self, items: list[Classified], payment: Classified) -> int | None:
        record = payment.record
        if payment.invoice:
            found = self.by_number.get(normalise_number(payment.invoice))
            if found is not None:
                return found
        for token in _TOKEN.findall(f"{record.reference} {record.description}"):
            found = self.by_number.get(normalise_number(token))
            if found is not None:
                return found
        customer = name_key(record.counterparty_name)
        for index in self.by_amount.get(record.amount_cents, ()):
            invoice = items[index]
            if self.paid.get(index, 0) < _to_pay(invoice) and _same_customer(
                customer, name_key(invoice.record.counterparty_name)
            ):
                return index
        return None

    def pay(self, index: int, payment: Classified) -> None:
        self.paid[index] = self.paid.get(index, 0) + payment.record.amount_cents
        day = payment.record.date
        if index not in self.first_paid or day < self.first_paid[index]:
            self.first_paid[index] = day


def _to_pay(item: Classified) -> int:
    record = item.record
    return record.gross_cents if record.gross_cents is not None else record.amount_cents


def match(items: list[Classified], settings: RuleSettings) -> list[Classified]:
    """The items with payments tied to invoices and dates moved accordingly."""
    invoices = _Invoices(items)
    on_invoices = settings.basis == "invoices"
    for index, item in enumerate(items):
        record = item.record
        if record.kind == "invoice" or record.amount_cents <= 0 or item.rule not in MATCHABLE:
            continue
        found = invoices.find(items, item) if invoices.by_number else None
        if found is not None:
            invoices.pay(found, item)
            items[index] = _paid_with(item, items[found], on_invoices)
        elif on_invoices and item.rule == "credit":
            items[index] = _unmatched(item, settings)
    for index in invoices.by_number.values():
        items[index] = _settled(items[index], invoices, index, on_invoices)
    return items


def _paid_with(payment: Classified, invoice: Classified, on_invoices: bool) -> Classified:
    number = invoice.record.reference
    flags = tuple(flag for flag in payment.flags if flag != REVIEW)
    if on_invoices or not invoice_counts_category(invoice):
        why = "the invoice counts, not its payment" if on_invoices else invoice.reason
        reason = f"payment of invoice {number}: {why}"
        return _set(
            payment,
            counts=False,
            amount_cents=0,
            rule="invoice-payment",
            reason=reason,
            invoice=number,
            flags=flags,
            uncertain=(),
        )
    day = min(payment.record.date, invoice.effective_date)
    reason = (
        f"payment of invoice {number} of {invoice.effective_date}: counts on the earlier of "
        "invoice and payment date (R7.2)"
    )
    return _set(
        payment,
        effective_date=day,
        rule="invoice-payment",
        reason=reason,
        invoice=number,
        flags=flags,
        uncertain=(),
    )


def _set(item: Classified, **changes: Any) -> Classified:
    """Change an item in place: match() only sees items classify() has just made."""
    for name, value in changes.items():
        setattr(item, name, value)
    return item


def invoice_counts_category(invoice: Classified) -> bool:
    """False when a user rule put the invoice in a category that does not count."""
    return invoice.counts or invoice.rule == "bank-basis-invoice"


def _unmatched(item: Classified, settings: RuleSettings) -> Classified:
    if settings.unmatched_payments == "ignore":
        reason = (
            'a payment no invoice was matched to: not counted (unmatched_payments = "ignore", U20)'
        )
        return _set(item, counts=False, amount_cents=0, rule="unmatched-payment", reason=reason)
    reason = (
        "a payment no invoice was matched to: counted on the day received as an advance "
        '(R7.1; unmatched_payments = "count", U20); import its invoice or add a rule'
    )
    return _set(item, rule="unmatched-payment", reason=reason, flags=(REVIEW,), uncertain=("U20",))


def _settled(item: Classified, invoices: _Invoices, index: int, on_invoices: bool) -> Classified:
    paid = invoices.paid.get(index, 0)
    if paid < _to_pay(item):
        return _set(item, flags=(*item.flags, UNPAID))
    first = invoices.first_paid.get(index)
    if first is None:  # an invoice of 0.00 (or less): nothing was due, and nothing was paid
        return item
    if on_invoices and item.counts and first < item.effective_date:
        reason = (
            f"an invoice paid before its date counts on the day the money came in, {first} (R7.1)"
        )
        return _set(item, effective_date=first, reason=reason, flags=(*item.flags, ADVANCE))
    return item
