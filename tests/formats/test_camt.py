"""CAMT.052/.053/.054: conformance over every real sample in the MANIFEST, plus the decisions
documented in korwatch.formats.camt.entry, each on a sample or a small inline document."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.errors import ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.camt.reader import CamtParser
from korwatch.formats.detect import detect
from korwatch.models import Transaction
from tests.formats.invariants import assert_valid_transactions
from tests.goldens import records_of
from tests.samples import (
    SAMPLES,
    Fixture,
    files,
    fixture_params,
    fixtures,
    manifest,
    needs_samples,
    over_samples,
    sample_named,
)

CAMT = ("camt052", "camt053", "camt054")

# The MANIFEST counts Ntry elements. The only entry of genkgo's camt052 v4 and v6 samples has
# <Sts>PDNG</Sts>: a pending entry is not booked turnover, so korwatch reads none from them.
PENDING_ONLY = {"camt052/genkgo__camt052.v4.xml", "camt052/genkgo__camt052.v6.xml"}


def parse(path: Path) -> list[Transaction]:
    sample = read_sample(path)
    records = list(CamtParser().parse(sample))
    assert all(isinstance(record, Transaction) for record in records)
    return [record for record in records if isinstance(record, Transaction)]


@needs_samples
def test_the_manifest_lists_every_camt_sample() -> None:
    on_disk = {f"{path.parent.name}/{path.name}" for path in files(*CAMT)}
    listed = manifest(*CAMT)
    assert on_disk <= {name for name, _ in listed}
    assert len(listed) >= 27


@over_samples(("name", "count"), lambda: manifest(*CAMT), ids=lambda row: row[0])
def test_every_camt_sample_is_detected_and_parses_into_valid_records(name: str, count: int) -> None:
    path = SAMPLES / name
    assert detect(read_sample(path)).name == "camt"
    records = parse(path)
    assert len(records) == (0 if name in PENDING_ONLY else count)
    assert_valid_transactions(records)


# --- small inline documents for the decisions ------------------------------------------------

NS053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
OWN = "NL91ABNA0417164300"
REVERSAL = "</CdtDbtInd><RvslInd>true</RvslInd>"


def document(entries: str, namespace: str = NS053, account: str = "") -> str:
    account = account or f"<Id><IBAN>{OWN}</IBAN></Id><Ccy>EUR</Ccy>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{namespace}">\n'
        "<BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-06T08:00:00</CreDtTm>"
        f"</GrpHdr>\n<Stmt><Id>S1</Id><CreDtTm>2026-01-06T08:00:00</CreDtTm>"
        f"<Acct>{account}</Acct>\n{entries}</Stmt></BkToCstmrStmt></Document>\n"
    )


def entry(
    amount: str = "10.00",
    direction: str = "CRDT",
    status: str = "<Sts>BOOK</Sts>",
    booked: str = "<BookgDt><Dt>2026-01-05</Dt></BookgDt>",
    head: str = "",
    tail: str = "",
    details: str = "",
    currency: str = "EUR",
) -> str:
    dtls = f"<NtryDtls>{details}</NtryDtls>" if details else ""
    return (
        f'<Ntry>{head}<Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
        f"{status}{booked}{dtls}{tail}</Ntry>\n"
    )


def tx(parties: str = "", remittance: str = "", refs: str = "", extra: str = "") -> str:
    return (
        f"<TxDtls>{refs}<RltdPties>{parties}</RltdPties>"
        f"<RmtInf>{remittance}</RmtInf>{extra}</TxDtls>"
    )


def read(tmp_path: Path, text: str | bytes) -> list[Transaction]:
    path = tmp_path / "statement.xml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse(path)


def test_a_reversed_credit_debits_the_account_and_is_marked_as_reversal(tmp_path: Path) -> None:
    # ISO 20022: RvslInd true with DBIT is the reversal of an earlier credit: money out.
    reversed_credit = entry("25.00", "DBIT").replace("</CdtDbtInd>", REVERSAL)
    records = read(tmp_path, document(reversed_credit))
    assert records[0].amount == Decimal("-25.00")
    assert records[0].reversal is True


def test_a_reversed_debit_credits_the_account_and_names_the_original_creditor(
    tmp_path: Path,
) -> None:
    parties = "<Dbtr><Nm>Own Company</Nm></Dbtr><Cdtr><Nm>Energie BV</Nm></Cdtr>"
    parties += "<CdtrAcct><Id><IBAN>NL02RABO0123456789</IBAN></Id></CdtrAcct>"
    text = entry("12.34", "CRDT", details=tx(parties)).replace("</CdtDbtInd>", REVERSAL)
    record = read(tmp_path, document(text))[0]
    assert record.amount == Decimal("12.34")
    assert record.reversal is True
    assert record.counterparty_name == "Energie BV"
    assert record.counterparty_iban == "NL02RABO0123456789"


def test_only_booked_entries_count_in_both_status_shapes_and_lines_count_every_entry(
    tmp_path: Path,
) -> None:
    entries = (
        entry("1.00", status="<Sts>PDNG</Sts>")
        + entry("2.00", status="<Sts><Cd>BOOK</Cd></Sts>")
        + entry("3.00", status="<Sts><Cd>PDNG</Cd></Sts>")
        + entry("4.00", status="<Sts>BOOK</Sts>")
        + entry("5.00", status="<Sts>INFO</Sts>")
    )
    records = read(tmp_path, document(entries))
    assert [(record.amount, record.line) for record in records] == [
        (Decimal("2.00"), 2),
        (Decimal("4.00"), 4),
    ]


@pytest.mark.parametrize(
    ("booked", "expected"),
    [
        ("<BookgDt><Dt>2026-01-05</Dt></BookgDt>", date(2026, 1, 5)),
        ("<BookgDt><DtTm>2026-01-04T23:30:00Z</DtTm></BookgDt>", date(2026, 1, 5)),
        ("<BookgDt><DtTm>2026-06-30T22:30:00.000+00:00</DtTm></BookgDt>", date(2026, 7, 1)),
        ("<BookgDt><Dt>2026-01-04T23:30:00.000000000</Dt></BookgDt>", date(2026, 1, 4)),
        ("<BookgDt><Dt>2026-01-04T18:00:00-05:00</Dt></BookgDt>", date(2026, 1, 5)),
        ("<ValDt><Dt>2026-02-01</Dt></ValDt>", date(2026, 2, 1)),
        ("", date(2026, 1, 6)),  # no dates at all: the statement's creation date
    ],
)
def test_booking_dates_come_from_dt_dttm_or_a_datetime_in_dt_in_amsterdam_time(
    tmp_path: Path, booked: str, expected: date
) -> None:
    assert read(tmp_path, document(entry(booked=booked)))[0].booking_date == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("000000000000087.71", "87.71"),
        ("80", "80.00"),
        ("905.3", "905.30"),
        ("8.85000", "8.85"),
        (" 12.50 ", "12.50"),
    ],
)
def test_amounts_in_every_written_form_become_two_decimals(
    tmp_path: Path, written: str, expected: str
) -> None:
    record = read(tmp_path, document(entry(written, "DBIT")))[0]
    assert str(record.amount) == f"-{expected}"


@pytest.mark.parametrize("written", ["1.005", "0.00001", "-5.00", "1,50", "", "1e3"])
def test_sub_cent_signed_or_malformed_amounts_are_refused_with_the_amount_named(
    tmp_path: Path, written: str
) -> None:
    with pytest.raises(ParseError, match="amount") as raised:
        read(tmp_path, document(entry(written)))
    assert written.strip() in str(raised.value)
    assert raised.value.line == 5


@needs_samples
def test_a_batch_entry_is_one_record_with_the_entry_amount() -> None:
    # oca__test-camt053-txdtls: one Ntry of 3483.00 with two TxDtls (2187.00 + 1296.00).
    records = parse(SAMPLES / "camt053" / "oca__test-camt053-txdtls")
    assert len(records) == 1
    record = records[0]
    assert record.amount == Decimal("3483.00")
    assert record.counterparty_name == "Banque Cantonale Vaudoise"
    assert record.counterparty_iban == ""  # the two details paid from different accounts
    assert record.reference == "302388292000011111111111111 302388292000022222222222222"
    assert record.bank_id == "20170323001234567891234567891234"
    assert record.booking_date == date(2017, 3, 22)


def test_batch_details_with_different_payers_are_joined(tmp_path: Path) -> None:
    details = tx("<Dbtr><Nm>Klant A</Nm></Dbtr>", "<Ustrd>Factuur 2026-0041</Ustrd>") + tx(
        "<Dbtr><Nm>Klant B</Nm></Dbtr>", "<Ustrd>Factuur 2026-0042</Ustrd>"
    )
    record = read(tmp_path, document(entry("300.00", details=details)))[0]
    assert record.amount == Decimal("300.00")
    assert record.counterparty_name == "Klant A; Klant B"
    assert record.description == "Factuur 2026-0041 Factuur 2026-0042"


def test_a_credit_names_the_debtor_and_a_debit_the_creditor_also_in_v08_shape(
    tmp_path: Path,
) -> None:
    parties = (
        "<Dbtr><Pty><Nm>Klant BV</Nm></Pty></Dbtr>"
        "<DbtrAcct><Id><IBAN>NL18RABO0123459876</IBAN></Id></DbtrAcct>"
        "<Cdtr><Pty><Nm>Own Company</Nm></Pty></Cdtr>"
        "<CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct>"
    )
    namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
    text = document(
        entry("1.00", "CRDT", details=tx(parties)) + entry("2.00", "DBIT", details=tx(parties)),
        namespace,
    )
    credit, debit = read(tmp_path, text)
    assert (credit.counterparty_name, credit.counterparty_iban) == (
        "Klant BV",
        "NL18RABO0123459876",
    )
    assert (debit.counterparty_name, debit.counterparty_iban) == (
        "Own Company",
        "NL91ABNA0417164300",
    )


def test_several_ustrd_are_joined_and_the_creditor_reference_is_the_reference(
    tmp_path: Path,
) -> None:
    remittance = (
        "<Ustrd>Factuur 2026-0042</Ustrd><Ustrd>klantnr 17</Ustrd>"
        "<Strd><CdtrRefInf><Ref>1234567890123456</Ref></CdtrRefInf></Strd>"
    )
    record = read(tmp_path, document(entry(details=tx(remittance=remittance))))[0]
    assert record.description == "Factuur 2026-0042 klantnr 17"
    assert record.reference == "1234567890123456"


def test_abn_amro_trtp_strings_give_the_full_name_and_remittance(tmp_path: Path) -> None:
    info = (
        "<AddtlNtryInf>/TRTP/SEPA OVERBOEKING/IBAN/NL18RABO0123459876/BIC/RABONL2U"
        "/NAME/Jansen Installatietechniek en Zonen B.V./REMI/Factuur 2024/0012"
        "/EREF/E2E-42</AddtlNtryInf>"
    )
    parties = "<Dbtr><Nm>Jansen Installatietechn</Nm></Dbtr>"
    record = read(tmp_path, document(entry(details=tx(parties), tail=info)))[0]
    assert record.counterparty_name == "Jansen Installatietechniek en Zonen B.V."
    assert record.counterparty_iban == "NL18RABO0123459876"
    assert record.description == "Factuur 2024/0012"
    assert record.reference == "E2E-42"


def test_without_ustrd_the_additional_information_is_the_description(tmp_path: Path) -> None:
    with_tx_info = tx(extra="<AddtlTxInf>Rente 4e kwartaal</AddtlTxInf>")
    entries = entry(details=with_tx_info) + entry(tail="<AddtlNtryInf>Kosten</AddtlNtryInf>")
    assert [r.description for r in read(tmp_path, document(entries))] == [
        "Rente 4e kwartaal",
        "Kosten",
    ]


@pytest.mark.parametrize(
    ("head", "details", "expected"),
    [
        ("<NtryRef>N1</NtryRef>", "", "N1"),
        ("<NtryRef>N1</NtryRef><AcctSvcrRef>A1</AcctSvcrRef>", "", "A1"),
        ("", tx(refs="<Refs><AcctSvcrRef>T1</AcctSvcrRef></Refs>"), "T1"),
        ("<AcctSvcrRef>NOTPROVIDED</AcctSvcrRef>", "", ""),
        ("", "", ""),
    ],
)
def test_bank_id_prefers_the_entry_reference_then_ntryref_then_the_detail(
    tmp_path: Path, head: str, details: str, expected: str
) -> None:
    text = document(entry(details=details).replace("<Amt", f"{head}<Amt", 1))
    assert read(tmp_path, text)[0].bank_id == expected


def test_an_account_without_iban_uses_its_other_id(tmp_path: Path) -> None:
    account = "<Id><Othr><Id>0035-2915203-10-000</Id></Othr></Id>"
    assert read(tmp_path, document(entry(), account=account))[0].account == "0035-2915203-10-000"


def test_the_xxx_placeholder_currency_takes_the_account_currency(tmp_path: Path) -> None:
    assert read(tmp_path, document(entry(currency="XXX")))[0].currency == "EUR"


@needs_samples
def test_the_xxx_placeholder_stays_when_the_account_names_no_currency() -> None:
    records = parse(SAMPLES / "camt053" / "ofxstmt-iso20022__gcamp6.xml")
    assert {record.currency for record in records} == {"XXX"}


@pytest.mark.parametrize(
    "namespace",
    [
        "urn:iso:std:iso:20023:tech:xsd:camt.053.001.02",  # the wrong namespace seen in the wild
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.13",
        "urn:example:bank-specific",
    ],
)
def test_any_namespace_is_read_by_local_names(tmp_path: Path, namespace: str) -> None:
    text = document(entry("7.50"), namespace)
    path = tmp_path / "statement.xml"
    path.write_text(text, encoding="utf-8")
    assert detect(read_sample(path)).name == "camt"
    assert [record.amount for record in parse(path)] == [Decimal("7.50")]


def test_a_prefixed_document_without_default_namespace_is_read(tmp_path: Path) -> None:
    text = document(entry("7.50")).replace('<Document xmlns="', '<Document xmlns:c="')
    text = text.replace("<", "<c:").replace("<c:/", "</c:").replace("<c:?", "<?")
    assert [record.amount for record in read(tmp_path, text)] == [Decimal("7.50")]


def test_a_pain_001_payment_file_is_not_claimed_and_the_mismatch_names_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pain.xml"
    path.write_text(
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
        "<CstmrCdtTrfInitn><GrpHdr><MsgId>1</MsgId></GrpHdr></CstmrCdtTrfInitn></Document>",
        encoding="utf-8",
    )
    sample = read_sample(path)
    parser = CamtParser()
    assert not parser.identify(sample)
    mismatch = parser.mismatch(sample)
    assert mismatch is not None
    assert "pain.001.001.03" in mismatch.detail
    with pytest.raises(ParseError, match="not a CAMT"):
        list(parser.parse(sample))


@needs_samples
def test_other_formats_are_not_claimed() -> None:
    others = files("accounting", "ofx")
    assert others
    for path in others:
        assert not CamtParser().identify(read_sample(path)), path.name


@needs_samples
def test_a_statement_without_entries_yields_nothing() -> None:
    assert parse(SAMPLES / "camt053" / "oca__test-camt053-no-ntry") == []


def test_a_truncated_statement_is_a_parse_error_naming_the_line(tmp_path: Path) -> None:
    text = document(entry() + entry())
    cut = text[: text.rindex("<Ntry>") + 30]
    with pytest.raises(ParseError) as raised:
        read(tmp_path, cut)
    assert raised.value.line == cut.count("\n") + 1


def test_a_statement_with_a_doctype_is_refused(tmp_path: Path) -> None:
    text = document(entry()).replace("?>\n", '?>\n<!DOCTYPE Document [<!ENTITY e "x">]>\n', 1)
    with pytest.raises(ParseError, match="DTD or entity declarations is refused"):
        read(tmp_path, text)


def test_an_iso_8859_1_statement_is_read_with_its_declared_encoding(tmp_path: Path) -> None:
    text = document(entry(details=tx("<Dbtr><Nm>Müller Gärten</Nm></Dbtr>")))
    text = text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    record = read(tmp_path, text.encode("iso-8859-1"))[0]
    assert record.counterparty_name == "Müller Gärten"


def test_latin1_bytes_in_a_utf8_statement_are_read_as_iso_8859_15(tmp_path: Path) -> None:
    text = document(entry("1.00") + entry("2.00", details=tx("<Dbtr><Nm>Café €</Nm></Dbtr>")))
    records = read(tmp_path, text.encode("iso-8859-15"))
    assert [(r.amount, r.counterparty_name) for r in records] == [
        (Decimal("1.00"), ""),
        (Decimal("2.00"), "Café €"),
    ]


# --- golden files: the MIT samples of genkgo/camt, every field --------------------------------

GOLDENS = fixtures("camt")


def test_the_camt_goldens_are_of_genkgos_samples() -> None:
    # Each golden names its sample; tests/test_fixtures.py checks that every one exists.
    assert len(GOLDENS) >= 8
    assert all(fixture.name.startswith("genkgo__") for fixture in GOLDENS)


@pytest.mark.parametrize("fixture", fixture_params(GOLDENS))
def test_camt_fixture_matches_its_golden_output(fixture: Fixture) -> None:
    assert records_of(fixture.path) == fixture.expected()


# --- robustness: mutated and truncated input ends in records or ParseError ------------------


@functools.cache
def _seed() -> bytes:
    return sample_named("genkgo__camt053.v2.minimal.xml").read_bytes()


# The seed's length bounds the strategies: deferred, so that it is read only when a test runs.
SEED_CUT = st.deferred(lambda: st.integers(min_value=0, max_value=len(_seed())))
SEED_POSITION = st.deferred(lambda: st.integers(min_value=0, max_value=len(_seed()) - 1))


def _parse_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    try:
        records = parse(path)
    except ParseError as error:
        assert str(error)
        return
    for record in records:
        assert record.amount.as_tuple().exponent == -2
        assert len(record.currency) == 3


@needs_samples
@pytest.mark.timeout(30)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cut=SEED_CUT)
def test_a_truncated_statement_gives_records_or_a_parse_error(tmp_path: Path, cut: int) -> None:
    _parse_bytes(tmp_path, _seed()[:cut])


@needs_samples
@pytest.mark.timeout(30)
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(
        st.tuples(SEED_POSITION, st.binary(max_size=4)),
        min_size=1,
        max_size=6,
    )
)
def test_a_mutated_statement_gives_records_or_a_parse_error(
    tmp_path: Path, edits: list[tuple[int, bytes]]
) -> None:
    data = bytearray(_seed())
    for position, replacement in edits:
        data[position : position + len(replacement)] = replacement
    _parse_bytes(tmp_path, bytes(data))


@pytest.mark.timeout(30)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(amount=st.text(max_size=12), when=st.text(max_size=30))
def test_any_amount_or_date_text_gives_a_record_or_a_parse_error(
    tmp_path: Path, amount: str, when: str
) -> None:
    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;")

    booked = f"<BookgDt><Dt>{escape(when)}</Dt></BookgDt>"
    text = document(entry(escape(amount), booked=booked))
    _parse_bytes(tmp_path, text.encode("utf-8", errors="surrogatepass"))
