"""Golden expected output for parser fixtures: every record as plain JSON.

Each fixture folder's make_goldens.py writes `<fixture>.golden.json` through `write_goldens`;
the parser tests compare `records_of(fixture)` with it. Check each changed golden by eye against
its source file before committing: a golden must be right, not merely current.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from korwatch.errors import NotTransactionFile
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Record


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


def write_goldens(folder: Path) -> None:
    """A golden beside every fixture in `folder`; refused (non-transaction) files get none."""
    for path in sorted(folder.iterdir()):
        if path.suffix in (".py", ".md", ".json") or path.name.startswith("."):
            continue
        try:
            records = records_of(path)
        except NotTransactionFile:
            continue
        golden = path.with_name(path.name + ".golden.json")
        golden.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"{golden.name}: {len(records)} records")
