"""The daemon's contract as a process: exit codes, SIGHUP reload, systemd notify, picking up
dropped files at once, the heartbeat, and no secret in any log line."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.daemon.support import (
    count,
    daemon_config,
    directory_source,
    export_of,
    http_source,
    query,
    start_daemon,
    until,
)
from tests.helpers import SmtpServer

SECRET = "Zk9-very-secret-4711"


def _imported(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    rows = query(ledger, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'documents'")
    if not rows[0][0]:
        return 0
    return count(ledger, "SELECT COUNT(*) FROM documents WHERE status = 'imported'")


def test_an_invalid_config_at_start_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "korwatch.toml"
    config.write_text('[schedule]\nscan = "every now and then"\n', encoding="utf-8")
    daemon = start_daemon(config, tmp_path / "log")
    assert daemon.process.wait(timeout=30) == 2
    assert 'schedule.scan: "every now and then" is neither an interval' in daemon.text()


def test_sighup_keeps_the_old_config_when_the_new_one_is_invalid(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = daemon_config(tmp_path, source=directory_source(inbox), mail_dir=tmp_path / "mail")
    good = config.read_text(encoding="utf-8")
    daemon = start_daemon(config, tmp_path / "log")
    try:
        until(lambda: "daemon started" in daemon.text(), what="the start")
        config.write_text(good.replace('scan = "1s"', 'scan = "soon"'), encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        until(lambda: "reload refused" in daemon.text(), what="the refused reload")
        (inbox / "a.csv").write_text(export_of("100.00"), encoding="utf-8")
        ledger = tmp_path / "state" / "ledger.sqlite3"
        until(lambda: _imported(ledger) == 1, what="a scan under the old config")
        config.write_text(good, encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        until(lambda: "config reloaded" in daemon.text(), what="the good reload")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert "schedule.scan" in daemon.text()


def test_ready_watchdog_and_stopping_are_sent_to_notify_socket(tmp_path: Path) -> None:
    address = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    listener.settimeout(30)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = daemon_config(tmp_path, source=directory_source(inbox), mail_dir=tmp_path / "mail")
    env = {"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}  # pet every 0.2 s
    daemon = start_daemon(config, tmp_path / "log", env)
    messages: list[str] = []
    try:
        while not any("WATCHDOG=1" in m for m in messages):
            messages.append(listener.recv(4096).decode())
        assert daemon.stop() == 0
        while not any("STOPPING=1" in m for m in messages):
            messages.append(listener.recv(4096).decode())
    finally:
        daemon.kill()
        listener.close()
    assert "READY=1" in messages[0]
    assert f"MAINPID={daemon.process.pid}" in messages[0]


def test_a_dropped_file_is_picked_up_long_before_the_next_scheduled_scan(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = daemon_config(
        tmp_path,
        source=directory_source(inbox) + "\n  move_files = true",
        mail_dir=tmp_path / "mail",
        schedule='scan = "1h"\nwatch = "1s"',
    )
    ledger = tmp_path / "state" / "ledger.sqlite3"
    daemon = start_daemon(config, tmp_path / "log")
    try:
        until(lambda: "daemon started" in daemon.text() and ledger.exists(), what="the start")
        (inbox / "a.csv").write_text(export_of("100.00"), encoding="utf-8")
        until((inbox / "processed" / "a.csv").exists, what="the file processed")
        (inbox / "b.txt").write_text("not an export", encoding="utf-8")
        until((inbox / "failed" / "b.txt").exists, what="the bad file set aside")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert "new files for studio; scanning now" in daemon.text()
    assert _imported(ledger) == 1


def test_the_heartbeat_is_pinged_after_good_scans_and_fail_after_bad_ones(
    tmp_path: Path, http_server: HTTPServer
) -> None:
    pings: list[str] = []

    def ping(request: Request) -> Response:
        pings.append(request.path)
        return Response("OK")

    http_server.expect_request(f"/ping/{SECRET}").respond_with_handler(ping)
    http_server.expect_request(f"/ping/{SECRET}/fail").respond_with_handler(ping)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    url = http_server.url_for(f"/ping/{SECRET}")
    config = daemon_config(
        tmp_path,
        source=directory_source(inbox),
        mail_dir=tmp_path / "mail",
        extra=f'[watch]\nheartbeat_url = "{url}"\n',
    )
    daemon = start_daemon(config, tmp_path / "log")
    try:
        until(lambda: f"/ping/{SECRET}" in pings, what="a good ping")
        inbox.rmdir()
        until(lambda: f"/ping/{SECRET}/fail" in pings, what="a failure ping")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert SECRET not in daemon.text()


def test_no_secret_appears_in_the_log(
    tmp_path: Path, http_server: HTTPServer, smtp_server: SmtpServer
) -> None:
    http_server.expect_request("/export.csv").respond_with_data("no", status=401)
    source = http_source(
        http_server.url_for("/export.csv").replace("http://", f"http://user:{SECRET}@")
        + f"?api_key={SECRET}",
        extra='  headers = { "X-Key" = "${EXPORT_KEY}" }\n',
    )
    config = daemon_config(tmp_path, source=source, smtp_port=smtp_server.port)
    text = config.read_text(encoding="utf-8")
    # The SMTP password is refused: aiosmtpd offers no AUTH, so the login fails.
    config.write_text(
        text.replace(
            "timeout = 5", 'timeout = 5\nusername = "wout"\npassword = "${SMTP_PASSWORD}"'
        ),
        encoding="utf-8",
    )
    env = {"EXPORT_KEY": SECRET, "SMTP_PASSWORD": SECRET}
    (tmp_path / "inbox").mkdir()
    daemon = start_daemon(config, tmp_path / "log", env, "--log-level", "debug")
    try:
        until(lambda: daemon.text().count("source failed") >= 3, what="three failed scans")
        # The "source failing" alert is then sent, and the SMTP login fails.
        until(lambda: "not sent" in daemon.text(), what="a failed login")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    log = daemon.text()
    assert "HTTP 401" in log
    assert SECRET not in log


def test_sigterm_cuts_short_a_source_waiting_out_a_long_retry_after(
    tmp_path: Path, http_server: HTTPServer
) -> None:
    asked: list[str] = []

    def busy(request: Request) -> Response:
        asked.append(request.path)
        return Response("busy", status=503, headers={"Retry-After": "240"})

    http_server.expect_request("/export.csv").respond_with_handler(busy)
    config = daemon_config(
        tmp_path,
        source=http_source(http_server.url_for("/export.csv")),
        mail_dir=tmp_path / "mail",
    )
    daemon = start_daemon(config, tmp_path / "log")
    try:
        until(lambda: asked, what="the first request")
        assert daemon.stop() == 0  # well before the 240 s the server asked for
    finally:
        daemon.kill()
    assert "source failed" not in daemon.text()  # a stop is not a source failure
    assert "korwatch daemon stopped" in daemon.text()
