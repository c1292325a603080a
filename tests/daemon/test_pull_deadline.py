"""A server that never finishes its answer holds back nothing (issue 17, D2 and "must show" 3).

A real trickling server on 127.0.0.1 sends one byte every half second, in the headers or the
body, so the per-read `timeout` never trips. Each pull has a wall-clock deadline; pulls run
beside the rest, so another business's crossing is still emailed (a real SMTP server), in a
one-shot `korwatch scan` and in the daemon, which still stops within 10 s on SIGTERM. And a job
that is stuck (an SMTP server that never finishes its greeting) stops the watchdog petting.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.daemon.support import (
    REPO,
    Export,
    daemon_config,
    export_of,
    start_daemon,
    this_year_payments,
    until,
)
from tests.helpers import SmtpServer, Trickler, ing_csv


def _config(root: Path, smtp_port: int, slow: str, other: str, scan: str = "1h") -> Path:
    """Two businesses: "studio" reading `other`, and "slow" with the trickling source."""
    return daemon_config(
        root,
        source=other,
        smtp_port=smtp_port,
        schedule=f'scan = "{scan}"\ndeliver = "1s"\nwatch = "off"',
        also=f'[[business]]\nid = "slow"\nrecipients = ["slow@example.nl"]\n'
        f"  [[business.source]]\n{slow}\n",
    )


def _trickling_source(url: str, extra: str = "") -> str:
    # timeout = 3 s per read: a byte every 0.5 s never trips it.
    return f'  type = "http"\n  url = "{url}"\n  timeout = 3\n  retries = 1\n{extra}'


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_server_trickling_forever_ends_its_pull_at_the_deadline(
    part: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    trickler = Trickler(part)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ing.csv").write_text(ing_csv(this_year_payments("21000.00")), encoding="utf-8")
    other = f'  type = "directory"\n  path = "{inbox}"\n  settle_seconds = 0'
    slow = _trickling_source(trickler.url, '  deadline = "2s"')
    config = _config(tmp_path, smtp_server.port, slow, other)
    env = {k: v for k, v in os.environ.items() if k != "KORWATCH_NOW"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "korwatch.cli", "-c", str(config), "scan"],
            capture_output=True, text=True, timeout=60, env=env, cwd=REPO, check=False,
        )  # fmt: skip
    finally:
        trickler.close()
    assert done.returncode == 1, done.stderr
    assert f"slow: http http://127.0.0.1:{trickler.port}/export.csv" in done.stderr
    assert "no complete answer within the pull deadline of 2 s" in done.stderr
    assert [str(m["To"]) for m in smtp_server.messages] == ["selina@example.nl"]
    assert "overschreden" in str(smtp_server.messages[0]["Subject"])


def test_a_source_that_never_finishes_holds_back_no_other_business(
    tmp_path: Path, smtp_server: SmtpServer, export: Export
) -> None:
    """Must show 3: the default deadline (5 min) is far away; the other business's crossing
    is emailed within one scan interval all the same, and SIGTERM still ends the daemon."""
    trickler = Trickler("headers")
    export.body = export_of("21000.00")
    other = f'  type = "http"\n  url = "{export.url}"\n  retries = 1\n  timeout = 5'
    config = _config(tmp_path, smtp_server.port, _trickling_source(trickler.url), other, scan="30s")
    daemon = start_daemon(config, tmp_path / "log")
    try:
        until(lambda: "daemon started" in daemon.text(), 30, "the daemon to start")
        started = time.monotonic()
        until(lambda: smtp_server.messages, 30, "the crossing email within one scan interval")
        assert time.monotonic() - started < 30
        assert [str(m["To"]) for m in smtp_server.messages] == ["selina@example.nl"]
        assert trickler.connections >= 1  # the slow pull is still going
        stopping = time.monotonic()
        assert daemon.stop() == 0
        assert time.monotonic() - stopping < 10
    finally:
        daemon.kill()
        trickler.close()


def test_the_watchdog_is_not_petted_while_a_job_is_stuck(tmp_path: Path) -> None:
    stuck_smtp = Trickler("smtp", every=0.3)  # a greeting that never ends: delivery hangs
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ing.csv").write_text(ing_csv(this_year_payments("16000.00")), encoding="utf-8")
    other = f'  type = "directory"\n  path = "{inbox}"\n  settle_seconds = 0'
    slow = '  type = "directory"\n  path = "' + str(tmp_path / "empty") + '"'
    (tmp_path / "empty").mkdir()
    config = _config(tmp_path, stuck_smtp.port, slow, other)
    address = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    listener.settimeout(0.2)
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}  # pet every 0.2 s
    daemon = start_daemon(config, tmp_path / "log", env)
    try:
        until(lambda: "no longer petting the watchdog" in daemon.text(), 60, "a stuck job")
        _drain(listener)
        assert not any("WATCHDOG=1" in m for m in _drain(listener, seconds=2.0))
        stopping = time.monotonic()
        assert daemon.stop() == 0
        assert time.monotonic() - stopping < 10
    finally:
        daemon.kill()
        listener.close()
        stuck_smtp.close()


def _drain(listener: socket.socket, seconds: float = 0.5) -> list[str]:
    """The notifications that arrive within `seconds`."""
    found: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            found.append(listener.recv(4096).decode())
        except TimeoutError:
            continue
    return found
