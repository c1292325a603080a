"""Golden files: each CSV fixture (the project's own, or a sample read in place) parses to
exactly the records checked in beside it, each naming the parser that read it."""

from __future__ import annotations

import pytest

from tests.goldens import named_records_of
from tests.samples import Fixture, fixture_params, fixtures

FIXTURES = fixtures("csv")


def test_every_fixture_the_project_wrote_has_a_golden_file() -> None:
    own = [fixture for fixture in FIXTURES if fixture.own]
    assert len(own) >= 6
    assert all(fixture.golden.is_file() for fixture in own)


@pytest.mark.parametrize("fixture", fixture_params(FIXTURES))
def test_fixture_parses_to_its_golden_records(fixture: Fixture) -> None:
    assert named_records_of(fixture.path) == fixture.expected()
