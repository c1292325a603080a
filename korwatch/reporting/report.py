"""`korwatch report`: one year of one business as a standalone HTML page.

The page holds the ledger summary (per deciding rule: how many items, how much, counted or not),
the turnover chart (embedded as a data: URI, so the page loads nothing from anywhere), the
crossing with its to-do list, whether the KOR is still worth it (alerts/advice.py; after a
crossing: what it changes in euros), and the excluded items with the reason for each. Debits
are only summed: they are never turnover and would drown the list; `korwatch ledger --csv`
lists them all.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import jinja2

from korwatch.alerts.advice import advice_facts
from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.events import item_facts, record_facts
from korwatch.alerts.series import as_points, daily_cumulative, monthly_rows
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import from_cents, money
from korwatch.notify.chart import ChartData, render_chart
from korwatch.notify.context import crossing_todo, percent_of
from korwatch.notify.render import inert
from korwatch.tax.reasons import reason_in
from korwatch.tax.thresholds import YearState, threshold_for
from korwatch.tax.verdict import Classified

MAX_EXCLUDED_LISTED = 1000  # beyond this the page says how many more there are


def report_context(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    now: datetime,
    language: str,
) -> dict[str, Any]:
    """Everything the report template shows; bank text made inert, money as strings."""
    state = evaluate_year(connection, config, business, year)
    facts = year_facts(config, business, state, now, language)
    # Is the KOR still worth it (or, once crossed, what the crossing changes in euros).
    facts["advice"] = (
        advice_facts(connection, config, business, now, year=year)
        if year <= local_today(now).year
        else None  # a year that has not begun has nothing to weigh
    )
    facts["chart"] = {"src": _chart_uri(chart_data(state, local_today(now), language))}
    return dict(inert(facts))


def year_facts(
    config: Config,
    business: BusinessConfig,
    state: YearState,
    now: datetime,
    language: str = "en",
) -> dict[str, Any]:
    """The report's figures of a year (all but the chart and the advice), as the report and the
    web pages show them, reasons in `language`. Bank text is not yet made inert: the caller
    does, or autoescapes."""
    year = state.year
    through = min(local_today(now), date(year, 12, 31))
    return {
        "business": {"id": business.id, "name": business.name},
        "year": year,
        "basis": business.rules.basis,
        "provisional": business.provisional,
        "generated_at": now.isoformat(timespec="minutes"),
        "threshold": money(state.threshold_cents),
        "turnover": money(state.turnover_cents),
        "headroom": money(state.headroom_cents),
        "over": money(max(0, -state.headroom_cents)),  # how far above the threshold, if above
        "percent": percent_of(from_cents(state.turnover_cents), from_cents(state.threshold_cents)),
        "level": state.level,
        "warn_levels": [money(level) for level in state.warn_levels],
        "assumed_threshold": threshold_for(year, config.thresholds).assumed,
        "months": monthly_rows(year, daily_cumulative(state), through),
        "summary": rule_summary(state.items, language),
        "crossing": _crossing(state),
        **_excluded(state.items, language),
    }


def render_report(env: jinja2.Environment, language: str, context: dict[str, Any]) -> str:
    return env.get_template(f"{language}/report.html").render({**context, "lang": language})


def rule_summary(items: Sequence[Classified], language: str = "en") -> list[dict[str, Any]]:
    """One line per deciding rule: counted or not, how many items, their total, the reason (in
    `language`; the rule's code stays as it is)."""
    groups: dict[tuple[bool, str], dict[str, Any]] = {}
    for item in items:
        key = (item.counts, item.rule)
        group = groups.get(key)
        if group is None:  # the reason is worded once per rule, not once per item
            reason = reason_in(item, language)
            group = groups[key] = {"rule": item.rule, "counts": item.counts, "reason": reason}
            group.update(n=0, c=0)
        group["n"] += 1
        group["c"] += item.amount_cents if item.counts else item.record.amount_cents
    ordered = sorted(groups.values(), key=lambda g: (not g["counts"], -abs(g["c"])))
    return [
        {
            "rule": g["rule"],
            "counts": g["counts"],
            "reason": g["reason"],
            "count": g["n"],
            "amount": money(g["c"]),
        }
        for g in ordered
    ]


def _crossing(state: YearState) -> dict[str, Any] | None:
    passage = state.crossing
    if passage is None:
        return None
    facts = item_facts(passage.item)
    return {
        **facts,
        "before": money(passage.before_cents),
        "after": money(passage.after_cents),
        "todo": crossing_todo(date.fromisoformat(facts["date"]), Decimal(facts["amount"])),
    }


def _excluded(items: Sequence[Classified], language: str) -> dict[str, Any]:
    excluded = [item for item in items if not item.counts and item.rule != "debit"]
    return {
        "excluded": [_excluded_row(item, language) for item in excluded[:MAX_EXCLUDED_LISTED]],
        "excluded_more": max(0, len(excluded) - MAX_EXCLUDED_LISTED),
    }


def _excluded_row(item: Classified, language: str) -> dict[str, str]:
    return {**record_facts(item), "rule": item.rule, "reason": reason_in(item, language)}


def chart_data(state: YearState, today: date, language: str) -> ChartData:
    """The chart of the year as of `today` (drawn by notify/chart.py)."""
    through = min(today, date(state.year, 12, 31))
    passage = state.crossing
    crossing = None
    if passage is not None:
        word = "factuur" if language == "nl" else "invoice"
        label = f"{word} {passage.item.invoice}" if passage.item.invoice else ""
        crossing = (passage.item.effective_date, from_cents(passage.after_cents), label)
    return ChartData(
        year=state.year,
        points=as_points(daily_cumulative(state)),
        threshold=from_cents(state.threshold_cents),
        warn_levels=[from_cents(level) for level in state.warn_levels],
        crossing=crossing,
        through=through,
        language=language,
    )


def _chart_uri(data: ChartData) -> str:
    png = render_chart(data)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
