"""A scan that finds nothing new among 1,000 already-imported files (target <= 1 s, start-up
included).

    .venv/bin/python benchmarks/noop_scan.py [--files 1000] [--repeat 5]

Fills one inbox with N small ING exports, imports them with one `korwatch scan`, then times
further `korwatch scan` runs as fresh processes (interpreter start, imports, config, hashing every
file, the ledger look-ups, outbox check). Prints the best and median wall time. A measurement,
not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import Payment, ing_csv  # noqa: E402 - after the path is set


def prepare(root: Path, files: int) -> Path:
    inbox = root / "inbox"
    inbox.mkdir()
    for number in range(files):
        day = date(2026, 1, 1) + timedelta(days=number % 300)
        payments = [Payment(day, Decimal("1.00"), f"Klant {number}-{i}") for i in range(3)]
        (inbox / f"export-{number:04d}.csv").write_text(ing_csv(payments), encoding="utf-8")
    config = root / "korwatch.toml"
    config.write_text(
        f'state_dir = "state"\n[email]\nbackend = "file"\ndir = "{root / "mail"}"\n'
        '[[business]]\nid = "studio"\nrecipients = ["s@example.nl"]\n'
        f'  [[business.source]]\n  type = "directory"\n  path = "{inbox}"\n'
        "  settle_seconds = 0\n",
        encoding="utf-8",
    )
    return config


def scan(config: Path) -> tuple[float, str]:
    env = {**os.environ, "KORWATCH_NOW": "2026-11-26T12:00:00+01:00"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "korwatch.cli", "-c", str(config), "scan"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = prepare(Path(folder), args.files)
        first, summary = scan(config)
        print(f"first scan (imports {args.files} files): {first:.2f} s: {summary}")
        times = []
        for _ in range(args.repeat):
            seconds, summary = scan(config)
            times.append(seconds)
        print(f"last no-op scan: {summary}")
        print("| files | best (s) | median (s) | target |")
        print("|---|---|---|---|")
        print(
            f"| {args.files} | {min(times):.2f} | {statistics.median(times):.2f} "
            "| <= 1 s, start-up included |"
        )


if __name__ == "__main__":
    main()
