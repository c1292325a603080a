"""Deciding in the web pages: the form decides, the page and `status --json` follow at once,
decisions survive a restart of the server and can be undone, alerts go out as usual."""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal as D

import requests

from korwatch.config.load import load_config
from korwatch.web.server import WebServer
from tests.helpers import Payment, SmtpServer, ing_csv
from tests.review.support import row_of
from tests.web.conftest import Web


def test_deciding_the_loan_in_the_form_changes_turnover_and_level_at_once(web: Web) -> None:
    code, page = web.post(
        "/decide", record=web.loan, choice="loan", always="", note="van oom Jan", next="/review"
    )
    assert code == 200
    assert f"Beslist: post {web.loan} telt zo. Omzet 2026 nu € 11.500,00 (onder de grens)." in page
    assert "van oom Jan" in page.split("Laatste beslissingen")[1]  # listed under decisions
    status = web.workspace.status()
    assert (status["turnover"], status["level"], status["review_items"]) == ("11500.00", "ok", 2)
    overview = web.page("/")
    assert "€ 11.500,00" in overview and '<span class="badge ok">' in overview
    row = row_of(web.workspace, "5000.00")
    author = row["decided_by"]
    assert author and row["decision_note"] == "van oom Jan" and row["category"] == "loan"


def test_undo_in_the_page_brings_the_credit_back_to_the_queue(web: Web) -> None:
    web.post("/decide", record=web.loan, choice="loan", next="/review")
    assert web.workspace.status()["turnover"] == "11500.00"
    code, page = web.post("/undo", record=web.loan, next="/business/studio")
    assert code == 200
    assert f"Teruggedraaid: post {web.loan} volgt weer de regels" in page
    assert "teruggedraaid door" in page
    assert web.workspace.status()["turnover"] == "16500.00"
    assert f'id="r{web.loan}"' in web.page("/review")
    code, page = web.post("/undo", record=web.loan, next="/review")
    assert f"record {web.loan} has no decision to undo" in page


def test_always_for_the_iban_from_the_form_writes_a_rule_for_later_credits(web: Web) -> None:
    web.post("/decide", record=web.loan, choice="private-money", always="iban", next="/review")
    later = Payment(date(2026, 10, 1), D("750.00"), "J. de Vries", "NL02RABO0123456789", "x")
    web.workspace.drop("later.csv", ing_csv([later]))
    assert web.workspace.run("scan")[0] == 0
    row = row_of(web.workspace, "750.00")
    assert (row["rule"], row["category"], row["counted"]) == (
        "always-iban",
        "private-deposit",
        "false",
    )


def test_decisions_survive_a_restart_of_the_server(web: Web) -> None:
    def serve() -> WebServer:
        server = WebServer(lambda: load_config(web.workspace.config), "127.0.0.1", 0)
        server.start()
        return server

    server = serve()
    with requests.Session() as browser:
        page = browser.get(server.url + "review", timeout=10).text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        answer = browser.post(
            server.url + "decide",
            data={"csrf": token.group(1), "record": web.loan, "choice": "loan", "next": "/"},
            timeout=30,
        )
        assert answer.status_code == 200 and "Beslist: post" in answer.text
    server.close()
    restarted = serve()
    try:
        page = requests.get(restarted.url + "business/studio", timeout=30).text
        assert "€ 11.500,00" in page and "onder de grens" in page
        assert f'<a href="/business/studio/ledger?record={web.loan}">{web.loan}</a>' in page
    finally:
        restarted.close()


def test_a_decision_that_crosses_the_threshold_emails_the_crossing(
    web: Web, smtp_server: SmtpServer
) -> None:
    kept_out = Payment(date(2026, 9, 14), D("6000.50"), "Klant C", description="lening terug")
    web.workspace.drop("more.csv", ing_csv([kept_out]))
    assert web.workspace.run("scan")[0] == 0
    before = len(smtp_server.messages)
    record = row_of(web.workspace, "6000.50")["record"]
    code, page = web.post("/review", record=record, choice="turnover", next="/")  # not a form
    assert code == 405
    code, page = web.post("/decide", record=record, choice="turnover", next="/")
    assert "Omzet 2026 nu € 22.500,50 (grens overschreden)" in page
    deadline = time.monotonic() + 30
    while len(smtp_server.messages) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(smtp_server.messages) == before + 1
    assert "Fotostudio Wout" in str(smtp_server.messages[-1]["Subject"])
    assert web.workspace.status()["crossing"]["record"] == int(record)
