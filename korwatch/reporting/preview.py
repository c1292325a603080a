"""Which figures `korwatch preview KIND` shows: the business's own, or realistic samples.

In order: the latest stored event of that kind for the business (exactly what was or will be
sent); else, for the kinds that describe the ledger, the figures the ledger holds now; else the
sample figures of reporting/samples.py. The caller is told which one it got.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from korwatch.alerts.advice import advice_facts, crossing_facts
from korwatch.alerts.autumn import ADVICE
from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.events import (
    EUKOR_CROSSED,
    eligibility_payload,
    eukor_crossing,
    facts,
    item_facts,
    payload,
)
from korwatch.alerts.office import OFFICE, OFFICE_CROSSED, OFFICE_DIGEST, office_copy_facts
from korwatch.alerts.series import chart_facts
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import money
from korwatch.reporting.portfolio import portfolio_payload
from korwatch.reporting.samples import sample_payload
from korwatch.tax.thresholds import CROSSED


def preview_payload(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    kind: str,
    now: datetime,
) -> tuple[dict[str, Any], str]:
    """(payload, where the figures come from: "stored event", "ledger" or "sample")."""
    if kind == OFFICE_DIGEST:
        return office_preview(connection, config, now)
    # The office's copy of a crossing names the client's own addresses and language, as sent.
    copy = (
        office_copy_facts(business.recipients, business.language) if kind == OFFICE_CROSSED else {}
    )
    stored = _latest_event(connection, business.id, kind)
    if stored is not None:
        return {**stored, **copy, "kind": kind}, "stored event"
    live = _from_ledger(connection, config, business, kind, now)
    if live is not None:
        return {**live, **copy}, "ledger"
    return {**sample_payload(kind, business.id, business.name), **copy}, "sample"


def office_preview(
    connection: sqlite3.Connection, config: Config, now: datetime
) -> tuple[dict[str, Any], str]:
    """The portfolio digest: the latest sent or pending one, else made from the ledger now."""
    stored = _latest_event(connection, OFFICE, OFFICE_DIGEST)
    if stored is not None:
        return {**stored, "kind": OFFICE_DIGEST}, "stored event"
    return portfolio_payload(connection, config, now), "ledger"


def _latest_event(connection: sqlite3.Connection, business: str, kind: str) -> Any:
    row = connection.execute(
        "SELECT payload FROM alert_events WHERE business = ? AND kind = ? ORDER BY id DESC",
        (business, kind),
    ).fetchone()
    return None if row is None else json.loads(row[0])


def _from_ledger(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    kind: str,
    now: datetime,
) -> dict[str, Any] | None:
    year = local_today(now).year
    if kind in ("warning", "crossed", OFFICE_CROSSED):
        return _passage(connection, config, business, kind, now)
    if kind == "digest":
        return _digest(connection, config, business, year, now)
    if kind == "eligibility":
        previous = evaluate_year(connection, config, business, year - 1)
        return eligibility_payload(facts(business), year, previous, now) if previous.items else None
    if kind == ADVICE:
        return _advice(connection, config, business, now)
    if kind == EUKOR_CROSSED and business.rules.eu_kor is not None:
        state = evaluate_year(connection, config, business, year)
        return eukor_crossing(facts(business), state, business.rules, now)
    return None


def _passage(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    kind: str,
    now: datetime,
) -> dict[str, Any] | None:
    """The latest warning or the crossing of this year, as its event would hold it."""
    state = evaluate_year(connection, config, business, local_today(now).year)
    wanted = [p for p in state.passages if (p.level == CROSSED) == (kind != "warning")]
    if not wanted:
        return None
    euros = crossing_facts(connection, business, state) if kind != "warning" else None
    found = dict(json.loads(payload(facts(business), state, wanted[-1], now, None, euros)))
    if kind == OFFICE_CROSSED:
        found["kind"] = kind
    return found


def _advice(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, now: datetime
) -> dict[str, Any] | None:
    """The autumn email as the ledger would have it now; None when there is no verdict (no
    ledger yet, no choice left, or an uncertain one, which is never sent): the sample shows the
    email then."""
    found = advice_facts(connection, config, business, now)
    if not found["verdict"] or found["verdict"]["choice"] == "uncertain":
        return None
    return {
        "kind": ADVICE,
        "business": {"id": business.id, "name": business.name},
        "year": found["year"],
        "advice": found,
        "detected_at": now.isoformat(timespec="seconds"),
    }


def _digest(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    now: datetime,
) -> dict[str, Any] | None:
    state = evaluate_year(connection, config, business, year)
    if not state.items:
        return None
    crossing = state.crossing
    return {
        "kind": "digest",
        "business": {"id": business.id, "name": business.name},
        "year": year,
        "threshold": money(state.threshold_cents),
        "turnover": money(state.turnover_cents),
        "headroom": money(state.headroom_cents),
        "level": state.level,
        "provisional": business.provisional,
        "crossing": None
        if crossing is None
        else {**item_facts(crossing.item), "after": money(crossing.after_cents)},
        "detected_at": now.isoformat(timespec="seconds"),
        **chart_facts(state),
    }
