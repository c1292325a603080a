"""Deciding flagged credits: the review queue, a decision or its undoing, and what follows.

A decision (tax/decisions.py) is stored through ledger/decisions.py and, in the same ledger
transaction, the years it touches are evaluated again and their alerts recorded by the usual
rules (`settle`): a crossing the decision brings about is alerted once; a crossing already
reported that the decision takes away stands, flagged for an adviser (U3, see
evaluation._reported_crossing). `korwatch decide`, `korwatch review` and the web pages all
come through here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.levels import record_levels
from korwatch.alerts.standing import invalidate
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import DecisionError
from korwatch.ledger import decisions as stored
from korwatch.ledger import store as ledger
from korwatch.models import StoredRecord
from korwatch.tax.decisions import (
    Choice,
    choice_for,
    choice_names,
    normalise_iban,
    normalise_name,
)
from korwatch.tax.thresholds import YearState
from korwatch.tax.verdict import REVIEW, Classified

NOTE_LIMIT = 500
AUTHOR_LIMIT = 100
ALWAYS = ("iban", "name", "auto")  # auto: the IBAN when the credit names one, else the name
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")


@dataclass(frozen=True)
class Settled:
    """What a decision (or its undoing) did."""

    decision: int  # the decision's id
    business: str
    record: StoredRecord
    states: list[YearState]  # the years evaluated again, as they stand now
    alerts: list[int]  # the ids of alert events it queued

    @property
    def years(self) -> list[int]:
        return [state.year for state in self.states]

    def state(self, year: int) -> YearState | None:
        return next((state for state in self.states if state.year == year), None)


def review_queue(state: YearState) -> list[Classified]:
    """The credits of the year waiting for a person: flagged for review, counted to be safe
    (`status` counts them as review_items)."""
    return [item for item in state.items if REVIEW in item.flags]


def credit(
    connection: sqlite3.Connection,
    config: Config,
    record_id: int,
    allowed: Collection[str] | None = None,
) -> tuple[BusinessConfig, StoredRecord]:
    """The business and the bank credit with this id; DecisionError when there is none that
    may be decided (one of `allowed` businesses, when given)."""
    found = ledger.record_by_id(connection, record_id)
    business = None
    if found is not None and (allowed is None or found[0] in allowed):
        business = next((b for b in config.businesses if b.id == found[0]), None)
    if found is None or business is None:
        raise DecisionError(
            f"there is no record {record_id} in the ledger of a business you can see "
            "(`korwatch ledger` shows each record's number)"
        )
    record = found[1]
    if record.kind != "transaction" or record.amount_cents <= 0:
        what = "an invoice" if record.kind == "invoice" else "money out (a debit)"
        raise DecisionError(
            f"record {record_id} is {what}: only bank credits (money in) are decided"
        )
    return business, record


def decide(
    connection: sqlite3.Connection,
    config: Config,
    record_id: int,
    choice: str,
    *,
    author: str,
    now: datetime,
    always: str = "",
    note: str = "",
    allowed: Collection[str] | None = None,
) -> Settled:
    """Decide what credit `record_id` is (`choice`: a Choice name or an R2 category), for this
    credit only or `always` ("iban" or "name") for its account or name too."""
    picked = _choice(choice)
    note, author = clean_text(note, "note", NOTE_LIMIT), clean_text(author, "author", AUTHOR_LIMIT)
    if not author:
        raise DecisionError("a decision needs an author (who decided)")
    business, record = credit(connection, config, record_id, allowed)
    scope, value = _always(record, always)
    with ledger.transaction(connection):
        decision = stored.add(
            connection,
            business.id,
            record.id,
            picked.category,
            author=author,
            when=now.isoformat(timespec="seconds"),
            note=note,
            scope=scope,
            value=value,
        )
        years = _years(connection, business, record, every=scope != "record")
        states, queued = settle(connection, config, business, years, now)
    return Settled(decision, business.id, record, states, queued)


def undo(
    connection: sqlite3.Connection,
    config: Config,
    record_id: int,
    *,
    author: str,
    now: datetime,
    allowed: Collection[str] | None = None,
) -> Settled:
    """Undo the decision in force on credit `record_id`; the credit goes back to its rules."""
    author = clean_text(author, "author", AUTHOR_LIMIT)
    business, record = credit(connection, config, record_id, allowed)
    with ledger.transaction(connection):
        found = stored.in_force_for_record(connection, business.id, record.id)
        if found is None:
            raise DecisionError(f"record {record_id} has no decision to undo")
        stored.undo(
            connection,
            business.id,
            found.id,
            author=author,
            when=now.isoformat(timespec="seconds"),
        )
        years = _years(connection, business, record, every=found.scope != "record")
        states, queued = settle(connection, config, business, years, now)
    return Settled(found.id, business.id, record, states, queued)


def settle(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    years: list[int],
    now: datetime,
) -> tuple[list[YearState], list[int]]:
    """Evaluate `years` again after a change in the ledger and record their alerts as a scan
    does (in the caller's transaction): the years' states and the ids of the alert events
    queued. The one place a decision re-evaluates, and so where the years' stored evaluations
    (alerts/standing.py) become stale."""
    today = local_today(now)
    states: list[YearState] = []
    queued: list[int] = []
    invalidate(connection, business.id, years)
    for year in years:
        state = evaluate_year(connection, config, business, year, counting_only=True)
        queued += record_levels(connection, config, business, state, now, today)
        states.append(state)
    return states, queued


def clean_text(text: str, field: str, limit: int) -> str:
    """A person's text as stored: one line, no control characters, at most `limit` long."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    if len(cleaned) > limit:
        raise DecisionError(f"the {field} is {len(cleaned)} characters long; at most {limit}")
    return cleaned


def _choice(name: str) -> Choice:
    found = choice_for(name)
    if found is None:
        raise DecisionError(f'"{name}" is not a decision; one of: {choice_names()}')
    return found


def _always(record: StoredRecord, always: str) -> tuple[str, str]:
    """The scope and value of the decision: this credit only, or its IBAN or name."""
    if not always:
        return "record", ""
    if always not in ALWAYS:
        raise DecisionError(f'"always" is for "iban" or "name", not "{always}"')
    if always == "auto":
        always = "iban" if normalise_iban(record.counterparty_iban) else "name"
    if always == "iban":
        iban = normalise_iban(record.counterparty_iban)
        if not iban:
            raise DecisionError(f"record {record.id} names no IBAN; decide it for its name")
        return "iban", iban
    name = normalise_name(record.counterparty_name)
    if not name:
        raise DecisionError(f"record {record.id} names no counterparty; decide it for its IBAN")
    return "name", name


def _years(
    connection: sqlite3.Connection, business: BusinessConfig, record: StoredRecord, every: bool
) -> list[int]:
    """The years a decision can change: the credit's (and the one before, where a payment can
    count on its invoice's date, T12), or every year when it is for an account or name."""
    if every:
        return ledger.years_with_records(connection, business.id)
    if ledger.has_invoices(connection, business.id):
        return [record.date.year - 1, record.date.year]
    return [record.date.year]
