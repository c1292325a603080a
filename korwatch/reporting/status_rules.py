"""The rules engine's part of `status`: projection, eligibility, flags, open points, EU-KOR.

`rule_facts` adds keys to a business's status item (nothing is removed); `rule_lines` says the
same for people. On the bank basis every figure is provisional and says so (R7.3, T12): unpaid
invoices are invisible and not every credit is turnover.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from korwatch.alerts.standing import Standing
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import money
from korwatch.tax.forecast import Estimate, Projection
from korwatch.tax.thresholds import threshold_for
from korwatch.tax.verdict import EuKorSettings, RuleSettings

UNCERTAIN_NOTES = {
    "U2": "an invoice with an earlier supply date counts on that date ([uncertain] date)",
    "U3": "a credit note after the crossing does not undo it; ask an adviser "
    "([uncertain] credit_note_after_crossing)",
    "U4": "if the crossing item's price cannot be raised, its VAT is inside the price",
    "U20": "credits no rule recognises count, to be safe; words in a description can exclude "
    "a credit ([uncertain] keywords, unmatched_payments, [[business.rule]])",
}


def rule_facts(
    config: Config, business: BusinessConfig, standing: Standing, today: date
) -> dict[str, Any]:
    """The extra status keys for one business and year, from its standing."""
    this, year = standing.this, standing.year
    provisional = business.provisional
    projection = standing.projection(today)
    next_threshold = threshold_for(year + 1, config.thresholds).amount_cents
    eligible = standing.eligibility(today, next_threshold)
    flags = set(this.item_flags) | ({"PROVISIONAL"} if provisional else set())
    facts: dict[str, Any] = {
        "percent": str(
            (Decimal(this.turnover_cents) * 100 / this.threshold_cents).quantize(Decimal("0.1"))
        )
        if this.threshold_cents
        else "0.0",
        "excluded": money(this.excluded_cents),
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
        "flags": sorted(flags),
        "review_items": this.review_items,
        "unpaid_invoices": this.listings["unpaid_invoices"],
        "unmatched_payments": this.listings["unmatched_payments"],
        "uncertain": _uncertain(this.uncertain, business.rules),
    }
    if "crossing_vat" in this.listings:
        facts["crossing_vat"] = this.listings["crossing_vat"]
    settings = business.rules.eu_kor
    if settings is not None and this.eu_kor is not None:
        last = standing.last.eu_kor if standing.last is not None else None
        facts["eu_kor"] = _eu_kor(this.eu_kor, last, settings)
    return facts


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _estimate(estimate: Estimate) -> dict[str, Any]:
    return {
        "method": estimate.method,
        "year_end": money(estimate.year_end_cents),
        "crossing_date": _iso(estimate.crossing_date),
    }


def _projection(projection: Projection, provisional: bool) -> dict[str, Any]:
    return {
        **_estimate(projection.headline),
        "as_of": projection.as_of.isoformat(),
        "run_rate": _estimate(projection.run_rate),
        "last_year_profile": None if projection.profile is None else _estimate(projection.profile),
        "provisional": True,  # a projection is an estimate, whatever the basis
        "basis_provisional": provisional,
    }


def _uncertain(used: tuple[tuple[str, int], ...], rules: RuleSettings) -> list[dict[str, str]]:
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
        for point, count in used
    ]


def _eu_kor(
    this: dict[str, Any], last: dict[str, Any] | None, settings: EuKorSettings
) -> dict[str, Any]:
    """The Union counter; last year's Union turnover from the config, else from the ledger."""
    previous = settings.previous_year_cents
    if previous is None and last is not None:
        previous = int(last["turnover_cents"])
    shown = {
        key: value
        for key, value in this.items()
        if key not in ("turnover_cents", "available_next_year")
    }
    shown["available_this_year"] = None if previous is None else previous <= settings.limit_cents
    shown["available_next_year"] = this["available_next_year"]
    return shown


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
