"""The EU-KOR's Union turnover counter: EUR 100,000 across all member states (R5, T11).

A second counter beside the national one, kept only for businesses that say they take part
(`[business.eu_kor]`). It adds to the Dutch counted turnover the supplies taxed in other member
states (category "foreign-taxed"; a rule's `country` says where). Crossing ends the cross-border
exemption from the crossing supply; the Belastingdienst must hear within 15 working days (U8,
configurable); a quarterly report of Union turnover is due a month after each quarter (R5.2, U8).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from korwatch.tax.thresholds import YearState
from korwatch.tax.verdict import Classified, EuKorSettings

EU_KOR_START = 2025  # the EU-KOR exists from 1 January 2025 (R5)
EU_STATES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


@dataclass(frozen=True)
class QuarterReport:
    quarter: int
    turnover_cents: int
    due: date


@dataclass(frozen=True)
class UnionCounter:
    year: int
    limit_cents: int
    turnover_cents: int
    per_state_cents: dict[str, int]
    crossing: Classified | None
    before_cents: int
    after_cents: int  # Union turnover right after the crossing item (0 without a crossing)
    crossing_country: str  # the member state the crossing item counts for ("" without one)
    notify_by: date | None
    quarters: tuple[QuarterReport, ...]
    available_this_year: bool | None  # None: last year's Union turnover is not known
    available_next_year: bool


def add_working_days(day: date, count: int) -> date:
    """`count` working days (Monday-Friday) after `day`; public holidays are not known here."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def quarter_due(year: int, quarter: int) -> date:
    """One month after the quarter ends: Q3 2026 is due 2026-10-31 (R5.2, U8)."""
    month = quarter * 3 + 1
    if month > 12:
        year, month = year + 1, 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _union_amount(
    item: Classified, year: int, invoiced: Counter[int] | None
) -> tuple[str, int] | None:
    """(member state, amount) that `item` adds to the year's Union turnover, or None.

    What counts in NL counts as NL. A supply taxed in another member state counts as its
    record says, VAT charged there included (nothing tells that rate: an overestimate, to be
    safe), on the business's basis: on the bank basis its payment counts and not its invoice;
    on the invoice basis its invoice counts, and a payment only when no invoice of that amount
    is left for it (`invoiced`: the amounts of the foreign invoices, taken as matched)."""
    if item.effective_date.year != year:
        return None
    if item.counts:
        return "NL", item.amount_cents
    record = item.record
    if item.category != "foreign-taxed" or record.amount_cents <= 0:
        return None
    if record.kind == "invoice":
        if invoiced is None:
            return None  # the bank basis: its payment counts
    elif invoiced is not None and invoiced[record.amount_cents] > 0:
        invoiced[record.amount_cents] -= 1  # the payment of a foreign invoice counted already
        return None
    country = item.country or "EU?"  # unknown country: counted, to be safe
    return (country, record.amount_cents) if country != "NON-EU" else None


def _foreign_invoices(items: Sequence[Classified]) -> Counter[int]:
    """The amounts of the foreign-taxed invoices among `items` (any year: a payment in January
    can be that of a December invoice)."""
    return Counter(
        item.record.amount_cents
        for item in items
        if item.record.kind == "invoice" and item.category == "foreign-taxed"
    )


def union_counter(
    state: YearState,
    settings: EuKorSettings,
    previous_year_cents: int | None,
    basis: str = "bank",
) -> UnionCounter:
    """The Union counter of the year of `state` on the business's `basis` ("bank" or
    "invoices", as RuleSettings.basis)."""
    year, total, before = state.year, 0, 0
    per_state: dict[str, int] = {}
    quarters = [0, 0, 0, 0]
    crossing: Classified | None = None
    after, crossing_country = 0, ""
    invoiced = _foreign_invoices(state.items) if basis == "invoices" else None
    for item in state.items:
        found = _union_amount(item, year, invoiced)
        if found is None or (found[0] not in EU_STATES and found[0] != "EU?"):
            continue
        country, amount = found
        per_state[country] = per_state.get(country, 0) + amount
        quarters[(item.effective_date.month - 1) // 3] += amount
        previous, total = total, total + amount
        if crossing is None and total > settings.limit_cents:
            crossing, before, after, crossing_country = item, previous, total, country
    notify = (
        add_working_days(crossing.effective_date, settings.notice_working_days)
        if crossing
        else None
    )
    this_year = None if previous_year_cents is None else previous_year_cents <= settings.limit_cents
    return UnionCounter(
        year,
        settings.limit_cents,
        total,
        per_state,
        crossing,
        before,
        after,
        crossing_country,
        notify,
        tuple(QuarterReport(q + 1, quarters[q], quarter_due(year, q + 1)) for q in range(4)),
        this_year,
        total <= settings.limit_cents,
    )
