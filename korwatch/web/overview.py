"""The overview (`/`): every business the viewer may see, one line each: turnover, share of the
threshold, level, forecast, the last data of each source and the credits waiting for review.
Sorted by a column (`sort`, `order`) and filtered (`q`, `level`, `review`) through the query
string, so it works without JavaScript and a filtered view can be bookmarked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, request

from korwatch.alerts.health import SourceHealth, every_source_health, is_failing
from korwatch.config.model import Config
from korwatch.ledger.feeds import every_consent
from korwatch.models import money
from korwatch.web.forms import Reader
from korwatch.web.page import connection, current_config, render, site, today, visible
from korwatch.web.summaries import Summary

LEVELS = ("ok", "warning", "crossed")
_RANK = {level: rank for rank, level in enumerate(LEVELS)}
SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda row: row["name"].casefold(),
    "turnover": lambda row: row["turnover_cents"],
    "percent": lambda row: row["turnover_cents"] / max(row["threshold_cents"], 1),
    "level": lambda row: (_RANK[row["level"]], row["turnover_cents"]),
    "forecast": lambda row: row["forecast_cents"],
    "review": lambda row: row["review"],
    "data": lambda row: row["last_data"] or "",
}


def register(app: Flask) -> None:
    app.add_url_rule("/", "overview", overview)


def year_from(reader: Reader) -> int:
    """The year asked for (`year`), else this year."""
    this_year = today().year
    return reader.number("year", 2000, 2100, this_year) or this_year


def overview() -> Response:
    config = current_config()
    reader = Reader(request.args)
    year = year_from(reader)
    sort = reader.choice("sort", tuple(SORTS), "level")
    order = reader.choice("order", ("asc", "desc"), "desc")
    text = reader.text("q").casefold()
    level = reader.choice("level", ("", *LEVELS), "")
    only_review = reader.choice("review", ("", "1"), "") == "1"
    rows = lines(config, year)
    shown = [
        row
        for row in rows
        if (not text or text in row["name"].casefold() or text in row["id"].casefold())
        and (not level or row["level"] == level)
        and (not only_review or row["review"])
    ]
    shown.sort(key=SORTS[sort], reverse=order == "desc")
    return render(
        "overview.html",
        year=year,
        rows=shown,
        total=len(rows),
        counts={name: sum(1 for row in rows if row["level"] == name) for name in LEVELS},
        review_total=sum(row["review"] for row in rows),
        filters={"q": reader.text("q"), "level": level, "review": only_review},
        sort=sort,
        order=order,
        sort_links={name: _sort_link(name, sort, order) for name in SORTS},
        problems=reader.problems,
    )


def lines(config: Config, year: int) -> list[dict[str, Any]]:
    """One line per visible business (summaries kept between requests, sources read fresh)."""
    found = site().summaries.of(connection(), config, visible(config), year, today())
    health = every_source_health(connection())
    consents = every_consent(connection())
    return [
        {
            **_line(summary, health.get(summary.business.id, []), config),
            "consents": _consents(consents.get(summary.business.id, [])),
        }
        for summary in found
    ]


def _consents(found: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """Each bank consent: its bank, whether it must be renewed, when it ends and in how many
    days (a consent lasts at most 180 days)."""
    day = today()
    return [
        {
            "bank": bank,
            "needs_consent": state != "authorized",
            "valid_until": until[:10],
            "days_left": (date.fromisoformat(until[:10]) - day).days,
        }
        for _source, bank, state, until in found
    ]


def _line(summary: Summary, sources: list[SourceHealth], config: Config) -> dict[str, Any]:
    business = summary.business
    forecast = summary.forecast
    settings = config.health_for(business)
    return {
        "id": business.id,
        "name": business.name,
        "provisional": business.provisional,
        "turnover": money(summary.turnover_cents),
        "turnover_cents": summary.turnover_cents,
        "threshold_cents": summary.threshold_cents,
        "percent": str(summary.percent),
        "meter": str(min(summary.percent, 100)),
        "level": summary.level,
        "crossing_date": summary.crossing_date,
        "forecast": None
        if forecast is None
        else {
            "year_end": money(forecast.year_end_cents),
            "crossing_date": forecast.crossing_date,
            "method": forecast.method,
        },
        "forecast_cents": forecast.year_end_cents if forecast else summary.turnover_cents,
        "review": summary.review_items,
        "sources": [
            {
                "source": source.source,
                "last_new": (source.last_new_at or "")[:10],
                "last_success": (source.last_success_at or "")[:10],
                "failing": is_failing(source, settings),
            }
            for source in sources
        ],
        "last_data": max(((s.last_new_at or "")[:10] for s in sources), default=""),
    }


def _sort_link(name: str, sort: str, order: str) -> str:
    arguments = {k: v for k, v in request.args.items() if k not in ("sort", "order")}
    flipped = "asc" if (name == sort and order == "desc") else "desc"
    arguments.update(sort=name, order=flipped)
    return "/?" + urlencode(arguments)
