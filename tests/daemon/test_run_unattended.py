"""`korwatch run` as a real subprocess: an http source on 127.0.0.1, a real SMTP server, a
one-second schedule (issue 5, points 1 and 2)."""

from __future__ import annotations

import contextlib
import signal
import socket
import sqlite3
import threading
from pathlib import Path

from tests.daemon.support import (
    Export,
    daemon_config,
    events,
    export_of,
    http_source,
    query,
    start_daemon,
    until,
)
from tests.helpers import SmtpServer


def _imported(ledger: Path) -> int:
    try:
        return len(query(ledger, "SELECT 1 FROM documents WHERE status = 'imported'"))
    except sqlite3.OperationalError:  # the ledger's tables do not exist yet
        return 0


def test_a_changed_export_brings_the_warning_once_across_a_restart(
    tmp_path: Path, export: Export, smtp_server: SmtpServer
) -> None:
    export.body = export_of("1000.00")
    config = daemon_config(tmp_path, source=http_source(export.url), smtp_port=smtp_server.port)
    ledger = tmp_path / "state" / "ledger.sqlite3"
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        until(lambda: _imported(ledger) == 1, what="the first export imported")
        until(lambda: len(export.requests) >= 3, what="conditional requests")
        assert smtp_server.messages == []
        assert any(r.get("If-None-Match") for r in export.requests[1:])

        export.body = export_of("1000.00", "15500.00")  # past 75 % of EUR 20,000
        until(lambda: len(smtp_server.messages) == 1, what="the warning email")
        assert "KOR" in str(smtp_server.messages[0]["Subject"])
        assert daemon.stop(signal.SIGTERM) == 0
    finally:
        daemon.kill()
    assert "korwatch daemon stopped" in daemon.text()

    restarted = start_daemon(config, tmp_path / "daemon2.log")
    try:
        export.body = export_of("1000.00", "15500.00", "100.00")  # new, below the next level
        until(lambda: _imported(ledger) == 3, what="the third export after the restart")
        assert restarted.stop(signal.SIGINT) == 0
    finally:
        restarted.kill()
    assert len(smtp_server.messages) == 1
    assert [e[2] for e in events(ledger)] == ["sent"]


def test_an_alert_waits_while_smtp_is_down_and_arrives_once_when_it_is_back(
    tmp_path: Path, export: Export, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    export.body = export_of("16000.00")
    config = daemon_config(tmp_path, source=http_source(export.url), smtp_port=smtp_server.port)
    ledger = tmp_path / "state" / "ledger.sqlite3"
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        until(
            lambda: any(e[2] == "pending" and int(str(e[3])) >= 2 for e in events(ledger)),
            what="two failed delivery attempts",
        )
        assert smtp_server.messages == []
        smtp_server.start()
        until(lambda: len(smtp_server.messages) == 1, what="the warning after SMTP is back")
        export.body = export_of("16000.00", "50.00")  # one more scan after the delivery
        until(lambda: _imported(ledger) == 2, what="a later scan")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert len(smtp_server.messages) == 1
    assert [e[2] for e in events(ledger)] == ["sent"]
    assert "not sent, will retry" in daemon.text()


class _SilentSmtp:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word: an SMTP
    server that hangs. Counts the connections."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # closed by close()
            while True:
                connection, _ = self.listener.accept()
                self.held.append(connection)

    def close(self) -> None:
        # shutdown() wakes the accept() blocked in the other thread; close() alone does not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)
        for connection in self.held:
            connection.close()


def test_sigterm_ends_the_daemon_while_smtp_hangs_and_the_alert_comes_after_a_restart(
    tmp_path: Path, export: Export, smtp_server: SmtpServer
) -> None:
    """Issue 5: SIGTERM ends the daemon with exit 0 within 10 s, even while an SMTP server
    hangs (here for up to 60 s); the email that was in hand is not lost: it stays pending and
    goes out after the restart (at least once; this server never accepted it)."""
    silent = _SilentSmtp()
    export.body = export_of("16000.00")
    source = http_source(export.url)
    config = daemon_config(tmp_path, source=source, smtp_port=silent.port, smtp_timeout=60)
    ledger = tmp_path / "state" / "ledger.sqlite3"
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        until(lambda: silent.held, what="a delivery attempt to the silent server")
        daemon.process.send_signal(signal.SIGTERM)
        # The contract's 10 s, with room for a slow machine; without the bounded stop the
        # daemon would wait out the 60 s SMTP timeout.
        assert daemon.process.wait(timeout=20) == 0
    finally:
        daemon.kill()
        silent.close()
    assert "stopping without waiting longer" in daemon.text()
    assert [e[2] for e in events(ledger)] == ["pending"]

    config = daemon_config(tmp_path, source=source, smtp_port=smtp_server.port)
    restarted = start_daemon(config, tmp_path / "daemon2.log")
    try:
        until(lambda: len(smtp_server.messages) == 1, what="the warning after the restart")
        assert restarted.stop() == 0
    finally:
        restarted.kill()
    assert len(smtp_server.messages) == 1
    assert [e[2] for e in events(ledger)] == ["sent"]
