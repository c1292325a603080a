"""A Moneybird invoice whose date changed after import (issue 13): the source fetches its new
version, the new version counts, and the crossing already sent moves with one correction email.
Real parts: an HTTP server on 127.0.0.1 answering as Moneybird's API v2 documents, a real SMTP
server, a real SQLite ledger."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import Workspace
from tests.daemon.test_moneybird_source import ADMIN, TOKEN, FakeMoneybird, invoice, serve
from tests.helpers import SmtpServer, text_and_html


def moneybird_workspace(tmp_path: Path, api: str, smtp_port: int) -> Workspace:
    config = tmp_path / "korwatch.toml"
    config.write_text(
        f"""state_dir = "state"
[email]
backend = "smtp"
host = "127.0.0.1"
port = {smtp_port}
sender = "korwatch@example.nl"
[[business]]
id = "studio"
name = "Fotostudio Wout"
recipients = ["selina@example.nl"]
basis = "invoices"
language = "en"
  [[business.source]]
  type = "moneybird"
  administration_id = "{ADMIN}"
  token = "{TOKEN}"
  api_url = "{api}"
""",
        encoding="utf-8",
    )
    return Workspace(tmp_path, tmp_path, config)


def test_a_moneybird_invoice_whose_date_changed_moves_the_crossing(
    http_server: HTTPServer, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    fake = FakeMoneybird()
    fake.add(invoice("001", "12000.0", "14520.0", invoice_date="2026-03-01"))
    fake.add(invoice("002", "9000.0", "10890.0", invoice_date="2026-10-05"))
    workspace = moneybird_workspace(tmp_path, serve(http_server, fake), smtp_server.port)
    assert workspace.run("scan")[0] == 0
    assert "crossed by invoice 2026-002" in smtp_server.messages[0]["Subject"]

    changed = invoice("002", "9000.0", "10890.0", invoice_date="2026-06-15", version=2)
    fake.add(changed)
    code, out, err = workspace.run("scan", now="2026-11-27T12:00:00+01:00")
    assert code == 0, err
    assert "1 invoice(s) edited" in out
    assert len(smtp_server.messages) == 2
    correction = smtp_server.messages[1]
    assert "the threshold was crossed on 15 June 2026" in correction["Subject"]
    text, _ = text_and_html(correction)
    assert "Invoice 2026-002 was €9,000.00 on 5 October 2026 (Klant 002)" in text
    assert "is now €9,000.00 on 15 June 2026 (Klant 002)" in text
    assert workspace.status()["crossing"]["date"] == "2026-06-15"
