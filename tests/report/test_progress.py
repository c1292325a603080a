"""A 100k-row import shows a progress bar on a terminal, and nothing extra when piped.

The CLI runs as a real subprocess: stderr on a pseudo-terminal (os.openpty) for the first run,
on a pipe for the second. Amounts are small so no alert is raised and stdout is only the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

ROWS = 100_000


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    start = date(2026, 1, 1)
    payments = [
        Payment(
            start + timedelta(days=n % 300), Decimal("0.10"), f"Klant {n}", description=f"Bon {n}"
        )
        for n in range(ROWS)
    ]
    path = tmp_path_factory.mktemp("big") / "ing-100k.csv"
    path.write_text(ing_csv(payments), encoding="utf-8")
    return path


def _environment() -> dict[str, str]:
    return {**os.environ, "KORWATCH_NOW": "2026-11-26T12:00:00+01:00", "NO_COLOR": ""}


def _command(workspace: Workspace, export: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "korwatch.cli",
        "import",
        str(export),
        "-c",
        str(workspace.config),
    ]


def _drain(fd: int, into: bytearray) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed: EIO on Linux
            return
        if not chunk:
            return
        into.extend(chunk)


@pytest.mark.timeout(300)
def test_importing_100k_rows_on_a_terminal_shows_a_progress_bar(
    workspace: Workspace, big_export: Path
) -> None:
    master, slave = os.openpty()
    seen = bytearray()
    reader = threading.Thread(target=_drain, args=(master, seen))
    reader.start()
    try:
        done = subprocess.run(
            _command(workspace, big_export),
            stdout=subprocess.PIPE,
            stderr=slave,
            env=_environment(),
            check=False,
            timeout=280,
        )
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    terminal = seen.decode("utf-8", "replace")
    assert done.returncode == 0
    assert "ing-100k.csv" in terminal and "█" in terminal and "records" in terminal
    assert "\r" in terminal and terminal.rstrip(" ").endswith("\x1b[K")  # the bar is cleared
    assert f"{ROWS} new, 0 already known" in done.stdout.decode()


@pytest.mark.timeout(300)
def test_importing_100k_rows_into_a_pipe_prints_only_the_result(
    workspace: Workspace, big_export: Path
) -> None:
    done = subprocess.run(
        _command(workspace, big_export),
        capture_output=True,
        env=_environment(),
        check=False,
        timeout=280,
    )
    assert done.returncode == 0
    assert done.stderr == b""
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("imported  ") and f"{ROWS} new, 0 already known" in lines[0]
    assert lines[1].startswith("1 imported, 0 failed")
    assert "\r" not in done.stdout.decode() and "\x1b" not in done.stdout.decode()
