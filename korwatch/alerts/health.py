"""Watching the inputs: each source's last success, last error and failures in a row, and the
alert events raised when a source goes quiet, keeps failing, or an email cannot be delivered.

State lives in the ledger's `source_health` table, keyed by business and source label. Alerts are
ordinary outbox events (alert_events) whose `level` is unique per occurrence, so each one is
raised exactly once: a failing streak by the day it began, a quiet spell by the day of the last
new document, a permanent delivery failure by the event that could not be delivered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from korwatch.clock import local_today
from korwatch.config.model import HealthSettings

SOURCE_STALE = "source-stale"
SOURCE_FAILING = "source-failing"
DELIVERY_FAILED = "delivery-failed"
DIGEST = "digest"
HEALTH_KINDS = (SOURCE_STALE, SOURCE_FAILING, DELIVERY_FAILED)


@dataclass(frozen=True)
class SourceHealth:
    business: str
    source: str
    first_seen_at: str
    last_success_at: str | None
    last_new_at: str | None
    last_error: str | None
    last_error_at: str | None
    failures: int
    failing_since: str | None


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _ensure(connection: sqlite3.Connection, business: str, source: str, now: datetime) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO source_health (business, source, first_seen_at) VALUES (?, ?, ?)",
        (business, source, _stamp(now)),
    )


def record_success(
    connection: sqlite3.Connection, business: str, source: str, now: datetime, new: int
) -> None:
    """The source was read; `new` documents were imported from it (0: nothing new)."""
    _ensure(connection, business, source, now)
    connection.execute(
        "UPDATE source_health SET last_success_at = ?, failures = 0, failing_since = NULL, "
        "last_new_at = CASE WHEN ? > 0 THEN ? ELSE last_new_at END "
        "WHERE business = ? AND source = ?",
        (_stamp(now), new, _stamp(now), business, source),
    )


def record_failure(
    connection: sqlite3.Connection, business: str, source: str, now: datetime, error: str
) -> None:
    _ensure(connection, business, source, now)
    connection.execute(
        "UPDATE source_health SET last_error = ?, last_error_at = ?, failures = failures + 1, "
        "failing_since = COALESCE(failing_since, ?) WHERE business = ? AND source = ?",
        (error, _stamp(now), _stamp(now), business, source),
    )


_SELECT_HEALTH = (
    "SELECT business, source, first_seen_at, last_success_at, last_new_at, last_error, "
    "last_error_at, failures, failing_since FROM source_health "
)


def source_health(connection: sqlite3.Connection, business: str) -> list[SourceHealth]:
    rows = connection.execute(_SELECT_HEALTH + "WHERE business = ? ORDER BY source", (business,))
    return [SourceHealth(*row) for row in rows]


def every_source_health(connection: sqlite3.Connection) -> dict[str, list[SourceHealth]]:
    """Each business's sources (source_health), in one query: an overview of many businesses."""
    found: dict[str, list[SourceHealth]] = {}
    for row in connection.execute(_SELECT_HEALTH + "ORDER BY business, source"):
        found.setdefault(row[0], []).append(SourceHealth(*row))
    return found


def stale_since(health: SourceHealth, now: datetime, settings: HealthSettings) -> str | None:
    """The moment the source last brought something new, when that is `stale_days` ago."""
    if settings.stale_days <= 0:
        return None
    since = health.last_new_at or health.first_seen_at
    if now - datetime.fromisoformat(since) < timedelta(days=settings.stale_days):
        return None
    return since


def is_failing(health: SourceHealth, settings: HealthSettings) -> bool:
    return 0 < settings.failing_after <= health.failures and health.failing_since is not None


def check_sources(
    connection: sqlite3.Connection,
    business: dict[str, str],
    settings: HealthSettings,
    now: datetime,
    in_flight: Collection[str] = (),
) -> list[str]:
    """Raise stale/failing events for this business's sources; return the new levels. A source
    in `in_flight` (its pull still running) is judged once its pull has been imported."""
    raised: list[str] = []
    for health in source_health(connection, business["id"]):
        if health.source in in_flight:
            continue
        since = stale_since(health, now, settings)
        if since is not None:
            days = (now - datetime.fromisoformat(since)).days
            facts = {"source": health.source, "since": since[:10], "days": days}
            level = f"{SOURCE_STALE}:{health.source}:{since[:10]}"
            year = int(since[:4])
            raised += _raise(connection, business, SOURCE_STALE, level, year, facts, now)
        if is_failing(health, settings) and health.failing_since is not None:
            facts = {
                "source": health.source,
                "since": health.failing_since[:10],
                "failures": health.failures,
                "error": health.last_error or "",
            }
            level = f"{SOURCE_FAILING}:{health.source}:{health.failing_since}"
            year = int(health.failing_since[:4])
            raised += _raise(connection, business, SOURCE_FAILING, level, year, facts, now)
    return raised


def record_delivery_failure(
    connection: sqlite3.Connection,
    event: dict[str, Any],
    error: str,
    now: datetime,
    cause: str = "refused",
) -> list[str]:
    """A permanent delivery failure of `event` becomes a 'delivery failed' event of its own
    (once per failed event, never for a 'delivery failed' event itself: no loops). `cause` is
    "refused" (the server refused it; retried) or "build" (the email could not be made; not
    retried)."""
    if event["kind"] == DELIVERY_FAILED:
        return []
    facts = {"subject": event["subject"], "error": error, "failed_kind": event["kind"]}
    if cause != "refused":
        facts["cause"] = cause
    level = f"{DELIVERY_FAILED}:{event['id']}"
    year = local_today(now).year
    return _raise(connection, event["business"], DELIVERY_FAILED, level, year, facts, now)


def _raise(
    connection: sqlite3.Connection,
    business: dict[str, str],
    kind: str,
    level: str,
    year: int,
    facts: dict[str, Any],
    now: datetime,
) -> list[str]:
    payload = {
        **facts,
        "business": {"id": business["id"], "name": business["name"]},
        "kind": kind,
        "detected_at": _stamp(now),
    }
    before = connection.total_changes
    connection.execute(
        "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, payload, "
        "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (
            business["id"],
            year,
            level,
            kind,
            _stamp(now),
            json.dumps(payload, ensure_ascii=False, sort_keys=True),
            _stamp(now),
        ),
    )
    return [level] if connection.total_changes > before else []


raise_once = _raise  # for the other watching alerts (alerts/consent.py)


def undelivered(connection: sqlite3.Connection, business: str) -> list[dict[str, Any]]:
    """Pending events that have failed at least once, and events that failed for good (their
    `next_attempt_at` is None): what `status` shows as not delivered."""
    rows = connection.execute(
        "SELECT kind, level, attempts, last_error, "
        "CASE status WHEN 'failed' THEN NULL ELSE next_attempt_at END FROM alert_events "
        "WHERE business = ? AND (status = 'pending' AND attempts > 0 OR status = 'failed') "
        "ORDER BY id",
        (business,),
    )
    keys = ("kind", "level", "attempts", "last_error", "next_attempt_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]
