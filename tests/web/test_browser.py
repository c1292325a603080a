"""The dashboard in a real browser: Debian's chromium, driven by Playwright (never a browser
Playwright downloads), against `korwatch serve` on 127.0.0.1. Open the overview, open a
business, decide its flagged EUR 5,000 loan as not turnover, and see turnover and level change
on the page and in `korwatch status --json`. The screenshots go to a temporary folder, or to
$KORWATCH_SCREENSHOTS when it is set (the ones in benchmarks/screenshots/ were taken with
`KORWATCH_SCREENSHOTS=benchmarks/screenshots sh scripts/test.sh -k browser`), so a test run
never changes files of the checkout."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Workspace
from tests.helpers import Payment, free_port, ing_csv
from tests.review.support import year_with_loan
from tests.web.conftest import add_business
from tests.web.test_commands import _start, _wait_for_page

CHROMIUM = Path("/usr/bin/chromium")
# As the machine's own notes say: without the background-networking flags chromium keeps
# trying to reach Google's hosts, which this closed network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


def _office(workspace: Workspace) -> str:
    """Three businesses: the studio with its loan, a bakery over the threshold, a quiet one."""
    loan = year_with_loan(workspace)
    bakery = add_business(workspace, "bakkerij", "Bakkerij Brood")
    (bakery / "ing.csv").write_text(ing_csv([
        Payment(date(2026, 3, 2), D("12500.00"), "Groothandel Noord", description="F-2026-7"),
        Payment(date(2026, 8, 19), D("9100.00"), "Hotel Zee", description="F-2026-12"),
    ]), encoding="utf-8")  # fmt: skip
    atelier = add_business(workspace, "atelier", "Atelier Klei")
    (atelier / "ing.csv").write_text(
        ing_csv([Payment(date(2026, 6, 1), D("2400.00"), "Galerie", description="F-3")]),
        encoding="utf-8",
    )
    assert workspace.run("scan")[0] == 0
    return loan


def test_deciding_the_flagged_loan_in_the_browser_lowers_turnover_and_level(
    workspace: Workspace, browser: Any
) -> None:
    loan = _office(workspace)
    shots = Path(os.environ.get("KORWATCH_SCREENSHOTS") or workspace.root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = _start(["serve", "--port", str(port)], workspace)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_page(base + "/", server)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))

        page.goto(base + "/?lang=en")
        studio = page.locator("tr", has_text="Fotostudio Wout")
        assert "€16,500.00" in studio.inner_text() and "threshold in sight" in studio.inner_text()
        assert "threshold crossed" in page.locator("tr", has_text="Bakkerij Brood").inner_text()
        page.screenshot(path=str(shots / "web-overview-en.png"), full_page=True)

        with page.expect_response(lambda response: "/chart.png" in response.url) as chart:
            page.click("text=Fotostudio Wout")
        assert chart.value.ok and chart.value.header_value("content-type") == "image/png"
        page.wait_for_function("() => document.querySelector('.chart img').naturalWidth > 0")
        assert page.inner_text("#turnover") == "€16,500.00"
        page.screenshot(path=str(shots / "web-business-before-en.png"), full_page=True)

        page.click("text=Review queue (3)")
        card = page.locator(f"li#r{loan}")
        assert "J. de Vries" in card.inner_text()
        card.locator("select[name=choice]").select_option("loan")
        card.locator("input[name=note]").fill("a loan from uncle Jan")
        page.screenshot(path=str(shots / "web-review-en.png"), full_page=True)
        card.locator("button", has_text="Decide").click()
        assert (
            f"Decided: record {loan} counts so. Turnover 2026 now €11,500.00 (under the "
            "threshold)." in page.inner_text(".message")
        )
        assert page.locator(f"li#r{loan}").count() == 0

        with page.expect_response(lambda response: "/chart.png" in response.url):
            page.locator("a", has_text="Fotostudio Wout").first.click()
        page.wait_for_function("() => document.querySelector('.chart img').naturalWidth > 0")
        assert page.inner_text("#turnover") == "€11,500.00"
        assert page.inner_text("h1 .badge") == "under the threshold"
        assert "a loan from uncle Jan" in page.inner_text("body")
        page.screenshot(path=str(shots / "web-business-after-en.png"), full_page=True)

        page.goto(base + "/?lang=nl")
        page.screenshot(path=str(shots / "web-overview-nl.png"), full_page=True)
        assert errors == []  # nothing refused by the policy, nothing failed to load
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(15) == 0

    status = workspace.status()
    assert (status["turnover"], status["level"], status["review_items"]) == ("11500.00", "ok", 2)
