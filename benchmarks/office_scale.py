"""One office, many clients: first scan, `status --json`, a scan that finds nothing new, memory,
and SIGTERM during a scan, measured for this checkout and for a baseline (main) in one run.

    .venv/bin/python benchmarks/office_scale.py [--sizes 200x2000,1000x2000,10000x500]
        [--baseline main] [--baseline-sizes 200x2000] [--repeat 3] [--work DIR]

For each size BUSINESSESxTRANSACTIONS the script makes synthetic clients (one ING CSV of that
many transactions each, in its own folder, 2026 up to 20 November; 60 % credits), a mix that
stays under the lowest warning level (40 %), passes 75 % (20 %), passes 90 % (20 %) and crosses
(20 %). One config file lists them all (the file email backend, so every email is written as
an .eml file and counted). With the clock fixed at 2026-11-26 12:00, it times, as fresh
processes:

- the first scan (importing every file, recording and writing every email), with its peak RSS
  (VmHWM of the korwatch process, polled; chart processes are not included);
- `korwatch status --json` (best of --repeat), and checks that both implementations print the
  same bytes for the same ledger data;
- a scan that finds nothing new (best of --repeat);
- the daemon (`korwatch run`) idle after its first scan of that ledger: VmRSS;
- SIGTERM sent to a daemon 10 s into its first scan of a fresh ledger: seconds until it exits.

The baseline is another git revision (default `main`), exported (`git archive`) under --work
with its own virtualenv (made once, kept). Sizes in --baseline-sizes are run with both; the
others with this checkout only. Figures are wall-clock seconds, with the CPU seconds of the
process and its children beside them (a shared machine's load changes the wall clock more than
the CPU time), and ratios of baseline over this checkout (higher is better). A measurement,
not a test: nothing here asserts; a status output that differs from the baseline's is kept in
--work and named in the notes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers import Payment, ing_csv  # noqa: E402 - after the path is set

NOW = "2026-11-26T12:00:00+01:00"
# Share of the threshold each client's credits reach, cycled over the clients: 40 % stay
# under 75 %, 20 % pass 75 %, 20 % pass 90 %, 20 % cross.
MIX = (0.30, 0.50, 0.65, 0.72, 0.80, 0.88, 0.92, 0.98, 1.10, 1.40)
THRESHOLD_CENTS = 2_000_000
NAMES = ("Bakkerij Jansen", "Studio Oost", "Atelier Zuid", "De Vries BV", "Klant", "Webshop")
SUPPLIERS = ("KPN", "Albert Heijn", "Shell", "Bol.com", "Coolblue", "Belastingdienst")


@dataclass
class Implementation:
    name: str
    python: Path
    source: Path

    def command(self, config: Path, *args: str) -> list[str]:
        return [str(self.python), "-m", "korwatch.cli", "-c", str(config), *args]

    def imports_from(self, folder: Path) -> Path:
        """Where this interpreter finds korwatch when run in `folder` (`python -m` puts the
        working directory first on the path: never run it in a checkout of another one)."""
        done = subprocess.run(
            [str(self.python), "-c", "import korwatch; print(korwatch.__file__)"],
            capture_output=True, text=True, check=True, cwd=folder,
        )  # fmt: skip
        return Path(done.stdout.strip())


def _cwd(command: list[str]) -> Path:
    """Each korwatch runs in its config's folder, which holds no korwatch package."""
    return Path(command[command.index("-c") + 1]).parent


@dataclass
class Run:
    """One timed run: wall-clock and CPU seconds (the process and its children)."""

    wall: float = 0.0
    cpu: float = 0.0


@dataclass
class Figures:
    first_scan: Run = field(default_factory=Run)
    first_scan_peak_mb: float = 0.0
    emails: int = 0
    status: Run = field(default_factory=Run)
    status_bytes: bytes = b""
    noop_scan: Run = field(default_factory=Run)
    daemon_idle_mb: float = 0.0
    sigterm_exit: float = 0.0
    notes: list[str] = field(default_factory=list)


def client_payments(number: int, transactions: int) -> list[Payment]:
    """One client's year: credits adding up to its share of the threshold, and debits."""
    rng = random.Random(number)
    target = int(THRESHOLD_CENTS * MIX[number % len(MIX)])
    credits = max(1, transactions * 6 // 10)
    weights = [rng.uniform(0.5, 1.5) for _ in range(credits)]
    scale = target / sum(weights)
    amounts = [max(1, int(weight * scale)) for weight in weights]
    amounts[-1] += target - sum(amounts)
    start, days = date(2026, 1, 1), (date(2026, 11, 20) - date(2026, 1, 1)).days
    payments = [
        Payment(
            start + timedelta(days=rng.randrange(days)),
            Decimal(amount) / 100,
            rng.choice(NAMES),
            description=f"Factuur 2026-{index:04d}",
        )
        for index, amount in enumerate(amounts)
    ]
    payments += [
        Payment(
            start + timedelta(days=rng.randrange(days)),
            -Decimal(rng.randrange(500, 20_000)) / 100,
            rng.choice(SUPPLIERS),
            iban="NL86INGB0002445588",
            description="aankoop",
        )
        for _ in range(transactions - credits)
    ]
    return payments


def generate(work: Path, businesses: int, transactions: int) -> Path:
    """The clients' folders with one export each (made once per size, kept under --work)."""
    data = work / f"data-{businesses}x{transactions}"
    done = data / ".complete"
    if done.exists():
        return data
    shutil.rmtree(data, ignore_errors=True)
    for number in range(businesses):
        inbox = data / f"client{number:05d}"
        inbox.mkdir(parents=True)
        export = ing_csv(client_payments(number, transactions))
        (inbox / "export.csv").write_text(export, encoding="utf-8")
    done.touch()
    return data


def write_config(root: Path, data: Path, businesses: int) -> Path:
    parts = [
        f'state_dir = "{root / "state"}"\n[schedule]\nscan = "1h"\nwatch = "off"\n'
        f'[email]\nbackend = "file"\ndir = "{root / "mail"}"\nsender = "korwatch@example.nl"\n'
    ]
    for number in range(businesses):
        parts.append(
            f'[[business]]\nid = "client{number:05d}"\nname = "Client {number}"\n'
            f'recipients = ["client{number:05d}@example.nl"]\n'
            f'  [[business.source]]\n  type = "directory"\n'
            f'  path = "{data / f"client{number:05d}"}"\n  settle_seconds = 0\n'
        )
    config = root / "korwatch.toml"
    config.write_text("\n".join(parts), encoding="utf-8")
    return config


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KORWATCH_")}
    return {**env, "KORWATCH_NOW": NOW}


def read_kb(pid: int, name: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def peak_watch(pid: int) -> Iterator[list[int]]:
    """The highest VmHWM seen while the process runs (polled every 20 ms)."""
    peak = [0]
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], read_kb(pid, "VmHWM"))

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def cpu_of_children() -> float:
    """CPU seconds (user + system) of every waited-for child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], *, peak: bool = False) -> tuple[Run, float, bytes]:
    """(wall and CPU seconds, peak RSS in MB, stdout) of one run of `command`."""
    cpu, started = cpu_of_children(), time.perf_counter()
    with (
        subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment(),
            cwd=_cwd(command),
        ) as child,
        peak_watch(child.pid) if peak else contextlib.nullcontext([0]) as seen,
    ):
        out, err = child.communicate()
    run = Run(time.perf_counter() - started, cpu_of_children() - cpu)
    if child.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command[-3:])} failed:\n{err.decode()[-2000:]}")
    return run, seen[0] / 1024, out


def best_of(command: list[str], repeat: int) -> tuple[Run, bytes]:
    """The fastest of `repeat` runs (by wall clock), and its output."""
    runs = [timed(command) for _ in range(repeat)]
    fastest = min(runs, key=lambda found: found[0].wall)
    return fastest[0], fastest[2]


def daemon_idle(impl: Implementation, config: Path, businesses: int) -> float:
    """VmRSS of `korwatch run` idle after its first scan of an already imported ledger."""
    log = config.parent / "daemon.log"
    with log.open("wb") as stream:
        command = impl.command(config, "run")
        child = subprocess.Popen(
            command, stdout=stream, stderr=stream, env=environment(), cwd=_cwd(command)
        )
    try:
        deadline = time.monotonic() + 600
        while "daemon started" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError(f"the daemon did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.1)
        time.sleep(10 + businesses / 200)  # the first (no-op) scan, then idle
        return read_kb(child.pid, "VmRSS") / 1024
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)


def sigterm_during_first_scan(
    impl: Implementation, root: Path, data: Path, businesses: int
) -> float:
    """Seconds from SIGTERM to exit, sent 10 s into the daemon's first scan of a fresh ledger."""
    fresh = root / "sigterm"
    fresh.mkdir()
    config = write_config(fresh, data, businesses)
    command = impl.command(config, "run")
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        cwd=_cwd(command),
    )
    time.sleep(10)
    started = time.perf_counter()
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return float("inf")
    return time.perf_counter() - started


def measure(impl: Implementation, data: Path, businesses: int, repeat: int) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="office-") as folder:
        root = Path(folder)
        config = write_config(root, data, businesses)
        found = impl.imports_from(root)
        if not found.is_relative_to(impl.source):
            raise RuntimeError(f"{impl.name} runs the korwatch of {found}, not its own")
        figures.first_scan, figures.first_scan_peak_mb, _ = timed(
            impl.command(config, "scan", "-q"), peak=True
        )
        figures.emails = (
            sum(1 for _ in (root / "mail").glob("*.eml")) if (root / "mail").exists() else 0
        )
        figures.status, figures.status_bytes = best_of(
            impl.command(config, "status", "--json"), repeat
        )
        figures.noop_scan, _ = best_of(impl.command(config, "scan", "-q"), repeat)
        figures.daemon_idle_mb = daemon_idle(impl, config, businesses)
        figures.sigterm_exit = sigterm_during_first_scan(impl, root, data, businesses)
    return figures


def baseline(revision: str, work: Path) -> Implementation:
    """`revision` exported (git archive, so no worktree is registered) beside the data, with
    its own virtualenv (made once, kept under --work)."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", revision], capture_output=True, text=True, check=True
    ).stdout.strip()
    place = work / f"baseline-{sha[:12]}"
    python = place / ".venv" / "bin" / "python"
    if not python.exists():
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", sha], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(place)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(place / ".venv")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(place)], check=True)
    return Implementation(f"{revision} ({sha[:8]})", python, place)


TARGETS = {
    "first scan": "1,000x2,000: <= 120 s",
    "first scan peak RSS": "<= 200 MB",
    "status --json": "1,000: <= 1 s; 10,000: <= 5 s",
    "no-op scan": "1,000: <= 2 s",
    "daemon idle RSS": "<= 60 MB (1,000: <= 80 MB)",
    "SIGTERM during first scan": "exit <= 10 s",
}


def _timed(run: Run) -> str:
    return f"{run.wall:.2f} s (CPU {run.cpu:.2f} s)"


def _ratio(ours: float, theirs: float) -> str:
    return f"{theirs / ours:.1f}x" if ours > 0 else "-"


def table(results: list[tuple[str, Figures, Figures | None]]) -> list[str]:
    lines = [
        "| figure | size | this branch | baseline | baseline / this (wall; CPU) | target |",
        "|---|---|---|---|---|---|",
    ]
    for size, ours, theirs in results:
        for label, attribute in (
            ("first scan", "first_scan"),
            ("status --json", "status"),
            ("no-op scan", "noop_scan"),
        ):
            mine: Run = getattr(ours, attribute)
            other: Run | None = None if theirs is None else getattr(theirs, attribute)
            ratio = (
                ""
                if other is None
                else f"{_ratio(mine.wall, other.wall)}; {_ratio(mine.cpu, other.cpu)}"
            )
            shown = "" if other is None else _timed(other)
            lines.append(
                f"| {label} | {size} | {_timed(mine)} | {shown} | {ratio} | {TARGETS[label]} |"
            )
        for label, attribute, unit in (
            ("first scan peak RSS", "first_scan_peak_mb", "MB"),
            ("daemon idle RSS", "daemon_idle_mb", "MB"),
            ("SIGTERM during first scan", "sigterm_exit", "s"),
        ):
            value: float = getattr(ours, attribute)
            other_value = None if theirs is None else float(getattr(theirs, attribute))
            shown = "" if other_value is None else f"{other_value:.1f} {unit}"
            ratio = "" if other_value is None else _ratio(value, other_value)
            lines.append(
                f"| {label} | {size} | {value:.1f} {unit} | {shown} | {ratio} | {TARGETS[label]} |"
            )
        emails = f"{ours.emails}" + ("" if theirs is None else f" (baseline {theirs.emails})")
        lines.append(f"| emails written | {size} | {emails} |  |  |  |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200x2000,1000x2000")
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--baseline-sizes", default="200x2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "korwatch-office-scale"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ours = Implementation("this checkout", Path(sys.executable), REPO)
    theirs = baseline(args.baseline, args.work) if args.baseline_sizes else None
    results: list[tuple[str, Figures, Figures | None]] = []
    for size in args.sizes.split(","):
        businesses, transactions = (int(part) for part in size.split("x"))
        data = generate(args.work, businesses, transactions)
        mine = measure(ours, data, businesses, args.repeat)
        other = None
        if theirs is not None and size in args.baseline_sizes.split(","):
            other = measure(theirs, data, businesses, args.repeat)
            if other.status_bytes != mine.status_bytes:
                (args.work / f"status-{size}-ours.json").write_bytes(mine.status_bytes)
                (args.work / f"status-{size}-baseline.json").write_bytes(other.status_bytes)
                mine.notes.append("status --json differs from the baseline's (both kept in --work)")
            else:
                mine.notes.append("status --json: the same bytes as the baseline")
        results.append((f"{businesses:,}x{transactions:,}", mine, other))
        print(f"{size}: done ({'; '.join(mine.notes)})", file=sys.stderr, flush=True)
    print(f"baseline: {theirs.name if theirs else 'none'}; {os.cpu_count()} CPUs; load average")
    print(f"at the end {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    for line in table(results):
        print(line)
    for size, mine, _ in results:
        for note in mine.notes:
            print(f"- {size}: {note}")


if __name__ == "__main__":
    main()
