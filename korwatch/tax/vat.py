"""Dutch VAT rates by date, and taking VAT off amounts that include it (kor-rules.md R2.10, R8).

Rates are named by class, not by number, because a class can change rate on a date: short-stay
accommodation ("logies") went from 9 % to 21 % on 2026-01-01 (R8.2). Culture, media and sport
stay 9 % (R8.2; U15 notes that final adoption of that law was not seen). Money is integer cents;
rounding is half up per item, the way an invoice line is rounded.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# (class, first day, rate in percent), newest first per class.
_RATES: dict[str, tuple[tuple[date, Decimal], ...]] = {
    "general": ((date(2012, 10, 1), Decimal(21)),),
    "reduced": ((date(2019, 1, 1), Decimal(9)),),
    "zero": ((date(1968, 1, 1), Decimal(0)),),
    "accommodation": ((date(2026, 1, 1), Decimal(21)), (date(2019, 1, 1), Decimal(9))),
}
RATE_CLASSES = tuple(_RATES)


def rate_on(rate_class: str, day: date) -> Decimal:
    """The rate in percent of `rate_class` valid on `day`."""
    for start, rate in _RATES[rate_class]:
        if day >= start:
            return rate
    return _RATES[rate_class][-1][1]


def net_of_vat(gross_cents: int, rate_class: str, day: date) -> int:
    """The amount without the VAT it includes: 1210.00 at 21 % gives 1000.00."""
    # Integer arithmetic in basis points: this runs for every credit after a crossing.
    basis_points = _BASIS_POINTS.get((rate_class, day))
    if basis_points is None:
        basis_points = _BASIS_POINTS[rate_class, day] = int(rate_on(rate_class, day) * 100)
    return _divide_half_up(gross_cents * 10000, 10000 + basis_points)


_BASIS_POINTS: dict[tuple[str, date], int] = {}  # a few thousand days at most


def vat_on_top(net_cents: int, rate_class: str, day: date) -> int:
    """VAT charged on top of a net price (R3.1: the whole crossing amount is taxed)."""
    return _round(Decimal(net_cents) * rate_on(rate_class, day) / 100)


def vat_included(gross_cents: int, rate_class: str, day: date) -> int:
    """VAT held inside an agreed price that cannot be raised (U4): 1200.00 at 21 % is 208.26."""
    return gross_cents - net_of_vat(gross_cents, rate_class, day)


def gross_up_fees(payout_cents: int, fee_percent: Decimal) -> int:
    """The gross sales behind a platform payout from which `fee_percent` was kept (R2.11)."""
    if fee_percent <= 0 or fee_percent >= 100:
        return payout_cents
    return _round(Decimal(payout_cents) * 100 / (100 - fee_percent))


def _divide_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, exactly (denominator > 0)."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
