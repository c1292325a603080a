"""Real samples of one account in two carriers count each payment once (issue 13, Must show 1).

No bank's real export is in ../shared/samples in two formats, but the same statements are there
in two dialects (read in place with `korwatch import`): Knab's MT940 with and without its SWIFT
envelope (the bare one gives no bank references), ASN's MT940 with and without entry dates, ING's
MT940 with its new and old headers (value dates a month apart), ABN AMRO's CAMT with booking
dates as dates and as date-times. And a real ING CSV next to the CAMT.053 of its own records,
written by tests/statements.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Transaction, money
from tests.carrier_support import counted, ledger_rows
from tests.conftest import Workspace
from tests.samples import SAMPLES, needs_samples
from tests.statements import Booking, camt053, mt940

pytestmark = needs_samples
PAIRS = [
    ("mt940/jejik__knab.txt", "mt940/wolph-jejik__knab.sta", 2014),
    (
        "mt940/wolph-asnb__0708271685_09022020_164516.940.txt",
        "mt940/wolph-asnb__mt940_with_spaces_for_entry_date.txt",
        2020,
    ),
    ("mt940/oca-nl-ing__test-ing.940", "mt940/oca-nl-ing__test-ing-old.940", 2014),
    ("camt053/oca__test-camt053", "camt053/oca13__test-camt053-bookgdt-dttm", 2014),
]


def imported(workspace: Workspace, *paths: Path) -> None:
    for path in paths:
        code, _, err = workspace.run("import", str(path))
        assert code == 0, err


@pytest.mark.parametrize(("first", "second", "year"), PAIRS)
def test_one_statement_in_two_dialects_counts_each_payment_once(
    workspace: Workspace, first: str, second: str, year: int
) -> None:
    imported(workspace, SAMPLES / first)
    alone = workspace.status(year)
    rows_alone = ledger_rows(workspace, year)

    imported(workspace, SAMPLES / second)
    both = workspace.status(year)
    rows = ledger_rows(workspace, year)
    assert both["turnover"] == alone["turnover"]
    assert len(rows) == len(rows_alone)  # debits too: each line once
    assert len(counted(rows)) == len(counted(rows_alone))
    carried = [row for row in rows if Path(second).name in row["also_in"]]
    assert carried  # the second file is remembered as a carrier of what it held


def records_of(path: Path) -> list[Transaction]:
    sample = read_sample(path)
    return [r for r in detect(sample).parse(sample) if isinstance(r, Transaction)]


def bookings_of(records: list[Transaction]) -> list[Booking]:
    """A real export's lines as bookings, to write them in another format."""
    found = []
    for number, record in enumerate(records, start=1):
        found.append(
            Booking(
                number, record.booking_date, record.amount, record.counterparty_name,
                record.counterparty_iban, record.description, value_day=record.value_date,
                eref=record.reference,
            )
        )  # fmt: skip
    return found


@pytest.mark.parametrize("write", [camt053, mt940], ids=["camt", "mt940"])
def test_a_real_ing_csv_and_the_same_lines_in_another_format_count_once(
    workspace: Workspace, tmp_path: Path, write: object
) -> None:
    real = SAMPLES / "csv" / "ofxstmt-dutch__ing_ok.csv"
    records = records_of(real)
    # The real export holds one costs line twice (two identical payments of a day).
    assert len({(r.booking_date, r.amount, r.description) for r in records}) < len(records)
    other = tmp_path / f"same-lines.{write.__name__}"  # type: ignore[attr-defined]
    other.write_text(write(bookings_of(records), records[0].account), encoding="utf-8")  # type: ignore[operator]

    imported(workspace, real)
    alone = {year: workspace.status(year)["turnover"] for year in (2019, 2020)}
    lines = {year: len(ledger_rows(workspace, year)) for year in (2019, 2020)}
    imported(workspace, other)

    for year in (2019, 2020):
        assert workspace.status(year)["turnover"] == alone[year]
        rows = ledger_rows(workspace, year)
        assert len(rows) == lines[year]
        assert all(other.name in row["also_in"] for row in rows)
    credits = sum(r.amount for r in records if r.amount > 0 and r.booking_date.year == 2019)
    assert alone[2019] == money(int(Decimal(credits) * 100))
