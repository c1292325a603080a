"""The verdict over the periods ahead, and what would flip it (pure).

The verdict adds up the open periods (where staying in the KOR is possible at all) and states a
choice only when the whole range points one way: outside the KOR pays ("leave", or "stay-out"
for a business not in it) or inside pays ("stay", "join"). Otherwise it is "uncertain" and says
how much hangs on the unrecognised debits and the unknown customers. What would flip it is
computed from the end of the range nearest to zero, so it is the smallest change that could.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from korwatch.tax.advice_periods import HUNDRED, Period, Range
from korwatch.tax.advice_settings import AdviceSettings

TO_GROSS = Decimal(121) / Decimal(21)  # the price (21 % VAT included) holding 1 euro of VAT


@dataclass(frozen=True)
class Flip:
    """A change that would turn the verdict: `code` says which, `cents` how much of it, `value`
    a number that is not money (hours per return, percentage points)."""

    code: str  # costs-lower, consumer-sales-higher, hours-higher, investment, business-share,
    # prices-rise, unknown-costs, unknown-customers
    cents: int = 0
    value: str = ""


@dataclass(frozen=True)
class Verdict:
    choice: str  # leave, stay, join, stay-out, uncertain
    gain: Range  # outside minus inside the KOR, summed over `periods`
    input_vat: Range
    investments_cents: int
    absorbed: Range
    pay_more: Range
    deducted: Range
    admin_cents: int
    returns: int
    turnover_cents: int
    revision_cents: int  # joining: VAT repaid on capital goods (in `gain`)
    periods: tuple[str, ...]
    flips: tuple[Flip, ...]
    looking_back: bool


def decide(
    periods: Sequence[Period],
    in_kor: bool,
    settings: AdviceSettings,
    *,
    looking_back: bool,
    revision_cents: int = 0,
) -> Verdict | None:
    """The verdict over `periods` (the open ones); None when there is none. `revision_cents`:
    VAT joining the KOR would repay on capital goods (U19), a cost of being inside."""
    chosen = [p for p in periods if p.open]
    if not chosen:
        return None
    zero = Range(0, 0)
    total = sum((p.gain for p in chosen), Range(revision_cents, revision_cents))
    verdict = Verdict(
        choice=_choice(total, in_kor),
        gain=total,
        input_vat=sum((p.input_vat for p in chosen), zero),
        investments_cents=sum(p.investments_cents for p in chosen),
        absorbed=sum((p.absorbed for p in chosen), zero),
        pay_more=sum((p.pay_more for p in chosen), zero),
        deducted=sum((p.deducted for p in chosen), zero),
        admin_cents=sum(p.admin_cents for p in chosen),
        returns=sum(p.returns for p in chosen),
        turnover_cents=sum(p.turnover_cents for p in chosen),
        revision_cents=revision_cents,
        periods=tuple(p.name for p in chosen),
        flips=(),
        looking_back=looking_back,
    )
    return replace(verdict, flips=flips(verdict, settings))


def _choice(total: Range, in_kor: bool) -> str:
    if total.low > 0:
        return "leave" if in_kor else "stay-out"
    if total.high < 0:
        return "stay" if in_kor else "join"
    return "uncertain"


def flips(verdict: Verdict, settings: AdviceSettings) -> tuple[Flip, ...]:
    """The smallest changes that would turn the verdict around."""
    if verdict.choice in ("leave", "stay-out"):
        return _outside_pays(verdict, settings)
    if verdict.choice in ("stay", "join"):
        return _inside_pays(verdict, settings)
    found = []
    if not verdict.input_vat.exact:
        found.append(Flip("unknown-costs", verdict.input_vat.high - verdict.input_vat.low))
    if not verdict.absorbed.exact and settings.consumer_prices == "stay":
        found.append(Flip("unknown-customers", verdict.absorbed.high - verdict.absorbed.low))
    return tuple(found)


def _gross(vat_cents: int) -> int:
    return int((vat_cents * TO_GROSS).to_integral_value())


def _outside_pays(verdict: Verdict, settings: AdviceSettings) -> tuple[Flip, ...]:
    margin = verdict.gain.low
    found = [Flip("costs-lower", _gross(margin))]
    if settings.consumer_prices == "stay":
        found.append(Flip("consumer-sales-higher", _gross(margin)))
    if verdict.returns and settings.hourly_rate_cents:
        hours = Decimal(verdict.admin_cents + margin) / (
            verdict.returns * settings.hourly_rate_cents
        )
        found.append(Flip("hours-higher", value=str(hours.quantize(Decimal("0.1")))))
    return tuple(found)


def _inside_pays(verdict: Verdict, settings: AdviceSettings) -> tuple[Flip, ...]:
    margin = -verdict.gain.high
    found = [Flip("investment", _gross(margin))]
    if settings.consumer_prices == "stay" and verdict.absorbed.low >= margin:
        shift = _gross(margin)
        if verdict.turnover_cents > 0:
            points = Decimal(shift) * HUNDRED / verdict.turnover_cents
            found.append(Flip("business-share", shift, str(points.quantize(Decimal("0.1")))))
        found.append(Flip("prices-rise", verdict.absorbed.low))
    return tuple(found)
