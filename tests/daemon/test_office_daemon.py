"""A daemon for an office of 1,000 businesses (a file of clients, sources from [defaults]): it
scans on its schedule, and SIGTERM in the middle of a scan ends it within the contract's 10 s
with every document imported whole or not at all."""

from __future__ import annotations

import signal
from datetime import date
from decimal import Decimal
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.daemon.support import query, start_daemon, until
from tests.helpers import Payment, ing_csv

CLIENTS = 1000


def _exports(root: Path, name: str, day: date) -> None:
    for number in range(CLIENTS):
        folder = root / "exports" / f"c{number:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        payments = [Payment(day, Decimal(100 + n), f"Klant {number}-{n}") for n in range(2)]
        (folder / name).write_text(ing_csv(payments), encoding="utf-8")


def _office(root: Path, heartbeat: str) -> Path:
    clients = "".join(f'[[business]]\nid = "c{number:04d}"\n' for number in range(CLIENTS))
    (root / "clients").mkdir()
    (root / "clients" / "all.toml").write_text(clients, encoding="utf-8")
    config = root / "korwatch.toml"
    config.write_text(
        f"""state_dir = "state"
include = ["clients/*.toml"]

[schedule]
scan = "3s"
watch = "off"

[watch]
heartbeat_url = "{heartbeat}"

[email]
backend = "file"
dir = "{root / "mail"}"

[defaults]
recipients = ["{{id}}@klant.example.nl"]
  [[defaults.source]]
  type = "directory"
  path = "exports/{{id}}"
  settle_seconds = 0
""",
        encoding="utf-8",
    )
    return config


def _imported(ledger: Path) -> int:
    rows = query(ledger, "SELECT COUNT(*) FROM documents WHERE status = 'imported'")
    return int(rows[0][0]) if rows else 0


def test_a_daemon_of_a_thousand_businesses_scans_on_schedule_and_stops_within_ten_seconds(
    tmp_path: Path, http_server: HTTPServer
) -> None:
    scans: list[str] = []

    def ping(request: Request) -> Response:
        scans.append(request.path)
        return Response("OK")

    http_server.expect_request("/ping").respond_with_handler(ping)
    _exports(tmp_path, "january.csv", date(2026, 1, 5))
    config = _office(tmp_path, http_server.url_for("/ping"))
    ledger = tmp_path / "state" / "ledger.sqlite3"
    daemon = start_daemon(config, tmp_path / "log", {"KORWATCH_NOW": "2026-03-02T09:00:00+01:00"})
    try:
        until(lambda: len(scans) >= 1, timeout=600, what="the first scan of 1,000 businesses")
        assert _imported(ledger) == CLIENTS
        until(lambda: len(scans) >= 2, timeout=120, what="a scan on the schedule")
        _exports(tmp_path, "february.csv", date(2026, 2, 5))
        until(lambda: _imported(ledger) > CLIENTS, timeout=120, what="the next scan importing")
        daemon.process.send_signal(signal.SIGTERM)
        # The contract's 10 s, with room for a slow machine.
        assert daemon.process.wait(timeout=20) == 0
    finally:
        daemon.kill()
    assert "daemon started: 1000 business(es)" in daemon.text()
    assert "korwatch daemon stopped" in daemon.text()
    imported = _imported(ledger)
    assert CLIENTS < imported < 2 * CLIENTS  # stopped part-way through the second import
    records = query(ledger, "SELECT COUNT(*) FROM records")[0][0]
    assert records == 2 * imported  # each document whole or not at all
