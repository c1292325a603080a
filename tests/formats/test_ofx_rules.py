"""OFX: the decisions documented in korwatch.formats.ofx, each on a small inline document."""

from __future__ import annotations

import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.formats import ofx as benchmark
from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.formats.ofx import encoding as ofx_encoding
from korwatch.formats.ofx import reader as ofx_reader
from korwatch.formats.ofx.parser import OfxParser
from korwatch.ledger.dedup import keyed
from korwatch.models import Transaction
from tests.samples import SAMPLES, fixtures, needs_samples

SGML_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
    "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n'
ONE = "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260105<TRNAMT>{amount}<FITID>F1<NAME>{name}</STMTTRN>"


def statement(transactions: str, currency: str = "EUR", account: str = "NL01BANK01") -> str:
    return (
        "<STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>"
        f"<CURDEF>{currency}<BANKACCTFROM><BANKID>B<ACCTID>{account}<ACCTTYPE>CHECKING"
        f"</BANKACCTFROM><BANKTRANLIST>\n{transactions}\n</BANKTRANLIST></STMTRS></STMTTRNRS>"
    )


def ofx(*statements: str, header: str = SGML_HEADER) -> str:
    return f"{header}<OFX><BANKMSGSRSV1>{''.join(statements)}</BANKMSGSRSV1></OFX>\n"


def read(tmp_path: Path, content: str | bytes, encoding: str = "cp1252") -> list[Transaction]:
    path = tmp_path / "statement.ofx"
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    sample = read_sample(path)
    assert detect(sample).name == "ofx"
    records = list(OfxParser().parse(sample))
    return [record for record in records if isinstance(record, Transaction)]


def one(tmp_path: Path, amount: str = "1.00", name: str = "Klant") -> Transaction:
    (record,) = read(tmp_path, ofx(statement(ONE.format(amount=amount, name=name))))
    return record


# --- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("-200,00", "-200.00"),
        ("1234.5", "1234.50"),
        ("+115.83", "115.83"),
        ("-80", "-80.00"),
        (",5", "0.50"),
        ("-00000000001500.0000", "-1500.00"),
        ("null", "0.00"),
        ("-0.00", "0.00"),
    ],
)
def test_an_amount_with_a_decimal_point_or_comma_reads_as_two_decimal_places(
    tmp_path: Path, written: str, expected: str
) -> None:
    assert str(one(tmp_path, amount=written).amount) == expected


@pytest.mark.parametrize("written", ["1.234,56", "1,234.56", "1 025,53", "$120", "1e5", "12-"])
def test_an_amount_with_thousands_separators_or_other_signs_is_refused_naming_trnamt(
    tmp_path: Path, written: str
) -> None:
    with pytest.raises(ParseError, match="TRNAMT") as refused:
        one(tmp_path, amount=written)
    assert refused.value.line == 12


def test_a_sub_cent_amount_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"TRNAMT 115\.8331 has a fraction of a cent"):
        one(tmp_path, amount="115.8331")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("20131215", date(2013, 12, 15)),
        ("20110331120000.000", date(2011, 3, 31)),
        ("20110331233000", date(2011, 3, 31)),  # no offset: the written (local) date
        ("20240323000000[-3:GMT]", date(2024, 3, 23)),
        ("20140112203600.212[-7:MST]", date(2014, 1, 13)),  # 03:36 UTC = 04:36 in Amsterdam
        ("20260630230000[0:GMT]", date(2026, 7, 1)),  # summer time: 01:00 in Amsterdam
        ("20260105[-8:PST]", date(2026, 1, 5)),  # no time: the written date
        ("202601052330[+5.5:IST]", date(2026, 1, 5)),
        ("20260105120000[-5]", date(2026, 1, 5)),
    ],
)
def test_dtposted_becomes_an_amsterdam_date_only_when_a_time_and_offset_are_written(
    tmp_path: Path, written: str, expected: date
) -> None:
    content = ofx(statement(ONE.format(amount="1", name="x").replace("20260105", written)))
    (record,) = read(tmp_path, content)
    assert record.booking_date == expected


@pytest.mark.parametrize("written", ["20120231", "2012", "00000000", "20121301120000", "x"])
def test_an_impossible_dtposted_is_refused_naming_the_field_and_line(
    tmp_path: Path, written: str
) -> None:
    transaction = f"<STMTTRN><TRNTYPE>DEBIT\n<DTPOSTED>{written}\n<TRNAMT>1\n</STMTTRN>"
    with pytest.raises(ParseError, match="DTPOSTED") as refused:
        read(tmp_path, ofx(statement(transaction)))
    assert refused.value.line == 13


def test_dtavail_is_the_value_date(tmp_path: Path) -> None:
    transaction = ONE.format(amount="1", name="x").replace("<FITID>", "<DTAVAIL>20260107<FITID>")
    (record,) = read(tmp_path, ofx(statement(transaction)))
    assert record.value_date == date(2026, 1, 7)


# --- tags: SGML, XML, and what banks make of them ---------------------------------------------


def test_a_one_line_xml_file_whose_ofx_instruction_lacks_its_closing_bracket_is_read(
    tmp_path: Path,
) -> None:
    content = '<?xml version="1.0" encoding="UTF-8"?><?OFX OFXHEADER="200" VERSION="220"?' + ofx(
        statement(ONE.format(amount="5.00", name="Klant")), header=""
    ).replace("\n", "")
    (record,) = read(tmp_path, content)
    assert (record.amount, record.counterparty_name, record.line) == (Decimal("5.00"), "Klant", 1)


def test_mixed_closed_and_unclosed_leaf_tags_read_alike(tmp_path: Path) -> None:
    transactions = (
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20260105<TRNAMT>-1.00</TRNAMT>"
        "<FITID>A<NAME>Open</STMTTRN>\n"
        "<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20260106</DTPOSTED>\n<TRNAMT>2.00\n"
        "<FITID>B</FITID>\n<NAME>Closed</NAME>\n</STMTTRN>"
    )
    records = read(tmp_path, ofx(statement(transactions)))
    assert [(r.code, r.counterparty_name, r.bank_id) for r in records] == [
        ("DEBIT", "Open", "A"),
        ("CREDIT", "Closed", "B"),
    ]


def test_empty_and_self_closing_tags_give_empty_fields(tmp_path: Path) -> None:
    transactions = (
        "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260105<TRNAMT>-1<FITID></FITID><NAME/><MEMO></STMTTRN>"
    )
    content = ofx(statement(transactions)).replace(
        "<BANKTRANLIST>", "<BANKTRANLIST/><X/><BANKTRANLIST>"
    )
    (record,) = read(tmp_path, content)
    assert (record.bank_id, record.counterparty_name, record.description) == ("", "", "")


def test_lower_case_tags_are_read(tmp_path: Path) -> None:
    content = ofx(
        statement(ONE.format(amount="3,10", name="Klein").lower().replace("klein", "Klein"))
    )
    (record,) = read(tmp_path, content)
    assert (record.amount, record.counterparty_name, record.code) == (
        Decimal("3.10"),
        "Klein",
        "credit",
    )


def test_entities_cdata_and_comments_in_text_are_decoded_as_ofxparse_does(
    tmp_path: Path,
) -> None:
    transaction = (
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260105<TRNAMT>1<FITID>F"
        "<NAME>Klant &amp; Zonen &lt;BV&gt; caf&#233;</NAME><!-- a <comment> -->"
        "<MEMO><![CDATA[ Factuur 2026-0042 & <b> ]]></MEMO></STMTTRN>"
    )
    (record,) = read(tmp_path, ofx(statement(transaction), header=XML_HEADER), "utf-8")
    assert record.counterparty_name == "Klant & Zonen <BV> café"
    assert record.description == "Factuur 2026-0042 & <b>"


def test_payee_name_is_the_counterparty_when_there_is_no_name(tmp_path: Path) -> None:
    transaction = ONE.format(amount="1", name="x").replace(
        "<NAME>x", "<PAYEE><NAME>Payee BV<ADDR1>Straat 1<CITY>Utrecht</PAYEE>"
    )
    (record,) = read(tmp_path, ofx(statement(transaction)))
    assert record.counterparty_name == "Payee BV"


def test_a_currency_aggregate_sets_the_transaction_currency_but_origcurrency_does_not(
    tmp_path: Path,
) -> None:
    foreign = ONE.format(amount="1", name="a").replace(
        "<NAME>", "<CURRENCY><CURRATE>1.1<CURSYM>usd</CURRENCY><NAME>"
    )
    converted = ONE.format(amount="2", name="b").replace(
        "<NAME>", "<ORIGCURRENCY><CURRATE>1.1<CURSYM>USD</ORIGCURRENCY><NAME>"
    )
    records = read(tmp_path, ofx(statement(foreign + converted)))
    assert [record.currency for record in records] == ["USD", "EUR"]


def test_an_empty_curdef_needs_a_transaction_currency(tmp_path: Path) -> None:
    content = ofx(statement(ONE.format(amount="1", name="x"))).replace("<CURDEF>EUR", "<CURDEF>")
    with pytest.raises(ParseError, match="neither the statement"):
        read(tmp_path, content)


def test_several_accounts_each_give_their_own_account_and_currency(tmp_path: Path) -> None:
    content = ofx(
        statement(ONE.format(amount="1", name="a"), "EUR", "NL01"),
        statement(ONE.format(amount="2", name="b"), "USD", "US02"),
    )
    records = read(tmp_path, content)
    assert [(r.account, r.currency, r.amount) for r in records] == [
        ("NL01", "EUR", Decimal("1.00")),
        ("US02", "USD", Decimal("2.00")),
    ]


def test_a_fitid_repeated_in_one_file_keeps_both_records_with_distinct_keys(
    tmp_path: Path,
) -> None:
    twice = ONE.format(amount="1", name="a") * 2
    records = read(tmp_path, ofx(statement(twice)))
    assert len(records) == 2
    assert len({key for key, _ in keyed(records)}) == 2


def test_a_credit_card_statement_next_to_an_investment_statement_gives_only_card_lines(
    tmp_path: Path,
) -> None:
    card = (
        "<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>EUR<CCACCTFROM><ACCTID>4111"
        f"</CCACCTFROM><BANKTRANLIST>{ONE.format(amount='-9', name='Shop')}</BANKTRANLIST>"
        "</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>"
    )
    investment = (
        "<INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD<INVTRANLIST><INVBANKTRAN>"
        f"{ONE.format(amount='7', name='Cash')}</INVBANKTRAN></INVTRANLIST></INVSTMTRS>"
        "</INVSTMTTRNRS></INVSTMTMSGSRSV1>"
    )
    content = f"{SGML_HEADER}<OFX>{investment}{card}</OFX>"
    (record,) = read(tmp_path, content)
    assert (record.account, record.counterparty_name) == ("4111", "Shop")


# --- refusals ----------------------------------------------------------------------------------


def test_a_refused_sign_on_is_not_a_transaction_file_and_quotes_the_message(
    tmp_path: Path,
) -> None:
    content = (
        f"{SGML_HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR"
        "<MESSAGE>Invalid user ID or password</STATUS></SONRS></SIGNONMSGSRSV1></OFX>"
    )
    with pytest.raises(NotTransactionFile, match="'Invalid user ID or password'"):
        read(tmp_path, content)


def test_a_file_without_any_statement_is_not_a_transaction_file(tmp_path: Path) -> None:
    with pytest.raises(NotTransactionFile, match="no bank or credit-card statement"):
        read(tmp_path, f"{SGML_HEADER}<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>")


def test_an_empty_statement_yields_nothing(tmp_path: Path) -> None:
    assert read(tmp_path, ofx(statement(""))) == []


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_file_is_refused_as_truncated(tmp_path: Path, cut: float) -> None:
    content = ofx(statement(ONE.format(amount="1", name="x") * 20))
    with pytest.raises(ParseError, match="truncated"):
        read(tmp_path, content[: int(len(content) * cut)])


def test_a_stmttrn_without_its_end_tag_is_refused_with_its_line(tmp_path: Path) -> None:
    transactions = "<STMTTRN><TRNAMT>1\n" + ONE.format(amount="1", name="x")
    with pytest.raises(ParseError, match="no </STMTTRN> before the next") as refused:
        read(tmp_path, ofx(statement(transactions)))
    assert refused.value.line == 12


# --- encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "encoding"),
    [
        (SGML_HEADER, "cp1252"),
        (SGML_HEADER.replace("CHARSET:1252", "CHARSET:8859-1"), "latin-1"),
        (SGML_HEADER.replace("CHARSET:1252", "CHARSET:NONE"), "utf-8"),
        (SGML_HEADER.replace("ENCODING:USASCII", "ENCODING:UTF-8"), "utf-8"),
        (SGML_HEADER.replace("CHARSET:1252", "CHARSET:NONE"), "cp1252"),  # undeclared: fallback
        (SGML_HEADER, "utf-8"),  # declared 1252, sent UTF-8 (OCA PR 968)
        (XML_HEADER, "utf-8"),
        (XML_HEADER.replace("UTF-8", "ISO-8859-1"), "latin-1"),
        ("", "utf-8"),  # no header at all
    ],
)
def test_text_is_decoded_per_header_with_the_robust_fallback(
    tmp_path: Path, header: str, encoding: str
) -> None:
    content = ofx(statement(ONE.format(amount="1", name="Café Ærø")), header=header)
    (record,) = read(tmp_path, content.encode(encoding))
    assert record.counterparty_name == "Café Ærø"


def test_the_euro_sign_reads_in_cp1252_and_undecodable_bytes_are_replaced(tmp_path: Path) -> None:
    content = ofx(statement(ONE.format(amount="1", name="5 € \x81"))).encode("cp1252", "ignore")
    (record,) = read(tmp_path, content.replace(b"5 \x80 ", b"5 \x80 \x81"))
    assert record.counterparty_name == "5 € \ufffd"


# --- streaming ---------------------------------------------------------------------------------

# The samples with goldens (suncorp.ofx among them) and a credit card statement with offsets.
STREAMED = sorted({"ofxtools__br_nubank_cc.ofx", *(fixture.name for fixture in fixtures("ofx"))})


@needs_samples
@pytest.mark.parametrize("name", STREAMED)
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_tiny_chunks_give_the_same_records_as_one_chunk(
    name: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = SAMPLES / "ofx" / name
    whole = list(OfxParser().parse(read_sample(path)))
    monkeypatch.setattr(ofx_reader, "CHUNK", chunk)
    assert list(OfxParser().parse(read_sample(path))) == whole


def test_memory_stays_flat_as_the_file_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks, so that both files span many of them.
    monkeypatch.setattr(ofx_reader, "CHUNK", 64 << 10)
    monkeypatch.setattr(ofx_encoding, "CHUNK", 64 << 10)
    peaks = []
    for count in (2_000, 20_000):
        path = tmp_path / f"{count}.ofx"
        benchmark.generate(path, count)
        tracemalloc.start()
        assert sum(1 for _ in OfxParser().parse(read_sample(path))) == count
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5
    assert peaks[1] < 4 << 20


# --- detection ---------------------------------------------------------------------------------


def test_identify_claims_sgml_xml_and_header_less_ofx_but_not_a_csv(tmp_path: Path) -> None:
    parser = OfxParser()
    for number, head in enumerate(
        [SGML_HEADER, XML_HEADER, "\r\n\r\n<OFX>", "\ufeff<?OFX OFXHEADER=200?><OFX>", "a,b\n1,2"]
    ):
        path = tmp_path / f"{number}.txt"
        path.write_text(head, "utf-8")
        assert parser.identify(read_sample(path)) == (number < 4)


def test_mismatch_explains_a_file_that_holds_ofx_tags_but_no_ofx_start(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("Bank export\n<STMTTRN><TRNAMT>1</STMTTRN>", "utf-8")
    found = OfxParser().mismatch(read_sample(path))
    assert found is not None
    assert "<STMTTRN>" in found.detail
    assert "'Bank export'" in found.detail
    path.write_text("Datum;Bedrag\n", "utf-8")
    assert OfxParser().mismatch(read_sample(path)) is None
