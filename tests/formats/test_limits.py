"""The limits every format keeps (issue 17: D8, D9): an amount of 10^15 or more, a CSV line or an
MT940 field longer than 1 MiB. Each is a parse error naming the line, never an internal error,
a traceback or a 500 MB description in the ledger."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import ParseError
from korwatch.formats.base import MAX_AMOUNT, MAX_LINE, read_sample
from korwatch.formats.detect import detect
from korwatch.formats.feeds.bankfeed import BankFeedParser
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv
from tests.samples import needs_samples, sample_named

HUGE = "100000000000000000.00"  # 10^17: its cents overflow SQLite's 64-bit integer
LONG = "1" * 30 + ".00"  # past the 28 digits of the decimal context
MT940 = "libmt94x-ing__ming-ing-provided-example-single-message.txt"  # samples, as the two below


def _ing(amount: str) -> str:
    export = ing_csv([Payment(date(2026, 3, 1), Decimal("100.00"))])
    return export.replace('"100,00"', f'"{amount.replace(".", ",")}"')


def _camt(amount: str) -> bytes:
    seed = sample_named("genkgo__camt053.v2.minimal.xml").read_bytes()
    return seed.replace(b">8.85</Amt>", f">{amount}</Amt>".encode(), 1)


def _ofx(amount: str) -> bytes:
    seed = sample_named("ofxparse__bank_medium.ofx").read_bytes()
    return seed.replace(b"<TRNAMT>-6.60", f"<TRNAMT>-{amount}".encode(), 1)


def _invoices(amount: str) -> str:
    return (
        "invoice_number,invoice_date,customer,net,vat,gross,type,customer_id\n"
        f"2026-001,2026-01-15,Bakkerij de Vries,{amount},0.00,{amount},invoice,C001\n"
    )


def _feed(amount: str) -> str:
    entry = {"amount": amount, "booking_date": "2026-03-02", "counterparty_name": "Klant BV"}
    body = json.dumps({"account": "NL20INGB0001234567", "transactions": [entry]})
    return BankFeedParser().opening + ", " + body[1:]


BUILDERS = {"ing.csv": _ing, "statement.xml": _camt, "bank.ofx": _ofx, "sales.csv": _invoices}
BUILDERS["feed.json"] = _feed  # a bank feed's pull, as the bank's API sent it
OWN = ("ing.csv", "sales.csv", "feed.json")  # written here; the others are samples, mutated
LINES = {"ing.csv": 2, "statement.xml": 91, "bank.ofx": 15, "sales.csv": 2, "feed.json": 1}


@pytest.mark.parametrize("amount", [HUGE, LONG])
@pytest.mark.parametrize(
    "name",
    [
        n if n.endswith((".csv", ".json")) else pytest.param(n, marks=needs_samples)
        for n in BUILDERS
    ],
)
def test_an_amount_of_10_to_the_15_or_more_is_a_parse_error_naming_its_line(
    workspace: Workspace, name: str, amount: str
) -> None:
    workspace.drop(name, BUILDERS[name](amount))
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "internal error" not in err and "Traceback" not in err
    assert f"{name}: line {LINES[name]}: the amount" in err
    assert "is not below 10^15" in err
    assert workspace.status()["failed_documents"][0]["name"].endswith(name)


def test_the_largest_amount_below_the_limit_is_read_to_the_cent(tmp_path: Path) -> None:
    largest = str(MAX_AMOUNT - Decimal("0.01"))
    path = tmp_path / "ing.csv"
    path.write_text(_ing(largest), encoding="utf-8")
    sample = read_sample(path)
    (record,) = detect(sample).parse(sample)
    assert record.amount == Decimal(largest)  # type: ignore[union-attr]


@needs_samples
def test_an_mt940_amount_over_the_swift_length_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.sta"
    path.write_bytes(
        sample_named(MT940).read_bytes().replace(b"D15,00NTRF", b"D1000000000000000,00NTRF", 1)
    )
    sample = read_sample(path)
    with pytest.raises(ParseError, match="longer than 15 characters") as refused:
        list(detect(sample).parse(sample))
    assert refused.value.line == 6


@needs_samples
@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", ["one line", "continuation lines"])
def test_an_mt940_field_longer_than_1_mib_is_refused_with_its_line(
    tmp_path: Path, shape: str
) -> None:
    text = sample_named(MT940).read_bytes()
    # 3 MiB of remittance: as one line, or as 65-character lines as SWIFT wraps them.
    filler = b"x" * (3 * MAX_LINE) if shape == "one line" else (b"y" * 64 + b"\n") * 48_000
    path = tmp_path / "long.sta"
    path.write_bytes(text.replace(b":86:/PREF/", b":86:/PREF/" + filler + b"\n", 1))
    sample = read_sample(path)
    with pytest.raises(ParseError, match="longer than 1 MiB") as refused:
        list(detect(sample).parse(sample))
    assert refused.value.line == 12  # where the :86: field starts


@pytest.mark.timeout(60)
def test_a_csv_line_longer_than_1_mib_is_refused_with_its_line(workspace: Workspace) -> None:
    payments = [Payment(date(2026, 3, day), Decimal("10.00")) for day in (1, 2, 3)]
    lines = ing_csv(payments).split("\r\n")
    lines[2] = lines[2].replace("Omschrijving: ", "Omschrijving: " + "z" * (2 * MAX_LINE), 1)
    workspace.drop("ing.csv", "\r\n".join(lines))
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "ing.csv: line 3: the line is longer than 1 MiB" in err
    assert workspace.status()["turnover"] == "0.00"  # nothing of the file is stored


def test_a_csv_field_over_the_csv_module_s_limit_names_its_line(tmp_path: Path) -> None:
    payments = [Payment(date(2026, 3, day), Decimal("10.00")) for day in (1, 2)]
    lines = ing_csv(payments).split("\r\n")
    lines[2] = lines[2].replace("Omschrijving: ", "Omschrijving: " + "z" * 200_000, 1)
    path = tmp_path / "ing.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    sample = read_sample(path)
    with pytest.raises(ParseError, match="field larger than field limit") as refused:
        list(detect(sample).parse(sample))
    assert refused.value.line == 3


def test_an_invoice_of_zero_is_imported_not_an_internal_error(workspace: Workspace) -> None:
    # Found by benchmarks/fuzz.py: an unpaid invoice with nothing to pay had no first payment.
    workspace.drop("sales.csv", _invoices("0.00"))
    code, out, err = workspace.run("scan")
    assert code == 0, err
    assert "sales.csv (invoice-csv: 1 new" in out
