"""The invoices of one XAF 3.2 sales-journal `transaction`.

What is what (checked on the Exact Online and Multivers samples, by hand and by a script that
compared each invoice's gross with its debtor lines on the RGS "BVorDeb" accounts):

* One transaction may hold several invoices: Multivers books up to four invoices, of different
  customers, in one transaction (its 21 sales transactions hold 32 invoices). Lines are grouped
  by `invRef`; a line without one joins the group before it. One Invoice per group.
* Revenue lines. Profit-and-loss is not enough: Multivers books cost of sales (7xxx, RGS
  "WKpr...") in the sales journal, and Banana's chart has "8000 Kostprijs verkopen". So:
  - with an RGS `leadReference` (Exact, Multivers: "WOmz..." is turnover), WOmz accounts;
  - without RGS codes, profit-and-loss (accTp P) lines that carry `vat` details;
  - and, in both cases, any line that is the basis of non-zero VAT moving the same way (credit
    with credit VAT): Multivers books project invoices on balance account 2016 "Gefactureerd op
    projecten". A debtor or cash line moves opposite to its VAT (Banana puts `vat` on its cash
    line), so it never qualifies; the VAT accounts never do.
* net = the revenue lines, credit positive; a negative net is a credit note.
* vat = the lines on the VAT accounts named by `vatCodes` (vatToPayAccID / vatToClaimAccID),
  credit positive; without such lines, the revenue lines' `vat/vatAmnt`. The accounts come
  first because Multivers writes discount VAT as a negative amount on the debit side
  ("-19.93" D), which the details cannot be trusted to sign consistently.
* number = `invRef`, else the first `docRef`, else the transaction `nr`; date = the first
  line's `effDate` (grouped invoices differ in date), else `trDt`; customer = `custSupID`
  resolved through `customersSuppliers` (the id itself when unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from korwatch.errors import ParseError
from korwatch.formats.base import checked_amount
from korwatch.formats.safexml import Element, line_of, path, text_at
from korwatch.models import CENT, Invoice

_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_ZERO = Decimal("0.00")
# RGS (Referentie GrootboekSchema) codes: B/W + capitalised three-letter groups, e.g. WOmzNohOlh.
_RGS = re.compile(r"[BW][A-Z][a-z]{2}(?:[A-Z][a-z]{2})*")


@dataclass(slots=True)
class Books:
    """What the auditfile says before its transactions: master data needed to read them."""

    currency: str = "EUR"
    customers: dict[str, str] = field(default_factory=dict)  # custSupID -> custSupName
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)  # accID -> (accTp, lead)
    vat_accounts: set[str] = field(default_factory=set)


def to_invoices(transaction: Element, namespace: str, books: Books) -> list[Invoice]:
    """One Invoice per invoice reference in the transaction."""
    line = line_of(transaction)
    groups: dict[str, list[Element]] = {}
    current = ""
    for item in transaction.iterfind(path(namespace, "trLine")):
        current = text_at(item, namespace, "invRef") or current
        groups.setdefault(current, []).append(item)
    return [
        _invoice(reference, lines, transaction, namespace, books, line)
        for reference, lines in groups.items()
    ]


def _invoice(
    reference: str,
    lines: list[Element],
    transaction: Element,
    namespace: str,
    books: Books,
    line: int | None,
) -> Invoice:
    revenue = [item for item in lines if _is_revenue(item, namespace, books)]
    net = sum((_signed(item, namespace, "amnt", "amntTp") for item in revenue), _ZERO)
    customer_id = _first(lines, namespace, "custSupID")
    vat = _vat(lines, revenue, namespace, books)
    return Invoice(
        number=reference
        or _first(lines, namespace, "docRef")
        or text_at(transaction, namespace, "nr"),
        issue_date=_date(transaction, lines, namespace, line),
        customer=books.customers.get(customer_id, customer_id),
        net=net,
        vat=vat,
        gross=net + vat,
        currency=books.currency,
        credit_note=net < 0,
        customer_id=customer_id,
        line=line_of(lines[0]) or line or 0,  # the invoice's first line in the file
    )


def _vat(lines: list[Element], revenue: list[Element], namespace: str, books: Books) -> Decimal:
    accounts = [item for item in lines if text_at(item, namespace, "accID") in books.vat_accounts]
    if accounts:
        return sum((_signed(item, namespace, "amnt", "amntTp") for item in accounts), _ZERO)
    details = [vat for item in revenue for vat in item.iterfind(path(namespace, "vat"))]
    return sum((_signed(vat, namespace, "vatAmnt", "vatAmntTp") for vat in details), _ZERO)


def _is_revenue(item: Element, namespace: str, books: Books) -> bool:
    account = text_at(item, namespace, "accID")
    if account in books.vat_accounts:
        return False
    if _is_vat_basis(item, namespace):
        return True
    kind, lead = books.accounts.get(account, ("", ""))
    if _RGS.match(lead):
        return lead.startswith("WOmz")
    return kind.upper() == "P" and item.find(path(namespace, "vat")) is not None


def _is_vat_basis(item: Element, namespace: str) -> bool:
    """A line with non-zero VAT on its own side (the VAT is charged over this line)."""
    amount = _signed(item, namespace, "amnt", "amntTp")
    for vat in item.iterfind(path(namespace, "vat")):
        charged = _signed(vat, namespace, "vatAmnt", "vatAmntTp")
        if charged != 0 and (charged > 0) == (amount > 0):
            return True
    return False


def _signed(element: Element, namespace: str, amount: str, kind: str) -> Decimal:
    found = element.find(path(namespace, amount))
    line = line_of(found) if found is not None else line_of(element)
    raw = (found.text or "").strip() if found is not None else ""
    if not _AMOUNT.fullmatch(raw):
        raise ParseError(f"the {amount} {raw!r} is not a decimal number", line=line)
    value = checked_amount(Decimal(raw), line)
    if value.quantize(CENT) != value:
        raise ParseError(f"the {amount} {raw} has a fraction of a cent", line=line)
    side = text_at(element, namespace, kind).upper()
    if side not in ("C", "D"):
        raise ParseError(f"the {kind} is {side!r}, not C or D", line=line)
    return value.quantize(CENT) if side == "C" else -value.quantize(CENT)


def _first(lines: list[Element], namespace: str, local: str) -> str:
    for item in lines:
        value = text_at(item, namespace, local)
        if value:
            return value
    return ""


def _date(transaction: Element, lines: list[Element], namespace: str, line: int | None) -> date:
    raw = _first(lines, namespace, "effDate") or text_at(transaction, namespace, "trDt")
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as error:
        raise ParseError(f"the transaction date {raw!r} is not an ISO date", line=line) from error
