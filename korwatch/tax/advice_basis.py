"""What the ledger says about costs and customers over a stretch of days (pure).

The comparison of staying in the KOR with leaving it rests on two sums over the same days:
the debits by the VAT they carry (debits.py) and the counted sales by who paid (customers.py),
with the VAT inside them. A purchase the size of a capital good from a payee paid only once is
a one-off: it is listed, not projected into the future (a planned one is given with --invest).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from korwatch.models import StoredRecord
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.customers import BUSINESS, CONSUMER, UNKNOWN, CustomerKind, customer_kind
from korwatch.tax.debits import GENERAL, NOT_A_COST, CostVat, cost_vat, debit_vat_cents
from korwatch.tax.debits import UNKNOWN as UNKNOWN_VAT
from korwatch.tax.revision import is_capital_good
from korwatch.tax.user_rules import CATEGORIES
from korwatch.tax.vat import RATE_CLASSES, net_of_vat, vat_included, vat_on_top
from korwatch.tax.verdict import NET_OF_VAT, Classified, RuleSettings

LISTED = 10  # unrecognised debits and unknown customers listed for the user to classify


@dataclass(frozen=True)
class CostGroup:
    vat: str  # general, reduced, none, unknown
    code: str  # what recognised them (debits.CostVat.code)
    count: int
    gross_cents: int
    vat_cents: int  # deductible outside the KOR; for unknown: at most (all at 21 %)


@dataclass(frozen=True)
class Debit:
    record: StoredRecord
    verdict: CostVat
    vat_cents: int  # as CostGroup.vat_cents


@dataclass(frozen=True)
class SalesGroup:
    count: int = 0
    received_cents: int = 0  # what these customers paid
    inside_cents: int = 0  # the VAT that would be inside it at unchanged prices
    on_top_cents: int = 0  # the VAT on top of it if prices rise


@dataclass(frozen=True)
class Basis:
    start: date
    end: date
    costs: tuple[CostGroup, ...]  # recurring debits, by class and code
    one_offs: tuple[Debit, ...]  # capital-good-sized purchases from a payee paid once
    sales: dict[str, SalesGroup]  # business, consumer, unknown: sales that carry VAT
    untaxed_cents: int  # counted sales without Dutch VAT (zero-rated, reverse-charged)
    counted_cents: int  # the same sales as they count towards the threshold (net of VAT
    # outside the KOR): the forecast speaks in these
    unknown_payees: tuple[tuple[str, int, int], ...]  # (payee, debits, total) of the largest
    unknown_customers: tuple[tuple[str, int], ...]  # (name, received) of the largest
    foreign_services_cents: int = 0  # reverse-charged services (an extra return inside the KOR)
    markers: dict[str, int] = field(default_factory=dict)  # customer markers: how many sales

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def vat_of(self, *classes: str) -> int:
        return sum(group.vat_cents for group in self.costs if group.vat in classes)

    def gross_of(self, *classes: str) -> int:
        return sum(group.gross_cents for group in self.costs if group.vat in classes)

    @property
    def sales_cents(self) -> int:
        return self.untaxed_cents + sum(group.received_cents for group in self.sales.values())


def basis(
    items: list[Classified],
    start: date,
    end: date,
    rules: RuleSettings,
    settings: AdviceSettings,
    *,
    one_offs_apart: bool = True,
    memo: dict[int, Any] | None = None,
) -> Basis:
    """The sums over records dated `start` through `end` (`items`: no record twice). `memo`
    keeps each record's cost or customer verdict for the next call over overlapping days."""
    inside = [item for item in items if start <= item.record.date <= end]
    memo = {} if memo is None else memo
    debits = _debits(inside, rules, settings, memo)
    one_offs = _one_offs(debits, settings) if one_offs_apart else []
    apart = {id(debit) for debit in one_offs}
    recurring = [debit for debit in debits if id(debit) not in apart]
    sales, untaxed, markers, unknown_names = _sales(inside, settings, memo)
    counted = sum(item.amount_cents for item in inside if item.counts)
    unknown: dict[str, list[int]] = {}
    for debit in debits:
        if debit.verdict.vat == UNKNOWN_VAT:
            entry = unknown.setdefault(debit.record.counterparty_name or "?", [0, 0])
            entry[0] += 1
            entry[1] -= debit.record.amount_cents
    payees = sorted(unknown.items(), key=lambda pair: -pair[1][1])
    return Basis(
        start=start,
        end=end,
        costs=_groups(recurring),
        one_offs=tuple(one_offs),
        sales=sales,
        untaxed_cents=untaxed,
        counted_cents=counted,
        unknown_payees=tuple((name, n, total) for name, (n, total) in payees[:LISTED]),
        unknown_customers=tuple(unknown_names.most_common(LISTED)),
        foreign_services_cents=-sum(
            d.record.amount_cents for d in debits if d.verdict.reverse_charge
        ),
        markers=dict(markers),
    )


def _debits(
    items: list[Classified], rules: RuleSettings, settings: AdviceSettings, memo: dict[int, Any]
) -> list[Debit]:
    found = []
    for item in items:
        record = item.record
        if record.kind != "transaction" or record.amount_cents >= 0:
            continue
        debit = memo.get(record.id)
        if debit is None:
            debit = memo[record.id] = _debit(record, rules, settings)
        if debit.verdict.vat != NOT_A_COST:
            found.append(debit)
    return found


def _debit(record: StoredRecord, rules: RuleSettings, settings: AdviceSettings) -> Debit:
    verdict = cost_vat(record, rules, settings.costs)
    return Debit(record, verdict, debit_vat_cents(record, verdict))


def _one_offs(debits: list[Debit], settings: AdviceSettings) -> list[Debit]:
    payees = Counter(_payee(debit.record) for debit in debits)
    return [
        debit
        for debit in debits
        if debit.verdict.vat in (GENERAL, UNKNOWN_VAT)
        and payees[_payee(debit.record)] == 1
        and is_capital_good(
            -debit.record.amount_cents, debit.record.date, settings.capital_good_cents
        )
    ]


def _payee(record: StoredRecord) -> str:
    return record.counterparty_iban.replace(" ", "").upper() or record.counterparty_name.casefold()


def _groups(debits: list[Debit]) -> tuple[CostGroup, ...]:
    sums: dict[tuple[str, str], list[int]] = {}
    for debit in debits:
        entry = sums.setdefault((debit.verdict.vat, debit.verdict.code), [0, 0, 0])
        entry[0] += 1
        entry[1] -= debit.record.amount_cents
        entry[2] += debit.vat_cents
    ordered = sorted(sums.items(), key=lambda pair: -pair[1][1])
    return tuple(
        CostGroup(vat, code, n, gross, vat_cents) for (vat, code), (n, gross, vat_cents) in ordered
    )


def _sales(
    items: list[Classified], settings: AdviceSettings, memo: dict[int, Any]
) -> tuple[dict[str, SalesGroup], int, Counter[str], Counter[str]]:
    sums = {kind: [0, 0, 0, 0] for kind in (BUSINESS, CONSUMER, UNKNOWN)}
    untaxed = 0
    markers: Counter[str] = Counter()
    unknown_names: Counter[str] = Counter()
    for item in items:
        if not item.counts or item.amount_cents == 0:
            continue
        sale = memo.get(item.record.id)
        if sale is None:
            sale = memo[item.record.id] = _sale(item, settings)
        kind, received, inside, on_top = sale
        if kind is None:
            untaxed += received
            continue
        markers[kind.marker] += 1
        if kind.kind == UNKNOWN:
            unknown_names[item.record.counterparty_name or "?"] += received
        entry = sums[kind.kind]
        entry[0] += 1
        entry[1] += received
        entry[2] += inside
        entry[3] += on_top
    sales = {kind: SalesGroup(*entry) for kind, entry in sums.items()}
    return sales, untaxed, markers, unknown_names


def _sale(item: Classified, settings: AdviceSettings) -> tuple[CustomerKind | None, int, int, int]:
    """(who paid, what they paid, VAT inside it, VAT on top of it); no one for untaxed sales."""
    received, rate_class = sale_of(item)
    if not rate_class:
        return None, received, 0, 0
    day = item.effective_date
    return (
        customer_kind(item.record, settings.customers),
        received,
        vat_included(received, rate_class, day),
        vat_on_top(received, rate_class, day),
    )


def sale_of(item: Classified) -> tuple[int, str]:
    """(what the customer paid, the VAT rate class it would carry; "" for none)."""
    record = item.record
    if record.kind == "invoice":
        gross = record.gross_cents if record.gross_cents is not None else record.amount_cents
        if record.vat_cents:
            return gross, _class_of(gross, record.amount_cents, item.effective_date)
        category = CATEGORIES.get(item.category)
        return gross, "" if category is not None and category.no_vat else "general"
    if NET_OF_VAT in item.flags:  # counted net of VAT: the rate is in the two amounts
        return record.amount_cents, _class_of(
            record.amount_cents, item.amount_cents, item.effective_date
        )
    return item.amount_cents, item.vat_class


def _class_of(gross_cents: int, net_cents: int, day: date) -> str:
    for rate_class in RATE_CLASSES:
        if rate_class != "zero" and net_of_vat(gross_cents, rate_class, day) == net_cents:
            return rate_class
    return "general"
