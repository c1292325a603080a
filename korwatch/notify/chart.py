"""The turnover chart: cumulative turnover through the year against the threshold (PNG bytes).

matplotlib is imported only inside `render_chart`, and emails draw through chart processes
(chart_worker.py), so a daemon never holds it (the idle-memory budget is 60 MB). The figure is
drawn with the object API and the Agg canvas, never pyplot, so no global state or GUI backend
is involved. The PNG carries no timestamp or version metadata, so the same data gives the same
bytes on one installation.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from korwatch.notify.render import format_amount, format_date

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDTH_PX, HEIGHT_PX, DPI = 1200, 560, 200  # shown at 600 x 280 in the email and the report
_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_LABELS = {
    "nl": {
        "turnover": "Omzet (cumulatief)",
        "threshold": "KOR-grens",
        "warning": "Waarschuwing",
        "forecast": "Verwachting",
        "crossed": "overschreden",
    },
    "en": {
        "turnover": "Turnover (cumulative)",
        "threshold": "KOR threshold",
        "warning": "Warning",
        "forecast": "Forecast",
        "crossed": "crossed",
    },
}
TURNOVER, THRESHOLD, WARNING, CROSSING, FORECAST = (
    "#1f5fa8",
    "#b00020",
    "#c77700",
    "#b00020",
    "#777777",
)


@dataclass(frozen=True)
class ChartData:
    year: int
    points: list[tuple[date, Decimal]]  # cumulative turnover at the end of each changed day
    threshold: Decimal
    warn_levels: list[Decimal] = field(default_factory=list)
    crossing: tuple[date, Decimal, str] | None = None  # date, turnover after, label
    forecast: tuple[date, Decimal] | None = None  # projected year-end turnover
    through: date | None = None  # draw the line flat up to this day (today, or year end)
    language: str = "nl"


DRAWING: set[subprocess.Popen[bytes]] = set()  # chart processes running now (chart_worker.py)


def stop_drawing() -> None:
    """Kill the chart processes still running: for a daemon that exits without waiting for
    the job that started them (they would outlive it)."""
    for child in list(DRAWING):
        with contextlib.suppress(OSError):
            child.kill()


class ChartError(Exception):
    """Drawing the chart failed; the email goes out without it (the table stays)."""


def to_json(data: ChartData) -> dict[str, Any]:
    return {
        "year": data.year,
        "points": [[day.isoformat(), str(total)] for day, total in data.points],
        "threshold": str(data.threshold),
        "warn_levels": [str(level) for level in data.warn_levels],
        "crossing": None
        if data.crossing is None
        else [data.crossing[0].isoformat(), str(data.crossing[1]), data.crossing[2]],
        "forecast": None
        if data.forecast is None
        else [data.forecast[0].isoformat(), str(data.forecast[1])],
        "through": None if data.through is None else data.through.isoformat(),
        "language": data.language,
    }


def from_json(value: dict[str, Any]) -> ChartData:
    crossing, forecast, through = value["crossing"], value["forecast"], value["through"]
    return ChartData(
        year=int(value["year"]),
        points=[(date.fromisoformat(day), Decimal(total)) for day, total in value["points"]],
        threshold=Decimal(value["threshold"]),
        warn_levels=[Decimal(level) for level in value["warn_levels"]],
        crossing=None
        if crossing is None
        else (date.fromisoformat(crossing[0]), Decimal(crossing[1]), str(crossing[2])),
        forecast=None
        if forecast is None
        else (date.fromisoformat(forecast[0]), Decimal(forecast[1])),
        through=None if through is None else date.fromisoformat(through),
        language=str(value["language"]),
    )


def render_chart(data: ChartData) -> bytes:
    """The chart as PNG bytes, drawn in this process."""
    _font_cache_in_state_dir()
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415 - lazy on purpose
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _draw(axes, data)
    figure.tight_layout(pad=0.4)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _font_cache_in_state_dir() -> None:
    """Under systemd the home directory may be read-only: keep matplotlib's font cache (built
    once, slow) in the service's state directory instead of rebuilding it on every start."""
    state = os.environ.get("STATE_DIRECTORY")
    if state and "MPLCONFIGDIR" not in os.environ:
        folder = Path(state.split(":")[0]) / "matplotlib"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(folder)


def _draw(axes: Any, data: ChartData) -> None:
    labels = _LABELS.get(data.language, _LABELS["en"])
    start, end = date(data.year, 1, 1), date(data.year, 12, 31)
    days, totals = _step(data, start)
    axes.fill_between(days, totals, step="post", color=TURNOVER, alpha=0.12, linewidth=0)
    axes.step(days, totals, where="post", color=TURNOVER, linewidth=1.6, label=labels["turnover"])
    axes.axhline(float(data.threshold), color=THRESHOLD, linewidth=1.4)
    _line_label(axes, end, data.threshold, f"{labels['threshold']} {_euro(data.threshold, data)}")
    for level in data.warn_levels:
        axes.axhline(float(level), color=WARNING, linewidth=1.0, linestyle="--")
        _line_label(axes, end, level, f"{labels['warning']} {_euro(level, data)}", WARNING)
    if data.forecast is not None and days:
        axes.plot(
            [days[-1], data.forecast[0]],
            [totals[-1], float(data.forecast[1])],
            color=FORECAST,
            linestyle=":",
            linewidth=1.4,
            label=f"{labels['forecast']} {_euro(data.forecast[1], data)}",
        )
    if data.crossing is not None:
        _mark_crossing(axes, data, data.crossing, labels["crossed"])
    _axes_style(axes, data, start, end)


def _step(data: ChartData, start: date) -> tuple[list[date], list[float]]:
    days = [start] + [day for day, _ in data.points]
    totals = [0.0] + [float(total) for _, total in data.points]
    through = data.through
    if through is not None and through.year == data.year and days[-1] < through:
        days.append(through)
        totals.append(totals[-1])
    return days, totals


def _mark_crossing(
    axes: Any, data: ChartData, crossing: tuple[date, Decimal, str], word: str
) -> None:
    day, total, label = crossing
    axes.plot([day], [float(total)], marker="o", markersize=6, color=CROSSING, zorder=5)
    text = f"{word} {format_date(day, data.language)}" + (f"\n{label}" if label else "")
    left = day.month >= 7  # put the note on the side with room for it
    axes.annotate(
        text,
        xy=(day, float(total)),
        xytext=(-10 if left else 10, 6),
        textcoords="offset points",
        ha="right" if left else "left",
        va="bottom",
        fontsize=6.5,
        color=CROSSING,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": CROSSING},
        zorder=6,
    )


def _line_label(axes: Any, end: date, value: Decimal, text: str, color: str = THRESHOLD) -> None:
    axes.annotate(
        text,
        xy=(end, float(value)),
        xytext=(-2, 2),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=6.5,
        color=color,
    )


def _axes_style(axes: Any, data: ChartData, start: date, end: date) -> None:
    months = _MONTHS.get(data.language, _MONTHS["en"])
    ticks = [date(data.year, month, 1) for month in range(1, 13)]
    axes.set_xticks(ticks, labels=list(months), fontsize=6.5)
    axes.set_xlim(start, end + timedelta(days=1))
    top = max([data.threshold, *(total for _, total in data.points)])
    if data.forecast is not None:
        top = max(top, data.forecast[1])
    axes.set_ylim(0, float(top) * 1.22)  # room above the threshold for the crossing note
    axes.yaxis.set_major_formatter(lambda value, _pos: _euro(Decimal(int(value)), data, 0))
    axes.tick_params(axis="y", labelsize=6.5)
    axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="upper left", fontsize=6.5, frameon=False)


def _euro(value: Decimal, data: ChartData, places: int = 0) -> str:
    """Whole euros on the chart ('€ 20.000'): cents would only clutter the axis."""
    text = format_amount(value.quantize(Decimal(1)), data.language)
    return text[: -len(",00")] if places == 0 else text
