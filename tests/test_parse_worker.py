"""A big document read in a child process gives exactly what reading it in-process gives:
the same rows, the same errors, and nothing left behind when either side stops early."""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import cast

import pytest

from korwatch.errors import ParseError
from korwatch.formats.base import Parser, read_sample
from korwatch.formats.detect import PARSERS, detect
from korwatch.ledger.reader import _from_child, _worth_a_child, document_chunks
from korwatch.ledger.rows import chunks
from korwatch.models import Record, Sample
from tests.conftest import Workspace
from tests.helpers import Payment, config_text, ing_csv
from tests.samples import Fixture, fixture_params, fixtures, needs_samples, sample_named

# Every fixture, and an auditfile that is refused (so it has no golden): the refusal must come
# back from the child as it is raised in process.
DOCUMENTS = [*fixtures(), Fixture("xaf", "banana-nl__auditfile_v3.2_nl_20180101_20181231.xaf")]


def _outcome(produce: Iterator[tuple[str, list[tuple[object, ...]]]]) -> object:
    try:
        return list(produce)
    except ParseError as error:
        return (type(error).__name__, str(error), error.line)


class _RowsOnly:
    """The reader with parse() alone: its child sends the rows it made."""

    def __init__(self, real: Parser) -> None:
        self.real, self.name = real, real.name

    def parse(self, sample: Sample) -> Iterator[Record]:
        return self.real.parse(sample)


class _WithValues(_RowsOnly):
    """The reader offering transaction_values (as CAMT's does): its child sends those."""

    def transaction_values(self, sample: Sample) -> Iterator[tuple[object, ...]]:
        for record in self.real.parse(sample):
            yield tuple(getattr(record, field.name) for field in fields(record))


BANK_DOCUMENTS = [
    document
    for document in DOCUMENTS
    if document.folder not in ("xaf", "camt") and "invoice" not in document.name
]


@pytest.mark.parametrize(
    ("document", "wrap"),
    [
        *fixture_params(DOCUMENTS, None, suffix="-as-is"),
        *fixture_params([d for d in DOCUMENTS if d.folder == "camt"], _RowsOnly, suffix="-rows"),
        *fixture_params(BANK_DOCUMENTS, _WithValues, suffix="-values"),
    ],
)
def test_a_document_read_in_a_child_gives_what_it_gives_in_process(
    document: Fixture, wrap: type[_RowsOnly] | None
) -> None:
    # The child sends the rows it made or, for a reader offering them, each record's values.
    sample = read_sample(document.path)
    real = detect(sample, None, {})
    parser = real if wrap is None else wrap(real)
    in_process = _outcome(chunks(real.parse(sample)))
    assert _outcome(_from_child(parser, sample)) == in_process  # type: ignore[arg-type]


def _broken_export(tmp_path: Path) -> Path:
    """5,000 payments with a broken amount on line 4,001: two chunks are sent before it."""
    payments = [
        Payment(date(2026, 1, 1) + timedelta(days=n % 365), Decimal("10.00")) for n in range(5000)
    ]
    lines = ing_csv(payments).split("\r\n")
    lines[4000] = lines[4000].replace('"10,00"', '"1O,00"')
    path = tmp_path / "broken.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


def test_an_error_in_the_child_comes_back_as_the_same_error_with_its_line(tmp_path: Path) -> None:
    sample = read_sample(_broken_export(tmp_path))
    parser = detect(sample, None, {})
    with pytest.raises(ParseError) as in_process:
        list(chunks(parser.parse(sample)))
    with pytest.raises(ParseError) as from_child:
        list(_from_child(parser, sample))
    assert in_process.value.line == 4001
    assert type(from_child.value) is type(in_process.value)
    assert (str(from_child.value), from_child.value.line) == (
        str(in_process.value),
        in_process.value.line,
    )


class _DiesHalfway:
    """A reader that is killed after a few records, the way the kernel's OOM killer would
    end it (which cannot be caused on purpose here)."""

    name = "dies"

    def __init__(self, real: object) -> None:
        self.real = real

    def parse(self, sample: Sample) -> Iterator[Record]:
        for number, record in enumerate(self.real.parse(sample)):  # type: ignore[attr-defined]
            if number == 3000:
                os.kill(os.getpid(), signal.SIGKILL)
            yield record


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_child_that_is_killed_is_reported_and_reaped(tmp_path: Path) -> None:
    sample = read_sample(_big_export(tmp_path / "big.csv"))
    parser = _DiesHalfway(detect(sample, None, {}))
    with pytest.raises(ParseError, match="stopped before the end"):
        list(_from_child(parser, sample))  # type: ignore[arg-type]
    assert _no_children_left()


def test_stopping_early_stops_the_child(tmp_path: Path) -> None:
    sample = read_sample(_big_export(tmp_path / "big.csv"))
    rows = _from_child(detect(sample, None, {}), sample)
    assert next(rows)[0] == "transaction"
    rows.close()
    assert _no_children_left()


def test_a_process_with_other_threads_or_a_small_file_reads_in_process(tmp_path: Path) -> None:
    sample = read_sample(_big_export(tmp_path / "big.csv"))
    assert not _worth_a_child(sample, min_bytes=sample.path.stat().st_size + 1)
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        assert not _worth_a_child(sample, min_bytes=0)
        rows = document_chunks(detect(sample, None, {}), sample, min_bytes=0)
        assert rows.__class__.__name__ == "generator" and rows.gi_code.co_name == "chunks"
    finally:
        stop.set()
        waiting.join()


def _big_export(path: Path) -> Path:
    """An ING export of about 9 MB: over the size at which a child reads it."""
    start = date(2026, 1, 1)
    payments = [
        Payment(start + timedelta(days=n % 330), Decimal(f"{n % 900 + 1}.{n % 100:02d}"),
                f"Klant {n % 300}", description=f"Factuur 2026-{n:05d}")
        for n in range(60_000)
    ]  # fmt: skip
    path.write_text(ing_csv(payments), encoding="utf-8")
    return path


def test_korwatch_import_of_a_big_file_stores_what_an_in_process_read_stores(
    tmp_path: Path, workspace: Workspace
) -> None:
    export = _big_export(tmp_path / "big.csv")
    assert export.stat().st_size > 8 << 20
    # In-process: the workspace's SMTP server thread runs in this process.
    code, _, _ = workspace.run("import", str(export))
    assert code == 0
    # A fresh process with no other thread: the child reads the file.
    alone = tmp_path / "alone"
    alone.mkdir()
    config = alone / "korwatch.toml"
    config.write_text(config_text(alone, mail_dir=alone / "mail"), encoding="utf-8")
    env = {**os.environ, "KORWATCH_NOW": "2026-11-26T12:00:00+01:00"}
    command = [sys.executable, "-m", "korwatch.cli", "-c", str(config)]
    assert subprocess.run([*command, "import", str(export)], env=env, check=False).returncode == 0
    for query in (
        "SELECT id, dedup_key, date, amount_cents, counterparty_name, description, line "
        "FROM records ORDER BY id",
        "SELECT year, level, kind, payload FROM alert_events ORDER BY id",
    ):
        stored = _rows(alone / "state", query)
        assert stored and stored == _rows(workspace.root / "state", query)


def _rows(state: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(state / "ledger.sqlite3") as connection:
        return connection.execute(query).fetchall()


class _Overflowing:
    """A reader with a bug of the arithmetic kind. Every reachable one of the real readers is
    now a ParseError (a 31-digit amount used to raise InvalidOperation: issue 17, D9), so the
    bug is written here; the child, the pipe and the error's way back are real."""

    name = label = "overflowing"

    def parse(self, sample: Sample) -> Iterator[Record]:
        text = sample.path.read_text(encoding="utf-8")
        yield from PARSERS["camt"].parse(sample)
        raise ArithmeticError(f"a bug after {len(text)} characters")


@needs_samples
def test_an_error_of_another_kind_comes_back_as_that_kind(tmp_path: Path) -> None:
    # import_document records such a file as failed only if the same error reaches it.
    path = tmp_path / "statement.xml"
    path.write_bytes(sample_named("genkgo__camt053.v2.minimal.xml").read_bytes())
    sample = read_sample(path)
    parser = cast(Parser, _Overflowing())
    with pytest.raises(ArithmeticError) as in_process:
        list(chunks(parser.parse(sample)))
    with pytest.raises(ArithmeticError) as from_child:
        list(_from_child(parser, sample))
    assert type(from_child.value) is type(in_process.value)
    assert str(from_child.value) == str(in_process.value)


def test_without_a_process_to_spare_the_document_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = read_sample(_big_export(tmp_path / "big.csv"))
    parser = detect(sample, None, {})

    def no_fork() -> int:  # what fork() does when the system has no process to spare
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    # Ledger connections earlier in-process CLI runs left to the collector must not be closed
    # by it halfway through the count.
    gc.collect()
    open_before = len(os.listdir("/proc/self/fd"))
    assert list(_from_child(parser, sample)) == list(chunks(parser.parse(sample)))
    assert len(os.listdir("/proc/self/fd")) == open_before
