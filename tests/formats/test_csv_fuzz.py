"""Mutated and truncated CSV inputs end in ParseError or valid records, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.errors import ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from tests.samples import FIXTURES, SAMPLES, needs_samples

# The project's own fixtures and real bank samples (read in place, hence needs_samples).
SEEDS = [
    *(FIXTURES / "csv" / name for name in ("ing_current_nl.csv", "bunq_wrapped.csv")),
    FIXTURES / "csv" / "invoices_en.csv",
    *(
        SAMPLES / "csv" / name
        for name in (
            "ynabgoingdutch__ing.csv",
            "bank2ynab__CSV_A_20180414_112204.csv",
            "denilsonsa-abn__TXT_SAMPLE.TAB",
            "ynabgoingdutch__knab.csv",
            "ynabgoingdutch__asn.csv",
            "ynabgoingdutch__triodos.csv",
            "banana-universal__ch.banana.wise.transactions.business.fee.separate1_20230105.csv",
        )
    ),
]


def _read_all(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    sample = read_sample(path)
    try:
        parser = detect(sample)
        for _ in parser.parse(sample):
            pass
    except ParseError:
        pass


@needs_samples
@pytest.mark.timeout(30)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.sampled_from(SEEDS),
    position=st.floats(min_value=0, max_value=1),
    junk=st.binary(max_size=8),
    cut=st.booleans(),
)
def test_mutated_csv_files_fail_only_with_parse_error(
    tmp_path: Path, seed: Path, position: float, junk: bytes, cut: bool
) -> None:
    data = seed.read_bytes()
    at = int(len(data) * position)
    mutated = data[:at] if cut else data[:at] + junk + data[at + len(junk) :]
    _read_all(tmp_path, mutated)


@needs_samples
@pytest.mark.timeout(30)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.sampled_from(SEEDS),
    field=st.sampled_from(["", "abc", "-", "1e5", "NaN", "1,234", "99-99-9999", '"', "\x00", ";"]),
    index=st.integers(min_value=0, max_value=400),
)
def test_a_field_replaced_by_garbage_fails_only_with_parse_error(
    tmp_path: Path, seed: Path, field: str, index: int
) -> None:
    lines = seed.read_bytes().split(b"\n")
    if len(lines) > 2:
        line = lines[1 + index % (len(lines) - 1)]
        for delimiter in (b";", b",", b"\t"):
            parts = line.split(delimiter)
            if len(parts) > 3:
                parts[index % len(parts)] = field.encode()
                lines[1 + index % (len(lines) - 1)] = delimiter.join(parts)
                break
    _read_all(tmp_path, b"\n".join(lines))
