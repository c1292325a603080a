"""Shared test helpers: where the real sample files are, and small builders."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# The real sample files are read in place from ../shared/samples (CI has ../shared beside the
# checkout); the permissively licensed ones are also copied under tests/fixtures.
SAMPLES = REPO.parent / "shared" / "samples"


@pytest.fixture
def samples() -> Path:
    assert SAMPLES.is_dir(), f"the shared samples are missing: {SAMPLES}"
    return SAMPLES
