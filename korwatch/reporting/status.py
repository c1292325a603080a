"""Where each business stands, as the plain data behind `status` and `status --json`.

The shape is the contract of DESIGN.md: money as strings with two decimals, dates ISO 8601,
`level` one of ok / warning / crossed, `provisional` true on the bank basis. The figures come
from the stored evaluation of each year (alerts/standing.py); `recompute` evaluates them in
full instead, and gives the same bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from korwatch import clock
from korwatch.alerts import health
from korwatch.alerts.standing import Standing, standings
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.ledger.feeds import feed_overview, open_gaps
from korwatch.models import money
from korwatch.names import shown
from korwatch.reporting.status_rules import rule_facts
from korwatch.sources.bankfeed import HistoryGap, days_left, gap_message
from korwatch.tax.thresholds import threshold_for


def business_status(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    today: date | None = None,
    *,
    recompute: bool = False,
) -> dict[str, Any]:
    """One business's status item (see `statuses`)."""
    return statuses(connection, config, [business], year, today, recompute=recompute)[0]


def statuses(
    connection: sqlite3.Connection,
    config: Config,
    businesses: Sequence[BusinessConfig],
    year: int,
    today: date | None = None,
    *,
    recompute: bool = False,
    found: Sequence[Standing] | None = None,
) -> list[dict[str, Any]]:
    """The status item of each business in `year`, in the order given (`found`: their
    standings, when the caller has them)."""
    today = today or local_today(clock.now())
    if found is None:
        found = standings(connection, config, businesses, year, recompute=recompute)
    return [
        status_item(connection, config, business, standing, today)
        for business, standing in zip(businesses, found, strict=True)
    ]


def status_item(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    standing: Standing,
    today: date,
) -> dict[str, Any]:
    """The status item of one business from its standing, with the live facts of the ledger
    (failed documents, source health, undelivered email, bank feeds)."""
    summary, year = standing.this, standing.year
    warning_at = summary.warning_at_cents
    typos = summary.listings.get("likely_typos", [])
    optional = {"likely_typos": [_typo_facts(typo) for typo in typos]} if typos else {}
    return {
        "id": business.id,
        "name": business.name,
        "year": year,
        "basis": business.rules.basis,
        "turnover": money(summary.turnover_cents),
        "threshold": money(summary.threshold_cents),
        "headroom": money(summary.headroom_cents),
        "level": summary.level,
        "warning_at": money(warning_at) if warning_at is not None else None,
        "crossed": summary.crossed,
        "provisional": business.provisional,
        "crossing": summary.listings["crossing"],
        "counted_items": summary.counted_items,
        "failed_documents": [
            {"name": shown(name), "error": shown(error)}
            for name, error in ledger.failed_documents(connection, business.id)
        ],
        "notes": _notes(config, business, year) + [_typo_note(typo) for typo in typos],
        # The rules engine (issue 4): projection, eligibility, flags, open points, EU-KOR.
        **rule_facts(config, business, standing, today),
        # Watching the inputs (health.py): each source's last success and last error, and
        # emails that have failed at least once and still wait for delivery.
        "sources": [
            {
                "source": h.source,
                "last_success": h.last_success_at,
                "last_new": h.last_new_at,
                "last_error": h.last_error,
                "last_error_at": h.last_error_at,
                "failures_in_a_row": h.failures,
            }
            for h in health.source_health(connection, business.id)
        ],
        "undelivered": health.undelivered(connection, business.id),
        "bank_feeds": bank_feeds(connection, business.id, today),
        **optional,
    }


def _notes(config: Config, business: BusinessConfig, year: int) -> list[str]:
    notes: list[str] = []
    if business.provisional:
        notes.append(
            "bank basis: provisional; unpaid invoices are not seen and not every "
            'credit is turnover (import invoices or set basis = "invoices")'
        )
    if threshold_for(year, config.thresholds).assumed:
        notes.append(f"no known threshold for {year}: assumed EUR 20,000 (set [thresholds])")
    return notes


def bank_feeds(connection: sqlite3.Connection, business: str, today: date) -> list[dict[str, Any]]:
    """Each bank consent: state, expiry, and per account the pending entries (not counted).
    No session or account id: those are secrets of the ledger."""
    found = []
    for feed in feed_overview(connection, business):
        until = datetime.fromisoformat(feed["valid_until"])
        # The years the KOR is judged on: this one and the one before (T7).
        gaps = open_gaps(connection, business, feed["source"], today.year - 1)
        accounts = [
            {
                "account": account["account"],
                "name": account["name"],
                "pending": None
                if account["pending_at"] is None
                else {
                    "count": account["pending_count"],
                    "amount": money(account["pending_cents"]),
                    "currency": account["currency"],
                },
                "history_gaps": [
                    _gap_facts(gap, business) for gap in gaps if gap.account == account["account"]
                ],
            }
            for account in feed["accounts"]
        ]
        found.append(
            {
                **{key: feed[key] for key in ("source", "provider", "bank", "country", "state")},
                "reason": feed["reason"],
                "since": feed["state_since"],
                "valid_until": feed["valid_until"],
                "days_left": days_left(until, today),
                "accounts": accounts,
            }
        )
    return found


def _gap_facts(gap: HistoryGap, business: str) -> dict[str, Any]:
    """A history gap: the days that may be missing, the first day read, and what to do."""
    return {
        "first_day": gap.first.isoformat(),
        "last_day": gap.last.isoformat(),
        "served_from": None if gap.served_from is None else gap.served_from.isoformat(),
        "message": gap_message(gap, business),
    }


def _typo_facts(typo: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": typo["key"],
        "configured": typo["configured"],
        "seen": typo["seen"],
        "credits": typo["credits"],
        "amount": money(typo["amount_cents"]),
    }


def _typo_note(typo: dict[str, Any]) -> str:
    key = typo["key"]
    effect = "count as turnover" if key == "own_ibans" else "are not seen as private"
    return (
        f"likely typo in the config: {key} has {typo['configured']}, but {typo['credits']} "
        f"credit(s) of {money(typo['amount_cents'])} came from {typo['seen']}, one slip away; "
        f"if that is the same account, correct {key} (these credits now {effect})"
    )
