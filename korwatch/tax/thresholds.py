"""Where a business stands against the KOR threshold in one calendar year (pure).

The state of a year is derived from its classified items, in the order they count (effective
date, then booking order): the running turnover, each warning level passed and the item that
passed it, and the crossing item: the first item after which cumulative turnover is strictly
above the threshold (kor-rules.md R1.2, R9.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Protocol

from korwatch.models import cents
from korwatch.tax.verdict import ADVISER_REVIEW, NEXT_YEAR, Classified, amend, strip_vat

# kor-rules.md R1.1: EUR 20,000 from 2020 through at least 2026.
BUILTIN_THRESHOLDS: dict[int, Decimal] = {year: Decimal("20000.00") for year in range(2020, 2027)}
DEFAULT_WARN_FRACTIONS = (Decimal("0.75"), Decimal("0.90"))
CROSSED = "crossed"


@dataclass(frozen=True)
class Threshold:
    amount_cents: int
    assumed: bool  # True when the year is beyond the built-in table and no override is set


def threshold_for(year: int, overrides: Mapping[int, Decimal]) -> Threshold:
    if year in overrides:
        return Threshold(cents(overrides[year]), False)
    if year in BUILTIN_THRESHOLDS:
        return Threshold(cents(BUILTIN_THRESHOLDS[year]), False)
    nearest = max(BUILTIN_THRESHOLDS) if year > max(BUILTIN_THRESHOLDS) else min(BUILTIN_THRESHOLDS)
    return Threshold(cents(BUILTIN_THRESHOLDS[nearest]), True)


def warn_levels(threshold_cents: int, warn_at: Sequence[Decimal] | None) -> tuple[int, ...]:
    """Warning levels in cents, ascending, below the threshold (default 75 % and 90 %)."""
    if warn_at is None:
        levels = [int(threshold_cents * fraction) for fraction in DEFAULT_WARN_FRACTIONS]
    else:
        levels = [cents(amount) for amount in warn_at]
    return tuple(sorted({level for level in levels if 0 < level <= threshold_cents}))


def level_name(warning_cents: int) -> str:
    return f"warning-{warning_cents // 100}.{warning_cents % 100:02d}"


@dataclass(frozen=True)
class Passage:
    """The item at which turnover reached a warning level or crossed the threshold."""

    level: str  # "warning-15000.00" or "crossed"
    at_cents: int  # the level's amount
    item: Classified
    before_cents: int
    after_cents: int


class YearFigures(Protocol):
    """The few figures of a year that projections and eligibility read: a YearState has them,
    and so has a stored summary of one (alerts/summary.py), so neither needs the year's items.
    """

    @property
    def year(self) -> int: ...
    @property
    def threshold_cents(self) -> int: ...
    @property
    def turnover_cents(self) -> int: ...
    @property
    def flags(self) -> tuple[str, ...]: ...
    @property
    def crossed(self) -> bool: ...
    @property
    def crossing_date(self) -> date | None: ...
    @property
    def month_cents(self) -> tuple[int, ...]: ...
    @property
    def record_months(self) -> tuple[int, int] | None: ...


@dataclass(frozen=True)
class YearState:
    year: int
    threshold_cents: int
    warn_levels: tuple[int, ...]
    turnover_cents: int
    passages: tuple[Passage, ...]
    items: tuple[Classified, ...]  # every item of the year, counted or not, in counting order
    flags: tuple[str, ...] = ()  # year-level flags, e.g. ADVISER_REVIEW (T14)
    excluded_cents: int = 0  # credits of the year that do not count
    peak_cents: int = 0  # the highest cumulative turnover of the year

    @property
    def crossing(self) -> Passage | None:
        return next((p for p in self.passages if p.level == CROSSED), None)

    @property
    def crossed(self) -> bool:
        """Once cumulative turnover went above the threshold the crossing stands (T14, U3)."""
        return self.crossing is not None

    @property
    def crossing_date(self) -> date | None:
        """The day the crossing item counts on (None before a crossing)."""
        crossing = self.crossing
        return None if crossing is None else crossing.item.effective_date

    @property
    def month_cents(self) -> tuple[int, ...]:
        """Counted turnover per month of the year (index 0 = January), by counting date."""
        per_month = [0] * 12
        for item in self.items:
            if item.counts and item.effective_date.year == self.year:
                per_month[item.effective_date.month - 1] += item.amount_cents
        return tuple(per_month)

    @property
    def record_months(self) -> tuple[int, int] | None:
        """The first and last month holding a record dated in the year (None: no record)."""
        months = {
            item.record.date.month for item in self.items if item.record.date.year == self.year
        }
        return (min(months), max(months)) if months else None

    @property
    def warning_at(self) -> int | None:
        warnings = [p.at_cents for p in self.passages if p.level != CROSSED]
        return max(warnings) if warnings else None

    @property
    def level(self) -> str:
        if self.crossed:
            return CROSSED
        return "warning" if self.warning_at is not None else "ok"

    @property
    def headroom_cents(self) -> int:
        return self.threshold_cents - self.turnover_cents


_EFFECTIVE_DATE = attrgetter("effective_date")


def evaluate(
    year: int,
    items: Sequence[Classified],
    threshold_cents: int,
    levels: tuple[int, ...],
    *,
    crossing_stands: bool = True,
) -> YearState:
    """Run the year's items through the threshold and warning levels.

    Items whose record date and counting date both fall outside `year` are left out (callers
    pass adjacent years so that payments and invoices can be matched across New Year). Once the
    threshold is crossed the KOR has ended, so later amounts that include VAT count net of it
    (R2.10, T13). A credit note after the crossing does not undo it (crossing_stands, U3): the
    year is flagged for an adviser. With crossing_stands False the crossing is the item after
    which turnover stays above the threshold to the end of the year.
    """
    # A stable sort on the date alone: ties keep the given order, which is the ledger's booking
    # order (date, then import order); much cheaper than a tuple key on a 100k-record year.
    ordered = sorted(
        (i for i in items if year in (i.effective_date.year, i.record.date.year)),
        key=_EFFECTIVE_DATE,
    )
    cross_at = None if crossing_stands else _lasting_crossing(ordered, year, threshold_cents)
    walk = _Walk(year, threshold_cents, levels, crossing_stands, cross_at)
    final = [walk.step(item) for item in ordered]
    return YearState(
        year,
        threshold_cents,
        levels,
        walk.total,
        tuple(walk.passages),
        tuple(final),
        tuple(sorted(walk.flags)),
        walk.excluded,
        walk.peak,
    )


class _Walk:
    """The running state of one pass over a year's items in counting order."""

    def __init__(
        self,
        year: int,
        threshold_cents: int,
        levels: tuple[int, ...],
        crossing_stands: bool,
        cross_at: int | None,
    ) -> None:
        self.year, self.threshold = year, threshold_cents
        self.pending = list(levels)
        self.crossing_stands, self.cross_at = crossing_stands, cross_at
        self.passages: list[Passage] = []
        self.flags: set[str] = set()
        self.crossed = False
        self.total = self.excluded = self.peak = 0

    def step(self, item: Classified) -> Classified:
        if item.effective_date.year != self.year:
            return amend(item, flags=(*item.flags, NEXT_YEAR)) if item.counts else item
        if not item.counts:
            if item.record.kind == "transaction" and item.record.amount_cents > 0:
                self.excluded += item.record.amount_cents
            return item
        if self.crossed and item.vat_class:
            item = strip_vat(item)  # the KOR has ended: VAT is charged from here on
        if self.crossed and item.amount_cents < 0:
            item = amend(
                item, flags=(*item.flags, ADVISER_REVIEW), uncertain=(*item.uncertain, "U3")
            )
            self.flags.add(ADVISER_REVIEW)
        before, self.total = self.total, self.total + item.amount_cents
        self.peak = max(self.peak, self.total)
        while self.pending and self.total >= self.pending[0]:
            level = self.pending.pop(0)
            self.passages.append(Passage(level_name(level), level, item, before, self.total))
        if not self.crossed and self._crosses(item):
            self.crossed = True
            self.passages.append(Passage(CROSSED, self.threshold, item, before, self.total))
        return item

    def _crosses(self, item: Classified) -> bool:
        if self.crossing_stands:
            return self.total > self.threshold
        return item.record.id == self.cross_at


def _lasting_crossing(ordered: list[Classified], year: int, threshold_cents: int) -> int | None:
    """The id of the item after which turnover stays above the threshold (U3 "recompute")."""
    total, found = 0, None
    for item in ordered:
        if not item.counts or item.effective_date.year != year:
            continue
        total += item.amount_cents
        if total > threshold_cents and found is None:
            found = item.record.id
        elif total <= threshold_cents:
            found = None
    return found


def reported_crossing_stands(
    state: YearState, record_id: int, before_cents: int, after_cents: int
) -> YearState:
    """The year with a crossing reported earlier standing, though the figures no longer show
    it (a decision or a rule took the crossing item or others out): like a credit note after
    the crossing (T14), it does not restore the KOR; the year is flagged for an adviser (U3).

    `record_id` is the crossing item's record; `before_cents` and `after_cents` the turnover
    before and after it as reported. Unchanged when the year is crossed anyway or the record
    is not among its items."""
    if state.crossed:
        return state
    index = next((i for i, item in enumerate(state.items) if item.record.id == record_id), None)
    if index is None:
        return state
    items = list(state.items)
    flagged = amend(
        items[index],
        flags=(*items[index].flags, ADVISER_REVIEW),
        uncertain=(*items[index].uncertain, "U3"),
    )
    items[index] = flagged
    # The passage names the item as it was reported (its amount then), not as it counts now.
    reported = amend(flagged, amount_cents=after_cents - before_cents)
    passage = Passage(CROSSED, state.threshold_cents, reported, before_cents, after_cents)
    return replace(
        state,
        passages=(*state.passages, passage),
        items=tuple(items),
        flags=tuple(sorted({*state.flags, ADVISER_REVIEW})),
    )
