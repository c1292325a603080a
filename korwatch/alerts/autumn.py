"""The autumn email: once a year, is the KOR still worth it, when the answer is clear and large.

From `autumn_date` (default 1 October) the comparison of alerts/advice.py is weighed at most
once a day per business (`advice_checks`: weighing reads the whole year with its debits, and an
office may watch a thousand businesses), until it is queued: when the whole range of the
difference is beyond `notify_difference` (default EUR 500) either way, one event of kind
"advice" goes out through the outbox, exactly once per business and year (the alert_events row
is unique per business, year and level). An uncertain or small difference sends nothing; the
next day is weighed again, because new bank lines may settle it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from korwatch.alerts.advice import advice_facts
from korwatch.alerts.events import recorded_levels
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import cents

ADVICE = "advice"  # the level and kind of the autumn email
DONE = "9999-12-31"  # advice_checks.checked_on once the email is queued


def autumn_start(year: int, month_day: tuple[int, int]) -> date:
    """The day the autumn check starts in `year` (29 February is 1 March in other years)."""
    month, day = month_day
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, 3, 1)


def autumn_due(connection: sqlite3.Connection, business: BusinessConfig, today: date) -> bool:
    """Whether the autumn check should be weighed today: switched on, its day has come, not
    yet queued this year and not yet weighed today."""
    settings = business.advice
    if not settings.autumn_email or today < autumn_start(today.year, settings.autumn_month_day):
        return False
    row = connection.execute(
        "SELECT checked_on FROM advice_checks WHERE business = ? AND year = ?",
        (business.id, today.year),
    ).fetchone()
    if row is not None and str(row[0]) >= today.isoformat():
        return False
    return ADVICE not in recorded_levels(connection, business.id, today.year)


def worth_telling(facts: dict[str, Any], difference_cents: int) -> bool:
    """A verdict whose whole range lies beyond the difference, either way."""
    verdict = facts.get("verdict")
    if not verdict or verdict["choice"] == "uncertain":
        return False
    low = cents(Decimal(verdict["difference"]["low"]))
    high = cents(Decimal(verdict["difference"]["high"]))
    return low > difference_cents or high < -difference_cents


def record_autumn_advice(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, now: datetime
) -> bool:
    """Weigh the autumn check when it is due and queue its email when worth telling; True
    when queued now. Call inside the caller's transaction."""
    today = local_today(now)
    if not autumn_due(connection, business, today):
        return False
    connection.execute(
        "INSERT OR REPLACE INTO advice_checks (business, year, checked_on) VALUES (?, ?, ?)",
        (business.id, today.year, today.isoformat()),
    )
    facts = advice_facts(connection, config, business, now)
    if not worth_telling(facts, business.advice.notify_difference_cents):
        return False
    stamp = now.isoformat(timespec="seconds")
    payload = {
        "kind": ADVICE,
        "business": {"id": business.id, "name": business.name},
        "year": today.year,
        "advice": facts,
        "detected_at": stamp,
    }
    cursor = connection.execute(
        "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, payload, "
        "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (
            business.id,
            today.year,
            ADVICE,
            ADVICE,
            stamp,
            json.dumps(payload, sort_keys=True),
            stamp,
        ),
    )
    return cursor.rowcount == 1
