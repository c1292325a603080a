"""`korwatch report`: one year of one business as a standalone HTML page.

The page holds the ledger summary (per deciding rule: how many items, how much, counted or not),
the turnover chart (embedded as a data: URI, so the page loads nothing from anywhere), the
crossing with its to-do list, and the excluded items with the reason for each. Debits are only
summed: they are never turnover and would drown the list; `korwatch ledger --csv` lists them all.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import jinja2

from korwatch.alerts.series import as_points, monthly_rows
from korwatch.alerts.standing import standing, year_detail
from korwatch.alerts.summary import YearSummary
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import from_cents, money
from korwatch.notify.chart import ChartData, render_chart
from korwatch.notify.context import crossing_todo, percent_of
from korwatch.notify.render import inert
from korwatch.tax.thresholds import threshold_for


def report_context(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    now: datetime,
    language: str,
) -> dict[str, Any]:
    """Everything the report template shows, from the stored evaluation of the year (and its
    detail); bank text made inert, money as strings."""
    summary = standing(connection, config, business, year).this
    detail = year_detail(connection, config, business, year)
    today = local_today(now)
    cumulative = detail["cumulative"]
    through = min(today, date(year, 12, 31))
    facts: dict[str, Any] = {
        "business": {"id": business.id, "name": business.name},
        "year": year,
        "basis": business.rules.basis,
        "provisional": business.provisional,
        "generated_at": now.isoformat(timespec="minutes"),
        "threshold": money(summary.threshold_cents),
        "turnover": money(summary.turnover_cents),
        "headroom": money(summary.headroom_cents),
        "over": money(max(0, -summary.headroom_cents)),  # how far above the threshold, if above
        "percent": percent_of(
            from_cents(summary.turnover_cents), from_cents(summary.threshold_cents)
        ),
        "level": summary.level,
        "warn_levels": [money(level) for level in summary.warn_levels],
        "assumed_threshold": threshold_for(year, config.thresholds).assumed,
        "months": monthly_rows(year, cumulative, through),
        "summary": detail["rules"],
        "crossing": _crossing(summary),
        "excluded": detail["excluded"],
        "excluded_more": detail["excluded_more"],
    }
    facts["chart"] = {"src": _chart_uri(summary, cumulative, through, language)}
    return dict(inert(facts))


def render_report(env: jinja2.Environment, language: str, context: dict[str, Any]) -> str:
    return env.get_template(f"{language}/report.html").render({**context, "lang": language})


def _crossing(summary: YearSummary) -> dict[str, Any] | None:
    crossing = summary.listings["crossing"]
    if crossing is None:
        return None
    return {
        **crossing,
        "todo": crossing_todo(date.fromisoformat(crossing["date"]), Decimal(crossing["amount"])),
    }


def _chart_uri(
    summary: YearSummary, cumulative: Sequence[Sequence[str]], through: date, language: str
) -> str:
    passage = summary.listings["crossing"]
    crossing = None
    if passage is not None:
        word = "factuur" if language == "nl" else "invoice"
        label = f"{word} {passage['invoice']}" if passage["invoice"] else ""
        crossing = (date.fromisoformat(passage["date"]), Decimal(passage["after"]), label)
    png = render_chart(
        ChartData(
            year=summary.year,
            points=as_points(cumulative),
            threshold=from_cents(summary.threshold_cents),
            warn_levels=[from_cents(level) for level in summary.warn_levels],
            crossing=crossing,
            through=through,
            language=language,
        )
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
