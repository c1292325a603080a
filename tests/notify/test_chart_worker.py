"""Chart processes: matplotlib imported once per process, many charts each, and failures kept
to the chart they hit (the email goes without its picture, the others keep theirs)."""

from __future__ import annotations

import email
import email.policy
import signal
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from korwatch.config.load import load_config
from korwatch.config.model import Config
from korwatch.ledger import store as ledger
from korwatch.notify import chart_worker
from korwatch.notify.chart import ChartData, ChartError, render_chart
from korwatch.notify.chart_worker import ChartWorkers
from korwatch.scan import scan
from tests.helpers import Payment, ing_csv

BASE = ChartData(
    year=2026,
    points=[(date(2026, 2, 10), Decimal("7500.00")), (date(2026, 9, 14), Decimal("21000.00"))],
    threshold=Decimal("20000.00"),
    warn_levels=[Decimal("15000.00"), Decimal("18000.00")],
    crossing=(date(2026, 9, 14), Decimal("21000.00"), "factuur 2026-042"),
    through=date(2026, 11, 26),
)
CHARTS = [replace(BASE, points=[(date(2026, 3, n), Decimal(1000 * n))]) for n in range(1, 7)]


@pytest.fixture(autouse=True)
def _chart_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORWATCH_CHART_IN_PROCESS", raising=False)


def test_one_chart_process_draws_many_charts_the_same_as_drawn_here() -> None:
    with ChartWorkers(processes=1) as workers:
        drawn = [workers.draw(data) for data in CHARTS]
        assert len(workers.processes) == 1
        child = workers.processes[0].child
    assert drawn == [render_chart(data) for data in CHARTS]
    assert child.returncode == 0  # ended by the end of its input, not killed


def test_prefetched_charts_are_drawn_side_by_side_and_come_back_to_their_own_email() -> None:
    with ChartWorkers(processes=2) as workers:
        for data in CHARTS:
            workers.prefetch(data)
        assert len(workers.processes) == 2
        drawn = [workers.draw(data) for data in reversed(CHARTS)]
    assert drawn == [render_chart(data) for data in reversed(CHARTS)]


def test_many_full_year_charts_queued_at_once_never_stall_the_sender() -> None:
    """Forty charts of a full year's series (the largest requests) queued in one go: sending
    returns at once and every chart comes back (the pipes never fill up both ways)."""
    year = [(date(2026, 1, 1) + timedelta(days=day), Decimal(60 * day)) for day in range(365)]
    charts = [replace(BASE, points=year, threshold=Decimal(20000 + n)) for n in range(40)]
    with ChartWorkers(processes=2) as workers:
        for data in charts:
            workers.prefetch(data)
        drawn = [workers.draw(data) for data in charts]
    assert len(set(drawn)) == 40 and all(png.startswith(b"\x89PNG") for png in drawn)


def test_charts_are_queued_ahead_only_up_to_a_bound_and_drawn_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A scan of 10,000 clients records 6,000 alerts: their charts are not all held in memory
    at once; the ones beyond the bound are drawn when their email is made."""
    monkeypatch.setattr(chart_worker, "HELD", 2)
    with ChartWorkers(processes=1) as workers:
        for data in CHARTS:
            workers.prefetch(data)
        assert len(workers.waiting) + len(workers.where) + len(workers.done) == 2
        drawn = [workers.draw(data) for data in CHARTS]
    assert drawn == [render_chart(data) for data in CHARTS]


def test_a_chart_that_cannot_be_drawn_fails_alone() -> None:
    impossible = replace(BASE, year=0)  # no year 0 in the calendar
    with ChartWorkers(processes=1) as workers:
        workers.prefetch(impossible)
        workers.prefetch(CHARTS[0])
        with pytest.raises(ChartError, match="ValueError"):
            workers.draw(impossible)
        assert workers.draw(CHARTS[0]) == render_chart(CHARTS[0])
        assert len(workers.processes) == 1


def test_a_chart_process_that_dies_fails_its_charts_and_a_new_one_takes_the_next() -> None:
    with ChartWorkers(processes=1) as workers:
        workers.prefetch(CHARTS[0])
        first = workers.processes[0].child
        first.send_signal(signal.SIGKILL)
        with pytest.raises(ChartError):
            workers.draw(CHARTS[0])
        assert workers.draw(CHARTS[1]) == render_chart(CHARTS[1])
        assert workers.processes[-1].child is not first
        assert first.wait(timeout=5) == -signal.SIGKILL


def test_a_scan_with_many_alerts_draws_them_in_a_few_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve businesses cross in one scan: twelve emails with a chart each, drawn by at most
    one process per CPU, all stopped when the delivery is done."""
    started: list[chart_worker._Process] = []
    real = chart_worker._Process.__init__

    def counting(self: chart_worker._Process, workers: ChartWorkers) -> None:
        real(self, workers)
        started.append(self)

    monkeypatch.setattr(chart_worker._Process, "__init__", counting)
    config = _businesses(tmp_path, 12)
    now = datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))
    connection = ledger.connect(tmp_path / "ledger.sqlite3")
    report = scan(connection, config, now)
    assert len(report.delivery.sent) == 12 and not report.delivery.failed
    assert 1 <= len(started) <= chart_worker.MAX_PROCESSES
    assert all(process.child.returncode == 0 for process in started)
    for path in sorted((tmp_path / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        images = [part for part in message.walk() if part.get_content_type() == "image/png"]
        assert len(images) == 1, path.name


def _businesses(root: Path, count: int) -> Config:
    parts = [f'[email]\nbackend = "file"\ndir = "{root / "mail"}"\n']
    for number in range(count):
        inbox = root / f"inbox{number}"
        inbox.mkdir()
        payments = [
            Payment(date(2026, 1, 5) + timedelta(days=7 * week), Decimal(900 + number), "Klant")
            for week in range(25)
        ]
        (inbox / "export.csv").write_text(ing_csv(payments), encoding="utf-8")
        parts.append(
            f'[[business]]\nid = "b{number}"\nrecipients = ["b{number}@example.nl"]\n'
            f'[[business.source]]\ntype = "directory"\npath = "{inbox}"\nsettle_seconds = 0\n'
        )
    path = root / "korwatch.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return load_config(path, environ={})
