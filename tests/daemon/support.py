"""Helpers for the daemon tests: a changeable HTTP export, the daemon as a subprocess, waiting
for a condition (bounded, never a timing assertion) and reading the ledger."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from werkzeug import Request, Response

from tests.helpers import OWN_IBAN, Payment, ing_csv

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Export:
    """The body served at the export URL, with an ETag; counts the requests and 304s."""

    body: str = ""
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)

    def handle(self, request: Request) -> Response:
        self.requests.append(dict(request.headers))
        etag = '"' + hashlib.sha256(self.body.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(self.body, content_type="text/csv", headers={"ETag": etag})


def this_year_payments(*amounts: str) -> list[Payment]:
    """Payments dated early in the current year, so warnings (current year only) are raised."""
    # The daemon tests run on the real clock (retries need time to pass), so "this year" is real.
    year = datetime.now(ZoneInfo("Europe/Amsterdam")).year
    return [
        Payment(date(year, 1, 2 + index), Decimal(amount), f"Klant {index}")
        for index, amount in enumerate(amounts)
    ]


def export_of(*amounts: str) -> str:
    return ing_csv(this_year_payments(*amounts))


def daemon_config(
    root: Path,
    *,
    source: str,
    smtp_port: int | None = None,
    mail_dir: Path | None = None,
    schedule: str = 'scan = "1s"\ndeliver = "1s"\nwatch = "off"\nretry = ["1s"]',
    extra: str = "",
    smtp_timeout: float = 5,
    also: str = "",
) -> Path:
    """One business ("studio") reading `source`; `also`: more [[business]] tables after it."""
    if smtp_port is not None:
        email = (
            f'backend = "smtp"\nhost = "127.0.0.1"\nport = {smtp_port}\ntimeout = {smtp_timeout}'
        )
    else:
        email = f'backend = "file"\ndir = "{mail_dir}"'
    config = root / "korwatch.toml"
    config.write_text(
        f"""state_dir = "state"
{extra}
[schedule]
{schedule}

[email]
{email}
sender = "korwatch@example.nl"

[[business]]
id = "studio"
name = "Fotostudio Wout"
recipients = ["selina@example.nl"]
own_ibans = ["{OWN_IBAN}"]

  [[business.source]]
{source}
{also}""",
        encoding="utf-8",
    )
    return config


def http_source(url: str, extra: str = "") -> str:
    return f'  type = "http"\n  url = "{url}"\n  retries = 1\n  timeout = 5\n{extra}'


def directory_source(path: Path) -> str:
    return f'  type = "directory"\n  path = "{path}"\n  settle_seconds = 0'


@dataclass
class DaemonProcess:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def start_daemon(
    config: Path, log: Path, env: dict[str, str] | None = None, *args: str
) -> DaemonProcess:
    environment = {k: v for k, v in os.environ.items() if k != "KORWATCH_NOW"}
    environment.update(env or {})
    stream = log.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "korwatch.cli", "-c", str(config), "run", *args],
        env=environment,
        stdout=stream,
        stderr=stream,
        cwd=REPO,
    )
    stream.close()
    return DaemonProcess(process, log)


def until(condition: Callable[[], object], timeout: float = 60.0, what: str = "") -> None:
    """Wait (bounded) until `condition()` is true; fail naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for: {what or condition}")


def query(ledger: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    if not ledger.exists():
        return []
    with sqlite3.connect(ledger, timeout=30) as connection:
        try:
            return list(connection.execute(sql, params))
        except sqlite3.OperationalError as error:
            # A kill while korwatch was creating the ledger: no schema yet (the next run
            # migrates it), so nothing is stored.
            if "no such table" in str(error):
                return []
            raise


def count(ledger: Path, sql: str, *params: object) -> int:
    """A `SELECT COUNT(*) ...`; 0 for a ledger without its schema yet (or no ledger at all)."""
    found = query(ledger, sql, *params)
    return int(found[0][0]) if found else 0


def events(ledger: Path) -> list[tuple[object, ...]]:
    try:
        return query(ledger, "SELECT kind, level, status, attempts FROM alert_events ORDER BY id")
    except sqlite3.OperationalError:
        return []  # not created yet
