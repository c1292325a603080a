"""The arithmetic of staying in the KOR against leaving it (or joining it), per period (pure).

For each stretch of time the answer covers (the rest of this year from the earliest date an exit
can take effect, and next year at the forecast's turnover; looking back, this year so far),
being outside the KOR gains the input VAT on costs (debits.py), including planned investments,
and costs the VAT on sales to customers who cannot deduct it (customers.py: at unchanged prices
you absorb it, raising prices makes consumers pay it) and the VAT returns (hours x rate per
return). Nobody can say what an unrecognised debit or customer is, so each figure is a range:
from none of them to all of them. A verdict is stated only when the whole range points one way;
otherwise it says what it depends on. Figures are estimates, never advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from korwatch.tax.advice_basis import Basis
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.customers import BUSINESS, CONSUMER, UNKNOWN
from korwatch.tax.debits import GENERAL, REDUCED
from korwatch.tax.debits import UNKNOWN as UNKNOWN_VAT
from korwatch.tax.eligibility import PERIOD_MONTHS

HUNDRED = Decimal(100)
GENERAL_INSIDE = Decimal(21) / Decimal(121)  # VAT inside a price at 21 %
GENERAL_ON_TOP = Decimal(21) / HUNDRED


@dataclass(frozen=True)
class Range:
    """From the low to the high end (cents); equal ends: nothing unknown."""

    low: int
    high: int

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    @property
    def exact(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class Plan:
    """A planned purchase (--invest AMOUNT[@DATE]): the price paid, 21 % VAT included."""

    gross_cents: int
    day: date | None = None


@dataclass(frozen=True)
class Period:
    name: str  # "so-far", "rest-of-year" or "next-year"
    start: date
    end: date
    open: bool  # False: the KOR is not available in it (the forecast goes over the threshold)
    turnover_cents: int
    input_vat: Range  # deductible outside the KOR: recognised .. plus all unrecognised at 21 %
    investments_cents: int  # of which: planned purchases
    absorbed: Range  # VAT inside sales to non-deducting customers at unchanged prices
    pay_more: Range  # what those customers would pay more if prices rise by the VAT
    deducted: Range  # VAT charged on top to businesses, which they deduct
    returns: int  # VAT returns filed outside the KOR
    admin_cents: int
    gain: Range  # outside minus inside the KOR, as the headline reads it

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def scaled(cents: int, days: int, of_days: int) -> int:
    """cents x days / of_days, rounded half up."""
    if of_days <= 0:
        return 0
    value = Decimal(cents) * days / of_days
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def returns_between(start: date, end: date, period: str) -> int:
    """How many return periods start from `start` through `end` (each is one return)."""
    step = PERIOD_MONTHS[period]
    count = 0
    for year in range(start.year, end.year + 1):
        for month in range(1, 13, step):
            if start <= date(year, month, 1) <= end:
                count += 1
    return count


@dataclass(frozen=True)
class SalesVat:
    absorbed: Range  # VAT inside sales to non-deducting customers, at unchanged prices
    pay_more: Range  # what those customers would pay more if prices rise by the VAT
    deducted: Range  # VAT on top charged to businesses, which they deduct: costs them nothing


def sales_vat(turnover_cents: int, basis: Basis, b2b_share: Decimal | None) -> SalesVat:
    """The VAT on `turnover_cents` of sales, shared out by customer as in `basis`; the unknown
    customers make the range: none of them (low) to all of them (high)."""
    weights = _weights(basis, b2b_share)

    def part(kinds: tuple[str, ...], which: int) -> int:
        return _round(turnover_cents * sum((weights[kind][which] for kind in kinds), Decimal(0)))

    return SalesVat(
        absorbed=Range(part((CONSUMER,), 0), part((CONSUMER, UNKNOWN), 0)),
        pay_more=Range(part((CONSUMER,), 1), part((CONSUMER, UNKNOWN), 1)),
        deducted=Range(part((BUSINESS,), 1), part((BUSINESS, UNKNOWN), 1)),
    )


def _weights(basis: Basis, b2b_share: Decimal | None) -> dict[str, tuple[Decimal, Decimal]]:
    """Per kind of customer: (VAT inside, VAT on top) per euro of all sales."""
    total = Decimal(basis.sales_cents)
    nothing = (Decimal(0), Decimal(0))
    if total <= 0:  # no sales seen: every customer unknown, at 21 %
        return {BUSINESS: nothing, CONSUMER: nothing, UNKNOWN: (GENERAL_INSIDE, GENERAL_ON_TOP)}
    sales = basis.sales
    if b2b_share is None:
        return {
            kind: (sales[kind].inside_cents / total, sales[kind].on_top_cents / total)
            for kind in (BUSINESS, CONSUMER, UNKNOWN)
        }
    inside = sum(group.inside_cents for group in sales.values()) / total
    on_top = sum(group.on_top_cents for group in sales.values()) / total
    business = b2b_share / HUNDRED
    return {
        BUSINESS: (inside * business, on_top * business),
        CONSUMER: (inside * (1 - business), on_top * (1 - business)),
        UNKNOWN: nothing,
    }


def _round(value: Decimal | float | int) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gain(input_vat: Range, absorbed: Range, admin_cents: int, prices: str) -> Range:
    """Outside minus inside the KOR: the low end takes the least input VAT and the most VAT
    absorbed. With prices = "rise" the customers pay the VAT, so nothing is absorbed."""
    if prices == "rise":
        return Range(input_vat.low - admin_cents, input_vat.high - admin_cents)
    return Range(
        input_vat.low - absorbed.high - admin_cents, input_vat.high - absorbed.low - admin_cents
    )


def period(
    name: str,
    start: date,
    end: date,
    turnover_cents: int,
    basis: Basis,
    settings: AdviceSettings,
    *,
    open: bool = True,
    investments_cents: int = 0,
) -> Period:
    """The figures of one stretch of time, from `basis` scaled to its days (the basis of a
    "so-far" period is the period itself: nothing is scaled). `turnover_cents` is turnover as
    it counts; the VAT on sales is taken from what customers pay, which outside the KOR
    includes the VAT (the basis says how the two relate)."""
    days = (end - start).days + 1
    known = scaled(basis.vat_of(GENERAL, REDUCED), days, basis.days)
    unknown = scaled(basis.vat_of(UNKNOWN_VAT), days, basis.days)
    if name == "so-far":  # what happened, one-offs included
        known += sum(d.vat_cents for d in basis.one_offs if d.verdict.vat == GENERAL)
        unknown += sum(d.vat_cents for d in basis.one_offs if d.verdict.vat == UNKNOWN_VAT)
    input_vat = Range(known + investments_cents, known + unknown + investments_cents)
    received = turnover_cents
    if basis.counted_cents > 0:
        received = scaled(turnover_cents, basis.sales_cents, basis.counted_cents)
    sales = sales_vat(received, basis, settings.b2b_share)
    returns = returns_between(start, end, settings.return_period)
    admin = returns * settings.cost_per_return_cents
    return Period(
        name,
        start,
        end,
        open,
        turnover_cents,
        input_vat,
        investments_cents,
        sales.absorbed,
        sales.pay_more,
        sales.deducted,
        returns,
        admin,
        gain(input_vat, sales.absorbed, admin, settings.consumer_prices),
    )


def customer_shares(basis: Basis) -> dict[str, str]:
    """Each kind's share of the sales that carry VAT, in percent with one decimal."""
    bearing = sum(group.received_cents for group in basis.sales.values())
    if bearing <= 0:
        return {kind: "0.0" for kind in (BUSINESS, CONSUMER, UNKNOWN)}
    return {
        kind: str((Decimal(group.received_cents) * HUNDRED / bearing).quantize(Decimal("0.1")))
        for kind, group in basis.sales.items()
    }


def year_end(day: date) -> date:
    return date(day.year, 12, 31)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
