"""Colour and progress only where a person is looking: a terminal, without NO_COLOR."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from korwatch.reporting.terminal import Progress, Style, colour_enabled, estimate_records, table


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_enabled(FakeTerminal()) is True
    assert colour_enabled(io.StringIO()) is False


def test_no_color_turns_colour_off_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_enabled(FakeTerminal()) is False


def test_style_leaves_text_alone_when_disabled() -> None:
    assert Style(False).level("crossed", "CROSSED") == "CROSSED"
    assert Style(True).level("crossed", "CROSSED") == "\x1b[31;1mCROSSED\x1b[0m"


def test_table_aligns_coloured_cells_by_their_visible_width() -> None:
    style = Style(True)
    lines = table(("A", "AMOUNT"), [[style.paint("x", "red"), "€ 1,00"], ["yy", "€ 10,00"]], {1})
    assert [len(line.replace("\x1b[31mx\x1b[0m", "x")) for line in lines] == [11, 11, 11]
    assert lines[1].endswith(" € 1,00") and lines[2].endswith("€ 10,00")


def test_a_disabled_progress_bar_writes_nothing() -> None:
    stream = io.StringIO()
    bar = Progress(stream, enabled=False)
    bar.start("big.csv", 10)
    bar.update(5)
    bar.finish()
    assert stream.getvalue() == ""


def test_the_bar_never_claims_done_before_the_end_and_is_cleared_after() -> None:
    stream = FakeTerminal()
    bar = Progress(stream, enabled=True)
    bar.start("big.csv", 100)
    bar.update(250)  # more records than the estimate: still 99 %
    assert "99%" in stream.getvalue() and "250 records" in stream.getvalue()
    bar.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_only_line_based_exports_get_an_estimate(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("header\n1\n2\n3\n")
    xml = tmp_path / "a.xml"
    xml.write_text("<a>\n<b/>\n</a>\n")
    assert estimate_records(csv) == 3
    assert estimate_records(xml) is None
