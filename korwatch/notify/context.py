"""The figures an alert email shows, derived from an event's stored payload.

The payload is a snapshot taken when the event was recorded; everything here is computed from it,
so a retry next week renders the same email. The crossing to-do list follows kor-rules.md R3
(deregister at once, VAT from the crossing item, returns from its quarter, input VAT, next year).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from korwatch.notify.render import inert

GENERAL_VAT = Decimal("0.21")
CENT = Decimal("0.01")


def alert_context(payload: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = inert(payload)
    threshold = Decimal(facts["threshold"])
    turnover = Decimal(facts["turnover"])
    facts["percent"] = _percent(turnover, threshold)
    if facts["kind"] == "crossed":
        facts["todo"] = crossing_todo(
            date.fromisoformat(facts["item"]["date"]), Decimal(facts["item"]["amount"])
        )
    return facts


def _percent(turnover: Decimal, threshold: Decimal) -> str:
    if threshold <= 0:
        return "0"
    return str((turnover * 100 / threshold).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def crossing_todo(crossing_date: date, amount: Decimal) -> dict[str, Any]:
    """The dates and figures of what to do after a crossing (R3.1-R3.5, U4)."""
    year = crossing_date.year
    quarter = (crossing_date.month - 1) // 3 + 1
    return {
        "end_date": crossing_date.isoformat(),
        "quarter": quarter,
        "quarter_year": year,
        "vat_on_top": str((amount * GENERAL_VAT).quantize(CENT, rounding=ROUND_HALF_UP)),
        "vat_included": str((amount * 21 / 121).quantize(CENT, rounding=ROUND_HALF_UP)),
        "excluded_year": year + 1,
        "reentry_year": year + 2,
        "apply_by": date(year + 1, 12, 3).isoformat(),
    }
