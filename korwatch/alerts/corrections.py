"""Correcting alerts already sent when a year's figures change under them: an invoice edited
after import, or duplicates merged out of a ledger written by an earlier korwatch.

What the business was told, per level: its sent warning and crossing events, as updated by the
correction events sent since (each carries every level's position after it, `reported`). A
fresh evaluation is compared with that, level by level:

- moved: the level is now passed by another item or on another date (or, for the crossing, the
  crossing item's amount changed: the VAT to charge on it did);
- removed: a warning the year no longer reaches;
- stands: the crossing the year no longer reaches stays (U3, `credit_note_after_crossing =
  "crossing-stands"`, the default): the KOR ended on a date the Belastingdienst may already
  know of; the year shows as crossed, flagged ADVISER_REVIEW, until a person decides;
- withdrawn: the same with `credit_note_after_crossing = "recompute"`;
- reached: a level reported as removed that the year reaches again; confirmed: a standing
  crossing that the figures carry again.

One email (kind "correction") names every change of the year and its cause. Events not yet sent
are corrected in place instead: a pending warning or crossing whose level moved gets the new
figures, one whose level is gone is superseded, and a pending correction gives way to the new
one (which compares with what was sent, so it says all of it).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from korwatch.alerts.events import BusinessFacts, item_facts, payload
from korwatch.alerts.office import follow_client_crossing
from korwatch.models import money
from korwatch.tax.thresholds import CROSSED, Passage, YearState
from korwatch.tax.verdict import RuleSettings

CORRECTION = "correction"
_POSITION = ("date", "invoice", "counterparty")  # what places a level's passage


def position(passage: Passage) -> dict[str, Any]:
    """Where a level is passed, as a correction tells it."""
    return {
        **item_facts(passage.item),
        "record": passage.item.record.id,
        "before": money(passage.before_cents),
        "after": money(passage.after_cents),
        "level_amount": money(passage.at_cents),
    }


def reported(connection: sqlite3.Connection, business: str, year: int) -> dict[str, Any]:
    """Level -> the position the business was last told (None: told it was removed)."""
    told: dict[str, Any] = {}
    rows = connection.execute(
        "SELECT level, kind, payload FROM alert_events WHERE business = ? AND year = ? "
        "AND status = 'sent' AND kind IN ('warning', 'crossed', ?) ORDER BY id",
        (business, year, CORRECTION),
    )
    for level, kind, text in rows:
        facts = json.loads(text)
        if kind == CORRECTION:
            told.update(facts["reported"])
        else:
            told[level] = {
                **facts["item"],
                "before": facts["before"],
                "after": facts["after"],
                "level_amount": facts["level_amount"],
            }
    return told


def changes(told: dict[str, Any], state: YearState, stands: bool) -> list[dict[str, Any]]:
    """What differs between what was told and `state` (evaluated without a standing crossing)."""
    now = {passage.level: passage for passage in state.passages}
    found = []
    for level, before in told.items():
        passage = now.get(level)
        after = None if passage is None else position(passage)
        change = _change(level, before, after, stands)
        if change is not None:
            shown = before or after or {}
            found.append(
                {
                    "level": level,
                    "kind": "crossed" if level == CROSSED else "warning",
                    "level_amount": shown.get("level_amount", ""),
                    "change": change,
                    "before": before,
                    "after": after,
                }
            )
    return found


def _change(
    level: str, before: dict[str, Any] | None, after: dict[str, Any] | None, stands: bool
) -> str | None:
    if before is None:
        return None if after is None else "reached"
    if after is None:
        if level != CROSSED:
            return "removed"
        if not stands:
            return "withdrawn"
        return None if before.get("standing") else "stands"
    keys = (*_POSITION, "amount") if level == CROSSED else _POSITION
    moved = any(before.get(key) != after.get(key) for key in keys)
    if before.get("standing"):
        return "moved" if moved else "confirmed"
    return "moved" if moved else None


def told_after(told: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, Any]:
    """What the business knows once the correction with `found` is read."""
    result = dict(told)
    for change in found:
        if change["change"] == "stands":
            result[change["level"]] = {**change["before"], "standing": True}
        else:
            result[change["level"]] = change["after"]
    return result


def record_corrections(
    connection: sqlite3.Connection,
    business: BusinessFacts,
    state: YearState,
    rules: RuleSettings,
    now: datetime,
    cause: dict[str, Any],
) -> int | None:
    """Correct the year's events after `state` (evaluated without a standing crossing): fix the
    pending ones, and queue one correction email when what was sent changed. Returns the
    correction's event id, or None."""
    _correct_pending(connection, business, state, now)
    stands = rules.credit_note_after_crossing == "crossing-stands"
    told = reported(connection, business.id, state.year)
    found = changes(told, state, stands)
    connection.execute(
        "UPDATE alert_events SET status = 'superseded' WHERE business = ? AND year = ? "
        "AND kind = ? AND status = 'pending'",
        (business.id, state.year, CORRECTION),
    )
    if not found:
        return None
    facts = {
        "business": {"id": business.id, "name": business.name},
        "basis": business.basis,
        "provisional": business.provisional,
        "year": state.year,
        "threshold": money(state.threshold_cents),
        "turnover": money(state.turnover_cents),
        "headroom": money(state.headroom_cents),
        "changes": found,
        "cause": cause,
        "adviser_review": any(change["change"] == "stands" for change in found),
        "reported": told_after(told, found),
        "detected_at": now.isoformat(timespec="seconds"),
    }
    return _queue(connection, business.id, state.year, facts, now)


def _queue(
    connection: sqlite3.Connection, business: str, year: int, facts: dict[str, Any], now: datetime
) -> int:
    count = connection.execute(
        "SELECT COUNT(*) FROM alert_events WHERE business = ? AND year = ? AND kind = ?",
        (business, year, CORRECTION),
    ).fetchone()[0]
    stamp = now.isoformat(timespec="seconds")
    cursor = connection.execute(
        "INSERT INTO alert_events (business, year, level, kind, created_at, payload, status, "
        "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (business, year, f"{CORRECTION}-{count + 1}", CORRECTION, stamp,
         json.dumps(facts, ensure_ascii=False, sort_keys=True), stamp),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def _correct_pending(
    connection: sqlite3.Connection, business: BusinessFacts, state: YearState, now: datetime
) -> None:
    """A warning or crossing not sent yet says what is true when it goes out."""
    now_passed = {passage.level: passage for passage in state.passages}
    rows = connection.execute(
        "SELECT id, level FROM alert_events WHERE business = ? AND year = ? "
        "AND status = 'pending' AND kind IN ('warning', 'crossed')",
        (business.id, state.year),
    ).fetchall()
    for event, level in rows:
        passage = now_passed.get(level)
        if passage is None:
            connection.execute(
                "UPDATE alert_events SET status = 'superseded' WHERE id = ?", (event,)
            )
        else:
            connection.execute(
                "UPDATE alert_events SET payload = ? WHERE id = ?",
                (payload(business, state, passage, now), event),
            )
    follow_client_crossing(connection, business.id, state.year)
