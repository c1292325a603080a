"""When the threshold is expected to be crossed, and what one more invoice would do (pure).

Two projections of the year: the run rate (turnover so far spread over the days gone by) and,
when the ledger holds last year from its first to its last months, last year's month-by-month
profile (a seasonal business earns its year unevenly). The headline is the more cautious of the
two: the earlier crossing date. Projections are estimates, never certainties.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from korwatch.models import StoredRecord
from korwatch.tax.thresholds import YearFigures, YearState, evaluate
from korwatch.tax.verdict import Classified


@dataclass(frozen=True)
class Estimate:
    method: str  # "run-rate", "last-year-profile" or "closed-year"
    year_end_cents: int
    crossing_date: date | None


@dataclass(frozen=True)
class Projection:
    as_of: date
    headline: Estimate
    run_rate: Estimate
    profile: Estimate | None


def project(state: YearFigures, today: date, last_year: YearFigures | None) -> Projection | None:
    """The projection of `state.year` as of `today`; None for a year that has not begun."""
    year = state.year
    if year > today.year:
        return None
    actual = state.crossing_date
    if year < today.year:
        closed = Estimate("closed-year", state.turnover_cents, actual)
        return Projection(date(year, 12, 31), closed, closed, None)
    run = _run_rate(state, today, actual)
    shares = _monthly_shares(last_year) if last_year is not None else None
    profile = _by_profile(state, today, shares, actual) if shares else None
    headline = run
    if profile is not None and _earlier(profile, run):
        headline = profile
    return Projection(today, headline, run, profile)


def _earlier(one: Estimate, other: Estimate) -> bool:
    if one.crossing_date and other.crossing_date:
        return one.crossing_date < other.crossing_date
    if one.crossing_date or other.crossing_date:
        return one.crossing_date is not None
    return one.year_end_cents > other.year_end_cents


def _days_in(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _run_rate(state: YearFigures, today: date, actual: date | None) -> Estimate:
    elapsed = (today - date(state.year, 1, 1)).days + 1
    turnover = state.turnover_cents
    year_end = turnover * _days_in(state.year) // elapsed
    if actual is not None or turnover <= 0:
        return Estimate("run-rate", max(year_end, turnover), actual)
    needed = Decimal(state.threshold_cents - turnover + 1)
    more = int((needed * elapsed / turnover).to_integral_value(rounding=ROUND_CEILING))
    if more > (date(state.year, 12, 31) - today).days:
        return Estimate("run-rate", year_end, None)  # not this year (and maybe never: 1 cent)
    return Estimate("run-rate", year_end, today + timedelta(days=more))


def _monthly_shares(last: YearFigures) -> list[Decimal] | None:
    """Cumulative share of last year's turnover at the end of each month (index 0 = 1 Jan)."""
    months = last.record_months
    if last.turnover_cents <= 0 or months is None or months[0] > 2 or months[1] < 11:
        return None  # the ledger does not hold last year from start to end
    shares, running = [Decimal(0)], 0
    for amount in last.month_cents:
        running += amount
        shares.append(Decimal(running) / last.turnover_cents)
    return shares


def _share_on(shares: list[Decimal], day: date) -> Decimal:
    days = calendar.monthrange(day.year, day.month)[1]
    low, high = shares[day.month - 1], shares[day.month]
    return low + (high - low) * day.day / days


def _by_profile(
    state: YearFigures, today: date, shares: list[Decimal], actual: date | None
) -> Estimate | None:
    now_share = _share_on(shares, today)
    if now_share <= 0 or state.turnover_cents <= 0:
        return None
    scale = Decimal(state.turnover_cents) / now_share
    year_end = int(scale * shares[12])
    if actual is not None:
        return Estimate("last-year-profile", year_end, actual)
    day = today
    while day.year == state.year:
        if scale * _share_on(shares, day) > state.threshold_cents:
            return Estimate("last-year-profile", year_end, day)
        day += timedelta(days=1)
    return Estimate("last-year-profile", year_end, None)


@dataclass(frozen=True)
class WhatIf:
    amount_cents: int
    day: date
    before: YearState
    after: YearState

    @property
    def crosses(self) -> bool:
        """Whether this invoice would be the one that crosses (not crossed already)."""
        return not self.before.crossed and self.after.crossed

    @property
    def over_by_cents(self) -> int:
        """How far above the threshold the year would be; negative: headroom left."""
        return self.after.turnover_cents - self.after.threshold_cents


def what_if(
    state: YearState, amount_cents: int, day: date, *, crossing_stands: bool = True
) -> WhatIf:
    """The year as it would be with one more counted invoice of `amount_cents` on `day`."""
    last_id = max((item.record.id for item in state.items), default=0)
    record = StoredRecord(
        last_id + 1,
        "invoice",
        day,
        amount_cents,
        "EUR",
        "",
        "",
        "",
        "what-if",
        "what-if",
        False,
        "",
        "",
        "what-if",
        0,
        amount_cents,
        False,
    )
    extra = Classified(
        record, True, amount_cents, day, "what-if", "the invoice asked about", "what-if"
    )
    after = evaluate(
        state.year,
        [*state.items, extra],
        state.threshold_cents,
        state.warn_levels,
        crossing_stands=crossing_stands,
    )
    return WhatIf(amount_cents, day, state, after)
