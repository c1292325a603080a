"""Turning threshold passages into alert events, exactly once per (business, year, level).

Events are rows in the ledger's `alert_events` table, written in the caller's transaction (the
same one that stored the records causing them). When one evaluation reaches several new levels,
only the highest is pending for delivery; the lower ones are recorded as superseded. Delivery is
the outbox's job (notify/outbox.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from korwatch.alerts.series import chart_facts
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig
from korwatch.models import money
from korwatch.names import shown
from korwatch.tax.eukor import EU_KOR_START, UnionCounter, union_counter
from korwatch.tax.forecast import project
from korwatch.tax.thresholds import CROSSED, Passage, YearFigures, YearState
from korwatch.tax.verdict import Classified, RuleSettings

EUKOR_CROSSED = "eukor-crossed"  # the level and kind of the EU-KOR's Union crossing (R5.4)


@dataclass(frozen=True)
class BusinessFacts:
    """What an alert says about the business it concerns."""

    id: str
    name: str
    basis: str
    provisional: bool


def facts(business: BusinessConfig) -> BusinessFacts:
    """What an alert says about the business it concerns."""
    return BusinessFacts(business.id, business.name, business.rules.basis, business.provisional)


def record_facts(item: Classified) -> dict[str, str]:
    """The item's record as written (its own date and amount), for listings."""
    record = item.record
    return {
        "date": record.date.isoformat(),
        "amount": money(record.amount_cents),
        "counterparty": shown(record.counterparty_name),
        "description": shown(record.description),
        "source": shown(record.document_name),
    }


def item_facts(item: Classified) -> dict[str, Any]:
    """The item as it counts (counting date and amount, invoice), for alerts."""
    record = item.record
    return {
        "record": record.id,
        "date": item.effective_date.isoformat(),
        "amount": money(item.amount_cents),
        "invoice": item.invoice,
        "counterparty": shown(record.counterparty_name),
        "description": shown(record.description),
        "source": shown(record.document_name),
    }


def forecast_facts(state: YearState, now: datetime) -> dict[str, Any]:
    """The run-rate projection of the year as the warning email shows it (an estimate)."""
    projection = project(state, local_today(now), None)
    if projection is None:
        return {}
    headline = projection.headline
    crossing = headline.crossing_date
    return {
        "forecast": {
            "method": headline.method,
            "year_end": money(headline.year_end_cents),
            "crossing_date": None if crossing is None else crossing.isoformat(),
        }
    }


def payload(
    business: BusinessFacts,
    state: YearState,
    passage: Passage,
    now: datetime,
    chart: dict[str, Any] | None = None,
    crossing_extra: dict[str, Any] | None = None,
) -> str:
    """The event's facts as stored. `chart`: chart_facts(state), when the caller has it (one
    evaluation can pass several levels; the series is the same for each). `crossing_extra`:
    more facts for a crossing (what it changes in euros, alerts.advice.crossing_facts)."""
    facts: dict[str, Any] = {
        "business": {"id": business.id, "name": business.name},
        "basis": business.basis,
        "provisional": business.provisional,
        "year": state.year,
        "level": passage.level,
        "kind": "crossed" if passage.level == CROSSED else "warning",
        "level_amount": money(passage.at_cents),
        "threshold": money(state.threshold_cents),
        "turnover": money(state.turnover_cents),
        "headroom": money(state.headroom_cents),
        "before": money(passage.before_cents),
        "after": money(passage.after_cents),
        "item": item_facts(passage.item),
        "detected_at": now.isoformat(timespec="seconds"),
        **(chart or chart_facts(state)),  # the series behind the email's chart, frozen with it
        **(forecast_facts(state, now) if passage.level != CROSSED else {}),
        **(crossing_extra if crossing_extra and passage.level == CROSSED else {}),
    }
    return json.dumps(facts, ensure_ascii=False, sort_keys=True)


def recorded_levels(connection: sqlite3.Connection, business: str, year: int) -> set[str]:
    """The levels (warning-..., crossed) that have an alert event for the year."""
    rows = connection.execute(
        "SELECT level FROM alert_events WHERE business = ? AND year = ?", (business, year)
    )
    return {str(row[0]) for row in rows}


def reported_crossing(
    connection: sqlite3.Connection, business: str, year: int
) -> dict[str, Any] | None:
    """The crossing alert recorded for the year (its payload), if any."""
    row = connection.execute(
        "SELECT payload FROM alert_events WHERE business = ? AND year = ? AND level = ? "
        "AND status != 'superseded'",  # withdrawn before it was sent (alerts/corrections.py)
        (business, year, CROSSED),
    ).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def record_transitions(
    connection: sqlite3.Connection,
    business: BusinessFacts,
    state: YearState,
    now: datetime,
    today: date,
    crossing_extra: Callable[[YearState], dict[str, Any]] | None = None,
) -> list[int]:
    """Insert events for levels newly reached; return the ids of the new pending events.

    Warnings are only raised for the current year (a warning about a closed year helps no
    one); a crossing is raised for any year, because its consequences still apply.
    `crossing_extra(state)` adds facts to a new crossing's event (asked only then).
    """
    known = recorded_levels(connection, business.id, state.year)
    fresh = [
        passage
        for passage in state.passages
        if passage.level not in known and (passage.level == CROSSED or state.year == today.year)
    ]
    if not fresh:
        return []
    highest = fresh[-1]
    stamp = now.isoformat(timespec="seconds")
    chart = chart_facts(state)
    extra = None
    if crossing_extra is not None and any(p.level == CROSSED for p in fresh):
        extra = crossing_extra(state)
    for passage in fresh:
        status = "pending" if passage is highest else "superseded"
        connection.execute(
            "INSERT INTO alert_events (business, year, level, kind, created_at, payload, "
            "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                business.id,
                state.year,
                passage.level,
                "crossed" if passage.level == CROSSED else "warning",
                stamp,
                payload(business, state, passage, now, chart, extra),
                status,
                stamp,
            ),
        )
    row = connection.execute(
        "SELECT id FROM alert_events WHERE business = ? AND year = ? AND level = ?",
        (business.id, state.year, highest.level),
    ).fetchone()
    return [int(row[0])]


def eligibility_payload(
    business: BusinessFacts, year: int, previous: YearFigures, now: datetime
) -> dict[str, Any]:
    """The start-of-year notice: is the KOR available this year, judged on last year (R4.1)."""
    return {
        "kind": "eligibility",
        "business": {"id": business.id, "name": business.name},
        "year": year,
        "previous_year": year - 1,
        "previous_turnover": money(previous.turnover_cents),
        "threshold": money(previous.threshold_cents),
        "eligible": not previous.crossed and previous.turnover_cents <= previous.threshold_cents,
        "provisional": business.provisional,
        "detected_at": now.isoformat(timespec="seconds"),
    }


def record_eligibility(
    connection: sqlite3.Connection,
    business: BusinessFacts,
    year: int,
    previous: YearFigures,
    now: datetime,
) -> bool:
    """Queue the year's eligibility notice once per (business, year); True when queued now."""
    stamp = now.isoformat(timespec="seconds")
    facts = json.dumps(eligibility_payload(business, year, previous, now), sort_keys=True)
    cursor = connection.execute(
        "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, payload, "
        "status, next_attempt_at) VALUES (?, ?, 'eligibility', 'eligibility', ?, ?, "
        "'pending', ?)",
        (business.id, year, stamp, facts, stamp),
    )
    return cursor.rowcount == 1


def eukor_payload(
    business: BusinessFacts,
    state: YearState,
    counter: UnionCounter,
    rules: RuleSettings,
    now: datetime,
) -> dict[str, Any]:
    """The EU-KOR crossing: Union turnover went over its limit (R5.4, T11). Dates already
    past when it is found (a crossing found late, or in an earlier year) are marked overdue."""
    crossing, notify_by, settings = counter.crossing, counter.notify_by, rules.eu_kor
    if crossing is None or notify_by is None or settings is None:
        raise ValueError(f"no EU-KOR crossing in {counter.year}")
    today = local_today(now)
    quarter = counter.quarters[(crossing.effective_date.month - 1) // 3]
    return {
        "kind": EUKOR_CROSSED,
        "business": {"id": business.id, "name": business.name},
        "basis": business.basis,
        "provisional": business.provisional,
        "year": counter.year,
        "limit": money(counter.limit_cents),
        "turnover": money(counter.turnover_cents),
        "over": money(max(0, counter.turnover_cents - counter.limit_cents)),
        "before": money(counter.before_cents),
        "after": money(counter.after_cents),
        "item": {
            **item_facts(crossing),
            "amount": money(counter.after_cents - counter.before_cents),
            "country": counter.crossing_country,
        },
        "per_state": [
            {"country": country, "turnover": money(amount)}
            for country, amount in sorted(counter.per_state_cents.items())
        ],
        "notify_by": notify_by.isoformat(),
        "notify_overdue": notify_by < today,
        "notice_working_days": settings.notice_working_days,
        "quarter": quarter.quarter,
        "quarter_due": quarter.due.isoformat(),
        "quarter_overdue": quarter.due < today,
        "next_year": counter.year + 1,
        "in_kor": rules.in_kor,
        "nl_threshold": money(state.threshold_cents),
        "nl_kor_ended": state.crossing is not None,
        "detected_at": now.isoformat(timespec="seconds"),
    }


def eukor_crossing(
    business: BusinessFacts, state: YearState, rules: RuleSettings, now: datetime
) -> dict[str, Any] | None:
    """The EU-KOR crossing payload of the year of `state`, or None: the business does not take
    part (`rules.eu_kor`), the year is before the scheme (2025), or Union turnover stayed
    within the limit."""
    settings = rules.eu_kor
    if settings is None or state.year < EU_KOR_START:
        return None
    counter = union_counter(state, settings, None, rules.basis)
    if counter.crossing is None:
        return None
    return eukor_payload(business, state, counter, rules, now)


def record_eukor_crossing(
    connection: sqlite3.Connection,
    business: BusinessFacts,
    state: YearState,
    rules: RuleSettings,
    now: datetime,
) -> bool:
    """Queue the EU-KOR crossing email (`eukor_crossing`) once per (business, year); True when
    queued now. Like the national crossing it is raised for any year: its consequences still
    apply."""
    found = eukor_crossing(business, state, rules, now)
    if found is None:
        return False
    stamp = now.isoformat(timespec="seconds")
    facts = json.dumps(found, ensure_ascii=False, sort_keys=True)
    cursor = connection.execute(
        "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, payload, "
        "status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
        (business.id, state.year, EUKOR_CROSSED, EUKOR_CROSSED, stamp, facts, stamp),
    )
    return cursor.rowcount == 1
