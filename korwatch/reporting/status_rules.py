"""The rules engine's part of `status`: projection, eligibility, flags, open points, EU-KOR.

`rule_facts` adds keys to a business's status item (nothing is removed); `rule_lines` says the
same for people. On the bank basis every figure is provisional and says so (R7.3, T12): unpaid
invoices are invisible and not every credit is turnover.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from korwatch.alerts.events import record_facts
from korwatch.alerts.review import review_queue
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.models import money
from korwatch.tax.eligibility import evaluate_eligibility
from korwatch.tax.eukor import union_counter
from korwatch.tax.forecast import Estimate, project
from korwatch.tax.thresholds import YearState, threshold_for
from korwatch.tax.vat import vat_included, vat_on_top
from korwatch.tax.verdict import (
    ADVISER_REVIEW,
    NET_OF_FEES,
    REVIEW,
    UNPAID,
    EuKorSettings,
    RuleSettings,
)

UNCERTAIN_NOTES = {
    "U2": "an invoice with an earlier supply date counts on that date ([uncertain] date)",
    "U3": "a credit note after the crossing does not undo it; ask an adviser "
    "([uncertain] credit_note_after_crossing)",
    "U4": "if the crossing item's price cannot be raised, its VAT is inside the price",
    "U20": "credits no rule recognises count, to be safe; words in a description can exclude "
    "a credit ([uncertain] keywords, unmatched_payments, [[business.rule]])",
}


def rule_facts(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    state: YearState,
    today: date,
    evaluate: Callable[[int], YearState],
) -> dict[str, Any]:
    """The extra status keys for one business and year; `evaluate(year)` evaluates another year."""
    year = state.year
    last = (
        evaluate(year - 1)
        if year - 1 in ledger.years_with_records(connection, business.id)
        else None
    )
    provisional = business.provisional
    projection = project(state, today, last)
    next_threshold = threshold_for(year + 1, config.thresholds).amount_cents
    eligible = evaluate_eligibility(state, last, today, next_threshold)
    items = list(state.items)  # evaluate keeps the records dated or counting in this year
    facts: dict[str, Any] = {
        "percent": str(
            (Decimal(state.turnover_cents) * 100 / state.threshold_cents).quantize(Decimal("0.1"))
        )
        if state.threshold_cents
        else "0.0",
        "excluded": money(state.excluded_cents),
        "projection": None if projection is None else _projection(projection, provisional),
        "eligibility": {
            "this_year": eligible.this_year,
            "this_year_reason": eligible.this_year_reason,
            "next_year": eligible.next_year,
            "next_year_reason": eligible.next_year_reason,
            "apply_by": _iso(eligible.apply_by),
            "earliest_start": _iso(eligible.earliest_start),
            "flags": list(eligible.flags),
            "provisional": provisional,
        },
        "flags": _flags(state, items, provisional),
        "review_items": len(review_queue(state)),
        "unpaid_invoices": _unpaid(items),
        "unmatched_payments": [
            record_facts(i)
            for i in items
            if i.rule == "unmatched-payment" and i.effective_date.year == year
        ],
        "uncertain": _uncertain(state, items, business.rules),
    }
    if state.crossing is not None:
        item = state.crossing.item
        facts["crossing_vat"] = {
            "on_top": money(vat_on_top(item.amount_cents, "general", item.effective_date)),
            "included": money(vat_included(item.amount_cents, "general", item.effective_date)),
        }
    if business.rules.eu_kor is not None:
        facts["eu_kor"] = _eu_kor(state, last, business.rules.eu_kor, business.rules.basis)
    return facts


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "method": estimate.method,
        "year_end": money(estimate.year_end_cents),
        "crossing_date": _iso(estimate.crossing_date),
    }


def _projection(projection: Any, provisional: bool) -> dict[str, Any]:
    return {
        **_estimate(projection.headline),
        "as_of": projection.as_of.isoformat(),
        "run_rate": _estimate(projection.run_rate),
        "last_year_profile": None if projection.profile is None else _estimate(projection.profile),
        "provisional": True,  # a projection is an estimate, whatever the basis
        "basis_provisional": provisional,
    }


def _flags(state: YearState, items: list[Any], provisional: bool) -> list[str]:
    flags = set(state.flags)
    if provisional:
        flags.add("PROVISIONAL")
    for item in items:
        for flag in item.flags:
            if flag in (REVIEW, NET_OF_FEES, UNPAID, ADVISER_REVIEW):
                flags.add(flag)
    return sorted(flags)


def _unpaid(items: list[Any]) -> list[dict[str, Any]]:
    return [
        {**record_facts(i), "invoice": i.record.reference}
        for i in items
        if i.record.kind == "invoice" and UNPAID in i.flags
    ]


def _uncertain(state: YearState, items: list[Any], rules: RuleSettings) -> list[dict[str, str]]:
    used: dict[str, int] = {}
    for item in items:
        for point in item.uncertain:
            used[point] = used.get(point, 0) + 1
    if state.crossing is not None:
        used.setdefault("U4", 1)
    settings = {
        "U2": f'date = "{rules.date_rule}"',
        "U3": f'credit_note_after_crossing = "{rules.credit_note_after_crossing}"',
        "U4": "both VAT figures shown (crossing_vat)",
        "U20": f"keywords = {str(rules.keywords).lower()}, "
        f'unmatched_payments = "{rules.unmatched_payments}"',
    }
    return [
        {
            "id": point,
            "items": str(count),
            "setting": settings.get(point, ""),
            "note": UNCERTAIN_NOTES.get(point, ""),
        }
        for point, count in sorted(used.items())
    ]


def _eu_kor(
    state: YearState, last: YearState | None, settings: EuKorSettings, basis: str
) -> dict[str, Any]:
    """The Union counter; last year's Union turnover from the config, else from the ledger."""
    previous = settings.previous_year_cents
    if previous is None and last is not None:
        previous = union_counter(last, settings, None, basis).turnover_cents
    counter = union_counter(state, settings, previous, basis)
    crossing = counter.crossing
    return {
        "limit": money(counter.limit_cents),
        "turnover": money(counter.turnover_cents),
        "per_state": {
            country: money(amount) for country, amount in sorted(counter.per_state_cents.items())
        },
        "crossed": crossing is not None,
        "crossing": None
        if crossing is None
        else {
            "date": crossing.effective_date.isoformat(),
            "amount": money(crossing.amount_cents or crossing.record.amount_cents),
            "before": money(counter.before_cents),
        },
        "notify_by": _iso(counter.notify_by),
        "quarters": [
            {"quarter": q.quarter, "turnover": money(q.turnover_cents), "due": q.due.isoformat()}
            for q in counter.quarters
        ],
        "available_this_year": counter.available_this_year,
        "available_next_year": counter.available_next_year,
    }


def rule_lines(item: dict[str, Any]) -> list[str]:
    """The same facts for people, one line each."""
    lines: list[str] = []
    if item.get("provisional"):
        lines.append(
            f"PROVISIONAL: {item.get('percent', '?')} % of the threshold on the bank basis; "
            "unpaid invoices may exist and not every credit is turnover (import invoices)"
        )
    projection = item.get("projection")
    if projection:
        crossing = projection["crossing_date"]
        lines.append(
            f"projection ({projection['method']}): year end about {projection['year_end']}"
            + (f", crossing expected on {crossing}" if crossing else ", no crossing expected")
            + " (an estimate)"
        )
    eligibility = item.get("eligibility") or {}
    if eligibility.get("this_year") is False:
        lines.append(f"KOR this year: not available ({eligibility['this_year_reason']})")
    if eligibility.get("next_year_reason"):
        verdict = "available" if eligibility["next_year"] else "not available"
        lines.append(f"KOR next year: {verdict} ({eligibility['next_year_reason']})")
    flags = item.get("flags") or []
    if flags:
        lines.append("flags: " + ", ".join(flags))
    if item.get("review_items"):
        lines.append(
            f"{item['review_items']} item(s) to review: korwatch ledger --year {item['year']}"
        )
    if item.get("unpaid_invoices"):
        lines.append(f"{len(item['unpaid_invoices'])} unpaid invoice(s)")
    for point in item.get("uncertain") or []:
        lines.append(f"open point {point['id']} ({point['setting']}): {point['note']}")
    eu = item.get("eu_kor")
    if eu:
        lines.append(
            f"EU-KOR: Union turnover {eu['turnover']} of {eu['limit']}"
            + (
                f", crossed on {eu['crossing']['date']}; "
                f"tell the Belastingdienst by {eu['notify_by']}"
                if eu["crossed"]
                else ""
            )
        )
    return lines
