"""The dates to act on for leaving or joining the KOR, counted from one day (pure).

A voluntary exit (R4.3) and an application (R4.2) take effect on the first day of a return
period that starts at least four weeks after the Belastingdienst receives them; for 1 January it
names 3 December, which is 29 days, so 29 is the safe lead (the literal 28 days is shown as
borderline). After an exit the KOR is closed through the end of the next calendar year (R4.4);
an exit on 1 January is read conservatively as ending in that year (U21: the other reading, one
year earlier, is shown too; RABO's "rest of the year" reading is U5). Re-entry needs a new
application by 3 December before the start year and turnover at or below the threshold in the
year before and the year itself (R4.1, R3.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from korwatch.tax.eligibility import (
    LEAD_DAYS,
    SAFE_LEAD_DAYS,
    apply_by,
    exclusion_end,
    first_period_start,
)


@dataclass(frozen=True)
class ExitDates:
    """When leaving (or joining) can take effect, counted from `today`."""

    today: date
    period: str  # the return period: quarter, month or year
    start: date  # the first period a notice received today reaches (29 days ahead)
    notice_by: date  # the last day the Belastingdienst may receive it for `start`
    literal_by: date  # one day later: literally four weeks, probably accepted, not guaranteed
    excluded_through: date  # after an exit on `start`: closed through this day (R4.4)
    excluded_through_other: date | None  # U21/U5: the earlier reading, when it differs
    earliest_reentry: date
    reentry_apply_by: date
    next_year_apply_by: date  # an application for 1 January next year (not in the KOR)

    @property
    def ambiguous(self) -> bool:
        """U21: an exit on 1 January may count as ending in the year before (re-entry a year
        earlier); an exit on 1 October has one reading only."""
        return self.start.month == 1 and self.start.day == 1


def exit_dates(today: date, period: str = "quarter") -> ExitDates:
    start = first_period_start(today, period, SAFE_LEAD_DAYS)
    through = exclusion_end(start)
    other = exclusion_end(start - timedelta(days=1))
    if start.month != 1 or start.day != 1:
        other = exclusion_end(start, "rest-of-year")  # U5: RABO and MKB-25
    reentry = date(through.year + 1, 1, 1)
    return ExitDates(
        today=today,
        period=period,
        start=start,
        notice_by=start - timedelta(days=SAFE_LEAD_DAYS),
        literal_by=start - timedelta(days=LEAD_DAYS),
        excluded_through=through,
        excluded_through_other=other if other != through else None,
        earliest_reentry=reentry,
        reentry_apply_by=apply_by(reentry.year),
        next_year_apply_by=apply_by(today.year + 1),
    )
