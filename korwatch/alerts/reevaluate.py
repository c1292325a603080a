"""Re-evaluating a year at once when records it already counted change: an invoice edited after
import (ledger/versions.py), or duplicates merged out of a ledger written by an earlier
korwatch (ledger/merge.py). New levels raise their alerts as usual; levels already sent that
moved or went away get one correction email (corrections.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from korwatch.alerts.corrections import record_corrections
from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.events import facts
from korwatch.alerts.levels import record_levels
from korwatch.alerts.standing import invalidate
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import merge
from korwatch.ledger import store as ledger
from korwatch.ledger.versions import Edit, InvoiceVersion
from korwatch.models import money
from korwatch.tax.thresholds import YearState


def reevaluate(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    now: datetime,
    cause: dict[str, Any],
    state: YearState | None = None,
) -> YearState:
    """Evaluate `year` again (unless its `state` without a standing crossing is given), record
    new levels and correct the ones already sent; `cause` says in the correction email why
    the figures changed. Returns the figures' state."""
    if state is None:
        state = evaluate_year(
            connection, config, business, year, counting_only=True, standing=False
        )
    invalidate(connection, business.id, [year])  # its stored evaluation (alerts/standing.py)
    record_levels(connection, config, business, state, now, local_today(now))
    record_corrections(connection, facts(business), state, business.rules, now, cause)
    return state


def edited_years(connection: sqlite3.Connection, business: str, edits: list[Edit]) -> set[int]:
    """The years an edit can change: the old and new version's, and with invoices stored the
    years beside them (a payment and its invoice may fall on both sides of New Year, T12)."""
    years = {version.year for edit in edits for version in (edit.before, edit.after)}
    if years and ledger.has_invoices(connection, business):
        years |= {year + step for year in years for step in (-1, 1)}
    return years


def edit_cause(edits: list[Edit]) -> dict[str, Any]:
    """The edits as the correction email names them."""
    return {"edits": [_edit_facts(edit) for edit in edits]}


def _edit_facts(edit: Edit) -> dict[str, Any]:
    return {"invoice": edit.number, "before": _version(edit.before), "after": _version(edit.after)}


def _version(version: InvoiceVersion) -> dict[str, Any]:
    return {
        "date": version.date,
        "amount": money(version.net_cents),
        "customer": version.customer,
        "credit_note": version.credit_note,
    }


@dataclass(frozen=True)
class MergedYear:
    """One year of one business after its stored duplicates were merged."""

    business: str
    year: int
    merged: int  # transactions that were stored (and counted) twice
    turnover_before_cents: int | None  # None: the business is not in the config
    turnover_after_cents: int | None


def merge_stored_duplicates(
    connection: sqlite3.Connection, config: Config, now: datetime
) -> list[MergedYear]:
    """Run the merge that migration 7 queued, once, in one transaction: for each business,
    merge the duplicates stored before (ledger/merge.py), and re-evaluate each year that
    changed, correcting alerts already sent. Businesses no longer in the config are merged
    without evaluation. Returns what was merged, per business and year."""
    if merge.TASK not in ledger.pending_tasks(connection):
        return []
    found: list[MergedYear] = []
    with ledger.transaction(connection):
        configured = {business.id for business in config.businesses}
        for business in config.businesses:
            found += _merge_business(connection, config, business, now)
        stored = connection.execute("SELECT DISTINCT business FROM records").fetchall()
        for (other,) in stored:
            if other not in configured:
                per_year = merge.merge_business(connection, other).per_year
                if per_year:  # its stored summaries, should it come back to the config
                    invalidate(connection, other, None)
                found += [MergedYear(other, y, n, None, None) for y, n in sorted(per_year.items())]
        ledger.finish_task(connection, merge.TASK, now.isoformat(timespec="seconds"))
    return found


def _merge_business(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, now: datetime
) -> list[MergedYear]:
    overlap = merge.years_with_overlap(connection, business.id)
    if not overlap:
        return []
    # A match may join two sides of New Year (booking dates a few days apart): the years
    # beside those with overlap are looked at too.
    stored = set(ledger.years_with_records(connection, business.id))
    years = {year + step for year in overlap for step in (-1, 0, 1)} & stored
    before = {
        year: evaluate_year(connection, config, business, year, counting_only=True)
        for year in years
    }
    per_year = merge.merge_business(connection, business.id).per_year
    found = []
    for year in sorted(per_year):
        state = evaluate_year(
            connection, config, business, year, counting_only=True, standing=False
        )
        was = before[year].turnover_cents
        cause = {
            "merged": {
                "count": per_year[year],
                "turnover_before": money(was),
                "turnover_after": money(state.turnover_cents),
            }
        }
        reevaluate(connection, config, business, year, now, cause, state)
        found.append(MergedYear(business.id, year, per_year[year], was, state.turnover_cents))
    return found
