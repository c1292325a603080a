"""Golden files: each CSV fixture parses to exactly the records checked in beside it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

# The generator lives beside the fixtures (tests/fixtures is not a package): load it by path.
_SPEC = importlib.util.spec_from_file_location("make_goldens", FIXTURES / "csv" / "make_goldens.py")
assert _SPEC is not None and _SPEC.loader is not None
_GOLDENS = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_GOLDENS)
SOURCES, golden_path, records_of = _GOLDENS.SOURCES, _GOLDENS.golden_path, _GOLDENS.records_of


def test_every_fixture_has_a_golden_file() -> None:
    assert SOURCES
    assert all(golden_path(path).is_file() for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_fixture_parses_to_its_golden_records(path: Path) -> None:
    expected = json.loads(golden_path(path).read_text(encoding="utf-8"))
    assert records_of(path) == expected
