"""What korwatch writes for people and spreadsheets stays what it says (issue 17: D10, D13):
`ledger --csv` keeps every row one row and every cell a value, not a formula, and output into a
pipe whose reader has gone ends quietly, as Unix tools do."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from korwatch.reporting.ledger_csv import COLUMNS
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_ledger_csv_keeps_a_carriage_return_in_a_file_name_inside_its_row(
    workspace: Workspace,
) -> None:
    workspace.drop("x\r=1+2,\r@SUM(A1).csv", ing_csv([Payment(date(2026, 3, 1), Decimal("5"))]))
    workspace.drop("plain.csv", ing_csv([Payment(date(2026, 3, 2), Decimal("-7.50"), "=HYPER")]))
    assert workspace.run("scan")[0] == 0
    code, out, _ = workspace.run("ledger", "--csv")
    assert code == 0
    physical = out.split("\n")[:-1]
    rows = list(csv.reader(io.StringIO(out)))
    assert len(physical) == len(rows) == 3  # a spreadsheet splitting at CR sees the same rows
    for row in rows:
        assert len(row) == len(COLUMNS)  # 17, the decision's 5 (issue 15), also_in (issue 13)
        assert all(not cell.startswith("=") and not cell.startswith("@") for cell in row)
        assert all(line.startswith('"') for line in physical)  # every field quoted
    sources = {row[14] for row in rows[1:]}
    assert any(source.endswith("x\\r=1+2,\\r@SUM(A1).csv") for source in sources)
    debit = next(row for row in rows[1:] if row[3] == "-7.50")  # a number stays a number
    assert debit[11] == "'=HYPER"  # the formula guard in the counterparty cell


@pytest.mark.timeout(120)
def test_ledger_csv_into_a_closed_pipe_exits_quietly(workspace: Workspace) -> None:
    workspace.drop(
        "many.csv",
        ing_csv([Payment(date(2026, 1, 1 + n % 28), Decimal(n + 1)) for n in range(2000)]),
    )
    assert workspace.run("scan")[0] == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -1` that has already left
    environment = {**os.environ, "KORWATCH_NOW": "2026-11-26T12:00:00+01:00"}
    finished = subprocess.run(
        [sys.executable, "-m", "korwatch.cli", "ledger", "--csv", "-c", str(workspace.config)],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=environment,
        check=False,
        timeout=100,
        cwd=workspace.root,
    )
    os.close(write_end)
    assert finished.stderr == b""  # no BrokenPipeError traceback, no "Exception ignored"
    assert finished.returncode == 141  # as a Unix tool ended by SIGPIPE
