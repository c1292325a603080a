"""The repository holds only what this project wrote: the real samples are read in place, each
golden names a document that exists, and the tests run (or skip, saying why) without them."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.samples import (
    FIXTURE_FOLDERS,
    REPO,
    SAMPLES,
    Fixture,
    fixture_params,
    fixtures,
    needs_samples,
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@needs_samples
def test_no_file_in_the_repository_is_a_copy_of_a_real_sample() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode("utf-8")
    tracked = [REPO / name for name in listed.split("\0") if name]
    assert any(path.name.endswith(".golden.json") for path in tracked)
    samples = {_sha256(path): path for path in SAMPLES.rglob("*") if path.is_file()}
    copies = [
        f"{path.relative_to(REPO)} = {samples[_sha256(path)].relative_to(SAMPLES)}"
        for path in tracked
        if path.is_file() and _sha256(path) in samples
    ]
    assert copies == []


@pytest.mark.parametrize("fixture", fixture_params(fixtures()))
def test_every_golden_names_a_document_that_exists(fixture: Fixture) -> None:
    # The project's own fixture beside its golden, else a real sample of that name.
    assert fixture.path.is_file()
    assert fixture.golden.is_file()


def test_sample_goldens_carry_the_origin_prefix_and_are_attributed() -> None:
    for folder in FIXTURE_FOLDERS:
        attribution = (REPO / "tests" / "fixtures" / folder / "ATTRIBUTION.md").read_text("utf-8")
        for fixture in fixtures(folder):
            # ORIGIN__NAME is how the shared samples are named; the project's own names are plain.
            assert ("__" in fixture.name) is not fixture.own, fixture.name
            if not fixture.own:
                assert f"| {fixture.name} |" in attribution, fixture.name


def _pytest(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _without_samples(tmp_path: Path, ci: str | None) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    environment["KORWATCH_SAMPLES"] = str(tmp_path / "nowhere")
    if ci is not None:
        environment["CI"] = ci
    return environment


def test_without_the_samples_their_tests_skip_with_the_reason_and_are_counted(
    tmp_path: Path,
) -> None:
    # test_camt.py parametrises over the MANIFEST (collection once failed without it); the
    # golden tests skip only the samples' cases, the project's own fixtures still run.
    result = _pytest(
        _without_samples(tmp_path, None),
        "tests/formats/test_camt.py",
        "tests/formats/test_csv_golden.py",
        "-v",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reason = f"real bank samples not found at {tmp_path / 'nowhere'}; set KORWATCH_SAMPLES"
    summary = [line for line in result.stdout.splitlines() if line.endswith(f"skipped: {reason}")]
    assert len(summary) == 1, result.stdout
    skipped = int(summary[0].split()[0])
    # Every skip is for that reason: the camt MANIFEST's cases (one placeholder without it), the
    # goldens of samples and the tests that read samples; the project's own goldens passed.
    assert re.search(rf"\b(\d+) passed, {skipped} skipped in ", result.stdout), result.stdout
    samples_goldens = [f for f in fixtures("camt", "csv") if not f.own]
    assert skipped > len(samples_goldens) + 1
    own = [f for f in fixtures("csv") if f.own]
    assert f"test_fixture_parses_to_its_golden_records[{own[0].name}] PASSED" in result.stdout


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_under_ci_missing_samples_stop_the_run_with_the_reason(tmp_path: Path, ci: str) -> None:
    result = _pytest(_without_samples(tmp_path, ci), "tests/formats/test_invoicecsv.py")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    reason = f"real bank samples not found at {tmp_path / 'nowhere'}; set KORWATCH_SAMPLES"
    assert f"{reason} (CI=true: the sample tests must run)" in result.stderr
    assert "passed" not in result.stdout
