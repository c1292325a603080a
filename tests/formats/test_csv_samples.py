"""Conformance of the bank CSV parsers over every real CSV sample in the shared MANIFEST.

Counts differ from MANIFEST.tsv where the MANIFEST is wrong (checked by hand against the files):
* ynabgoingdutch__ing.csv has 3 data rows (MANIFEST 2: the last row has no newline);
* banana-nl__csv_ing_example_format1_20150224.csv has 3 rows and a blank line (MANIFEST 4);
* transactie-historie_NL00ASNB…csv has 11 rows (MANIFEST 10, last row without newline);
* denilsonsa-abn__TXT_SAMPLE.TAB has 26 data lines (MANIFEST 27);
* revolut business3_20240724 has 4 rows, business3_20251016 2 rows (MANIFEST 3 and 1);
* ofxstmt-revolut__2022-january.csv has 9 rows of which 2 are PENDING: 7 bookings.
The ING files with an added "Extra" column are not claimed (a changed layout is reported, not
misread), and KBC's Belgian export is no known format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from korwatch.errors import NotTransactionFile, UnknownFormat
from korwatch.formats.base import read_sample
from korwatch.formats.detect import PARSERS, detect
from tests.formats.invariants import assert_valid_transactions
from tests.samples import SAMPLES, manifest, needs_samples

# file -> (parser name or None, number of transactions; None = refused as NotTransactionFile)
EXPECTED: dict[str, tuple[str | None, int | None]] = {
    "banana-nl__csv_ing_example_format1_20090202.csv": ("ing-csv-comma", 5),
    "banana-nl__csv_ing_example_format1_20150224.csv": ("ing-csv-comma", 3),
    "banana-nl__csv_ing_example_format2_20100910.csv": ("ing-belgium-csv", None),
    "banana-universal__ch.banana.revolut.transactions.business1_20222609.csv": (
        "revolut-business-csv",
        8,
    ),
    "banana-universal__ch.banana.revolut.transactions.business2_20222410.csv": (
        "revolut-business-csv",
        7,
    ),
    "banana-universal__ch.banana.revolut.transactions.business3_20240724.csv": (
        "revolut-business-csv",
        4,
    ),
    "banana-universal__ch.banana.revolut.transactions.business3_20251016.csv": (
        "revolut-business-csv",
        2,
    ),
    "banana-universal__ch.banana.revolut.transactions.business_exp1_EUR_20240131.csv": (
        "revolut-expenses-csv",
        None,
    ),
    "banana-universal__ch.banana.revolut.transactions.private1_20250922_de.csv": ("revolut-csv", 3),
    "banana-universal__ch.banana.wise.transactions.business.fee.separate1_20230105.csv": (
        "wise-csv",
        5,
    ),
    "banana-universal__ch.banana.wise.transactions.business1_20230105.csv": ("wise-csv", 3),
    "banana-universal__ch.banana.wise.transactions.business2_20240423.csv": (
        "wise-transfers-csv",
        None,
    ),
    "banana-universal__ch.banana.wise.transactions.business2_DE_20240719.csv": (
        "wise-transfers-csv-de",
        None,
    ),
    "banana-universal__ch.banana.wise.transactions.personal1_20231103.csv": ("wise-csv", 17),
    "bank2ynab__2018-04-14_10-52-13_bunq-transactieoverzicht.csv": ("bunq-csv", 3),
    "bank2ynab__2019-03-02_11-50-46_bunq-statement.csv": ("bunq-csv", 7),
    "bank2ynab__CSV_A_20180414_112204.csv": ("rabobank-csv", 3),
    "bank2ynab__export_BE11123456789012_20180304_1422.csv": (None, None),
    "denilsonsa-abn__TXT_SAMPLE.TAB": ("abnamro-tab", 26),
    "ofxstmt-dutch__Account_20190101_20200317.csv": ("degiro-account-csv", None),
    "ofxstmt-dutch__Knab_transactieoverzicht_ok.csv": ("knab-csv", 28),
    "ofxstmt-dutch__NL99INGB9999999999_25-11-2019_30-05-2020.csv": ("ing-balance-csv", None),
    "ofxstmt-dutch__ing_fail.csv": ("ing-csv-comma", 2),
    "ofxstmt-dutch__ing_ok.csv": ("ing-csv-comma", 6),
    "ofxstmt-dutch__ing_ok_Mutatiesoort.csv": ("ing-csv-comma", 6),
    "ofxstmt-dutch__ing_ok_Mutatiesoort_Extra.csv": (None, None),
    "ofxstmt-dutch__ing_ok_Mutatiesoort_Extra_Unquoted.csv": (None, None),
    "ofxstmt-dutch__transactie-historie_NL00ASNB9999999999_20220717204133.csv": (
        "volksbank-csv",
        11,
    ),
    "ofxstmt-revolut__2021-october.csv": ("revolut-csv", 7),
    "ofxstmt-revolut__2022-january.csv": ("revolut-csv", 7),
    "ofxstmt-transferwise__sample-statement.csv": ("wise-csv", 5),
    "snorberhuis-triodos__example-triodos.csv": ("triodos-csv", 2),
    "tql__ASN.csv": ("asn-header-stub", None),
    "tql__triodos.csv": ("triodos-header-stub", None),
    "ynabgoingdutch__asn.csv": ("volksbank-csv", 5),
    "ynabgoingdutch__bunq-en.csv": ("bunq-csv", 10),
    "ynabgoingdutch__ing-english.csv": ("ing-csv", 3),
    "ynabgoingdutch__ing-spaar.csv": ("ing-savings-csv", 5),
    "ynabgoingdutch__ing.csv": ("ing-csv-comma", 3),
    "ynabgoingdutch__knab.csv": ("knab-csv", 1),
    "ynabgoingdutch__sns.csv": ("volksbank-csv", 5),
    "ynabgoingdutch__triodos.csv": ("triodos-csv", 2),
}


@needs_samples
def test_every_manifest_csv_sample_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(name.split("/", 1)[1] for name, _ in manifest("csv"))


@needs_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_is_claimed_by_exactly_the_expected_parser(name: str) -> None:
    sample = read_sample(SAMPLES / "csv" / name)
    claims = [parser.name for parser in PARSERS.values() if parser.identify(sample)]
    expected = EXPECTED[name][0]
    assert claims == ([expected] if expected else [])


@needs_samples
@pytest.mark.parametrize("name", sorted(n for n, (p, c) in EXPECTED.items() if c is not None))
def test_each_transaction_sample_parses_into_valid_records(name: str) -> None:
    sample = read_sample(SAMPLES / "csv" / name)
    records = list(detect(sample).parse(sample))
    assert len(records) == EXPECTED[name][1]
    assert_valid_transactions(records)


@needs_samples
@pytest.mark.parametrize("name", sorted(n for n, (p, c) in EXPECTED.items() if p and c is None))
def test_each_non_transaction_sample_is_refused_saying_what_it_is(name: str) -> None:
    sample = read_sample(SAMPLES / "csv" / name)
    with pytest.raises(NotTransactionFile, match=r"this is .*(export|statement|list)"):
        list(detect(sample).parse(sample))


@needs_samples
@pytest.mark.parametrize("name", sorted(n for n, (p, c) in EXPECTED.items() if p is None))
def test_each_unclaimed_sample_is_an_unknown_format(name: str) -> None:
    with pytest.raises(UnknownFormat):
        detect(read_sample(SAMPLES / "csv" / name))


def test_a_renamed_column_names_the_closest_profile_and_the_difference(tmp_path: Path) -> None:
    path = tmp_path / "renamed.csv"
    path.write_text(
        '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Debet/Credit";'
        '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n',
        encoding="utf-8",
    )
    with pytest.raises(UnknownFormat) as error:
        detect(read_sample(path))
    assert "closest is ING CSV (semicolon, 11 columns)" in str(error.value)
    assert "missing 'Af Bij'; unexpected 'Debet/Credit'" in str(error.value)
