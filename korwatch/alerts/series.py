"""Cumulative turnover through a year, as the chart and the monthly table show it (pure).

A series is one point per day on which counted turnover changed: (ISO date, cumulative money
string). It is small (at most 366 points) so an alert can keep it in its payload snapshot and a
retry renders the same chart. The monthly table is derived from it for mail clients that block
images.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from korwatch.models import money
from korwatch.tax.thresholds import YearState


def daily_cumulative(state: YearState) -> list[list[str]]:
    """[[date, cumulative], ...]: the running total at the end of each day that changed it."""
    by_day: dict[date, int] = {}
    for item in state.items:
        if item.counts and item.effective_date.year == state.year:
            by_day[item.effective_date] = by_day.get(item.effective_date, 0) + item.amount_cents
    points: list[list[str]] = []
    running = 0
    for day in sorted(by_day):
        running += by_day[day]
        points.append([day.isoformat(), money(running)])
    return points


def chart_facts(state: YearState) -> dict[str, Any]:
    """The payload keys an email needs for its chart: `cumulative` and `warn_levels`."""
    return {
        "cumulative": daily_cumulative(state),
        "warn_levels": [money(level) for level in state.warn_levels],
    }


def monthly_rows(
    year: int, cumulative: Sequence[Sequence[str]], through: date | None = None
) -> list[dict[str, str]]:
    """The cumulative turnover at the end of each month, up to the month of `through`.

    Without `through`, up to the month of the last point (or the whole year when the year is
    over, which the caller decides by passing `date(year, 12, 31)`).
    """
    last_month = _last_month(year, cumulative, through)
    rows: list[dict[str, str]] = []
    index = 0
    running = "0.00"
    for month in range(1, last_month + 1):
        while index < len(cumulative) and date.fromisoformat(cumulative[index][0]).month <= month:
            running = str(cumulative[index][1])
            index += 1
        rows.append({"month": f"{year}-{month:02d}", "turnover": running})
    return rows


def _last_month(year: int, cumulative: Sequence[Sequence[str]], through: date | None) -> int:
    if through is not None:
        if through.year > year:
            return 12
        return through.month if through.year == year else 0
    if not cumulative:
        return 0
    return date.fromisoformat(cumulative[-1][0]).month


def as_points(cumulative: Sequence[Sequence[str]]) -> list[tuple[date, Decimal]]:
    """The payload form turned back into typed points for the chart."""
    return [(date.fromisoformat(day), Decimal(total)) for day, total in cumulative]
