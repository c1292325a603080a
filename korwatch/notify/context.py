"""The figures an alert email shows, derived from an event's stored payload.

The payload is a snapshot taken when the event was recorded; everything here is computed from it,
so a retry next week renders the same email. The crossing to-do list follows kor-rules.md R3
(deregister at once, VAT from the crossing item, returns from its quarter, input VAT, next year);
the start-of-year eligibility list follows R4 (previous-year test, applying 4 weeks ahead).

Payload keys by kind (each kind's templates may rely on these; others are optional and the
templates test them with `is defined`):
- warning / crossed: business, year, threshold, turnover, headroom, level_amount, before,
  after, item{date, amount, invoice, counterparty, description, source}, provisional,
  detected_at. Optional: `cumulative` + `warn_levels` (the chart; older events lack them),
  `forecast` (from the rules engine; shown as `forecast.year_end`, `forecast.crossing_date`).
- eligibility: business, year, previous_year, previous_turnover, threshold, eligible,
  provisional. Optional: `reason`.
- eukor-crossed (alerts.eukor_payload): business, year, limit, turnover, over, before, after,
  item{... as above, plus country: a code, or "EU?" when no rule named it}, per_state
  [{country, turnover}], notify_by, notify_overdue, notice_working_days, quarter, quarter_due,
  quarter_overdue, next_year, in_kor, nl_threshold, nl_kor_ended, provisional, detected_at.
- source-stale: business, source, since, days. source-failing: business, source, since,
  failures, error. delivery-failed: business, subject, error, failed_kind. Optional: `cause`
  ("build": the alert's email could not be made, so it is not retried).
- consent-expiring (alerts/consent.py): business, source, bank, valid_until, days_left, command.
  needs-consent: business, source, bank, valid_until, reason, since, command. history-gap:
  business, source, bank, account, first_day, last_day, served_from (None: the bank sent no
  entry), command (the import to run).
- digest: business, year, threshold, turnover, headroom, level, provisional, detected_at (the
  status data of status.py). Optional: `week`, `cumulative`, `warn_levels`, `forecast`,
  `new_items`, `crossing` (None before a crossing), `sources` [{source, last_success_at,
  last_error}].
Derived here: `percent` and `over` (how far above the threshold) wherever turnover and threshold
are known, `todo` for crossed and eligibility, `months` wherever `cumulative` is present.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from korwatch.alerts.series import monthly_rows
from korwatch.models import cents, money
from korwatch.notify.render import inert
from korwatch.tax.vat import vat_included, vat_on_top

CROSSED_KINDS = ("crossed", "office-crossed")  # the client's crossing, and the office's copy
APPLY_LEAD_DAYS = 29  # kor-rules.md R4.2: at least 4 weeks; the Belastingdienst says 3 December


def alert_context(payload: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = inert(payload)
    if "threshold" in facts and "turnover" in facts:
        turnover, threshold = Decimal(facts["turnover"]), Decimal(facts["threshold"])
        facts["percent"] = percent_of(turnover, threshold)
        facts["over"] = str(max(Decimal("0.00"), turnover - threshold))  # above the threshold
    if facts["kind"] in CROSSED_KINDS:
        facts["todo"] = crossing_todo(
            date.fromisoformat(facts["item"]["date"]), Decimal(facts["item"]["amount"])
        )
    if facts["kind"] == "eligibility":
        facts["todo"] = eligibility_todo(int(facts["year"]), bool(facts["eligible"]))
    if "forecast" not in facts and "projection" in facts:  # a digest carries status data
        facts["forecast"] = facts["projection"]
    if "forecast" in facts:
        facts["forecast"] = _forecast(facts["forecast"], facts.get("level") == "crossed")
    if "cumulative" in facts and "year" in facts:
        facts["months"] = monthly_rows(
            int(facts["year"]), facts["cumulative"], shown_through(facts, int(facts["year"]))
        )
    return facts


def shown_through(facts: dict[str, Any], year: int) -> date:
    """The table runs to the month the event was detected in (or the whole of a past year)."""
    detected = facts.get("detected_at")
    if not detected:
        return date(year, 12, 31)
    return min(date.fromisoformat(str(detected)[:10]), date(year, 12, 31))


def _forecast(value: Any, crossed: bool) -> dict[str, Any] | None:
    """The rules engine's projection reduced to what the emails show: `year_end` (money) and
    `crossing_date` (ISO date or None). A projection without a year-end figure is dropped, and
    so is an expected crossing once the real one happened."""
    if not isinstance(value, dict) or value.get("method") == "closed-year":
        return None
    year_end = value.get("year_end") or value.get("projected") or value.get("turnover")
    if year_end is None:
        return None
    crossing = None if crossed else value.get("crossing_date") or value.get("crosses_on")
    return {"year_end": str(year_end), "crossing_date": crossing}


def percent_of(turnover: Decimal, threshold: Decimal) -> str:
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
        # The general rate on the crossing date (vat.py knows when rates change).
        "vat_on_top": money(vat_on_top(cents(amount), "general", crossing_date)),
        "vat_included": money(vat_included(cents(amount), "general", crossing_date)),
        "excluded_year": year + 1,
        "reentry_year": year + 2,
        "apply_by": date(year + 1, 12, 3).isoformat(),
    }


def eligibility_todo(year: int, eligible: bool) -> dict[str, Any]:
    """What the start of `year` means for the KOR (R3.5, R4.1, R4.2, R4.5).

    Eligible: participation continues by itself; someone not in the KOR can still join from the
    next quarter by applying 4 weeks before it starts. Not eligible: the earliest start is
    1 January of the next year, applied for by 3 December of this year.
    """
    next_quarter = date(year, 4, 1)
    return {
        "next_quarter": next_quarter.isoformat(),
        "next_quarter_apply_by": (next_quarter - timedelta(days=APPLY_LEAD_DAYS)).isoformat(),
        "earliest_reentry": date(year + 1, 1, 1).isoformat(),
        "apply_by": date(year, 12, 3).isoformat(),
        "next_year": year + 1,
    }
