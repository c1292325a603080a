"""Conformance of the MT940 reader over every MT940 sample in MANIFEST.tsv, plus the goldens."""

from __future__ import annotations

import pytest

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.formats.mt940.reader import Mt940Parser
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
)

# Files of the family that hold no MT940 transactions we may count, with the refusal's words.
REFUSED = {
    # MT942 intraday report: MANIFEST counts its 3 entries, but they reappear in the next MT940.
    "mt940/wolph-mbank__mt942.sta": (NotTransactionFile, "MT942 intraday report"),
    # A cut fragment (one :61: and a broken :86:, no :20:/:25:/:60F:/:62F:): MANIFEST counts 1,
    # but without a balance its currency is unknown, and korwatch never guesses a currency.
    "mt940/wolph-selfprovided__sparkassen.sta": (ParseError, "currency of its lines is unknown"),
}


def _transaction_files() -> list[tuple[str, int]]:
    return [(name, count) for name, count in manifest("mt940") if name not in REFUSED]


@needs_samples
def test_the_manifest_lists_every_mt940_sample_file() -> None:
    # The brief spoke of 38; the shared folder and the MANIFEST hold 36 MT940 files.
    on_disk = {f"mt940/{path.name}" for path in files("mt940")}
    assert on_disk == {name for name, _ in manifest("mt940")}
    assert len(on_disk) == 36


@over_samples(("name", "count"), _transaction_files, ids=lambda row: f"{row[0]}-{row[1]}")
def test_each_mt940_sample_parses_into_valid_transactions(name: str, count: int) -> None:
    sample = read_sample(SAMPLES / name)
    assert detect(sample).name == "mt940"
    parsed = list(Mt940Parser().parse(sample))
    assert len(parsed) == count
    assert_valid_transactions(parsed, two_places=False)
    for record in parsed:
        assert isinstance(record, Transaction)
        assert record.value_date is not None
        assert abs((record.booking_date - record.value_date).days) < 190


@needs_samples
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_mt942_and_currencyless_fragments_are_refused_with_a_reason(name: str) -> None:
    error, words = REFUSED[name]
    sample = read_sample(SAMPLES / name)
    assert detect(sample).name == "mt940"  # claimed, so that no other parser misreads it
    with pytest.raises(error, match=words):
        list(Mt940Parser().parse(sample))


@pytest.mark.parametrize("fixture", fixture_params(fixtures("mt940")))
def test_fixture_matches_its_golden_output(fixture: Fixture) -> None:
    assert detect(read_sample(fixture.path)).name == "mt940"
    assert records_of(fixture.path) == fixture.expected()
