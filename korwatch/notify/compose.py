"""From an event payload to a finished email (or a standalone HTML page of it).

The one place that joins the figures (context.py), the chart (chart.py) and the templates
(render.py). Warning, crossed and digest emails carry the turnover chart as an inline PNG
(multipart/related, referenced as cid:) when their payload holds the `cumulative` series; older
payloads and every other kind render without it. The HTML always holds the monthly table too,
so the email reads well when images are blocked.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import jinja2

from korwatch.alerts.series import as_points
from korwatch.notify.chart import ChartData
from korwatch.notify.chart_worker import Charts, chart_drawer
from korwatch.notify.context import CROSSED_KINDS, alert_context, shown_through
from korwatch.notify.render import Rendered, build_message, content_id, render

CHART_KINDS = frozenset({"warning", "crossed", "digest", "office-crossed"})


@dataclass(frozen=True)
class Composed:
    rendered: Rendered
    chart: bytes | None  # the PNG the HTML refers to, if any


def compose(
    env: jinja2.Environment,
    language: str,
    payload: dict[str, Any],
    chart_src: str | None,
    charts: Charts | None = None,
) -> Composed:
    """Render `payload` in `language`; `chart_src` is what the HTML's <img src> will be
    ("cid:..." in an email, None for a data: URI in a standalone page). `charts` draws the
    chart (the outbox's chart processes); without it, a chart process of its own."""
    context = alert_context(payload)
    data = chart_data(context, language)
    png = _png(data, charts) if data is not None else None
    if png is not None:
        src = chart_src or "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        context["chart"] = {"src": src}
    return Composed(render(env, str(context["kind"]), language, context), png)


def email_for(
    env: jinja2.Environment,
    language: str,
    payload: dict[str, Any],
    *,
    sender: str,
    recipients: tuple[str, ...],
    message_id: str,
    when: datetime,
    charts: Charts | None = None,
    cc: tuple[str, ...] = (),
    bcc: tuple[str, ...] = (),
) -> EmailMessage:
    cid = content_id(message_id, "korwatch-omzet" if language == "nl" else "korwatch-turnover")
    composed = compose(env, language, payload, f"cid:{cid}", charts)
    images = ((cid, composed.chart),) if composed.chart is not None else ()
    return build_message(
        composed.rendered,
        sender=sender,
        recipients=recipients,
        cc=cc,
        bcc=bcc,
        message_id=message_id,
        when=when,
        images=images,
    )


def chart_data(context: dict[str, Any], language: str) -> ChartData | None:
    """The chart of an event, or None when its kind has none or its payload predates charts."""
    if context["kind"] not in CHART_KINDS or "cumulative" not in context:
        return None
    year = int(context["year"])
    crossing = _crossing(context, language)
    forecast = context.get("forecast")
    return ChartData(
        year=year,
        points=as_points(context["cumulative"]),
        threshold=Decimal(context["threshold"]),
        warn_levels=[Decimal(level) for level in context.get("warn_levels", [])],
        crossing=crossing,
        forecast=(date(year, 12, 31), Decimal(forecast["year_end"])) if forecast else None,
        through=shown_through(context, year),
        language=language,
    )


def _crossing(context: dict[str, Any], language: str) -> tuple[date, Decimal, str] | None:
    if context["kind"] in CROSSED_KINDS:
        item = context["item"]
        label = "factuur " if language == "nl" else "invoice "
        return (
            date.fromisoformat(item["date"]),
            Decimal(context["after"]),
            label + item["invoice"] if item["invoice"] else "",
        )
    crossing = context.get("crossing")
    if isinstance(crossing, dict) and "after" in crossing:
        invoice = crossing.get("invoice") or ""
        return date.fromisoformat(crossing["date"]), Decimal(crossing["after"]), invoice
    return None


def chart_for(payload: dict[str, Any], language: str) -> ChartData | None:
    """The chart an email of `payload` will carry (for ChartWorkers.prefetch), or None."""
    return chart_data(alert_context(payload), language)


def _png(data: ChartData, charts: Charts | None) -> bytes | None:
    """The chart, drawn by `charts`, else by a drawer of its own (a chart process, or this
    process when KORWATCH_CHART_IN_PROCESS=1: tests, and one-shot commands)."""
    try:
        if charts is not None:
            return charts.draw(data)
        with chart_drawer(1) as drawer:
            return drawer.draw(data)
    except Exception:  # the alert matters more than its picture; the monthly table stays
        return None
