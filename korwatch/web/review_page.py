"""The review queue (`/review`): every flagged credit of the visible businesses, each with a
form to decide it; one credit on its own (`/review/RECORD`, any credit, from the ledger page);
and the POSTs that decide (`/decide`) and undo (`/undo`) through alerts/review.py, the path of
`korwatch decide`. After a decision the page says what changed, and due alerts go out."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from korwatch import clock
from korwatch.alerts.review import NOTE_LIMIT, Settled, credit, decide, undo
from korwatch.errors import DecisionError
from korwatch.ledger import decisions as stored
from korwatch.models import money
from korwatch.tax.decisions import CHOICES
from korwatch.web.delivery import deliver_soon
from korwatch.web.forms import Reader
from korwatch.web.overview import year_from
from korwatch.web.page import (
    back,
    business_or_404,
    connection,
    current_config,
    current_viewer,
    error_page,
    render,
    site,
    today,
    visible,
)
from korwatch.web.summaries import Flagged

SHOWN = 200  # flagged credits on one page
CHOICE_NAMES = tuple(choice.name for choice in CHOICES)


def register(app: Flask) -> None:
    app.add_url_rule("/review", "review", queue)
    app.add_url_rule("/review/<int:record>", "review_one", one)
    app.add_url_rule("/decide", "decide", decide_post, methods=["POST"])
    app.add_url_rule("/undo", "undo", undo_post, methods=["POST"])


def queue() -> Response:
    config, found = current_config(), connection()
    reader = Reader(request.args)
    year = year_from(reader)
    wanted = reader.text("business")
    businesses = visible(config)
    if wanted:
        chosen = business_or_404(wanted)
        if chosen is None:
            return error_page(404, "no_such_business")
        businesses = [chosen]
    summaries = site().summaries.of(found, config, businesses, year, today())
    waiting = sum(summary.review_items for summary in summaries)
    cards: list[dict[str, Any]] = []
    for summary in summaries:
        business = summary.business
        cards += [_card(business.id, business.name, item) for item in summary.flagged]
        if len(cards) >= SHOWN:
            break
    allowed = {business.id for business in visible(config)}
    recent = [d for d in stored.history(found, None, limit=200) if d.business in allowed][:20]
    return render(
        "review.html",
        year=year,
        business=wanted,
        businesses=[(b.id, b.name) for b in visible(config)],
        waiting=cards[:SHOWN],
        more=max(0, waiting - SHOWN),
        choices=CHOICES,
        decisions=recent,
        problems=reader.problems,
    )


def one(record: int) -> Response:
    config, found = current_config(), connection()
    allowed = {business.id for business in visible(config)}
    try:
        business, stored_record = credit(found, config, record, allowed)
    except DecisionError:
        return error_page(404, "no_such_credit")
    item = Flagged(
        stored_record.id, stored_record.date, stored_record.amount_cents,
        stored_record.counterparty_name, stored_record.counterparty_iban,
        stored_record.description, stored_record.document_name, "",
    )  # fmt: skip
    return render(
        "review_one.html",
        card=_card(business.id, business.name, item),
        choices=CHOICES,
        decision=stored.in_force_for_record(found, business.id, record),
        decisions=stored.history(found, business.id, record),
    )


def _card(business_id: str, name: str, item: Flagged) -> dict[str, Any]:
    return {"business": business_id, "business_name": name, "item": item}


def decide_post() -> Response:
    reader = Reader(request.form)
    target = request.form.get("next")
    record = reader.number("record", 1, 2**62, None)
    choice = reader.choice("choice", ("", *CHOICE_NAMES), "")
    always = reader.choice("always", ("", "iban", "name"), "")
    note = reader.text("note", NOTE_LIMIT)
    if record is None or reader.problems:
        return back(target, (reader.problems or ["bad_number:record"])[0], "error")
    if not choice:
        return back(target, "choose_what_it_is", "error")
    return _settle(target, record, "decided", choice, always, note)


def undo_post() -> Response:
    reader = Reader(request.form)
    record = reader.number("record", 1, 2**62, None)
    if record is None:
        return back(request.form.get("next"), "bad_number:record", "error")
    return _settle(request.form.get("next"), record, "undone")


def _settle(
    target: str | None, record: int, what: str, choice: str = "", always: str = "", note: str = ""
) -> Response:
    config, found = current_config(), connection()
    allowed = {business.id for business in visible(config)}
    author = current_viewer().name
    try:
        if what == "undone":
            settled = undo(found, config, record, author=author, now=clock.now(), allowed=allowed)
        else:
            settled = decide(
                found, config, record, choice, author=author, now=clock.now(),
                always=always, note=note, allowed=allowed,
            )  # fmt: skip
    except DecisionError as error:
        return back(target, str(error), "error")
    if settled.alerts:
        deliver_soon(config, settled.business)
    return back(target, _said(settled, what), "ok")


def _said(settled: Settled, what: str) -> str:
    """What the decision did, as a message key and its values (i18n.say)."""
    state = settled.state(settled.record.date.year)
    if state is None:
        return f"{what}|{settled.record.id}"
    return (
        f"{what}_now|{settled.record.id}|{state.year}|{money(state.turnover_cents)}|{state.level}"
    )
