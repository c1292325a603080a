"""The MT940 rules that real files get wrong most often, each on a small hand-written file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.mt940.line import entry_date
from korwatch.formats.mt940.reader import Mt940Parser
from korwatch.models import Transaction

ING_ENVELOPE = "{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{3:{108:X}}{4:\n"


def _parse(tmp_path: Path, text: str, newline: str = "\n") -> list[Transaction]:
    path = tmp_path / "statement.sta"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    records = list(Mt940Parser().parse(read_sample(path)))
    assert all(isinstance(record, Transaction) for record in records)
    return records  # type: ignore[return-value]


def _statement(lines: str, opening: str = "C231231EUR100,00", bank: str = ING_ENVELOPE) -> str:
    return (
        f"{bank}:20:P1\n:25:NL20INGB0001234567EUR\n:28C:1\n:60F:{opening}\n"
        f"{lines}:62F:C240102EUR100,00\n-}}\n"
    )


@pytest.mark.parametrize(
    ("value", "mmdd", "expected"),
    [
        (date(2023, 12, 31), "0102", date(2024, 1, 2)),
        (date(2024, 1, 2), "1231", date(2023, 12, 31)),
        (date(2024, 6, 30), "0701", date(2024, 7, 1)),
        (date(2024, 3, 1), "0229", date(2024, 2, 29)),
        (date(2024, 3, 1), "    ", date(2024, 3, 1)),
    ],
)
def test_booking_year_is_the_one_closest_to_the_value_date(
    value: date, mmdd: str, expected: date
) -> None:
    assert entry_date(value, mmdd, 1) == expected


def test_year_boundary_in_a_file_books_in_the_next_and_previous_year(tmp_path: Path) -> None:
    records = _parse(
        tmp_path,
        _statement(":61:2312310102C1,00NTRFNONREF\n:61:2401021231D2,00NTRFNONREF\n"),
    )
    assert [(r.value_date, r.booking_date) for r in records] == [
        (date(2023, 12, 31), date(2024, 1, 2)),
        (date(2024, 1, 2), date(2023, 12, 31)),
    ]


def test_rc_reversal_of_a_credit_is_money_out_and_rd_is_money_in(tmp_path: Path) -> None:
    text = _statement(":61:2401020102RC10,00NTRFNONREF\n:61:2401020102RD5,00NTRFNONREF\n")
    reversed_credit, reversed_debit = _parse(tmp_path, text)
    assert (reversed_credit.amount, reversed_credit.reversal) == (Decimal("-10"), True)
    assert (reversed_debit.amount, reversed_debit.reversal) == (Decimal(5), True)


def test_german_funds_code_after_the_mark_does_not_change_the_sign(tmp_path: Path) -> None:
    text = _statement(":61:2401020102CR3,00NTRFNONREF\n:61:2401020102RCR4,00NTRFNONREF\n")
    assert [r.amount for r in _parse(tmp_path, text)] == [Decimal(3), Decimal(-4)]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("500", "500"),
        ("150,", "150"),
        ("7,5", "7.5"),
        ("0,10", "0.1"),
        ("000000000127,50", "127.5"),
    ],
)
def test_amounts_without_decimals_or_trailing_zeros_are_read(
    tmp_path: Path, written: str, amount: str
) -> None:
    (record,) = _parse(tmp_path, _statement(f":61:2401020102D{written}NTRFNONREF\n"))
    assert record.amount == -Decimal(amount)


def test_old_rabobank_point_decimal_amounts_are_read(tmp_path: Path) -> None:
    (record,) = _parse(tmp_path, _statement(":61:030109C000000000300.00NMSCNONREF\n"))
    assert record.amount == Decimal(300)


def test_sub_cent_amounts_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="more than two decimals"):
        _parse(tmp_path, _statement(":61:2401020102D1,005NTRFNONREF\n"))


def test_four_spaces_instead_of_the_entry_date_book_on_the_value_date(tmp_path: Path) -> None:
    asn = "{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:\n"
    text = _statement(
        ":61:240105    D65,00NOVBNL47INGB9999999999\nhr paulissen\n"
        ":86:NL47INGB9999999999 hr paulissen\n\nBetaling sieraden\n",
        bank=asn,
    )
    (record,) = _parse(tmp_path, text)
    assert record.booking_date == date(2024, 1, 5)
    assert record.counterparty_iban == "NL47INGB9999999999"
    assert record.counterparty_name == "hr paulissen"
    assert record.description == "Betaling sieraden"


def test_slash_in_ing_name_and_invoice_number_survive(tmp_path: Path) -> None:
    text = _statement(
        ":61:2401020102C121,00NTRFEREF//00000000000001\n/TRCD/00100/\n"
        ":86:/EREF/E2E1//CNTP/NL08INGB0000001234/INGBNL2A/Jansen/De Vries B.V./\n"
        "AMSTERDAM//REMI/USTD//Factuur 2024/0012/\n"
    )
    (record,) = _parse(tmp_path, text)
    assert record.counterparty_name == "Jansen/De Vries B.V."
    assert record.counterparty_iban == "NL08INGB0000001234"
    assert record.description == "Factuur 2024/0012"
    assert record.reference == "E2E1"
    assert (record.bank_id, record.code) == ("00000000000001", "00100")


def test_ing_structured_betalingskenmerk_becomes_the_reference(tmp_path: Path) -> None:
    text = _statement(
        ":61:2401020102D15,00NTRF5200150700013379//00000000000001\n/TRCD/00108/\n"
        ":86:/EREF/E2E2//CNTP/NL08INGB0000001234/INGBNL2A/ING T\n"
        "estrekening/AMSTERDAM//REMI/STRD/CUR/5200150700013379/\n"
    )
    (record,) = _parse(tmp_path, text)
    assert (record.counterparty_name, record.reference) == ("ING Testrekening", "5200150700013379")


def test_code_word_inside_ing_remittance_text_stays_text(tmp_path: Path) -> None:
    text = _statement(
        ":61:2401020102C1,00NTRFNONREF//00000000000002\n"
        ":86:/CNTP/NL08INGB0000001234/INGBNL2A/Piet/UTRECHT//REMI/USTD//zie /EREF/ 12/\n"
    )
    (record,) = _parse(tmp_path, text)
    assert (record.description, record.reference) == ("zie /EREF/ 12", "")


def test_abn_amro_mutation_code_is_not_a_bank_id(tmp_path: Path) -> None:
    abn = "ABNANL2A\n940\nABNANL2A\n"
    text = _statement(
        ":61:2401020102C109,65N654NONREF//654\n"
        ":86:/TRTP/SEPA OVERBOEKING/IBAN/NL75INGB0001234567/BIC/INGBNL2A/NAME/\n"
        "K JANSEN/REMI/RES.NR 00042/EREF/NOTPROV\nIDED\n",
        bank=abn,
    )
    (record,) = _parse(tmp_path, text)
    assert record.bank_id == ""
    assert (record.counterparty_name, record.counterparty_iban) == (
        "K JANSEN",
        "NL75INGB0001234567",
    )
    assert (record.description, record.reference) == ("RES.NR 00042", "")


def test_triodos_subfields_give_iban_and_description(tmp_path: Path) -> None:
    text = _statement(
        ":61:2401020102C150,00NET NONREF\n:86:000>100000000000\n>20BBBBAA2U\n"
        ">21NL99BBBB0555555555\n>22FACTUUR 2024/0012 EN EEN LA>23NGE OMSCHRIJVING\n>310666666666\n",
        bank="",
    ).replace(":25:NL20INGB0001234567EUR", ":25:TRIODOSBANK/0666666666")
    (record,) = _parse(tmp_path, text)
    assert record.counterparty_iban == "NL99BBBB0555555555"
    assert record.description == "FACTUUR 2024/0012 EN EEN LANGE OMSCHRIJVING"
    assert record.account == "TRIODOSBANK/0666666666"


def test_old_rabobank_joins_several_86_tags_after_one_61(tmp_path: Path) -> None:
    text = _statement(
        ":61:240102D000000000044,95N0600733959555      T-MOBILE NETHERLANDS BV   \n"
        ":86:BETALINGSKENM.  123456789        \n:86:FACTUURNUMMER 987654321   \n",
        bank=":940:\n",
    )
    (record,) = _parse(tmp_path, text)
    assert record.counterparty_name == "T-MOBILE NETHERLANDS BV"
    assert record.description == "BETALINGSKENM. 123456789 FACTUURNUMMER 987654321"


def test_structured_86_longer_than_six_lines_is_kept_whole(tmp_path: Path) -> None:
    remittance = "".join(f"regel{number:02d} " for number in range(60))
    lines = [remittance[index : index + 65] for index in range(0, len(remittance), 65)]
    body = "\n".join(lines)
    text = _statement(f":61:2401020102C1,00NTRFNONREF\n:86:/REMI/USTD//\n{body}/\n")
    (record,) = _parse(tmp_path, text)
    assert len(lines) > 6
    assert record.description == remittance.strip()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r\r\n"])
def test_several_statements_and_messages_in_one_file_with_any_line_end(
    tmp_path: Path, newline: str
) -> None:
    one = _statement(":61:2401020102C1,00NTRFNONREF//1\n:86:/REMI/USTD//a/\n")
    two = _statement(":61:2401030103D2,00NTRFNONREF//2\n\n:86:/REMI/USTD//b/\n")
    records = _parse(tmp_path, one + two, newline)
    assert [(r.amount, r.description, r.bank_id) for r in records] == [
        (Decimal(1), "a", "1"),
        (Decimal(-2), "b", "2"),
    ]


def test_61_without_86_and_statement_summary_86_are_handled(tmp_path: Path) -> None:
    text = _statement(":61:2401020102C1,00NTRFNONREF\n").replace(
        "-}", ":86:/SUM/1/0/1,00/0,00/\n-}"
    )
    (record,) = _parse(tmp_path, text)
    assert record.description == ""


def test_an_empty_statement_yields_nothing(tmp_path: Path) -> None:
    assert _parse(tmp_path, _statement("")) == []


def test_mt942_intraday_report_is_refused_as_not_a_statement(tmp_path: Path) -> None:
    text = ":20:X\n:25:NL20INGB0001234567\n:28C:1/1\n:34F:EUR0\n:13D:2401021815+0100\n"
    text += ":61:2401020102C1,00NTRFNONREF\n:90C:1EUR1,00\n-\n"
    with pytest.raises(NotTransactionFile, match="import the MT940 instead"):
        _parse(tmp_path, text)


def test_text_outside_a_statement_is_a_parse_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="unexpected text") as raised:
        _parse(tmp_path, "hello\n" + _statement(""))
    assert raised.value.line == 1


def test_identify_claims_mt940_but_not_csv_or_xml(tmp_path: Path) -> None:
    parser = Mt940Parser()
    for text, claimed in [
        (_statement(":61:2401020102C1,00NTRFNONREF\n"), True),
        ("ABNANL2A\n940\nABNANL2A\n:20:ABN AMRO BANK NV\n:25:1\n:60F:C240101EUR1,\n", True),
        ('"Datum";"Naam";":61:"\n', False),
        ("<?xml version='1.0'?><Document/>", False),
    ]:
        path = tmp_path / "file.txt"
        path.write_text(text, encoding="utf-8")
        assert parser.identify(read_sample(path)) is claimed, text


def test_mismatch_names_stray_mt940_tags_and_ignores_times_in_csv(tmp_path: Path) -> None:
    parser = Mt940Parser()
    path = tmp_path / "file.txt"
    path.write_text("Datum;Tijd\n2024-01-02;10:20:33\n", encoding="utf-8")
    assert parser.mismatch(read_sample(path)) is None
    path.write_text("Export\n:20:X\n:61:2401020102C1,00NTRFNONREF\n", encoding="utf-8")
    found = parser.mismatch(read_sample(path))
    assert found is not None and "MT940 tag lines" in found.detail


@pytest.mark.parametrize(("written", "amount"), [("12,5\u0660", "12.5"), ("0,0\u0660", "0")])
def test_amounts_in_other_digits_are_normalised_as_ascii_ones_are(
    tmp_path: Path, written: str, amount: str
) -> None:
    # The regex's \d takes Arabic-Indic digits too; the short cut for "units,cents" must not
    # give them another form (a different dedup key would count the payment twice).
    (record,) = _parse(tmp_path, _statement(f":61:2401020102C{written}NTRFNONREF\n"))
    assert str(record.amount) == amount
