"""OFX: conformance over every real OFX sample in the MANIFEST, and the goldens in
tests/fixtures/ofx of the MIT-licensed ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.models import Transaction
from tests.formats.invariants import assert_valid_transactions
from tests.goldens import as_json
from tests.samples import (
    SAMPLES,
    Fixture,
    files,
    fixture_params,
    fixtures,
    manifest,
    needs_samples,
    over_samples,
)

# The MANIFEST counts STMTTRN elements; these files are refused on purpose, with the reason.
REFUSED: dict[str, tuple[type[ParseError], str]] = {
    # Investment (brokerage) statements: their STMTTRNs (4 and 1) are cash movements of a
    # brokerage account inside INVBANKTRAN, not a bank statement (the issue: refuse INVSTMTRS).
    "ofx/ofxparse__fidelity-savings.ofx": (NotTransactionFile, "investment"),
    "ofx/ofxtools__invstmtrs.ofx": (NotTransactionFile, "investment"),
    # ofxparse's "fail_nice" fixtures: malformed on purpose (ofxparse raises on both too).
    "ofx/ofxparse__decimal_error.ofx": (ParseError, "line 37: TRNAMT '$120'"),
    "ofx/ofxparse__date_missing.ofx": (ParseError, "line 33: the STMTTRN has no DTPOSTED"),
    # An error response with no statement: the bank's MESSAGE is quoted.
    "ofx/ofxparse__error_message.ofx": (NotTransactionFile, "'General Server Error'"),
}


def parse(path: Path) -> list[Transaction]:
    sample = read_sample(path)
    parser = detect(sample)
    assert parser.name == "ofx"
    records = list(parser.parse(sample))
    assert all(isinstance(record, Transaction) for record in records)
    return [record for record in records if isinstance(record, Transaction)]


@needs_samples
def test_the_manifest_lists_every_ofx_sample() -> None:
    on_disk = {f"ofx/{path.name}" for path in files("ofx")}
    listed = dict(manifest("ofx"))
    assert on_disk == set(listed)
    assert len(listed) == 17  # the brief said 18; MANIFEST and the folder both hold 17


def _statements() -> list[tuple[str, int]]:
    return sorted((name, count) for name, count in manifest("ofx") if name not in REFUSED)


@over_samples(("name", "count"), _statements, ids=lambda row: row[0])
def test_every_ofx_statement_sample_parses_into_its_manifest_count_of_valid_records(
    name: str, count: int
) -> None:
    records = parse(SAMPLES / name)
    assert len(records) == count
    assert_valid_transactions(records)


@needs_samples
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_every_refused_ofx_sample_is_refused_with_a_message_saying_why(name: str) -> None:
    kind, words = REFUSED[name]
    with pytest.raises(kind) as refused:
        parse(SAMPLES / name)
    assert words in str(refused.value)


@needs_samples
def test_the_error_response_message_names_the_status_code_and_quotes_the_bank() -> None:
    with pytest.raises(NotTransactionFile) as refused:
        parse(SAMPLES / "ofx/ofxparse__error_message.ofx")
    assert str(refused.value) == (
        "line 20: the bank answered with an error instead of a statement (STATUS code 2000): "
        "'General Server Error'"
    )


@needs_samples
def test_a_credit_card_statement_reads_its_ccacctfrom_account_and_curdef() -> None:
    records = parse(SAMPLES / "ofx/ofxtools__br_nubank_cc.ofx")
    assert {record.account for record in records} == {"11111111-UUID-UUID-UUID-111111111111"}
    assert {record.currency for record in records} == {"BRL"}
    assert sum(record.amount for record in records) == Decimal("-1280.91")


@needs_samples
def test_a_decimal_comma_statement_reads_the_same_amounts_as_its_decimal_point_twin() -> None:
    euro = parse(SAMPLES / "ofx/ofxtools__stmtrs_euro.ofx")
    plain = parse(SAMPLES / "ofx/ofxtools__stmtrs.ofx")
    assert [record.amount for record in euro] == [Decimal("-200.00"), Decimal("-300.00")]
    assert euro == plain


@needs_samples
def test_a_declared_latin1_file_reads_its_accents() -> None:
    (record,) = parse(SAMPLES / "ofx/actual__8859-1.qfx")
    assert record.counterparty_name == "Paiement facture/Carte prépayée"


@needs_samples
def test_a_bank_and_an_empty_credit_card_statement_in_one_file_give_the_bank_lines() -> None:
    records = parse(SAMPLES / "ofx/oca__test_ofx.ofx")
    assert [record.bank_id for record in records] == ["219378", "219379", "219380", "219381"]
    assert {record.account for record in records} == {"123456"}


@pytest.mark.parametrize("fixture", fixture_params(fixtures("ofx")))
def test_every_ofx_fixture_matches_its_golden_output(fixture: Fixture) -> None:
    records = [as_json(record) for record in parse(fixture.path)]
    assert records == fixture.expected()
