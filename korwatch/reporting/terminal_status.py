"""`korwatch status` for people: one table row per business, then the details (pure: lines).

Amounts are written the way the business's emails write them (Dutch notation by default).
The rules engine's lines (projection, eligibility, flags) come from status_rules.rule_lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from korwatch.notify.context import percent_of
from korwatch.notify.render import format_amount, format_percent
from korwatch.reporting.terminal import Style, table

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
