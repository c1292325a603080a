"""`korwatch report` holds the comparison, and after a crossing what it changes in euros."""

from __future__ import annotations

import re

from tests.advice.ledgers import crossing_csv, photographer_csv
from tests.conftest import Workspace

NOW = "2026-11-26T12:00:00+01:00"


def _report(workspace: Workspace, csv: str, language: str) -> str:
    path = workspace.drop("ing-2026.csv", csv)
    assert workspace.run("import", str(path), "-q", now=NOW)[0] == 0
    out = workspace.root / f"report-{language}.html"
    code, _, err = workspace.run("report", "--lang", language, "--out", str(out), now=NOW)
    assert code == 0, err
    return out.read_text(encoding="utf-8")


def _section(page: str) -> str:
    found = re.search(r'<section id="advice">(.*?)</section>', page, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_the_report_weighs_staying_against_leaving_in_dutch(workspace: Workspace) -> None:
    """The photographer without the camera (test_scenarios.py): staying pays, 413.61."""
    section = _section(_report(workspace, photographer_csv(), "nl"))
    assert "Is de KOR nog de moeite waard?" in section
    assert "In de KOR blijven loont: afmelden per 1 januari 2027 kost in 2027 ongeveer € 414" in (
        section
    )
    assert "Laatste dag om je af te melden per 1 januari 2027: 3 december 2026" in section
    assert "buitenlandse software (btw verlegd)" in section  # the costs it rests on, in Dutch


def test_the_report_weighs_staying_against_leaving_in_english(workspace: Workspace) -> None:
    section = _section(_report(workspace, photographer_csv(), "en"))
    assert "Staying in the KOR pays: leaving from 1 January 2027 would cost about €414" in section
    assert "What would turn it around" in section and "What is uncertain" in section
    assert "<script" not in section


def test_after_a_crossing_the_report_says_what_it_changes_in_euros(workspace: Workspace) -> None:
    section = _section(_report(workspace, crossing_csv(), "en"))
    assert "The KOR ended with the crossing of 14 September 2026" in section
    assert "about €221 on 2 purchases since 14 September 2026" in section
    assert "VAT €105.00 on top, or €86.78 inside" in section
    assert "earliest re-entry is 1 January 2028" in section
