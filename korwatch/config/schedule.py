"""Schedule expressions of the `[schedule]` table: an interval ("30s", "15m", "1h", "1d") or a
five-field cron expression ("*/15 * * * *", "0 8 * * mon").

Pure parsing, shared by config validation and the daemon; APScheduler is imported only when a
trigger is built or a cron expression is checked, so loading the config stays light.
"""

from __future__ import annotations

from typing import Any

from korwatch.clock import AMSTERDAM, parse_interval

__all__ = ["AMSTERDAM", "OFF", "parse_interval", "problem", "trigger"]

OFF = ("", "off")


def problem(text: str) -> str | None:
    """Why `text` is not a valid schedule, or None when it is."""
    interval = parse_interval(text)
    if interval is not None:
        return None if interval.total_seconds() > 0 else "must be longer than 0 seconds"
    if len(text.split()) != 5:
        return (
            f'"{text}" is neither an interval ("30s", "15m", "1h", "1d") '
            "nor a five-field cron expression"
        )
    try:
        trigger(text)
    except ValueError as error:
        return f'"{text}" is not a valid cron expression: {error}'
    return None


def trigger(text: str) -> Any:
    """The APScheduler trigger for a valid schedule expression."""
    from apscheduler.triggers.cron import CronTrigger  # noqa: PLC0415 - kept off the import path
    from apscheduler.triggers.interval import IntervalTrigger  # noqa: PLC0415

    interval = parse_interval(text)
    if interval is not None:
        return IntervalTrigger(seconds=interval.total_seconds(), timezone=AMSTERDAM)
    return CronTrigger.from_crontab(text, timezone=AMSTERDAM)
