"""A year with a flagged EUR 5,000 loan: what the review tests decide on."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

LENDER_IBAN = "NL02RABO0123456789"
LOAN = Payment(
    date(2026, 5, 4), D("5000.00"), "J. de Vries", LENDER_IBAN, "overboeking zoals afgesproken"
)
SALES = [
    Payment(date(2026, 2, 10), D("6000.00"), "Klant A", description="Factuur 2026-01"),
    Payment(date(2026, 4, 1), D("5500.00"), "Klant B", description="Factuur 2026-02"),
    Payment(date(2026, 6, 2), D("-80.00"), "Drukkerij", description="visitekaartjes"),
]


def ledger_rows(workspace: Workspace, year: int = 2026) -> list[dict[str, str]]:
    code, out, err = workspace.run("ledger", "--year", str(year), "--csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def row_of(workspace: Workspace, amount: str, year: int = 2026) -> dict[str, str]:
    found = [row for row in ledger_rows(workspace, year) if row["amount"] == amount]
    assert len(found) == 1, found
    return found[0]


def year_with_loan(workspace: Workspace, *extra: Payment) -> str:
    """Sales of 11,500 and the loan (16,500: past the 75 % warning); the loan's record id."""
    workspace.drop("ing.csv", ing_csv([*SALES, LOAN, *extra]))
    code, _, err = workspace.run("scan")
    assert code == 0, err
    return row_of(workspace, "5000.00")["record"]
