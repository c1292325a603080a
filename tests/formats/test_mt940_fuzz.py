"""Property tests: mutated, truncated or random MT940 input ends in ParseError or valid records."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.errors import ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.mt940.reader import Mt940Parser
from korwatch.models import Transaction
from tests.samples import fixtures, needs_samples


@functools.cache
def _seeds() -> list[bytes]:
    """The MT940 documents that have goldens (real samples): read when a test first runs."""
    return sorted(fixture.path.read_bytes() for fixture in fixtures("mt940"))


SEEDS = st.deferred(lambda: st.sampled_from(_seeds()))
ALPHABET = st.sampled_from(list(b":/-{}\r\n 0123456789CDRNTFS,.>?ABEUR"))


def _outcome(directory: Path, data: bytes) -> None:
    """Parse `data`; only ParseError may escape, and every record must hold the invariants."""
    path = directory / "fuzz.sta"
    path.write_bytes(data)
    try:
        records = list(Mt940Parser().parse(read_sample(path)))
    except ParseError:
        return
    for record in records:
        assert isinstance(record, Transaction)
        assert isinstance(record.amount, Decimal)
        assert record.amount == record.amount.quantize(Decimal("0.01"))
        assert len(record.currency) == 3


@needs_samples
@pytest.mark.timeout(30)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=SEEDS,
    cut=st.integers(min_value=0, max_value=4000),
    position=st.integers(min_value=0, max_value=4000),
    inserted=st.lists(ALPHABET, max_size=6).map(bytes),
)
def test_mutated_or_truncated_fixture_parses_or_fails_cleanly(
    tmp_path_factory: pytest.TempPathFactory, seed: bytes, cut: int, position: int, inserted: bytes
) -> None:
    mutated = seed[:position] + inserted + seed[position + len(inserted) :]
    _outcome(tmp_path_factory.mktemp("fuzz"), mutated[: max(cut, 1)])


@pytest.mark.timeout(30)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(ALPHABET, max_size=300).map(bytes))
def test_random_tag_soup_parses_or_fails_cleanly(
    tmp_path_factory: pytest.TempPathFactory, body: bytes
) -> None:
    head = b":20:X\n:25:NL20INGB0001234567\n:60F:C240101EUR1,00\n:61:"
    _outcome(tmp_path_factory.mktemp("soup"), head + body)
