"""CAMT.052/.053/.054: conformance over every real sample in the MANIFEST, plus the decisions
documented in korwatch.parsers.camt_entry, each on a sample or a small inline document."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.dedup import keyed
from korwatch.errors import ParseError
from korwatch.models import Transaction
from korwatch.parsers import detect
from korwatch.parsers.base import read_sample
from korwatch.parsers.camt import CamtParser
from tests.conftest import SAMPLES


def _manifest() -> list[tuple[str, int]]:
    with (SAMPLES / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (row["file"], int(row["n_transactions"]))
        for row in rows
        if row["file"].startswith(("camt052/", "camt053/", "camt054/"))
    ]


MANIFEST = _manifest()

# The MANIFEST counts Ntry elements. The only entry of genkgo's camt052 v4 and v6 samples has
# <Sts>PDNG</Sts>: a pending entry is not booked turnover, so korwatch reads none from them.
PENDING_ONLY = {"camt052/genkgo__camt052.v4.xml", "camt052/genkgo__camt052.v6.xml"}


def parse(path: Path) -> list[Transaction]:
    sample = read_sample(path)
    records = list(CamtParser().parse(sample))
    assert all(isinstance(record, Transaction) for record in records)
    return [record for record in records if isinstance(record, Transaction)]


def test_the_manifest_lists_every_camt_sample() -> None:
    on_disk = {
        f"{path.parent.name}/{path.name}"
        for kind in ("camt052", "camt053", "camt054")
        for path in (SAMPLES / kind).iterdir()
    }
    assert on_disk <= {name for name, _ in MANIFEST}
    assert len(MANIFEST) >= 27


@pytest.mark.parametrize(("name", "count"), MANIFEST, ids=[name for name, _ in MANIFEST])
def test_every_camt_sample_is_detected_and_parses_into_valid_records(name: str, count: int) -> None:
    path = SAMPLES / name
    assert detect(read_sample(path)).name == "camt"
    records = parse(path)
    assert len(records) == (0 if name in PENDING_ONLY else count)
    for record in records:
        assert isinstance(record.booking_date, date)
        assert isinstance(record.amount, Decimal)
        assert record.amount.as_tuple().exponent == -2
        assert len(record.currency) == 3
        assert record.currency.isupper()
        assert record.line >= 1
    keys = [key for key, _ in keyed(records)]
    assert len(keys) == len(set(keys))
