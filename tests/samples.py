"""Where the real bank samples are, and how a test says that it reads them.

The samples are third-party files (their origins and licences in MANIFEST.tsv beside them) that
this repository does not hold: tests read them in place from `$KORWATCH_SAMPLES`, else from
`../shared/samples` beside the checkout. A test that reads them carries the `needs_samples`
mark (parametrised ones get it from `over_samples` or `fixture_params`). Without the folder such
a test is skipped with MISSING, and under CI=true a missing folder stops the run instead
(tests/conftest.py), so that CI never silently runs less.

Golden files (`tests/fixtures/FOLDER/NAME.golden.json`) are the project's own: the expected
records of NAME, which is either a fixture the project wrote (beside the golden) or a sample.

Nothing here reads the samples folder at import time: collecting the tests works without it.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
_DEFAULT = REPO.parent / "shared" / "samples"
SAMPLES = Path(os.environ.get("KORWATCH_SAMPLES") or _DEFAULT)
_SHOWN = "../shared/samples" if SAMPLES == _DEFAULT else str(SAMPLES)
MISSING = f"real bank samples not found at {_SHOWN}; set KORWATCH_SAMPLES"
GOLDEN = ".golden.json"
# The folders under tests/fixtures that hold goldens, and the ones that do not hold documents.
FIXTURE_FOLDERS = ("camt", "csv", "mt940", "ofx", "xaf")
_NOT_DOCUMENTS = (".json", ".md", ".py")

needs_samples = pytest.mark.needs_samples
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def available() -> bool:
    """True when the samples folder is there (its MANIFEST.tsv names every sample)."""
    return (SAMPLES / "MANIFEST.tsv").is_file()


def ci_requires_samples() -> bool:
    """Under CI (CI=true, as most CI services set it) the samples must be there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@functools.cache
def _by_name() -> dict[str, Path]:
    return {path.name: path for path in SAMPLES.rglob("*") if path.is_file()}


def sample_named(name: str) -> Path:
    """The sample called `name`, in whichever sub-folder of the samples it is."""
    found = _by_name().get(name)
    assert found is not None, f"no sample {name} in {SAMPLES}"
    return found


def manifest(*folders: str) -> list[tuple[str, int]]:
    """(file, n_transactions) of the MANIFEST rows in `folders`; empty without the samples."""
    if not available():
        return []
    with (SAMPLES / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        (row["file"], int(row["n_transactions"]))
        for row in rows
        if row["file"].split("/", 1)[0] in folders
    ]


def files(*folders: str) -> list[Path]:
    """Every sample file in `folders`, sorted; empty without the samples."""
    if not available():
        return []
    return sorted(path for folder in folders for path in (SAMPLES / folder).iterdir())


def over_samples(
    argnames: str | Sequence[str],
    values: Callable[[], Sequence[T]],
    ids: Callable[[T], str] = str,
) -> Callable[[F], F]:
    """Parametrise a test over `values()`, read from the samples, and mark it needs_samples.

    Without the samples `values` is never called and the test has one case, skipped with
    MISSING, so that collection does not fail and the skip is counted."""
    names = [argnames] if isinstance(argnames, str) else list(argnames)

    def decorate(test: F) -> F:
        if available():
            cases = [_param(value, len(names), ids(value)) for value in values()]
        else:
            cases = [pytest.param(*[None] * len(names), id="samples-missing")]
        return needs_samples(pytest.mark.parametrize(names, cases)(test))  # type: ignore[no-any-return]

    return decorate


def _param(value: Any, arity: int, case_id: str) -> Any:
    return pytest.param(*(value if arity > 1 else (value,)), id=case_id)


@dataclass(frozen=True)
class Fixture:
    """A document the tests compare with a golden: the project's own file or a sample."""

    folder: str  # under tests/fixtures: camt, csv, mt940, ofx, xaf
    name: str

    @property
    def golden(self) -> Path:
        return FIXTURES / self.folder / (self.name + GOLDEN)

    @property
    def own(self) -> bool:
        """True for a fixture the project wrote (it sits beside its golden)."""
        return (FIXTURES / self.folder / self.name).is_file()

    @property
    def path(self) -> Path:
        """The file to read: the project's fixture, else the sample of that name."""
        return FIXTURES / self.folder / self.name if self.own else sample_named(self.name)

    def expected(self) -> Any:
        """The golden's records."""
        return json.loads(self.golden.read_text(encoding="utf-8"))


def fixtures(*folders: str) -> list[Fixture]:
    """Every golden's document in `folders` (all when none given), and every file the project
    wrote there, sorted by folder and name."""
    found: set[Fixture] = set()
    for folder in folders or FIXTURE_FOLDERS:
        for path in (FIXTURES / folder).iterdir():
            if path.name.endswith(GOLDEN):
                found.add(Fixture(folder, path.name.removesuffix(GOLDEN)))
            elif not path.name.endswith(_NOT_DOCUMENTS):
                found.add(Fixture(folder, path.name))
    return sorted(found, key=lambda fixture: (fixture.folder, fixture.name))


def fixture_params(fixtures: Sequence[Fixture], *extra: Any, suffix: str = "") -> list[Any]:
    """pytest params of `fixtures` (with `extra` values after each), id'd by name and `suffix`;
    the ones that are samples are marked needs_samples, so that only they skip without them."""
    return [
        pytest.param(
            fixture,
            *extra,
            id=fixture.name + suffix,
            marks=() if fixture.own else needs_samples,
        )
        for fixture in fixtures
    ]
