"""The one place korwatch asks for the time.

`KORWATCH_NOW` (an ISO 8601 timestamp with offset) fixes the clock for a whole process: tests
and demonstrations use it to run "as of" a date, the way a frozen clock is used in-process.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
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
