"""Revision ("herziening") of input VAT on capital goods when leaving or rejoining the KOR (U19).

A movable good that is depreciated (from EUR 450 excluding VAT, advise-rules.md 2.3) has a
revision period of 5 years: the year of first use and 4 after it (immovable property: 10). Each
year the VAT is re-judged for 1/5 of it by that year's use (2.1). Joining the KOR turns taxed use
into exempt use: VAT deducted on a good still in its period is repaid at 1/5 a year. Leaving it
turns exempt use into taxed use: VAT paid on a good bought inside the KOR may come back at 1/5 a
year. No revision is due when the year's total is under EUR 500 and the goods were first used
in earlier years (2.2). Whether that relief also blocks a refund is U22: here it does, and the
refund is shown apart as an upside for an adviser, never in the headline. A part year counts pro
rata by days (U23). All of this is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from korwatch.tax.vat import net_of_vat

MOVABLE_YEARS = 5
RELIEF_CENTS = 50000  # per bookyear, all capital goods together


def is_capital_good(gross_cents: int, day: date, minimum_net_cents: int) -> bool:
    """A purchase of `gross_cents` (21 % VAT included) from the minimum excluding VAT."""
    return net_of_vat(gross_cents, "general", day) >= minimum_net_cents


@dataclass(frozen=True)
class Revision:
    """Revision of one or more goods, per year: (year, cents) and whether the EUR 500 relief
    takes every year out."""

    per_year: tuple[tuple[int, int], ...]
    relieved: bool
    on: date  # the day the use changes: leaving or (re)joining the KOR

    @property
    def total_cents(self) -> int:
        return 0 if self.relieved else sum(cents for _, cents in self.per_year)


def on_rejoining(goods: list[tuple[int, date]], rejoin: date) -> Revision:
    """What rejoining on `rejoin` would repay on goods (VAT deducted, first used on a date)."""
    years: dict[int, int] = {}
    for vat_cents, first_use in goods:
        for year in range(max(rejoin.year, first_use.year), first_use.year + MOVABLE_YEARS):
            years[year] = years.get(year, 0) + _share(vat_cents, year, rejoin)
    return _relieved(years, goods, rejoin)


def on_leaving(goods: list[tuple[int, date]], leave: date) -> Revision:
    """What leaving on `leave` might give back on goods bought inside the KOR (the VAT paid,
    first used on a date): the upside of U22, for an adviser to confirm."""
    years: dict[int, int] = {}
    for vat_cents, first_use in goods:
        for year in range(max(leave.year, first_use.year), first_use.year + MOVABLE_YEARS):
            years[year] = years.get(year, 0) + _share(vat_cents, year, leave)
    return _relieved(years, goods, leave)


def _share(vat_cents: int, year: int, change: date) -> int:
    """1/5 of the VAT, for the part of `year` from `change` on (pro rata by days, U23)."""
    fifth = vat_cents // MOVABLE_YEARS
    if year != change.year:
        return fifth
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    remaining = (date(year, 12, 31) - change).days + 1
    return fifth * remaining // days


def _relieved(years: dict[int, int], goods: list[tuple[int, date]], change: date) -> Revision:
    # The relief needs the goods to be first used before the year (goods first used in the
    # year itself are revised in full: U24).
    earlier = all(first_use.year < change.year for _, first_use in goods)
    relieved = earlier and all(cents < RELIEF_CENTS for cents in years.values())
    return Revision(tuple(sorted(years.items())), relieved, change)
