"""`korwatch status` for people: one table row per business, then the details (pure: lines).

Amounts are written the way the business's emails write them (Dutch notation by default).
Keys added to the status data by later features (forecast, eligibility) are shown when present.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from korwatch.notify.context import percent_of
from korwatch.notify.render import format_amount, format_percent
from korwatch.terminal import Style, table

HEADERS = ("BUSINESS", "YEAR", "TURNOVER", "THRESHOLD", "HEADROOM", "USED", "LEVEL")
RIGHT = {1, 2, 3, 4, 5}


def status_table(
    items: Sequence[Mapping[str, Any]], languages: Mapping[str, str], style: Style
) -> list[str]:
    rows = [_row(item, languages.get(str(item["id"]), "nl"), style) for item in items]
    header, *body = table(HEADERS, rows, RIGHT)
    return [style.paint(header, "bold"), *body]


def _row(item: Mapping[str, Any], language: str, style: Style) -> list[str]:
    percent = percent_of(Decimal(item["turnover"]), Decimal(item["threshold"]))
    level = str(item["level"])
    label = level.upper() + (" (provisional)" if item["provisional"] else "")
    return [
        f"{item['name']} [{item['id']}]",
        str(item["year"]),
        format_amount(item["turnover"], language),
        format_amount(item["threshold"], language),
        format_amount(item["headroom"], language),
        f"{format_percent(percent, language)}%",
        style.level(level, label),
    ]


def detail_lines(item: Mapping[str, Any], language: str) -> list[str]:
    """The forecast and the eligibility, when the status data has them."""
    lines: list[str] = []
    forecast = item.get("forecast")
    if isinstance(forecast, Mapping) and forecast.get("year_end") is not None:
        line = f"forecast for the year: {format_amount(forecast['year_end'], language)}"
        if forecast.get("crossing_date"):
            line += f", crossing expected on {forecast['crossing_date']}"
        lines.append(line)
    eligibility = item.get("eligibility")
    if isinstance(eligibility, Mapping) and "eligible" in eligibility:
        verdict = "eligible" if eligibility["eligible"] else "not eligible"
        reason = eligibility.get("reason") or ""
        lines.append(f"KOR next year: {verdict}" + (f" ({reason})" if reason else ""))
    return lines
