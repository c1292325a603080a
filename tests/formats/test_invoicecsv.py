"""korwatch's invoice CSV: header languages, number formats, checks and refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import ParseError, UnknownFormat
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Invoice
from tests.samples import FIXTURES

ENGLISH = "invoice_number,invoice_date,customer,net,vat,gross,type\n"
DUTCH = "factuurnummer;factuurdatum;klant;bedrag_excl;btw;bedrag_incl;type\n"


def _invoices(tmp_path: Path, text: str) -> list[Invoice]:
    path = tmp_path / "invoices.csv"
    path.write_text(text, encoding="utf-8")
    sample = read_sample(path)
    parser = detect(sample)
    assert parser.name == "invoice-csv"
    return [record for record in parser.parse(sample) if isinstance(record, Invoice)]


def test_english_header_means_decimal_point_and_credit_notes_are_negative() -> None:
    sample = read_sample(FIXTURES / "csv" / "invoices_en.csv")
    invoices = [r for r in detect(sample).parse(sample) if isinstance(r, Invoice)]
    assert [i.number for i in invoices] == ["2026-001", "2026-002", "2026-003", "2026-004"]
    assert invoices[1].customer == "Studio Noord, Utrecht"
    assert invoices[2].credit_note and invoices[2].net == Decimal("-100.00")


def test_dutch_header_means_decimal_comma_with_thousands_mark(tmp_path: Path) -> None:
    invoices = _invoices(
        tmp_path, DUTCH + "F1;2026-04-01;Jansen;1.000,00;210,00;1.210,00;factuur\n"
    )
    assert (invoices[0].net, invoices[0].vat, invoices[0].gross) == (
        Decimal("1000.00"),
        Decimal("210.00"),
        Decimal("1210.00"),
    )


def test_net_plus_vat_must_equal_gross(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="is not gross") as error:
        _invoices(tmp_path, ENGLISH + "F1,2026-01-01,A,100.00,21.00,120.00,invoice\n")
    assert error.value.line == 2


def test_a_decimal_comma_under_an_english_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"decimal mark '\.'"):
        _invoices(tmp_path, ENGLISH + 'F1,2026-01-01,A,"100,00",21.00,121.00,invoice\n')


def test_an_invoice_with_negative_amounts_must_be_a_credit_note(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="credit note"):
        _invoices(tmp_path, ENGLISH + "F1,2026-01-01,A,-100.00,-21.00,-121.00,invoice\n")


def test_dates_must_be_iso(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="YYYY-MM-DD"):
        _invoices(tmp_path, ENGLISH + "F1,01-02-2026,A,100.00,21.00,121.00,invoice\n")


def test_an_unknown_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="type 'quote'"):
        _invoices(tmp_path, ENGLISH + "F1,2026-01-01,A,100.00,21.00,121.00,quote\n")


def test_mixed_languages_are_not_claimed_and_the_mismatch_says_so(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("invoice_number,factuurdatum,customer,net,vat,gross,type\n", encoding="utf-8")
    with pytest.raises(UnknownFormat, match=r"korwatch invoice CSV.*missing 'invoice_date'"):
        detect(read_sample(path))


def test_an_empty_invoice_file_with_only_a_header_yields_nothing(tmp_path: Path) -> None:
    assert _invoices(tmp_path, ENGLISH) == []
