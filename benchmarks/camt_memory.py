"""CAMT parsing in flat memory: peak RSS of reading CAMT.053 files of growing size.

    .venv/bin/python benchmarks/camt_memory.py [--sizes 10,100,1000] [--keep DIR]

For each size (in MB; 1000 is the 1 GB file of issue 3) it writes a camt.053.001.02 of about
that size (benchmarks/formats/camt.py), then, each in its own fresh subprocess, reads every
record with korwatch's CAMT parser (detection, the safe lxml iterparse, the walk over each
entry, the Transaction built) and, for comparison, with the floor of import_speed.py (lxml
iterparse reading date and amount, clearing as it goes). It prints each reader's peak RSS
(VmHWM) and time: flat memory means the peak does not grow with the file. Parsing only; an
import also keeps the year's counting records for its evaluation. A measurement, not a test:
nothing here asserts. The 1 GB file takes about a minute to write and one or two to read.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bytecode import compile_korwatch
from formats.camt import generate_large

HERE = Path(__file__).resolve().parent

_CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {here!r})
    from pathlib import Path
    which, path = sys.argv[1], Path(sys.argv[2])
    started = time.perf_counter()
    if which == "korwatch":
        from korwatch.formats.base import read_sample
        from korwatch.formats.detect import detect
        sample = read_sample(path)
        count = sum(1 for _ in detect(sample, None, {{}}).parse(sample))
    else:
        from formats.camt import floor
        count = floor(path)
    elapsed = time.perf_counter() - started
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({{"count": count, "seconds": elapsed, "peak_mb": peak / 1024}}))
    """
)


def _read(which: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(here=str(HERE)), which, str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{which} failed on {path}:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _row(megabytes: int, folder: Path) -> str:
    path = folder / f"camt-{megabytes}mb.xml"
    if not path.exists():
        generate_large(path, megabytes * 1_000_000)
    mine, floor = _read("korwatch", path), _read("floor", path)
    return (
        f"| {path.stat().st_size / 1e6:,.0f} MB | {mine['count']:,.0f} | "
        f"{mine['peak_mb']:.0f} MB | {mine['seconds']:.1f} s | "
        f"{floor['peak_mb']:.0f} MB | {floor['seconds']:.1f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="file sizes in MB")
    parser.add_argument("--keep", type=Path, help="write (and reuse) the files here")
    args = parser.parse_args()
    compile_korwatch()
    print("| file | entries | korwatch peak RSS | korwatch time | floor peak RSS | floor time |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="korwatch-camt-memory-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in args.sizes.split(","):
            print(_row(int(size), folder), flush=True)


if __name__ == "__main__":
    main()
