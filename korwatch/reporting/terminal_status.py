"""`korwatch status` for people: one table row per business, then the details (pure: lines);
for many businesses one line each with what needs attention, or CSV.

Amounts are written the way the business's emails write them (Dutch notation by default).
The rules engine's lines (projection, eligibility, flags) come from status_rules.rule_lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from korwatch.notify.context import percent_of
from korwatch.notify.render import format_amount, format_percent
from korwatch.reporting.portfolio import Assessment, client_row
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


OVERVIEW = ("BUSINESS", "TURNOVER", "USED", "LEVEL", "ATTENTION")
CSV_COLUMNS = (
    "id",
    "name",
    "year",
    "turnover",
    "threshold",
    "headroom",
    "percent",
    "level",
    "risks",
    "crossing_date",
    "forecast_date",
    "review_items",
    "sources",
    "provisional",
)


def overview_table(assessments: Sequence[Assessment], style: Style) -> list[str]:
    """One line per business (an office's many clients), in the order given."""
    rows = []
    for assessment in assessments:
        row = client_row(assessment)
        language = assessment.business.language
        rows.append(
            [
                f"{row['name']} [{row['id']}]",
                format_amount(row["turnover"], language),
                f"{format_percent(row['percent'], language)}%",
                style.level(row["level"], row["level"].upper()),
                attention(row),
            ]
        )
    header, *body = table(OVERVIEW, rows, {1, 2})
    return [style.paint(header, "bold"), *body]


def attention(row: Mapping[str, Any]) -> str:
    """What needs attention, in the order of portfolio.RISKS ("" when nothing does)."""
    said = {
        "crossed": f"crossed on {row['crossing_date']}",
        "over-90": "over 90%",
        "over-75": "over 75%",
        "forecast": f"expected to cross on {row['forecast_date']}",
        "source": "source: " + "; ".join(row["sources"]),
        "review": f"{row['review_items']} to review",
    }
    return "; ".join(said[risk] for risk in row["risks"])


def status_csv(assessments: Sequence[Assessment]) -> str:
    """The overview as CSV with a header row (for a spreadsheet), in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for assessment in assessments:
        row = {**client_row(assessment), "year": assessment.standing.year}
        row["risks"] = ";".join(row["risks"])
        row["sources"] = "; ".join(row["sources"])
        row["provisional"] = str(row["provisional"]).lower()
        writer.writerow(["" if row[column] is None else row[column] for column in CSV_COLUMNS])
    return out.getvalue()
