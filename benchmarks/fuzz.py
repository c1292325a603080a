"""Hostile examples for every parser, 10,000 each: how many crash, how many hang (target: 0, 0).

    .venv/bin/python benchmarks/fuzz.py [--examples 10000] [--only mt940,ofx] [--deadline 20]
                                        [--jobs 2] [--seed 17]

The examples are those of the property tests (tests/formats/hostile.py): a real export of the
parser's format with one to three hostile changes (amounts of 10^17 and 60 digits, NaN, lines
and MT940 fields over 1 MiB, stray bytes, cuts), saved under a hostile name (bytes that are not
UTF-8, ESC, CR, LF, a bidi override), one in five swapped once listed for a FIFO, a link to
/dev/zero or /proc, or a link out of the inbox. Each is imported as a scan does, the parser
forced, into a real SQLite ledger. Drawn from a seeded Random, so a run can be repeated.

A crash is any outcome but an import or a refusal: an exception escaping import_document, an
"internal error" result, a message with a raw control character, a special file not refused.
A hang is an example that gives no outcome within --deadline seconds: each parser's examples
run in a child process that the parent watches; a child that hangs is killed, the example
counted, and a new child goes on with the next one. A measurement, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import select
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.formats.hostile import SPECIALS, Crash, Importer, hostile_name, mutate, seeds  # noqa: E402

T = TypeVar("T")


class Seeded:
    """A Chooser drawing from a seeded Random: one per example, so each can be replayed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def pick(self, options: Sequence[T]) -> T:
        return self.random.choice(options)


def example(parser: str, number: int, seed: int) -> tuple[bytes, bytes, str | None]:
    digest = hashlib.sha256(f"{seed}:{parser}:{number}".encode()).digest()
    choose = Seeded(int.from_bytes(digest[:8], "big"))
    content = mutate(choose.pick(seeds()[parser]), choose)
    name = hostile_name(choose) + f"-{number}".encode()
    special = choose.pick(SPECIALS) if choose.integer(1, 5) == 1 else None
    return content, name, special


def worker(parser: str, start: int, stop: int, seed: int) -> None:
    """Run examples start..stop-1, one line per outcome on stdout: 'N outcome [detail]'."""
    with tempfile.TemporaryDirectory(prefix="korwatch-fuzz-") as folder:
        importer = Importer(Path(folder))
        for number in range(start, stop):
            content, name, special = example(parser, number, seed)
            try:
                outcome = importer.run(parser, content, name, special)
            except Crash as crash:
                outcome = f"crash {str(crash)[:300]!r}"
            except Exception as error:  # what the fuzz is looking for
                where = traceback.extract_tb(error.__traceback__)[-1]
                detail = f"{type(error).__name__}: {str(error)[:200]} at {where.name}"
                outcome = f"crash {detail!r}"
            print(number, outcome, flush=True)


@dataclass
class Tally:
    parser: str
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    hangs: list[int] = field(default_factory=list)
    seconds: float = 0.0


def watch(parser: str, examples: int, seed: int, deadline: float) -> Tally:
    """Run the parser's examples in child processes, killing one that hangs."""
    tally, number, started = Tally(parser), 0, time.perf_counter()
    while number < examples:
        command = [sys.executable, __file__, "--worker", parser, str(number), str(examples)]
        child = subprocess.Popen(
            [*command, "--seed", str(seed)], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        assert child.stdout is not None
        number = _follow(child, tally, number, examples, deadline)
    tally.seconds = time.perf_counter() - started
    return tally


def _follow(
    child: subprocess.Popen[str], tally: Tally, number: int, stop: int, deadline: float
) -> int:
    """Read the child's outcomes until it ends or hangs; the number of the next example."""
    assert child.stdout is not None
    while True:
        ready, _, _ = select.select([child.stdout], [], [], deadline)
        if not ready:  # no outcome within the deadline: a hang (unless all were given)
            child.kill()
            child.wait()
            if number >= stop:  # slow to exit after the last example: not an example's hang
                return stop
            tally.hangs.append(number)
            return number + 1
        line = child.stdout.readline()
        if not line:  # the child ended: all done, or it died during example `number`
            code = child.wait()
            if code == 0:
                return stop
            tally.crashes.append(f"example {number}: the child process ended with {code}")
            return number + 1
        index, outcome = line.rstrip("\n").split(" ", 1)
        number = int(index) + 1
        kind = outcome.split(" ", 1)[0]
        tally.outcomes[kind] += 1
        if kind == "crash":
            tally.crashes.append(f"example {index}: {outcome[6:]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--only", help="comma-separated parser names (default: every parser)")
    parser.add_argument("--deadline", type=float, default=20.0, help="seconds per example")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--worker", nargs=3, metavar=("PARSER", "START", "STOP"))
    args = parser.parse_args(argv)
    if args.worker:
        name, start, stop = args.worker
        worker(name, int(start), int(stop), args.seed)
        return
    names = args.only.split(",") if args.only else sorted(seeds())
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        tallies = list(pool.map(lambda n: watch(n, args.examples, args.seed, args.deadline), names))
    _print(tallies, args.examples)


def _print(tallies: list[Tally], examples: int) -> None:
    print("| parser | examples | imported | refused | unreadable | crashes | hangs | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in tallies:
        o = t.outcomes
        print(
            f"| {t.parser} | {examples} | {o['imported']} | {o['refused']} | {o['unreadable']} "
            f"| {len(t.crashes)} | {len(t.hangs)} | {t.seconds:.0f} |"
        )
    crashes = sum(len(t.crashes) for t in tallies)
    hangs = sum(len(t.hangs) for t in tallies)
    print(f"\ntotal: {crashes} crashes, {hangs} hangs in {examples * len(tallies)} examples")
    for t in tallies:
        for crash in t.crashes[:5]:
            print(f"  {t.parser}: {crash}")
        for number in t.hangs[:5]:
            print(f"  {t.parser}: example {number} hung")


if __name__ == "__main__":
    main()
