"""A file copied into the inbox right before `korwatch scan` is read by that scan: a scan run by
hand waits (up to settle_seconds) for files still being written. The daemon does not wait: it
leaves them for its next pass.

KORWATCH_NOW fixes korwatch's clock, but settling compares a file's real mtime with the real
wall clock, so these tests write real files and wait real (short) times.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

from korwatch.config.load import load_config
from korwatch.daemon.jobs import scan_job
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

EXPORT = ing_csv([Payment(date(2026, 3, 2), Decimal("10.00"))])
MORE = ing_csv([Payment(date(2026, 3, 3), Decimal("1.00"))]).split("\r\n", 1)[1]  # one row


def _settle_after(workspace: Workspace, seconds: float) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    text = re.sub(r"settle_seconds = [\d.]+", f"settle_seconds = {seconds}", text)
    workspace.config.write_text(text, encoding="utf-8")


@contextmanager
def _still_written(path: Path, for_seconds: float) -> Iterator[None]:
    """Append a row every 0.1 s, keeping the mtime as it was: as on a file system whose coarse
    mtime does not move, so that only the growing size shows that the file is being written."""
    mtime = path.stat().st_mtime_ns
    done = threading.Event()

    def write() -> None:
        deadline = time.monotonic() + for_seconds
        while time.monotonic() < deadline and not done.wait(0.1):
            with path.open("a", encoding="utf-8") as handle:
                handle.write(MORE)
            os.utime(path, ns=(mtime, mtime))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        yield
    finally:
        done.set()
        writer.join()


def test_a_scan_by_hand_reads_a_file_copied_into_the_inbox_just_before(
    workspace: Workspace,
) -> None:
    _settle_after(workspace, 1.5)
    path = workspace.drop("fresh.csv", EXPORT)  # modified now: not settled yet
    code, out, _ = workspace.run("scan")
    assert code == 0
    assert "1 imported" in out
    assert "settle_seconds" not in out
    # It was read only once it had been left alone for settle_seconds.
    assert time.time() - path.stat().st_mtime >= 1.5
    assert workspace.status()["turnover"] == "10.00"


def test_a_dry_run_by_hand_waits_for_the_file_too(workspace: Workspace) -> None:
    _settle_after(workspace, 0.5)
    workspace.drop("fresh.csv", EXPORT)
    code, out, _ = workspace.run("scan", "--dry-run")
    assert code == 0
    assert "1 imported" in out and "settle_seconds" not in out


def test_a_file_still_growing_after_settle_seconds_is_named_and_read_by_a_later_scan(
    workspace: Workspace,
) -> None:
    _settle_after(workspace, 0.5)
    path = workspace.drop("growing.csv", EXPORT)
    with _still_written(path, for_seconds=5.0):
        code, out, _ = workspace.run("scan")
    assert code == 0
    assert f"waiting   {path}: changed less than settle_seconds ago" in out
    assert "0 imported" in out
    code, out, _ = workspace.run("scan")  # finished now: this scan waits and reads it
    assert code == 0 and "1 imported" in out and "settle_seconds" not in out
    assert workspace.status()["turnover"] != "0.00"


def test_the_daemon_does_not_wait_and_reads_the_file_at_its_next_pass(
    workspace: Workspace,
) -> None:
    _settle_after(workspace, 3600)  # a wait this long would time the test out
    path = workspace.drop("fresh.csv", EXPORT)
    report = scan_job(load_config(workspace.config), stop=lambda: False)
    assert report is not None
    assert report.settling == [str(path)]
    assert report.documents == []
    _settle_after(workspace, 0)  # the next pass, once the file has settled
    report = scan_job(load_config(workspace.config), stop=lambda: False)
    assert report is not None
    assert [document.status for document in report.documents] == ["imported"]
