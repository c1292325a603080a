"""The `moneybird` source against a real HTTP server on 127.0.0.1 that answers the way
Moneybird's API v2 documents it: the synchronization list paged with page/per_page and a Link
header, invoices fetched by id with POST synchronization, 429 with Retry-After."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korwatch.configtable import Table
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Invoice
from korwatch.sources import SourceContext
from korwatch.sources.moneybird import MoneybirdKind, MoneybirdSource, RateLimiter
from tests.conftest import Workspace

TOKEN = "mb-t0ken-123"
ADMIN = "123456789"
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def invoice(number: str, excl: str, incl: str, **extra: Any) -> dict[str, Any]:
    """A sales invoice with the fields of Moneybird's documented response."""
    return {
        "id": f"4{number}",
        "administration_id": ADMIN,
        "contact_id": "77",
        "contact": {"company_name": f"Klant {number}", "firstname": "", "lastname": ""},
        "invoice_id": f"2026-{number}",
        "state": "open",
        "invoice_date": "2026-03-01",
        "due_date": "2026-03-31",
        "currency": "EUR",
        "prices_are_incl_tax": False,
        "total_price_excl_tax": excl,
        "total_price_incl_tax": incl,
        "total_paid": "0.0",
        "total_unpaid": incl,
        "original_sales_invoice_id": None,
        "version": 1,
        **extra,
    }


@dataclass
class FakeMoneybird:
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    posted: list[list[str]] = field(default_factory=list)
    pages: int = 0
    throttle_once: bool = False

    def add(self, item: dict[str, Any]) -> None:
        self.invoices[item["id"]] = item

    def synchronization_list(self, request: Request) -> Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        if self.throttle_once:
            self.throttle_once = False
            return Response("{}", status=429, headers={"Retry-After": "1"})
        self.pages += 1
        page, per_page = int(request.args["page"]), int(request.args["per_page"])
        assert request.args["filter"] == "state:all"
        items = sorted(self.invoices.values(), key=lambda i: i["id"])
        # Two per page here, to test paging the way the API pages: a Link rel="next".
        size = min(per_page, 2)
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            base = request.base_url
            headers["Link"] = (
                f'<{base}?filter=state%3Aall&page={page + 1}&per_page={per_page}>; rel="next"'
            )
        body = [{"id": i["id"], "version": i["version"]} for i in chunk]
        return Response(json.dumps(body), content_type="application/json", headers=headers)

    def fetch(self, request: Request) -> Response:
        ids = json.loads(request.data)["ids"]
        self.posted.append(ids)
        body = [self.invoices[i] for i in ids if i in self.invoices]
        return Response(json.dumps(body), content_type="application/json")


def serve(server: HTTPServer, fake: FakeMoneybird) -> str:
    path = f"/api/v2/{ADMIN}/sales_invoices/synchronization.json"
    server.expect_request(path, method="GET").respond_with_handler(fake.synchronization_list)
    server.expect_request(path, method="POST").respond_with_handler(fake.fetch)
    return server.url_for("/api/v2")


def source_for(api_url: str) -> MoneybirdSource:
    problems: list[str] = []
    data = {"administration_id": ADMIN, "token": "${MB}", "api_url": api_url, "retries": 2}
    table = Table(data, "s", problems, lambda name: TOKEN if name == "MB" else None)
    source = MoneybirdKind().from_config(table, None)
    assert problems == [] and source is not None
    return source


def pull(source: MoneybirdSource, state: Path) -> list[Invoice]:
    found: list[Invoice] = []
    for document in source.documents(SourceContext("studio", state, NOW)):
        sample = read_sample(document.path)
        parser = detect(sample)
        assert parser.name == "moneybird-json"
        found += [r for r in parser.parse(sample) if isinstance(r, Invoice)]
        source.acknowledge(document, "imported")
    return found


def test_invoices_and_credit_notes_are_fetched_incrementally(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    fake = FakeMoneybird()
    fake.add(invoice("001", "1000.0", "1210.0"))
    fake.add(invoice("002", "-200.0", "-242.0", original_sales_invoice_id="4001"))
    fake.add(invoice("003", "50.0", "60.5", state="draft", invoice_id=None))
    source = source_for(serve(http_server, fake))

    first = pull(source, tmp_path)
    assert [(i.number, i.net, i.vat, i.credit_note) for i in first] == [
        ("2026-001", Decimal("1000.00"), Decimal("210.00"), False),
        ("2026-002", Decimal("-200.00"), Decimal("-42.00"), True),
    ]
    assert first[0].customer == "Klant 001"
    assert fake.pages == 2  # three invoices, two per page: the Link header was followed

    assert pull(source, tmp_path) == []  # nothing changed: no POST at all
    assert len(fake.posted) == 1

    fake.add(invoice("004", "300.0", "363.0"))
    assert [i.number for i in pull(source, tmp_path)] == ["2026-004"]
    assert fake.posted[-1] == ["4004"]  # only the new one is fetched


def test_a_429_is_waited_out(http_server: HTTPServer, tmp_path: Path) -> None:
    fake = FakeMoneybird(throttle_once=True)
    fake.add(invoice("001", "10.0", "12.1"))
    source = source_for(serve(http_server, fake))
    assert [i.number for i in pull(source, tmp_path)] == ["2026-001"]


def test_versions_are_kept_only_after_the_import(http_server: HTTPServer, tmp_path: Path) -> None:
    fake = FakeMoneybird()
    fake.add(invoice("001", "10.0", "12.1"))
    source = source_for(serve(http_server, fake))
    documents = list(source.documents(SourceContext("studio", tmp_path, NOW)))
    assert len(documents) == 1  # fetched, but the scan died before acknowledging
    assert [i.number for i in pull(source, tmp_path)] == ["2026-001"]


def test_the_rate_limiter_keeps_under_150_requests_per_5_minutes() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(clock=lambda: now[0], sleep=sleep)
    for _ in range(150):
        limiter.wait()
        now[0] += 0.5
    assert waits == []
    limiter.wait()
    assert waits == [300.0 - 75.0]  # until the first request leaves the window


def test_missing_administration_and_token_are_reported() -> None:
    problems: list[str] = []
    assert MoneybirdKind().from_config(Table({}, "s", problems), None) is None
    assert problems == [
        "s.administration_id: is required: the number in your Moneybird URL",
        's.token: is required: an API token, e.g. "${MONEYBIRD_TOKEN}"',
    ]


def test_a_scan_counts_moneybird_invoices_on_the_invoice_basis(
    http_server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeMoneybird()
    fake.add(invoice("001", "16000.0", "19360.0"))
    fake.add(invoice("002", "-1000.0", "-1210.0", original_sales_invoice_id="4001"))
    api = serve(http_server, fake)
    config = tmp_path / "korwatch.toml"
    config.write_text(
        f"""state_dir = "state"
[email]
backend = "file"
dir = "{tmp_path / "mail"}"
[[business]]
id = "studio"
recipients = ["s@example.nl"]
basis = "invoices"
  [[business.source]]
  type = "moneybird"
  administration_id = "{ADMIN}"
  token = "${{MONEYBIRD_TOKEN}}"
  api_url = "{api}"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("MONEYBIRD_TOKEN", TOKEN)
    workspace = Workspace(tmp_path, tmp_path, config)
    code, out, _ = workspace.run("scan", now="2026-11-26T12:00:00+01:00")
    assert code == 0 and "1 imported" in out
    status = workspace.status()
    assert status["turnover"] == "15000.00"
    assert status["sources"][0]["source"] == f"moneybird {ADMIN}"
    code, out, _ = workspace.run("scan", now="2026-11-27T12:00:00+01:00")
    assert "0 imported" in out  # nothing new: no document at all
    assert TOKEN not in out
