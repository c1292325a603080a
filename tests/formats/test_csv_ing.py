"""ING (NL) CSV: the three layouts, the Mededelingen split and the refusals around them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import ParseError, UnknownFormat
from korwatch.formats.base import read_sample
from korwatch.formats.csv.ing import split_remittance
from korwatch.formats.detect import detect
from korwatch.models import Transaction
from tests.samples import SAMPLES, needs_samples


def _parse(path: Path) -> list[Transaction]:
    sample = read_sample(path)
    records = list(detect(sample).parse(sample))
    assert all(isinstance(record, Transaction) for record in records)
    return [record for record in records if isinstance(record, Transaction)]


def test_structured_mededelingen_split_into_description_reference_and_value_date() -> None:
    parts = split_remittance(
        "Naam: Klant BV Omschrijving: Factuur 2026-0123 IBAN: NL12RABO0123456789 "
        "Kenmerk: 1234567890 Valutadatum: 03-02-2026"
    )
    assert parts["description"] == "Factuur 2026-0123"
    assert parts["reference"] == "1234567890"
    assert parts["iban"] == "NL12RABO0123456789"
    assert parts["value_date"] == "03-02-2026"


def test_unstructured_mededelingen_is_kept_whole_less_its_value_date() -> None:
    parts = split_remittance("1 jan t/m 31 jan 2020 ING BANK N.V. Valutadatum: 13-02-2020")
    assert parts == {
        "description": "1 jan t/m 31 jan 2020 ING BANK N.V.",
        "value_date": "13-02-2020",
    }


@needs_samples
def test_old_comma_layout_reads_signs_names_and_value_dates() -> None:
    records = _parse(SAMPLES / "csv" / "ofxstmt-dutch__ing_ok.csv")
    assert len(records) == 6
    first, fourth = records[0], records[3]
    assert (first.amount, first.booking_date, first.bank_id) == (
        Decimal("-1.25"),
        date(2020, 2, 13),
        "",
    )
    assert fourth.amount == Decimal("20.00")
    assert fourth.counterparty_name == "PAULISSEN G J L M"
    assert fourth.counterparty_iban == "NL99ASNB9999999999"
    assert fourth.description == "Kosten rekening"
    assert fourth.value_date == date(2019, 12, 13)


@needs_samples
def test_a_column_added_to_the_ing_layout_is_reported_not_misread() -> None:
    sample = read_sample(SAMPLES / "csv" / "ofxstmt-dutch__ing_ok_Mutatiesoort_Extra.csv")
    with pytest.raises(UnknownFormat, match="unexpected 'Extra'"):
        detect(sample)


@needs_samples
def test_a_space_before_a_quoted_field_is_read_as_the_quoted_value() -> None:
    # ing_fail.csv has '"Overschrijving", "Naam: …"': the space leaves the value unambiguous
    # (no delimiter inside it), so a strict reader still reads it as the quoted field.
    records = _parse(SAMPLES / "csv" / "ofxstmt-dutch__ing_fail.csv")
    assert len(records) == 2
    assert records[1].description == "Kosten rekening"
    assert records[1].counterparty_iban == "NL99ASNB9999999999"
    assert records[1].account == "NL99INGB9999999998"


@needs_samples
def test_2009_files_with_day_first_dates_and_thousands_marks_are_read() -> None:
    records = _parse(SAMPLES / "csv" / "banana-nl__csv_ing_example_format1_20090202.csv")
    assert records[0].booking_date == date(2009, 2, 2)
    assert Decimal("2000132.35") in [record.amount for record in records]


_ING_HEADER = (
    '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";'
    '"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n'
)


def _ing_file(tmp_path: Path, amounts: list[tuple[str, str]]) -> Path:
    path = tmp_path / "ing.csv"
    rows = [
        f'"20260203";"Klant";"NL12INGB0001234567";"";"OV";"{sign}";"{amount}";"Overschrijving";'
        f'"Omschrijving: x Valutadatum: 03-02-2026";"1,00";""\n'
        for sign, amount in amounts
    ]
    path.write_text(_ING_HEADER + "".join(rows), encoding="utf-8")
    return path


def test_amounts_off_the_plain_pattern_are_read_by_the_strict_reader(tmp_path: Path) -> None:
    amounts = [("Af", "0,00"), ("Bij", "1.234,56"), ("Af", "12,3"), ("Af", "7"), (" Bij ", "5,00")]
    records = _parse(_ing_file(tmp_path, amounts))
    assert [str(record.amount) for record in records] == [
        "0.00",
        "1234.56",
        "-12.30",
        "-7.00",
        "5.00",
    ]
    assert records[0].value_date == date(2026, 2, 3)


@pytest.mark.parametrize("amount", ["+5,00", "-5,00", "5,001", "1e5"])
def test_a_signed_or_malformed_amount_is_refused_naming_its_line(
    tmp_path: Path, amount: str
) -> None:
    path = _ing_file(tmp_path, [("Bij", "1,00"), ("Bij", amount)])
    with pytest.raises(ParseError, match="line 3"):
        _parse(path)
