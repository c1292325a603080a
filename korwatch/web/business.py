"""A business's year (`/business/ID`): the report's figures and chart, the crossing with its
to-do list, the forecast, eligibility, the sources and their state, the credits waiting for
review, the latest decisions and links to its other years; and whether the KOR is still worth
it (`/business/ID/advice`). The chart is the report's PNG
(`/business/ID/chart.png`), drawn in a child process and kept while the year is unchanged."""

from __future__ import annotations

from flask import Flask, Response, request

from korwatch import clock
from korwatch.alerts.advice import advice_facts
from korwatch.alerts.evaluation import evaluate_year
from korwatch.ledger import decisions as stored
from korwatch.ledger import store as ledger
from korwatch.models import money
from korwatch.notify.chart_worker import render_chart_isolated
from korwatch.reporting.report import chart_data, year_facts
from korwatch.reporting.status import business_status
from korwatch.web.forms import Reader
from korwatch.web.overview import year_from
from korwatch.web.page import (
    business_or_404,
    connection,
    current_config,
    error_page,
    language,
    render,
    site,
    today,
)

CHARTS_KEPT = 256


def register(app: Flask) -> None:
    app.add_url_rule("/business/<business_id>", "business", business_page)
    app.add_url_rule("/business/<business_id>/chart.png", "chart", chart)
    app.add_url_rule("/business/<business_id>/advice", "advice", advice_page)


def business_page(business_id: str) -> Response:
    business = business_or_404(business_id)
    if business is None:
        return error_page(404, "no_such_business")
    config, found = current_config(), connection()
    reader = Reader(request.args)
    year = year_from(reader)
    state = evaluate_year(found, config, business, year)
    status = business_status(found, config, business, year, today())
    summary = site().summaries.one(found, config, business, year, today())
    years = sorted({*summary.years, today().year, year}, reverse=True)
    others = [
        (other, money(site().summaries.one(found, config, business, other, today()).turnover_cents))
        for other in years
        if other != year
    ]
    return render(
        "business.html",
        report=year_facts(config, business, state, clock.now(), language()),
        status=status,
        flagged=summary.flagged,
        decisions=stored.history(found, business.id, limit=10),
        other_years=others,
        documents=ledger.failed_documents(found, business.id),
        problems=reader.problems,
    )


def advice_page(business_id: str) -> Response:
    """Is the KOR still worth it (alerts/advice.py, as `korwatch advise` and the report show
    it), in the page's language; weighed on request only, as it reads the year's debits too."""
    business = business_or_404(business_id)
    if business is None:
        return error_page(404, "no_such_business")
    reader = Reader(request.args)
    year = year_from(reader)
    facts = None
    if year <= today().year:
        facts = advice_facts(connection(), current_config(), business, clock.now(), year=year)
    return render(
        "advice.html",
        b={"id": business.id, "name": business.name},
        year=year,
        advice=facts,
        problems=reader.problems,
    )


def chart(business_id: str) -> Response:
    business = business_or_404(business_id)
    if business is None:
        return error_page(404, "no_such_business")
    config, found = current_config(), connection()
    year = year_from(Reader(request.args))
    lang = language()
    stamp = ledger.change_stamps(found).get(business.id, ())
    key = (business.id, year, lang, today(), id(config), stamp)
    charts = site().charts
    png = charts.get(key)
    if png is None:
        state = evaluate_year(found, config, business, year, counting_only=True)
        png = render_chart_isolated(chart_data(state, today(), lang))
        if len(charts) >= CHARTS_KEPT:
            charts.pop(next(iter(charts)))
        charts[key] = png
    return Response(png, mimetype="image/png")
