"""Is the KOR still worth it, for one business, from the ledger: the comparison as plain data.

`advice_facts` is the one entry point for `korwatch advise --json`, the report, the autumn email
and the web dashboard: it evaluates the year with its debits (and last year, for the forecast and
the twelve months of costs), asks tax.advice and returns JSON-ready data (money as strings with
two decimals, dates ISO 8601, codes that the templates word per language). `crossing_facts` is
what the crossed email adds: the euros of the crossing from the ledger as it stands.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from korwatch.alerts.evaluation import evaluate_year, rules_for
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.models import money
from korwatch.tax.advice import Advice, PlanFacts, Question, advise
from korwatch.tax.advice_basis import Basis
from korwatch.tax.advice_periods import Period, Plan, Range
from korwatch.tax.advice_verdict import Verdict
from korwatch.tax.after_crossing import AfterCrossing, after_crossing
from korwatch.tax.customers import BUSINESS, CONSUMER, UNKNOWN
from korwatch.tax.revision import Revision
from korwatch.tax.thresholds import YearState, threshold_for


def advice_facts(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    now: datetime,
    *,
    year: int | None = None,
    plans: tuple[Plan, ...] = (),
    b2b_share: Decimal | None = None,
) -> dict[str, Any]:
    """The comparison for `business` in `year` (default: this year) as plain data."""
    today = local_today(now)
    year = year or today.year
    this = evaluate_year(connection, config, business, year)
    last = None
    if year - 1 in ledger.years_with_records(connection, business.id):
        last = evaluate_year(connection, config, business, year - 1)
    settings = business.advice
    if b2b_share is not None:
        settings = replace(settings, b2b_share=b2b_share)
    question = Question(
        this=this,
        last=last,
        today=today,
        rules=rules_for(connection, business),
        settings=settings,
        next_threshold_cents=threshold_for(year + 1, config.thresholds).amount_cents,
        plans=plans,
        provisional=business.provisional,
    )
    return as_facts(advise(question), business.id, business.name, business.provisional)


def as_facts(advice: Advice, business_id: str, name: str, provisional: bool) -> dict[str, Any]:
    settings = advice.settings
    return {
        "id": business_id,
        "name": name,
        "year": advice.year,
        "as_of": advice.as_of.isoformat(),
        "in_kor": advice.in_kor,
        "provisional": provisional,
        "looking_back": advice.looking_back,
        "verdict": None if advice.verdict is None else _verdict(advice.verdict),
        "periods": [_period(p) for p in (advice.so_far, *advice.periods)],
        "basis": _basis(advice.lookback),
        "investments": [_plan(plan) for plan in advice.plans],
        "revision": {
            "rejoining": _revision(advice.rejoining),
            "upside": _revision(advice.upside),
        },
        "forecast": {
            "year_end": money(advice.forecast_year_end_cents),
            "crossing_date": _iso(advice.forecast_crossing),
        },
        "dates": _dates(advice),
        "administration": {
            "hours_per_return": f"{settings.hours_per_return.normalize():f}",
            "hourly_rate": money(settings.hourly_rate_cents),
            "per_return": money(settings.cost_per_return_cents),
            "return_period": settings.return_period,
            "default": settings.admin_default,
        },
        "consumer_prices": settings.consumer_prices,
        "b2b_share": None if settings.b2b_share is None else str(settings.b2b_share),
        "after_crossing": None if advice.crossing is None else _after(advice.crossing),
        "notes": list(advice.notes),
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _range(value: Range) -> dict[str, str]:
    return {"low": money(value.low), "high": money(value.high)}


def _verdict(verdict: Verdict) -> dict[str, Any]:
    return {
        "choice": verdict.choice,
        "periods": list(verdict.periods),
        "difference": _range(verdict.gain),
        "input_vat": _range(verdict.input_vat),
        "investments": money(verdict.investments_cents),
        "absorbed": _range(verdict.absorbed),
        "pay_more": _range(verdict.pay_more),
        "deducted_by_customers": _range(verdict.deducted),
        "administration": money(verdict.admin_cents),
        "returns": verdict.returns,
        "turnover": money(verdict.turnover_cents),
        "revision": money(verdict.revision_cents),
        "flips": [
            {"code": flip.code, "amount": money(flip.cents), "value": flip.value}
            for flip in verdict.flips
        ],
    }


def _period(period: Period) -> dict[str, Any]:
    return {
        "name": period.name,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "open": period.open,
        "turnover": money(period.turnover_cents),
        "input_vat": _range(period.input_vat),
        "investments": money(period.investments_cents),
        "absorbed": _range(period.absorbed),
        "pay_more": _range(period.pay_more),
        "deducted_by_customers": _range(period.deducted),
        "returns": period.returns,
        "administration": money(period.admin_cents),
        "difference": _range(period.gain),
    }


def _basis(basis: Basis) -> dict[str, Any]:
    bearing = sum(group.received_cents for group in basis.sales.values())
    return {
        "start": basis.start.isoformat(),
        "end": basis.end.isoformat(),
        "days": basis.days,
        "costs": [
            {
                "vat": group.vat,
                "code": group.code,
                "count": group.count,
                "amount": money(group.gross_cents),
                "vat_amount": money(group.vat_cents),
            }
            for group in basis.costs
        ],
        "one_offs": [
            {
                "date": debit.record.date.isoformat(),
                "amount": money(-debit.record.amount_cents),
                "counterparty": debit.record.counterparty_name,
                "vat": debit.verdict.vat,
                "vat_amount": money(debit.vat_cents),
            }
            for debit in basis.one_offs
        ],
        "customers": {
            kind: {
                "count": basis.sales[kind].count,
                "amount": money(basis.sales[kind].received_cents),
                "share": _share(basis.sales[kind].received_cents, bearing),
            }
            for kind in (BUSINESS, CONSUMER, UNKNOWN)
        },
        "untaxed_sales": money(basis.untaxed_cents),
        "unrecognised_payees": [
            {"counterparty": name, "count": count, "amount": money(total)}
            for name, count, total in basis.unknown_payees
        ],
        "unknown_customers": [
            {"counterparty": name, "amount": money(total)}
            for name, total in basis.unknown_customers
        ],
    }


def _share(part: int, whole: int) -> str:
    if whole <= 0:
        return "0.0"
    return str((Decimal(part) * 100 / whole).quantize(Decimal("0.1")))


def _plan(plan: PlanFacts) -> dict[str, Any]:
    return {
        "amount": money(plan.gross_cents),
        "date": plan.day.isoformat(),
        "dated": plan.dated,
        "vat": money(plan.vat_cents),
        "deductible": plan.deductible,
        "capital_good": plan.capital,
    }


def _revision(revision: Revision | None) -> dict[str, Any] | None:
    if revision is None:
        return None
    return {
        "per_year": [
            {"year": year, "amount": money(cents), "relieved": year in revision.relieved_in}
            for year, cents in revision.per_year
        ],
        "on": revision.on.isoformat(),
        "relieved": revision.relieved,
        "total": money(revision.total_cents),
    }


def _dates(advice: Advice) -> dict[str, Any]:
    dates = advice.dates
    return {
        "return_period": dates.period,
        "takes_effect": dates.start.isoformat(),
        "notice_by": dates.notice_by.isoformat(),
        "literally_four_weeks": dates.literal_by.isoformat(),
        "excluded_through": dates.excluded_through.isoformat(),
        "excluded_through_other": _iso(dates.excluded_through_other),
        "earliest_reentry": dates.earliest_reentry.isoformat(),
        "reentry_apply_by": dates.reentry_apply_by.isoformat(),
        "next_year_apply_by": dates.next_year_apply_by.isoformat(),
    }


def _after(found: AfterCrossing) -> dict[str, Any]:
    return {
        "since": found.since.isoformat(),
        "purchases": found.purchases,
        "purchases_amount": money(found.purchases_gross_cents),
        "deductible": money(found.deductible_cents),
        "unrecognised": found.unknown,
        "unrecognised_amount": money(found.unknown_gross_cents),
        "unrecognised_vat": money(found.unknown_vat_cents),
        "credits": [
            {
                "date": credit.item.effective_date.isoformat(),
                "amount": money(credit.received_cents),
                "counterparty": credit.item.record.counterparty_name,
                "invoice": credit.item.invoice,
                "vat_on_top": money(credit.on_top_cents),
                "vat_included": money(credit.inside_cents),
            }
            for credit in found.credits
        ],
        "credits_count": found.credits_count,
        "credits_more": found.credits_count - len(found.credits),
        "vat_on_top": money(found.on_top_cents),
        "vat_included": money(found.inside_cents),
    }


def crossing_facts(
    connection: sqlite3.Connection, business: BusinessConfig, state: YearState
) -> dict[str, Any]:
    """What the crossing of `state` changes in euros, from the ledger as it stands: its debits
    since the crossing date (an import's state holds none) and the later credits."""
    crossing = state.crossing
    if crossing is None:
        return {}
    debits = ledger.debits_between(
        connection, business.id, crossing.item.effective_date, date(state.year, 12, 31)
    )
    found = after_crossing(state, debits, rules_for(connection, business), business.advice.costs)
    return {} if found is None else {"after_crossing": _after(found)}
