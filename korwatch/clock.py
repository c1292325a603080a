"""The one place korwatch asks for the time, and the dates it can reason about.

`KORWATCH_NOW` (an ISO 8601 timestamp with offset) fixes the clock for a whole process: tests
and demonstrations use it to run "as of" a date, the way a frozen clock is used in-process.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the calendar the KOR year is counted in


def now() -> datetime:
    fixed = os.environ.get("KORWATCH_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def local_today(moment: datetime) -> date:
    """The date `moment` falls on in the Netherlands (the KOR's calendar)."""
    return moment.astimezone(AMSTERDAM).date()


_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(text: str) -> timedelta | None:
    """'15m' as 15 minutes; None when `text` is not an interval (it may be cron)."""
    match = _INTERVAL.match(text)
    if match is None:
        return None
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


FIRST_ACCEPTED = date(2000, 1, 1)  # before the euro and long before the KOR (2020)


def accepted_dates(today: date) -> tuple[date, date]:
    """The first and last date a record may carry: 1 January 2000 to 31 December of next year.

    Next year is allowed for invoices dated ahead and value dates past New Year; anything later
    is a typo or a hostile file, and the rules (deadlines of the year after a crossing, charts,
    VAT rates) cannot reason about it.
    """
    return FIRST_ACCEPTED, date(today.year + 1, 12, 31)
