"""User-defined CSV profiles from the configuration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.csv.user import profile_from_config
from korwatch.formats.detect import PARSERS
from korwatch.models import Transaction

TABLE: dict[str, object] = {
    "delimiter": ";",
    "decimal_mark": ",",
    "thousands_mark": ".",
    "date_format": "%d.%m.%Y",
    "skip_lines": 1,
    "header": True,
    "columns": {
        "date": "Buchungstag",
        "amount": "Betrag",
        "sign": "S/H",
        "credit_values": ["H"],
        "debit_values": ["S"],
        "counterparty_name": "Name",
        "description": "Verwendungszweck",
        "id": "Ref",
    },
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mybank.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_table_gives_a_parser_that_reads_the_file(tmp_path: Path) -> None:
    parser, problems = profile_from_config("mybank", TABLE, "csv_profile.mybank")
    assert problems == []
    assert parser is not None
    path = _write(
        tmp_path,
        "Export der Bank\nBuchungstag;Name;Verwendungszweck;Betrag;S/H;Ref\n"
        "03.02.2026;Klant BV;Factuur 2026-042;1.210,00;H;R1\n"
        "04.02.2026;Shop;Inkoop;12,50;S;R2\n",
    )
    records = list(parser.parse(read_sample(path)))
    assert all(isinstance(record, Transaction) for record in records)
    first, second = records
    assert isinstance(first, Transaction) and isinstance(second, Transaction)
    assert (first.booking_date, first.amount, first.bank_id) == (
        date(2026, 2, 3),
        Decimal("1210.00"),
        "R1",
    )
    assert first.description == "Factuur 2026-042"
    assert second.amount == Decimal("-12.50")


def test_a_user_profile_never_claims_a_file_by_detection(tmp_path: Path) -> None:
    parser, _ = profile_from_config("mybank", TABLE, "csv_profile.mybank")
    assert parser is not None
    path = _write(tmp_path, "x\nBuchungstag;Name;Verwendungszweck;Betrag;S/H;Ref\n")
    assert parser.identify(read_sample(path)) is False
    assert "mybank" not in PARSERS


def test_every_problem_is_reported_with_its_key_path() -> None:
    table: dict[str, object] = {
        "delimiter": ";;",
        "decimal_mark": ",",
        "thousands_mark": ",",
        "date_format": "%Q",
        "colour": "red",
        "columns": {"date": "Datum", "sign_rule": "sign_column", "size": 3},
    }
    parser, problems = profile_from_config("mybank", table, "csv_profile.mybank")
    assert parser is None
    assert "csv_profile.mybank.columns.amount: required" in problems
    assert "csv_profile.mybank.colour: unknown key" in problems
    assert "csv_profile.mybank.columns.size: unknown key" in problems
    assert any(p.startswith("csv_profile.mybank.delimiter:") for p in problems)
    assert any(p.startswith("csv_profile.mybank.date_format:") for p in problems)
    assert any(p.startswith("csv_profile.mybank.thousands_mark:") for p in problems)
    assert any(p.startswith("csv_profile.mybank.columns.sign:") for p in problems)
    assert all(p.startswith("csv_profile.mybank.") for p in problems)


def test_a_missing_columns_table_is_a_problem() -> None:
    parser, problems = profile_from_config("x", {"delimiter": ","}, "csv_profile.x")
    assert parser is None
    assert problems == ["csv_profile.x.columns: required (a table naming the columns)"]


def test_headerless_profile_with_debit_and_credit_columns(tmp_path: Path) -> None:
    table: dict[str, object] = {
        "header": False,
        "decimal_mark": ".",
        "columns": {"date": 0, "amount": 1, "debit": 2, "sign_rule": "debit_negative_column"},
    }
    parser, problems = profile_from_config("two", table, "csv_profile.two")
    assert problems == [] and parser is not None
    path = _write(tmp_path, "2026-01-02,100.00,\n2026-01-03,,25.00\n")
    amounts = [r.amount for r in parser.parse(read_sample(path)) if isinstance(r, Transaction)]
    assert amounts == [Decimal("100.00"), Decimal("-25.00")]


def test_a_header_lacking_a_profile_column_is_a_parse_error(tmp_path: Path) -> None:
    parser, _ = profile_from_config("mybank", TABLE, "csv_profile.mybank")
    assert parser is not None
    path = _write(tmp_path, "x\nBuchungstag;Name;Betrag;S/H;Ref\n")
    with pytest.raises(ParseError, match="'Verwendungszweck'"):
        list(parser.parse(read_sample(path)))
