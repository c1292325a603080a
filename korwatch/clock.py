"""The one place korwatch asks for the time.

`KORWATCH_NOW` (an ISO 8601 timestamp with offset) fixes the clock for a whole process: tests
and demonstrations use it to run "as of" a date, the way a frozen clock is used in-process.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    fixed = os.environ.get("KORWATCH_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)
