"""A year's evaluation boiled down to what status, the web overview and the digests show.

`summarise` turns a full evaluation (a YearState, every record of the year classified) into a
`YearSummary`: the figures and listings that do not depend on today's date, small enough to
store as JSON (alerts/standing.py keeps one per business and year), plus a `detail` dict with
the daily series behind the chart (the digests show it). What depends on today (projection,
eligibility) is derived from two summaries, this year's and last year's, through the same pure
functions a YearState goes through: YearSummary has the figures tax.thresholds.YearFigures
asks for.

Money in the listings is already the contract's string ("21500.00"), exactly as `status --json`
prints it, so a summary read back prints the same bytes as one just computed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from korwatch.alerts.events import item_facts, record_facts
from korwatch.alerts.series import daily_cumulative
from korwatch.models import money
from korwatch.tax.eukor import union_counter
from korwatch.tax.iban_typos import likely_typos
from korwatch.tax.thresholds import YearState
from korwatch.tax.vat import vat_included, vat_on_top
from korwatch.tax.verdict import (
    ADVISER_REVIEW,
    NET_OF_FEES,
    REVIEW,
    UNPAID,
    Classified,
    EuKorSettings,
    RuleSettings,
)

_ITEM_FLAGS = (REVIEW, NET_OF_FEES, UNPAID, ADVISER_REVIEW)


@dataclass(frozen=True)
class YearSummary:
    """One business's year as evaluated, without its items (see the module docstring)."""

    year: int
    threshold_cents: int
    warn_levels: tuple[int, ...]
    turnover_cents: int
    level: str  # "ok", "warning" or "crossed"
    warning_at_cents: int | None
    crossing_date: date | None
    flags: tuple[str, ...]  # the year's own flags (ADVISER_REVIEW after a credit note, T14)
    item_flags: tuple[str, ...]  # these and the items' flags that status lists, sorted
    excluded_cents: int
    counted_items: int
    review_items: int
    month_cents: tuple[int, ...]  # counted turnover per month, by counting date
    record_months: tuple[int, int] | None  # first and last month with a record dated in it
    has_records: bool  # the ledger holds a record dated in this year
    uncertain: tuple[tuple[str, int], ...] = ()  # open points the verdicts rest on, with counts
    listings: dict[str, Any] = field(default_factory=dict)  # crossing, unpaid, unmatched, VAT
    eu_kor: dict[str, Any] | None = None  # the Union counter (tax.eukor), when taking part

    @property
    def crossed(self) -> bool:
        return self.crossing_date is not None

    @property
    def headroom_cents(self) -> int:
        return self.threshold_cents - self.turnover_cents

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "threshold_cents": self.threshold_cents,
            "warn_levels": list(self.warn_levels),
            "turnover_cents": self.turnover_cents,
            "level": self.level,
            "warning_at_cents": self.warning_at_cents,
            "crossing_date": _iso(self.crossing_date),
            "flags": list(self.flags),
            "item_flags": list(self.item_flags),
            "excluded_cents": self.excluded_cents,
            "counted_items": self.counted_items,
            "review_items": self.review_items,
            "month_cents": list(self.month_cents),
            "record_months": None if self.record_months is None else list(self.record_months),
            "has_records": self.has_records,
            "uncertain": [list(pair) for pair in self.uncertain],
            "listings": self.listings,
            "eu_kor": self.eu_kor,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> YearSummary:
        months, crossing = value["record_months"], value["crossing_date"]
        return cls(
            year=int(value["year"]),
            threshold_cents=int(value["threshold_cents"]),
            warn_levels=tuple(int(level) for level in value["warn_levels"]),
            turnover_cents=int(value["turnover_cents"]),
            level=str(value["level"]),
            warning_at_cents=value["warning_at_cents"],
            crossing_date=None if crossing is None else date.fromisoformat(crossing),
            flags=tuple(value["flags"]),
            item_flags=tuple(value["item_flags"]),
            excluded_cents=int(value["excluded_cents"]),
            counted_items=int(value["counted_items"]),
            review_items=int(value["review_items"]),
            month_cents=tuple(int(amount) for amount in value["month_cents"]),
            record_months=None if months is None else (int(months[0]), int(months[1])),
            has_records=bool(value["has_records"]),
            uncertain=tuple((str(point), int(count)) for point, count in value["uncertain"]),
            listings=dict(value["listings"]),
            eu_kor=value["eu_kor"],
        )


def summarise(
    state: YearState, rules: RuleSettings, has_records: bool
) -> tuple[YearSummary, dict[str, Any]]:
    """The summary of a full evaluation of `state.year`, and its `detail` (see `detail_of`)."""
    items = state.items
    flags = set(state.flags)
    for item in items:
        flags.update(flag for flag in item.flags if flag in _ITEM_FLAGS)
    summary = YearSummary(
        year=state.year,
        threshold_cents=state.threshold_cents,
        warn_levels=state.warn_levels,
        turnover_cents=state.turnover_cents,
        level=state.level,
        warning_at_cents=state.warning_at,
        crossing_date=state.crossing_date,
        flags=state.flags,
        item_flags=tuple(sorted(flags)),
        excluded_cents=state.excluded_cents,
        counted_items=sum(1 for item in items if item.counts),
        review_items=sum(1 for item in items if REVIEW in item.flags),
        month_cents=state.month_cents,
        record_months=state.record_months,
        has_records=has_records,
        uncertain=_uncertain(state),
        listings=_listings(state, rules),
        eu_kor=None if rules.eu_kor is None else _eu_kor(state, rules.eu_kor, rules.basis),
    )
    return summary, detail_of(state)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _listings(state: YearState, rules: RuleSettings) -> dict[str, Any]:
    """The crossing and the item lists status shows, in the contract's money strings, and
    credits from IBANs one slip away from a configured one (tax.iban_typos)."""
    year, items = state.year, state.items
    listings: dict[str, Any] = {
        "crossing": None,
        "unpaid_invoices": [
            {**record_facts(i), "invoice": i.record.reference}
            for i in items
            if i.record.kind == "invoice" and UNPAID in i.flags
        ],
        "unmatched_payments": [
            record_facts(i)
            for i in items
            if i.rule == "unmatched-payment" and i.effective_date.year == year
        ],
    }
    # The credits waiting for a person (what the web's review queue lists, alerts/review.py).
    listings["review_queue"] = [_waiting(item) for item in items if REVIEW in item.flags]
    typos = likely_typos(items, rules.own_ibans, rules.private_ibans)
    if typos:
        listings["likely_typos"] = [dataclasses.asdict(typo) for typo in typos]
    crossing = state.crossing
    if crossing is not None:
        item = crossing.item
        listings["crossing"] = {
            **item_facts(item),
            "before": money(crossing.before_cents),
            "after": money(crossing.after_cents),
        }
        listings["crossing_vat"] = {
            "on_top": money(vat_on_top(item.amount_cents, "general", item.effective_date)),
            "included": money(vat_included(item.amount_cents, "general", item.effective_date)),
        }
    return listings


def _waiting(item: Classified) -> dict[str, Any]:
    record = item.record
    return {
        "record": record.id,
        "date": record.date.isoformat(),
        "amount_cents": record.amount_cents,
        "counterparty": record.counterparty_name,
        "iban": record.counterparty_iban,
        "description": record.description,
        "source": record.document_name,
        "invoice": item.invoice,
    }


def _uncertain(state: YearState) -> tuple[tuple[str, int], ...]:
    used: dict[str, int] = {}
    for item in state.items:
        for point in item.uncertain:
            used[point] = used.get(point, 0) + 1
    if state.crossing is not None:
        used.setdefault("U4", 1)  # the crossing item's VAT: on top of its price or inside it
    return tuple(sorted(used.items()))


def _eu_kor(state: YearState, settings: EuKorSettings, basis: str) -> dict[str, Any]:
    """The Union counter without last year's figure (that one is the reader's to add)."""
    counter = union_counter(state, settings, None, basis)
    crossing = counter.crossing
    return {
        "turnover_cents": counter.turnover_cents,
        "limit": money(counter.limit_cents),
        "turnover": money(counter.turnover_cents),
        "per_state": {
            country: money(amount) for country, amount in sorted(counter.per_state_cents.items())
        },
        "crossed": crossing is not None,
        "crossing": None
        if crossing is None
        else {
            "date": crossing.effective_date.isoformat(),
            "amount": money(crossing.amount_cents or crossing.record.amount_cents),
            "before": money(counter.before_cents),
        },
        "notify_by": _iso(counter.notify_by),
        "quarters": [
            {"quarter": q.quarter, "turnover": money(q.turnover_cents), "due": q.due.isoformat()}
            for q in counter.quarters
        ],
        "available_next_year": counter.available_next_year,
    }


def detail_of(state: YearState) -> dict[str, Any]:
    """What the digests show beyond the summary: `cumulative` and `warn_levels` (the chart's
    series, as alerts.series.chart_facts). The report evaluates its one year in full."""
    return {
        "cumulative": daily_cumulative(state),
        "warn_levels": [money(level) for level in state.warn_levels],
    }
