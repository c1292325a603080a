"""`korwatch status` for an office: sorted by risk, one line per business beyond a handful,
filtered by level and share, as a table, JSON or CSV; the details with --business."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from korwatch.cli import main
from tests.helpers import clients_config

NOW = "2026-06-30T12:00:00+02:00"
CLIENTS: dict[str, int | None] = {
    "rustig": 3000,  # 15 %
    "storing": None,  # its source fails
    "prognose": 11000,  # 55 %, expected to cross in November
    "warm": 15500,  # 77.5 %
    "heet": 18600,  # 93 %
    "over": 21000,  # crossed
    "laag": 1000,  # 5 %
}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("office")
    email = f'backend = "file"\ndir = "{root / "mail"}"'
    path = clients_config(root, CLIENTS, email)
    with _clock():
        assert main(["scan", "-q", "-c", str(path)]) == 1  # the failing source
    return path


@contextlib.contextmanager
def _clock() -> Iterator[None]:
    os.environ["KORWATCH_NOW"] = NOW
    os.environ["KORWATCH_CHART_IN_PROCESS"] = "1"
    try:
        yield
    finally:
        del os.environ["KORWATCH_NOW"], os.environ["KORWATCH_CHART_IN_PROCESS"]


def status(config: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with _clock(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["status", *args, "-c", str(config)])
    return code, out.getvalue()


def test_many_businesses_are_one_line_each_most_at_risk_first(office: Path) -> None:
    code, out = status(office)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["BUSINESS", "TURNOVER", "USED", "LEVEL", "ATTENTION"]
    names = [line.split("[")[1].split("]")[0] for line in lines[1:8]]
    assert names == ["over", "heet", "warm", "prognose", "storing", "rustig", "laag"]
    assert "crossed on 2026-" in lines[1] and "CROSSED" in lines[1]
    assert "93,0%" in lines[2] and "over 90%" in lines[2]
    assert "expected to cross on 2026-11-" in lines[4]
    assert "source: directory" in lines[5]
    assert lines[-1] == "7 businesses, most at risk first; details: --business ID"
    assert "PROVISIONAL" not in out  # no detail blocks


def test_one_business_shows_its_details(office: Path) -> None:
    code, out = status(office, "--business", "prognose")
    assert code == 0
    assert out.splitlines()[0].split()[0] == "BUSINESS" and "HEADROOM" in out.splitlines()[0]
    assert "projection (run-rate)" in out and "crossing expected on 2026-11-" in out


def test_level_and_share_filter_every_format(office: Path) -> None:
    _, crossed = status(office, "--level", "crossed", "--format", "json")
    assert [item["id"] for item in json.loads(crossed)["businesses"]] == ["over"]
    _, warning_or_ok = status(office, "--level", "warning", "--level", "ok", "--json")
    ids = [item["id"] for item in json.loads(warning_or_ok)["businesses"]]
    assert ids == ["rustig", "storing", "prognose", "warm", "heet", "laag"]  # the config's order
    _, over = status(office, "--over", "75", "--format", "csv")
    assert [row["id"] for row in csv.DictReader(io.StringIO(over))] == ["over", "heet", "warm"]
    _, few = status(office, "--over", "90%")
    assert "details" not in few and "HEADROOM" in few  # two businesses: the detailed view


def test_csv_has_a_header_and_a_row_per_business_by_risk(office: Path) -> None:
    code, out = status(office, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["id"] for row in rows][:3] == ["over", "heet", "warm"]
    heet = rows[1]
    assert (heet["turnover"], heet["percent"], heet["level"]) == ("18600.00", "93.0", "warning")
    assert heet["risks"] == "over-90;forecast;review" and heet["provisional"] == "true"
    assert rows[0]["crossing_date"].startswith("2026-") and rows[0]["risks"].startswith("crossed")
    storing = next(row for row in rows if row["id"] == "storing")
    assert storing["risks"] == "source" and "does not exist" in storing["sources"]


def test_json_without_filters_is_every_business_in_the_config_order(office: Path) -> None:
    _, by_flag = status(office, "--json")
    _, by_format = status(office, "--format", "json")
    assert by_flag == by_format
    assert [item["id"] for item in json.loads(by_flag)["businesses"]] == list(CLIENTS)


def test_a_share_that_is_not_a_percentage_is_a_usage_error(office: Path) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped, contextlib.redirect_stderr(err):
        main(["status", "--over", "lots", "-c", str(office)])
    assert stopped.value.code == 2
    assert '"lots" is not a percentage such as 75' in err.getvalue()


def test_a_filter_that_matches_nothing_says_so_instead_of_an_empty_table(office: Path) -> None:
    code, output = status(office, "--over", "200")
    assert code == 0
    assert output.strip() == "no business matches (--level, --over): 0 of 7"
