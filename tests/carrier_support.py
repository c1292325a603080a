"""Importing one account through several carriers in the tests: each written by
tests/statements.py, dropped into the inbox and scanned (a bank feed's pull too: the document
its source hands to the scan)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from tests.conftest import Workspace
from tests.statements import Booking, bank_feed, camt053, ing_csv, mt940, ofx

FILES: dict[str, tuple[str, Callable[[list[Booking]], str]]] = {
    "ing-csv": ("csv", ing_csv),
    "camt": ("xml", camt053),
    "mt940": ("sta", mt940),
    "ofx": ("ofx", ofx),
    "feed": ("json", bank_feed),  # a pull of the bank feed, as the source writes it
}


def deliver(workspace: Workspace, carrier: str, bookings: list[Booking], name: str) -> None:
    """Bring `bookings` into the ledger through `carrier`, as a scan would."""
    suffix, write = FILES[carrier]
    workspace.drop(f"{name}.{suffix}", write(bookings))
    code, _, err = workspace.run("scan")
    assert code == 0, err


def ledger_rows(workspace: Workspace, year: int = 2026) -> list[dict[str, str]]:
    code, out, err = workspace.run("ledger", "--csv", "--year", str(year))
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def counted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["counted"] == "true"]


def turnover(workspace: Workspace, year: int = 2026) -> str:
    return str(workspace.status(year)["turnover"])
