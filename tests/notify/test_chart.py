"""The turnover chart: a PNG of sane size, drawn the same way in a child process."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal

from korwatch.notify import chart
from korwatch.notify.chart import (
    PNG_SIGNATURE,
    ChartData,
    ChartError,
    from_json,
    render_chart,
    to_json,
)
from korwatch.notify.chart_worker import render_chart_isolated

DATA = ChartData(
    year=2026,
    points=[(date(2026, 2, 10), Decimal("7500.00")), (date(2026, 9, 14), Decimal("21000.00"))],
    threshold=Decimal("20000.00"),
    warn_levels=[Decimal("15000.00"), Decimal("18000.00")],
    crossing=(date(2026, 9, 14), Decimal("21000.00"), "factuur 2026-042"),
    forecast=(date(2026, 12, 31), Decimal("24000.00")),
    through=date(2026, 11, 26),
)


def test_the_chart_is_a_png_of_a_sensible_size() -> None:
    png = render_chart(DATA)
    assert png.startswith(PNG_SIGNATURE)
    assert 10_000 < len(png) < 300_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1200, 560)


def test_an_empty_year_still_draws() -> None:
    empty = ChartData(year=2026, points=[], threshold=Decimal("20000.00"))
    assert render_chart(empty).startswith(PNG_SIGNATURE)


def test_the_chart_data_survives_the_trip_to_the_child_process() -> None:
    assert from_json(to_json(DATA)) == DATA


def test_the_child_process_draws_the_same_png() -> None:
    assert render_chart_isolated(DATA) == render_chart(DATA)


def test_sending_a_chart_email_leaves_matplotlib_out_of_the_sending_process() -> None:
    """The daemon's memory: the chart is drawn in a child, so the sender never loads it."""
    script = (
        "import sys, os\n"
        "os.environ.pop('KORWATCH_CHART_IN_PROCESS', None)\n"
        "from korwatch.notify.compose import compose\n"
        "from korwatch.notify.render import environment\n"
        "from korwatch.reporting.samples import sample_payload\n"
        "composed = compose(environment(), 'nl', sample_payload('crossed', 's', 'S'), 'cid:x')\n"
        "print(composed.chart is not None, 'matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True", "False"]


def test_a_chart_process_still_drawing_can_be_stopped() -> None:
    """A daemon that exits without waiting for its job kills the chart process that job
    started (korwatch run, on an abandoned stop), instead of leaving it behind."""
    failures: list[Exception] = []

    def draw() -> None:
        try:
            render_chart_isolated(DATA)
        except ChartError as error:
            failures.append(error)

    drawer = threading.Thread(target=draw)
    drawer.start()
    deadline = time.monotonic() + 30
    while not chart.DRAWING and drawer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    running = list(chart.DRAWING)
    chart.stop_drawing()
    drawer.join(timeout=30)
    assert running, "the chart process was not seen running"
    assert running[0].returncode == -signal.SIGKILL
    assert len(failures) == 1 and not chart.DRAWING
