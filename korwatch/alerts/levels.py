"""Recording what a year's evaluation calls for, the same way wherever a year is evaluated
again (an import, an edited or merged invoice, a person's decision): the levels newly
reached (events.record_transitions), the office's own copy of a new crossing (office.py,
`[office] crossing = "own"`) and the EU-KOR crossing (events.record_eukor_crossing)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from korwatch.alerts.events import facts, record_eukor_crossing, record_transitions
from korwatch.alerts.office import record_office_copies
from korwatch.config.model import BusinessConfig, Config
from korwatch.tax.thresholds import YearState


def record_levels(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    state: YearState,
    now: datetime,
    today: date,
    crossing_extra: Callable[[YearState], dict[str, Any]] | None = None,
) -> list[int]:
    """Record the year's new levels, the office's copies and the EU-KOR crossing (in the
    caller's transaction); the ids of the new level events (not of the copies)."""
    about = facts(business)
    new = record_transitions(connection, about, state, now, today, crossing_extra)
    if config.office.copies:
        record_office_copies(connection, new)
    record_eukor_crossing(connection, about, state, business.rules, now)
    return new
