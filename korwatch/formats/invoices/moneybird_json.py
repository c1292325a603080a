"""Sales invoices fetched from Moneybird's API, as the `moneybird` source writes them: one JSON
object `{"korwatch": "moneybird-sales-invoices", "administration_id": ..., "invoices": [...]}`
whose invoices are the API's own sales-invoice objects.

Drafts (state "draft", no invoice_id) are not invoices yet and are skipped. Amounts are the API's
decimal strings: net = total_price_excl_tax, gross = total_price_incl_tax, VAT the difference.
A credit note is an invoice with `original_sales_invoice_id` set or a negative total; it is stored
negative.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from korwatch.errors import ParseError
from korwatch.formats.base import OwnDocument, Parser, checked_amount
from korwatch.models import Invoice, Record, Sample


class MoneybirdJsonParser(OwnDocument):
    name = "moneybird-json"
    label = "Moneybird sales invoices (fetched by korwatch's moneybird source)"
    marker = "moneybird-sales-invoices"
    what = "Moneybird invoices"

    def parse(self, sample: Sample) -> Iterator[Record]:
        _, items = self.document(sample, "invoices")
        for index, item in enumerate(items, start=1):
            invoice = invoice_of(item, index)
            if invoice is not None:
                yield invoice


def invoice_of(item: Any, index: int) -> Invoice | None:
    """One API sales invoice as an Invoice; None for a draft."""
    if not isinstance(item, dict):
        raise ParseError("an invoice is not an object", index)
    if item.get("state") == "draft" or not item.get("invoice_id"):
        return None
    net = _amount(item, "total_price_excl_tax", index)
    gross = _amount(item, "total_price_incl_tax", index)
    credit = item.get("original_sales_invoice_id") is not None or gross < 0 or net < 0
    if credit:
        net, gross = -abs(net), -abs(gross)
    try:
        issued = date.fromisoformat(str(item.get("invoice_date")))
    except ValueError:
        raise ParseError(
            f"invoice_date {item.get('invoice_date')!r} is not a date", index
        ) from None
    return Invoice(
        number=str(item["invoice_id"]),
        issue_date=issued,
        customer=_customer(item.get("contact")),
        net=net,
        vat=gross - net,
        gross=gross,
        currency=str(item.get("currency") or "EUR"),
        credit_note=credit,
        customer_id=str(item.get("contact_id") or ""),
        line=index,
    )


def _amount(item: dict[str, Any], key: str, index: int) -> Decimal:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParseError(f"{key} is missing", index)
    try:
        return checked_amount(Decimal(str(value)), index).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ParseError(f"{key} {value!r} is not an amount", index) from None


def _customer(contact: Any) -> str:
    if not isinstance(contact, dict):
        return ""
    company = str(contact.get("company_name") or "")
    person = " ".join(str(contact.get(k) or "") for k in ("firstname", "lastname")).strip()
    return company or person


PARSERS: list[Parser] = [MoneybirdJsonParser()]
