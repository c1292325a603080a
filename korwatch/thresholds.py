"""Where a business stands against the KOR threshold in one calendar year (pure).

The state of a year is derived from its classified items, in the order they count (effective
date, then booking order): the running turnover, each warning level passed and the item that
passed it, and the crossing item: the first item after which cumulative turnover is strictly
above the threshold (kor-rules.md R1.2, R9.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from korwatch.models import cents
from korwatch.rules import Classified

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


@dataclass(frozen=True)
class YearState:
    year: int
    threshold_cents: int
    warn_levels: tuple[int, ...]
    turnover_cents: int
    passages: tuple[Passage, ...]
    items: tuple[Classified, ...]  # every item of the year, counted or not, in counting order

    @property
    def crossing(self) -> Passage | None:
        return next((p for p in self.passages if p.level == CROSSED), None)

    @property
    def crossed(self) -> bool:
        return self.crossing is not None

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


def evaluate(
    year: int, items: Sequence[Classified], threshold_cents: int, levels: tuple[int, ...]
) -> YearState:
    """Run the year's items through the threshold and warning levels."""
    ordered = sorted(items, key=lambda item: (item.effective_date, item.record.id))
    passages: list[Passage] = []
    pending = list(levels)
    crossed = False
    total = 0
    for item in ordered:
        if not item.counts or item.effective_date.year != year:
            continue
        before, total = total, total + item.amount_cents
        while pending and total >= pending[0]:
            passages.append(Passage(level_name(pending[0]), pending[0], item, before, total))
            pending.pop(0)
        if not crossed and total > threshold_cents:
            crossed = True
            passages.append(Passage(CROSSED, threshold_cents, item, before, total))
    return YearState(year, threshold_cents, levels, total, tuple(passages), tuple(ordered))
