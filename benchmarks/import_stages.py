"""Where a full import's time goes, stage by stage, as ratios of the format's floor.

    .venv/bin/python benchmarks/import_stages.py [--rows 100000] [--repeat 3] [--only ingcsv]

For each format it generates the benchmark file (benchmarks/formats/), then, in one fresh
subprocess, times with wall clock: importing korwatch, parsing the file into records, making the
dedup keys and row values, SQLite storing those rows (the INSERTs and the commit, rows made
beforehand), and evaluating the years touched (classify + thresholds). The stages run one
after another here; `korwatch import` overlaps reading with storing for files of 8 MB and more
(korwatch/ledger/reader.py), which import_speed.py measures. It prints a Markdown
table of each stage as a multiple of the floor of issue 3, measured in the same run. This
explains the import_speed.py ratios; it asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bytecode import compile_korwatch

HERE = Path(__file__).resolve().parent
FORMATS = ("ingcsv", "camt", "mt940", "ofx")
STAGES = ("start-up", "parse", "keys + rows", "SQLite store", "evaluate")

_CHILD = textwrap.dedent(
    """
    import functools, json, sys, time
    from collections import Counter
    from pathlib import Path
    clock = time.perf_counter
    marks = [clock()]
    from korwatch import scan
    from korwatch.alerts import evaluation
    from korwatch.config.load import load_config
    from korwatch.formats.base import read_sample
    from korwatch.formats.detect import detect
    from korwatch.ledger.insert import Inserted, _insert_sql, _Kept
    from korwatch.ledger.rows import StoredMaker, chunks
    from korwatch.tax.classify import classify_one
    marks.append(clock())
    config = load_config(Path(sys.argv[2]))
    business = config.businesses[0]
    sample = read_sample(Path(sys.argv[1]))
    records = list(detect(sample, None, {}).parse(sample))
    marks.append(clock())
    made = list(chunks(records))
    marks.append(clock())
    connection = scan.open_ledger(config)
    connection.execute("BEGIN IMMEDIATE")
    for kind, rows in made:
        connection.executemany(_insert_sql(business.id, "0" * 64, kind), rows)
    connection.execute("COMMIT")
    marks.append(clock())
    judge = functools.partial(classify_one, settings=business.rules)
    kept = _Kept(1, StoredMaker("0" * 64, "bench"), judge)
    for kind, rows in made:
        kept.add(kind, rows)
    per_year = Counter(row[-13] for _, rows in made for row in rows)
    inserted = Inserted(len(records), 0, per_year, kept.judged)
    for year in sorted(per_year):
        evaluation.evaluate_year(connection, config, business, year, counting_only=True,
                           inserted=inserted)
    marks.append(clock())
    print(json.dumps([b - a for a, b in zip(marks, marks[1:])]))
    """
)


def _floor(name: str, path: Path) -> float:
    code = (
        f"import sys, time; sys.path.insert(0, {str(HERE)!r}); started = time.perf_counter(); "
        f"import formats.{name} as m; m.floor(__import__('pathlib').Path({str(path)!r})); "
        "print(time.perf_counter() - started)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def _stages(path: Path, folder: Path) -> list[float]:
    config = folder / "korwatch.toml"
    config.write_text(
        'state_dir = "state"\n[email]\nbackend = "file"\ndir = "mail"\n'
        '[[business]]\nid = "bench"\nrecipients = ["bench@example.nl"]\n',
        encoding="utf-8",
    )
    subprocess.run(["rm", "-rf", str(folder / "state")], check=True)
    env = {**os.environ, "KORWATCH_NOW": "2026-11-26T12:00:00+01:00"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(config)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return [float(value) for value in json.loads(done.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", default=",".join(FORMATS))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    compile_korwatch()
    print("| format | floor | " + " | ".join(STAGES) + " | total |")
    print("|" + "---|" * (len(STAGES) + 3))
    with tempfile.TemporaryDirectory(prefix="korwatch-stages-") as tmp:
        for name in args.only.split(","):
            path = Path(tmp) / f"{name}.dat"
            importlib.import_module(f"formats.{name}").generate(path, args.rows)
            floor = min(_floor(name, path) for _ in range(args.repeat))
            runs = [_stages(path, Path(tmp)) for _ in range(args.repeat)]
            times = [min(stage) for stage in zip(*runs, strict=True)]  # each stage best of runs
            cells = [f"{seconds:.2f} s ({seconds / floor:.1f}x)" for seconds in times]
            total = sum(times)
            print(
                f"| {name} | {floor:.2f} s | "
                + " | ".join(cells)
                + f" | {total:.2f} s ({total / floor:.1f}x) |",
                flush=True,
            )


if __name__ == "__main__":
    main()
