"""`kill -9` of the daemon at random moments while it imports (issue 5, point 3): never a
half-imported document, a lost alert or a duplicate. A real subprocess, a real SQLite file,
the .eml backend (each email a file named by its Message-ID, so a second copy would show)."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from tests.daemon.support import count, daemon_config, directory_source, query, start_daemon, until
from tests.helpers import Payment, ing_csv

FILES = 24
ROWS = 400  # EUR 2.50 each: EUR 1,000 per file, so the levels fall in files 15, 18 and 20
NOW = {"KORWATCH_NOW": "2026-11-26T12:00:00+01:00"}


def _export(number: int) -> str:
    start = date(2026, 1, 1) + timedelta(days=number * 10)
    return ing_csv(
        [
            Payment(start + timedelta(days=i % 10), Decimal("2.50"), f"Klant {number}-{i}")
            for i in range(ROWS)
        ]
    )


def _drop(inbox: Path, number: int) -> None:
    staging = inbox.parent / f"export-{number:02d}.csv"
    staging.write_text(_export(number), encoding="utf-8")
    os.replace(staging, inbox / staging.name)  # lands whole, the way a sync tool renames


def test_kill_9_at_random_moments_never_half_imports_loses_or_repeats(tmp_path: Path) -> None:
    inbox, mail = tmp_path / "inbox", tmp_path / "mail"
    inbox.mkdir()
    config = daemon_config(
        tmp_path,
        source=directory_source(inbox),
        mail_dir=mail,
        schedule='scan = "1s"\ndeliver = "1s"\nwatch = "1s"',
    )
    ledger = tmp_path / "state" / "ledger.sqlite3"
    chance = random.Random(5)  # reproducible "random" moments
    for number in range(FILES):
        _drop(inbox, number)
        daemon = start_daemon(config, tmp_path / "daemon.log", NOW)
        time.sleep(chance.uniform(0.2, 1.2))
        daemon.process.send_signal(signal.SIGKILL)
        daemon.process.wait(timeout=30)
        _assert_whole_documents(ledger)

    log = tmp_path / "daemon.log"
    starts = log.read_text(encoding="utf-8").count("daemon started")
    final = start_daemon(config, log, NOW)
    try:
        # The earlier runs may have done all the work already: wait for this one's start, so
        # that the SIGTERM below meets its handler, not Python's default (exit -15).
        until(lambda: final.text().count("daemon started") > starts, what="the final start")
        until(lambda: _imported(ledger) == FILES, what="every export imported")
        until(lambda: _pending(ledger) == 0, what="every alert delivered")
        assert final.stop() == 0
    finally:
        final.kill()
    _assert_whole_documents(ledger)
    assert query(ledger, "SELECT COUNT(*) FROM records")[0][0] == FILES * ROWS
    rows = query(ledger, "SELECT level, status, id FROM alert_events ORDER BY id")
    levels = {str(level): str(status) for level, status, _ in rows}
    assert len(rows) == len(levels) == 3  # two warnings and the crossing, each once
    assert levels["crossed"] == "sent"
    sent = [row for row in rows if row[1] == "sent"]
    files = sorted(p.name for p in mail.glob("*.eml"))
    assert len(files) == len(sent)  # every sent alert has its one email, and no other
    for level, _, event_id in sent:
        assert any(f".{event_id}.studio.2026.{level}" in name for name in files)


def _imported(ledger: Path) -> int:
    return count(ledger, "SELECT COUNT(*) FROM documents WHERE status = 'imported'")


def _pending(ledger: Path) -> int:
    return count(ledger, "SELECT COUNT(*) FROM alert_events WHERE status = 'pending'")


def _assert_whole_documents(ledger: Path) -> None:
    """Every document row has all its records, and no record lacks its document row."""
    if not query(ledger, "SELECT name FROM sqlite_master WHERE name = 'records'"):
        return  # killed before the schema was made: nothing stored, nothing half stored
    per_document = query(
        ledger,
        "SELECT d.sha256, d.records, (SELECT COUNT(*) FROM records r WHERE r.document = d.sha256)"
        " FROM documents d",
    )
    for sha, declared, stored in per_document:
        assert declared == stored == ROWS, sha
    orphans = query(
        ledger, "SELECT COUNT(*) FROM records WHERE document NOT IN (SELECT sha256 FROM documents)"
    )
    assert orphans[0][0] == 0
    levels = query(ledger, "SELECT level, COUNT(*) FROM alert_events GROUP BY level")
    assert all(count == 1 for _, count in levels)
