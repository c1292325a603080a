"""Idle daemon memory: RSS of `korwatch run` after it has started and scanned (target <= 60 MB).

    .venv/bin/python benchmarks/daemon_memory.py [--businesses 1] [--seconds 5]

Starts the daemon on a config with N businesses, each with a directory source holding one small
ING export and one http-free setup (so the figure is the daemon's own weight, not a download's),
waits until every export is imported and the daemon has idled for --seconds, then reads VmRSS and
VmHWM from /proc/PID/status. A measurement, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import Payment, ing_csv  # noqa: E402 - after the path is set


def config_for(root: Path, businesses: int) -> Path:
    parts = [
        'state_dir = "state"\n[schedule]\nscan = "1h"\nwatch = "5s"\n'
        f'[email]\nbackend = "file"\ndir = "{root / "mail"}"\n'
    ]
    for number in range(businesses):
        inbox = root / f"inbox{number}"
        inbox.mkdir()
        export = ing_csv([Payment(date(2026, 1, 5), Decimal("100.00"), f"Klant {number}")])
        (inbox / "export.csv").write_text(export, encoding="utf-8")
        parts.append(
            f'[[business]]\nid = "b{number}"\nrecipients = ["b{number}@example.nl"]\n'
            f'  [[business.source]]\n  type = "directory"\n  path = "{inbox}"\n'
            "  settle_seconds = 0\n"
        )
    config = root / "korwatch.toml"
    config.write_text("\n".join(parts), encoding="utf-8")
    return config


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def measure(businesses: int, seconds: float) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = config_for(root, businesses)
        log = root / "daemon.log"
        with log.open("wb") as stream:
            process = subprocess.Popen(
                [sys.executable, "-m", "korwatch.cli", "-c", str(config), "run"],
                stdout=stream,
                stderr=stream,
                env={k: v for k, v in os.environ.items() if k != "KORWATCH_NOW"},
            )
        try:
            deadline = time.monotonic() + 120
            while log.read_text().count("imported business=") < businesses:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the daemon did not import:\n{log.read_text()}")
                time.sleep(0.1)
            time.sleep(seconds)  # idle: scheduled jobs tick, nothing new arrives
            rss, peak = status_kb(process.pid, "VmRSS"), status_kb(process.pid, "VmHWM")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    return rss / 1024, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--businesses", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rss, peak = measure(args.businesses, args.seconds)
    print("| businesses | idle RSS (MB) | peak RSS (MB) | target |")
    print("|---|---|---|---|")
    print(f"| {args.businesses} | {rss:.1f} | {peak:.1f} | idle RSS <= 60 MB |")


if __name__ == "__main__":
    main()
