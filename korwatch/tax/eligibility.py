"""Whether the KOR is available this year and next, and by when to apply (pure).

From 2025 the KOR needs turnover at or below the threshold in the previous calendar year as well
as in the current one (R4.1, R3.5); 2020-2024 had no previous-year test (R3.6). An application
must be received at least four weeks before the return period in which the KOR should start;
for 1 January the Belastingdienst announces 3 December (R4.2). A crossing that stands after a
credit note (T14) keeps the KOR ended, and the figure used for next year's test is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from korwatch.models import money
from korwatch.tax.thresholds import YearFigures
from korwatch.tax.verdict import ADVISER_REVIEW

PREVIOUS_YEAR_TEST_FROM = 2025
LEAD_DAYS = 28  # "at least 4 weeks" (R4.2)
SAFE_LEAD_DAYS = 29  # the Belastingdienst names 3 December for 1 January: 29 days (R4.2)
PERIOD_MONTHS = {"quarter": 3, "month": 1, "year": 12}


@dataclass(frozen=True)
class Eligibility:
    year: int
    this_year: bool | None  # None: last year is not in the ledger
    this_year_reason: str
    next_year: bool
    next_year_reason: str
    apply_by: date | None  # for a KOR start on 1 January of next year
    earliest_start: date | None
    flags: tuple[str, ...] = ()


def apply_by(start_year: int) -> date:
    """The day by which an application for 1 January of `start_year` must be received."""
    return date(start_year - 1, 12, 3)


def first_period_start(
    submitted: date, period: str = "quarter", lead_days: int = LEAD_DAYS
) -> date:
    """The first return period starting at least `lead_days` after `submitted` (R4.2, R4.3,
    T8). An annual filer's only period starts on 1 January (advise-rules.md U27)."""
    step = PERIOD_MONTHS[period]
    month = ((submitted.month - 1) // step + 1) * step + 1
    year = submitted.year
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        start = date(year, month, 1)
        if (start - submitted).days >= lead_days:
            return start
        month += step


def exclusion_end(participation_end: date, rule: str = "belastingdienst") -> date:
    """The last day of the exclusion after participation ends (R4.4, T9; U5 for the other rule).

    "belastingdienst": the rest of the year plus the next calendar year (the default);
    "rest-of-year": RABO and MKB-25's reading; years up to 2024: a three-year bar (R3.6).
    """
    if participation_end.year <= 2024:
        return date(participation_end.year + 3, 12, 31)
    if rule == "rest-of-year":
        return date(participation_end.year, 12, 31)
    return date(participation_end.year + 1, 12, 31)


def evaluate_eligibility(
    this: YearFigures, last: YearFigures | None, today: date, threshold_next_cents: int
) -> Eligibility:
    """Eligibility for `this.year` (from last year's figures) and for the year after."""
    year = this.year
    flags: set[str] = set()
    available, reason = _this_year(this, last, flags)
    crossing = this.crossing_date
    if crossing is not None:
        nxt = False
        why = (
            f"the threshold was crossed on {crossing}: the KOR is not "
            f"available in {year + 1}; the earliest re-entry is 1 January {year + 2} if "
            f"{year + 1} turnover stays at or below the threshold (apply by {apply_by(year + 2)})"
        )
        if ADVISER_REVIEW in this.flags:
            flags.add(ADVISER_REVIEW)
            why += (
                f"; a credit note after the crossing brings {year} to {money(this.turnover_cents)}"
                " (ask an adviser, U3)"
            )
        return Eligibility(
            year, available, reason, nxt, why, None, date(year + 2, 1, 1), tuple(sorted(flags))
        )
    deadline = apply_by(year + 1)
    start = date(year + 1, 1, 1) if today <= deadline else first_period_start(today)
    why = (
        f"{year} turnover {money(this.turnover_cents)} is at or below the threshold so far: the "
        f"KOR can start on 1 January {year + 1} if the application is received by {deadline} "
        f"and {year + 1} turnover is expected to stay at or below {money(threshold_next_cents)}"
    )
    if today > deadline:
        why += f"; too late for 1 January: the earliest start is {start}"
    return Eligibility(year, available, reason, True, why, deadline, start, tuple(sorted(flags)))


def _this_year(
    this: YearFigures, last: YearFigures | None, flags: set[str]
) -> tuple[bool | None, str]:
    year = this.year
    if year < PREVIOUS_YEAR_TEST_FROM:
        return True, f"no previous-year test before {PREVIOUS_YEAR_TEST_FROM} (R3.6)"
    if last is None:
        return None, f"{year - 1} is not in the ledger: the previous-year test cannot be checked"
    if last.crossed or last.turnover_cents > last.threshold_cents:
        if ADVISER_REVIEW in last.flags:
            flags.add(ADVISER_REVIEW)
        return False, (
            f"{year - 1} turnover {money(last.turnover_cents)} went above the threshold "
            f"{money(last.threshold_cents)}: the KOR is not available in {year} (R4.1, R3.5)"
        )
    return True, (
        f"{year - 1} turnover {money(last.turnover_cents)} is at or below the threshold (R4.1)"
    )
