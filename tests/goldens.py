"""Golden expected output for parser fixtures: every record as plain JSON.

Each fixture folder's make_goldens.py writes `<name>.golden.json` through `write_goldens`, for
the project's own fixtures there and for the samples its goldens name (read in place, see
tests/samples.py); the parser tests compare `records_of(document)` with it. Check each changed
golden by eye against its source file before committing: a golden must be right, not merely
current.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from korwatch.errors import NotTransactionFile
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Record
from tests.samples import MISSING, Fixture, available, fixtures


def as_json(record: Record) -> dict[str, object]:
    """All fields, amounts as strings, dates as ISO text."""

    def plain(value: object) -> object:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    return {key: plain(value) for key, value in dataclasses.asdict(record).items()}


def records_of(path: Path) -> list[dict[str, object]]:
    sample = read_sample(path)
    return [as_json(record) for record in detect(sample).parse(sample)]


def named_records_of(path: Path) -> list[dict[str, object]]:
    """The records with the name of the parser that read them (the CSV goldens: many parsers)."""
    sample = read_sample(path)
    parser = detect(sample)
    return [{"parser": parser.name, **as_json(record)} for record in parser.parse(sample)]


def write_goldens(
    folder: str,
    records: Callable[[Path], list[dict[str, object]]] = records_of,
    names: Sequence[str] = (),
) -> None:
    """Rewrite the golden of every fixture in tests/fixtures/FOLDER and write one for each
    sample named in `names` (a new golden); refused (non-transaction) files get none."""
    for fixture in [*fixtures(folder), *(Fixture(folder, name) for name in names)]:
        try:
            found = records(fixture.path)
        except NotTransactionFile:
            continue
        text = json.dumps(found, indent=1, ensure_ascii=False) + "\n"
        fixture.golden.write_text(text, encoding="utf-8")
        print(f"{fixture.golden.name}: {len(found)} records")


def main(folder: str, records: Callable[[Path], list[dict[str, object]]] = records_of) -> None:
    """make_goldens.py [SAMPLE_NAME...]: the goldens of FOLDER, plus new ones for the samples."""
    if not available():
        sys.exit(MISSING)
    write_goldens(folder, records, sys.argv[1:])
