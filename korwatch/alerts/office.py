"""The accountant's emails: a copy of each crossing, and the portfolio digest (`[office]`).

Both are ordinary outbox events, so they are sent exactly once and retried like the others:
- `office-crossed`: the copy of a client's crossing as an email of its own (`crossing = "own"`),
  recorded in the transaction that records the crossing, with the same payload. Its row has the
  client's id as business and level "office-crossed", so one per client and year;
- `office-digest`: every client ranked by risk (reporting/portfolio.py builds the payload),
  business "" (the office) and level "office-digest:<when it was made>".

(With `crossing = "cc"` or `"bcc"` the office is only added to the client's own email; the
outbox does that.) A delivery failure of an office email is logged, not mailed to the client.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

OFFICE_CROSSED = "office-crossed"
OFFICE_DIGEST = "office-digest"
OFFICE = ""  # the business of the office's own events (no business id can be empty)


def office_copy_facts(recipients: tuple[str, ...], language: str) -> dict[str, Any]:
    """What the office's copy of a crossing says about the client's own email: where it went
    and in which language (the copy quotes the alert in the office's language)."""
    return {"client_recipients": list(recipients), "client_language": language}


def is_office_kind(kind: str) -> bool:
    return kind in (OFFICE_CROSSED, OFFICE_DIGEST)


def record_office_copies(connection: sqlite3.Connection, event_ids: list[int]) -> int:
    """A copy for the office of each crossing among the new events `event_ids` (in the
    caller's transaction); how many were queued."""
    queued = 0
    for event_id in event_ids:
        cursor = connection.execute(
            "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, "
            "payload, status, next_attempt_at) SELECT business, year, ?, ?, created_at, payload, "
            "'pending', next_attempt_at FROM alert_events WHERE id = ? AND kind = 'crossed'",
            (OFFICE_CROSSED, OFFICE_CROSSED, event_id),
        )
        queued += cursor.rowcount
    return queued


def follow_client_crossing(connection: sqlite3.Connection, business: str, year: int) -> None:
    """The office's copy of a crossing not sent yet says what the client's crossing says now,
    and is withdrawn with it (alerts/corrections.py corrects the client's before it is sent)."""
    copy = "business = ? AND year = ? AND kind = ? AND status = 'pending'"
    own = (
        "FROM alert_events AS own WHERE own.business = alert_events.business "
        "AND own.year = alert_events.year AND own.kind = 'crossed'"
    )
    connection.execute(
        f"UPDATE alert_events SET status = 'superseded' WHERE {copy} "
        f"AND NOT EXISTS (SELECT 1 {own} AND own.status != 'superseded')",
        (business, year, OFFICE_CROSSED),
    )
    connection.execute(
        f"UPDATE alert_events SET payload = (SELECT own.payload {own}) WHERE {copy}",
        (business, year, OFFICE_CROSSED),
    )


def record_office_digest(
    connection: sqlite3.Connection, payload: dict[str, Any], now: datetime
) -> bool:
    """Queue the portfolio digest made at `now` (once per minute of making); True when queued."""
    stamp = now.isoformat(timespec="seconds")
    cursor = connection.execute(
        "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, payload, "
        "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (
            OFFICE,
            int(payload["year"]),
            f"{OFFICE_DIGEST}:{now.isoformat(timespec='minutes')}",
            OFFICE_DIGEST,
            stamp,
            json.dumps(payload, ensure_ascii=False, sort_keys=True),
            stamp,
        ),
    )
    return cursor.rowcount == 1
