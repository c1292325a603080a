"""XAF 3.2 auditfiles: sales-journal invoices from the real samples, and the line-classification
decisions documented in korwatch.formats.invoices.xaf_invoice on small inline auditfiles."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.formats.invoices.xaf import XafParser
from korwatch.ledger.dedup import keyed
from korwatch.models import Invoice
from tests.goldens import records_of
from tests.samples import SAMPLES, Fixture, files, fixture_params, fixtures, needs_samples

ACCOUNTING = SAMPLES / "accounting"
EXACT = ACCOUNTING / "banana-nl__ExactOnline_V32_2016.xml"
MULTIVERS = ACCOUNTING / "banana-nl__Multivers_V32_2017.xml"
BANANA = ACCOUNTING / "banana-nl__auditfile_v3.2_nl_20180101_20181231.xaf"
XAF = "{http://www.auditfiles.nl/XAF/3.2}"


def parse(path: Path) -> list[Invoice]:
    records = list(XafParser().parse(read_sample(path)))
    assert all(isinstance(record, Invoice) for record in records)
    return [record for record in records if isinstance(record, Invoice)]


# The MANIFEST counts XAF transactions of all journals (57, 69, 44), not invoices. Verified by
# hand: `awk` over the journals shows Exact's only sales journal (70 "Verkoopboek", jrnTp S)
# holds 9 transactions with 9 distinct invRefs; Multivers' sales journal ("V", jrnTp S) holds
# 21 transactions with 32 distinct invRefs (up to four invoices per transaction); Banana's file
# has one journal of type Z only. test_every_invoice_gross_equals_its_debtor_lines checks the
# amounts independently.
@needs_samples
@pytest.mark.parametrize(
    ("path", "count"), [(EXACT, 9), (MULTIVERS, 32)], ids=["exact", "multivers"]
)
def test_sales_journal_invoices_are_read_from_each_sample(path: Path, count: int) -> None:
    assert detect(read_sample(path)).name == "xaf"
    invoices = parse(path)
    assert len(invoices) == count
    for invoice in invoices:
        assert invoice.gross == invoice.net + invoice.vat
        for amount in (invoice.net, invoice.vat, invoice.gross):
            assert amount.as_tuple().exponent == -2
        assert invoice.currency == "EUR"
        assert invoice.number
        assert invoice.customer
        assert isinstance(invoice.issue_date, date)
    keys = [key for key, _ in keyed(invoices)]
    assert len(keys) == len(set(keys))


@needs_samples
def test_an_auditfile_without_a_sales_journal_is_refused_saying_so() -> None:
    assert detect(read_sample(BANANA)).name == "xaf"
    with pytest.raises(NotTransactionFile, match=r"without a sales journal.*44 in type Z"):
        parse(BANANA)


@needs_samples
@pytest.mark.parametrize("path", [EXACT, MULTIVERS], ids=["exact", "multivers"])
def test_every_invoice_gross_equals_its_debtor_lines(path: Path) -> None:
    # An independent oracle: a whole-tree parse summing the lines on the RGS receivables
    # accounts (leadReference BVorDeb...) per invRef in the sales journal.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, encoding="iso-8859-15")
    tree = etree.parse(str(path), parser if path == MULTIVERS else None)
    lead = {
        account.findtext(f"{XAF}accID"): account.findtext(f"{XAF}leadReference") or ""
        for account in tree.iter(f"{XAF}ledgerAccount")
    }
    debtor: dict[str, Decimal] = {}
    for journal in tree.iter(f"{XAF}journal"):
        if journal.findtext(f"{XAF}jrnTp") != "S":
            continue
        for line in journal.iter(f"{XAF}trLine"):
            if lead[line.findtext(f"{XAF}accID")].startswith("BVorDeb"):
                amount = Decimal(line.findtext(f"{XAF}amnt") or "0")
                sign = 1 if line.findtext(f"{XAF}amntTp") == "D" else -1
                reference = line.findtext(f"{XAF}invRef") or ""
                debtor[reference] = debtor.get(reference, Decimal(0)) + sign * amount
    invoices = parse(path)
    assert {invoice.number: invoice.gross for invoice in invoices} == debtor


@needs_samples
def test_exact_invoice_has_its_customer_name_net_and_vat() -> None:
    invoice = {invoice.number: invoice for invoice in parse(EXACT)}["16700002"]
    assert invoice == Invoice(
        number="16700002",
        issue_date=date(2016, 2, 17),
        customer="Fittsport BV",
        net=Decimal("37061.25"),
        vat=Decimal("6861.12"),
        gross=Decimal("43922.37"),
        currency="EUR",
        credit_note=False,
        customer_id="22",
        line=invoice.line,
    )


@needs_samples
def test_one_transaction_holding_four_invoices_gives_four_invoices() -> None:
    # Multivers transaction 2-5 books invoices 20170010..13 for four customers on two dates.
    invoices = {invoice.number: invoice for invoice in parse(MULTIVERS)}
    picked = [invoices[f"2017001{digit}"] for digit in range(4)]
    assert [(i.customer_id, i.issue_date, i.gross) for i in picked] == [
        ("D1007", date(2017, 2, 1), Decimal("404.14")),
        ("D1010", date(2017, 2, 1), Decimal("998.70")),
        ("D1015", date(2017, 2, 4), Decimal("123.14")),
        ("D1004", date(2017, 2, 4), Decimal("1223.00")),
    ]


@needs_samples
def test_cost_of_sales_lines_in_the_sales_journal_are_not_revenue() -> None:
    # Invoice 20170029: 8010 revenue 104.00 C, and 3010 stock C / 7010 cost of sales D 69.00.
    invoice = {invoice.number: invoice for invoice in parse(MULTIVERS)}["20170029"]
    assert (invoice.net, invoice.vat) == (Decimal("104.00"), Decimal("21.84"))


@needs_samples
def test_a_project_invoice_on_a_balance_account_is_revenue_by_its_vat() -> None:
    # Invoice 20170028 books 1120.00 C on 2016 "Gefactureerd op projecten" (B) with 235.20 VAT.
    invoice = {invoice.number: invoice for invoice in parse(MULTIVERS)}["20170028"]
    assert (invoice.net, invoice.vat) == (Decimal("1120.00"), Decimal("235.20"))


@needs_samples
def test_discount_vat_written_negative_on_the_debit_side_comes_from_the_vat_account() -> None:
    # Invoice 20170023 has discount lines with vatAmnt "-19.93" D; the VAT line 1770 says 326.47.
    invoice = {invoice.number: invoice for invoice in parse(MULTIVERS)}["20170023"]
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("1554.60"),
        Decimal("326.47"),
        Decimal("1881.07"),
    )


@needs_samples
def test_latin1_bytes_in_the_utf8_declared_multivers_file_are_read() -> None:
    # Multivers writes "Löwenbrau" in Latin-1 into a file declared UTF-8.
    assert len(parse(MULTIVERS)) == 32


# --- inline auditfiles -----------------------------------------------------------------------


def auditfile(lines: str, ledger: str = "", journal_type: str = "S", vat_codes: str = "") -> str:
    ledger = ledger or (
        "<ledgerAccount><accID>1300</accID><accDesc>Debiteuren</accDesc><accTp>B</accTp>"
        "</ledgerAccount>"
        "<ledgerAccount><accID>1500</accID><accDesc>BTW</accDesc><accTp>B</accTp>"
        "</ledgerAccount>"
        "<ledgerAccount><accID>8000</accID><accDesc>Omzet</accDesc><accTp>P</accTp>"
        "</ledgerAccount>"
        "<ledgerAccount><accID>7000</accID><accDesc>Kostprijs</accDesc><accTp>P</accTp>"
        "</ledgerAccount>"
    )
    vat_codes = vat_codes or (
        "<vatCodes><vatCode><vatID>2</vatID><vatDesc>Hoog</vatDesc>"
        "<vatToPayAccID>1500</vatToPayAccID></vatCode></vatCodes>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<auditfile xmlns="http://www.auditfiles.nl/XAF/3.2"><header><fiscalYear>2026'
        "</fiscalYear><curCode>EUR</curCode></header>\n<company><companyName>Eigen BV"
        "</companyName><customersSuppliers><customerSupplier><custSupID>K1</custSupID>"
        "<custSupName>Klant &amp; Co</custSupName></customerSupplier></customersSuppliers>"
        f"<generalLedger>{ledger}</generalLedger>{vat_codes}<transactions><journal>"
        f"<jrnID>V</jrnID><desc>Verkoopboek</desc><jrnTp>{journal_type}</jrnTp>"
        "<transaction><nr>T1</nr><periodNumber>1</periodNumber><trDt>2026-03-02</trDt>\n"
        f"{lines}</transaction></journal></transactions></company></auditfile>\n"
    )


def line(account: str, amount: str, side: str, vat: str = "", reference: str = "F-1") -> str:
    return (
        f"<trLine><nr>1</nr><accID>{account}</accID><docRef/><effDate>2026-03-02</effDate>"
        f"<amnt>{amount}</amnt><amntTp>{side}</amntTp><custSupID>K1</custSupID>"
        f"<invRef>{reference}</invRef>{vat}</trLine>\n"
    )


def vat(amount: str, side: str) -> str:
    return (
        f"<vat><vatID>2</vatID><vatPerc>21.000</vatPerc><vatAmnt>{amount}</vatAmnt>"
        f"<vatAmntTp>{side}</vatAmntTp></vat>"
    )


def read(tmp_path: Path, text: str | bytes) -> list[Invoice]:
    path = tmp_path / "auditfile.xaf"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse(path)


def test_a_sales_invoice_has_net_vat_gross_and_the_customer_name(tmp_path: Path) -> None:
    lines = line("1300", "121.00", "D") + line("8000", "100.00", "C", vat("21.00", "C"))
    lines += line("1500", "21.00", "C")
    (invoice,) = read(tmp_path, auditfile(lines))
    assert (invoice.number, invoice.customer, invoice.customer_id) == ("F-1", "Klant & Co", "K1")
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("100.00"),
        Decimal("21.00"),
        Decimal("121.00"),
    )
    assert invoice.credit_note is False
    assert invoice.issue_date == date(2026, 3, 2)


def test_a_debited_revenue_line_is_a_credit_note_with_negative_amounts(tmp_path: Path) -> None:
    lines = line("1300", "60.50", "C") + line("8000", "50.00", "D", vat("10.50", "D"))
    lines += line("1500", "10.50", "D")
    (invoice,) = read(tmp_path, auditfile(lines))
    assert invoice.credit_note is True
    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("-50.00"),
        Decimal("-10.50"),
        Decimal("-60.50"),
    )


def test_without_vat_account_lines_the_revenue_vat_details_give_the_vat(tmp_path: Path) -> None:
    lines = line("1300", "121.00", "D") + line("8000", "100.00", "C", vat("21.00", "C"))
    (invoice,) = read(tmp_path, auditfile(lines, vat_codes="<vatCodes/>"))
    assert invoice.vat == Decimal("21.00")


def test_a_cash_line_carrying_vat_details_is_not_revenue(tmp_path: Path) -> None:
    # Banana writes <vat> on the debit cash line too; it moves opposite to its credit VAT.
    lines = line("1300", "121.00", "D", vat("21.00", "C"))
    lines += line("8000", "100.00", "C", vat("21.00", "C")) + line("1500", "21.00", "C")
    (invoice,) = read(tmp_path, auditfile(lines))
    assert invoice.net == Decimal("100.00")


def test_without_rgs_codes_a_profit_and_loss_line_without_vat_is_not_revenue(
    tmp_path: Path,
) -> None:
    lines = line("1300", "121.00", "D") + line("8000", "100.00", "C", vat("21.00", "C"))
    lines += line("1500", "21.00", "C") + line("7000", "40.00", "D") + line("3000", "40.00", "C")
    (invoice,) = read(tmp_path, auditfile(lines))
    assert invoice.net == Decimal("100.00")


def test_with_rgs_codes_only_turnover_accounts_are_revenue(tmp_path: Path) -> None:
    ledger = (
        "<ledgerAccount><accID>8020</accID><accDesc>Omzet nultarief</accDesc><accTp>P</accTp>"
        "<leadReference>WOmzNohOli</leadReference></ledgerAccount>"
        "<ledgerAccount><accID>7000</accID><accDesc>Kostprijs</accDesc><accTp>P</accTp>"
        "<leadReference>WKprInhInh</leadReference></ledgerAccount>"
    )
    lines = line("1300", "80.00", "D") + line("8020", "80.00", "C")
    lines += line("7000", "30.00", "D", vat("0.00", "D")) + line("3000", "30.00", "C")
    (invoice,) = read(tmp_path, auditfile(lines, ledger=ledger))
    assert (invoice.net, invoice.vat) == (Decimal("80.00"), Decimal("0.00"))


def test_an_unknown_customer_id_stands_for_the_customer(tmp_path: Path) -> None:
    text = auditfile(line("8000", "5.00", "C", vat("1.05", "C"))).replace(
        "<custSupID>K1</custSupID><invRef>", "<custSupID>K9</custSupID><invRef>"
    )
    assert read(tmp_path, text)[0].customer == "K9"


def test_without_invref_the_transaction_number_is_the_invoice_number(tmp_path: Path) -> None:
    text = auditfile(line("8000", "5.00", "C", reference=""))
    assert read(tmp_path, text)[0].number == "T1"


def test_purchase_journals_yield_no_invoices(tmp_path: Path) -> None:
    with pytest.raises(NotTransactionFile, match="1 in type P"):
        read(tmp_path, auditfile(line("8000", "5.00", "C"), journal_type="P"))


def test_a_sales_journal_without_transactions_yields_nothing(tmp_path: Path) -> None:
    text = auditfile("")
    text = text[: text.index("<transaction>")] + "</journal></transactions></company></auditfile>"
    assert read(tmp_path, text) == []


@pytest.mark.parametrize(
    ("amount", "match"),
    [("12.345", "fraction of a cent"), ("1,00", "not a decimal"), ("", "not a decimal")],
)
def test_bad_amounts_are_parse_errors_with_their_line(
    tmp_path: Path, amount: str, match: str
) -> None:
    with pytest.raises(ParseError, match=match) as raised:
        read(tmp_path, auditfile(line("8000", amount, "C")))
    assert raised.value.line == 4  # the trLine's line


def test_an_auditfile_with_a_doctype_is_refused(tmp_path: Path) -> None:
    text = auditfile(line("8000", "5.00", "C"))
    text = text.replace("?>\n", '?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
    with pytest.raises(ParseError, match="DTD or entity declarations is refused"):
        read(tmp_path, text)


def test_a_truncated_auditfile_is_a_parse_error_naming_the_line(tmp_path: Path) -> None:
    text = auditfile(line("8000", "5.00", "C"))
    with pytest.raises(ParseError, match="malformed") as raised:
        read(tmp_path, text[: text.index("<amnt>") + 3])
    assert raised.value.line == 4


def test_other_auditfile_versions_are_not_claimed_but_named(tmp_path: Path) -> None:
    path = tmp_path / "old.xaf"
    path.write_text(
        '<?xml version="1.0"?><auditfile xmlns="http://www.auditfiles.nl/XAF/3.1"></auditfile>',
        encoding="utf-8",
    )
    sample = read_sample(path)
    assert not XafParser().identify(sample)
    mismatch = XafParser().mismatch(sample)
    assert mismatch is not None
    assert "version 3.1" in mismatch.detail


@needs_samples
def test_camt_and_ofx_files_are_not_claimed() -> None:
    others = files("camt053", "ofx")
    assert others
    for path in others:
        assert not XafParser().identify(read_sample(path)), path.name


# --- goldens ------------------------------------------------------------------------------

GOLDENS = fixtures("xaf")


def test_the_two_invoice_samples_have_goldens() -> None:
    assert [fixture.golden.name for fixture in GOLDENS] == [
        "banana-nl__ExactOnline_V32_2016.xml.golden.json",
        "banana-nl__Multivers_V32_2017.xml.golden.json",
    ]


@pytest.mark.parametrize("fixture", fixture_params(GOLDENS))
def test_xaf_fixture_matches_its_golden_output(fixture: Fixture) -> None:
    assert records_of(fixture.path) == fixture.expected()


# --- robustness -----------------------------------------------------------------------------


@functools.cache
def _seed() -> bytes:
    return EXACT.read_bytes()


# Bounded by the seed's length: deferred, so that the sample is read only when the test runs.
CUT = st.deferred(lambda: st.integers(min_value=0, max_value=len(_seed())))
# Cut inside the journals, where the work is.
EDIT = st.deferred(
    lambda: st.tuples(
        st.integers(min_value=_seed().index(b"<journal>"), max_value=len(_seed()) - 1),
        st.binary(max_size=3),
    )
)


@needs_samples
@pytest.mark.timeout(30)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cut=CUT, edit=EDIT)
def test_a_truncated_or_mutated_auditfile_gives_invoices_or_a_parse_error(
    tmp_path: Path, cut: int, edit: tuple[int, bytes]
) -> None:
    seed = _seed()
    data = bytearray(seed)
    position, replacement = edit
    data[position : position + len(replacement)] = replacement
    for variant in (seed[:cut], bytes(data)):
        try:
            invoices = read(tmp_path, variant)
        except ParseError as error:
            assert str(error)
            continue
        assert all(invoice.gross == invoice.net + invoice.vat for invoice in invoices)
