"""Peak memory of importing a hostile file with one endless line or field (issue 17, D8), this
tree against a baseline checkout measured in the same run.

    .venv/bin/python benchmarks/long_lines.py --baseline /path/to/main-checkout [--mb 500,1000]

Two files, as the adversarial run made them: an MT940 statement whose `:86:` field is N MB of
65-character continuation lines (the first size), and an ING CSV export with one line of N MB
in its notes column (the second size). Each is imported with `korwatch import` into a fresh
ledger, in a fresh process, once with this tree's korwatch and once with the baseline's (found
through PYTHONPATH); the peak RSS is that of the largest process (VmHWM of the import and of the
child that reads a big document), read from getrusage of the waited-for children. It prints a
Markdown table: the outcome (records imported, or the refusal) and the peak of each. A
measurement, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import Payment, ing_csv  # noqa: E402 - after the path is set

MT940_HEAD = b""":20:P140104000009999
:25:NL20INGB0001234567EUR
:28C:3
:60F:C140102EUR1000,00
:61:1401030103C15,00NTRF5010012368971337//00000000000005
/TRCD/00100/
:86:/EREF/E2E2014030100879665//CNTP/NL08INGB0000001234/INGBNL2A/ING T
"""
NOW = "2026-11-26T12:00:00+01:00"
MT940_TAIL = b""":62F:C140103EUR1015,00
-
"""

# Runs `korwatch import` as a child and reports the largest peak RSS of the processes it ran.
_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    lines = (done.stderr + done.stdout).splitlines()
    said = next((l for l in lines if l.startswith(("FAILED", "imported"))), lines[-1:])
    print(json.dumps({"code": done.returncode, "peak_mb": peak / 1024, "said": said}))
    """
)


def mt940_file(path: Path, megabytes: int) -> None:
    line = b"estrekening AMSTERDAM REMI USTD rekeningnummer en omschrijving xx\n"  # 65 + LF
    with path.open("wb") as out:
        out.write(MT940_HEAD)
        block = line * (1 << 14)
        for _ in range(megabytes * 1_000_000 // len(block) + 1):
            out.write(block)
        out.write(MT940_TAIL)


def ing_file(path: Path, megabytes: int) -> None:
    payments = [Payment(date(2026, 3, day), Decimal("10.00")) for day in (1, 2)]
    header, first, second, _ = ing_csv(payments).split("\r\n")
    marker = "Omschrijving: "
    before, after = first.split(marker, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(f"{header}\r\n{before}{marker}")
        chunk = "z" * (1 << 20)
        for _ in range(megabytes * 1_000_000 // len(chunk) + 1):
            out.write(chunk)
        out.write(f"{after}\r\n{second}\r\n")


def measure(checkout: Path, document: Path, folder: Path) -> dict[str, object]:
    state = folder / f"state-{abs(hash((checkout, document)))}"
    config = folder / "korwatch.toml"
    config.write_text(
        f'state_dir = "{state}"\n[email]\nbackend = "file"\ndir = "{folder / "mail"}"\n'
        'sender = "k@example.nl"\n[[business]]\nid = "b"\nrecipients = ["a@example.nl"]\n'
        f'  [[business.source]]\n  type = "directory"\n  path = "{folder}"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "korwatch.cli", "import", str(document), "-c", str(config)]
    environment = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "KORWATCH_NOW": "2026-11-26T12:00:00+01:00",
    }
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        cwd=checkout,
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


def _said(result: dict[str, object]) -> str:
    said = " ".join(str(result["said"]).split()).replace("|", "/")
    return said[:160] + ("..." if len(said) > 160 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout of main")
    parser.add_argument("--mb", default="500,1000", help="MT940 field and CSV line sizes in MB")
    args = parser.parse_args()
    field_mb, line_mb = (int(size) for size in args.mb.split(","))
    print("| file | tree | peak RSS | outcome |")
    print("|---|---|---:|---|")
    with tempfile.TemporaryDirectory(prefix="korwatch-long-lines-") as tmp:
        folder = Path(tmp)
        cases = [
            (f"MT940, :86: of {field_mb} MB", folder / "long.sta", mt940_file, field_mb),
            (f"ING CSV, a line of {line_mb} MB", folder / "long.csv", ing_file, line_mb),
        ]
        for title, path, write, size in cases:
            write(path, size)
            for label, checkout in (("baseline", args.baseline), ("this tree", REPO)):
                result = measure(checkout.resolve(), path, folder)
                peak = f"{result['peak_mb']:,.0f} MB"
                print(f"| {title} | {label} | {peak} | {_said(result)} |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
