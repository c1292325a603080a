"""Every parser, fed hostile examples (tests/formats/hostile.py), imports or refuses each one:
never another exception, an "internal error", a raw control character in the message, or a hang.

A few examples per parser here; `benchmarks/fuzz.py` runs 10,000 per parser and counts crashes
and hangs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.formats.detect import PARSERS
from tests.formats.hostile import SPECIALS, Importer, hostile_name, mutate, seeds
from tests.samples import needs_samples

T = TypeVar("T")


class Drawn:
    """A Chooser that draws from hypothesis, so that a failing example shrinks."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def pick(self, options: Sequence[T]) -> T:
        return self.data.draw(st.sampled_from(options))


@needs_samples
def test_every_parser_has_a_seed_to_mutate() -> None:
    assert sorted(name for name, files in seeds().items() if files) == sorted(PARSERS)


@needs_samples
@pytest.mark.timeout(120)
@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_hostile_example_is_imported_or_refused(
    tmp_path: Path, parser: str, data: st.DataObject
) -> None:
    choose = Drawn(data)
    content = mutate(choose.pick(seeds()[parser]), choose)
    name = hostile_name(choose)
    special = data.draw(st.none() | st.sampled_from(SPECIALS))
    outcome = Importer(tmp_path / "fuzz").run(parser, content, name, special)
    assert outcome in ("imported", "refused", "unreadable")
