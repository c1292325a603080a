"""Revision ("herziening") of input VAT on capital goods when leaving or rejoining the KOR (U19).

A movable good that is depreciated (from EUR 450 excluding VAT, advise-rules.md 2.3) has a
revision period of 5 years: the year of first use and 4 after it (immovable property: 10). Each
year the VAT is re-judged for 1/5 of it by that year's use (2.1). Joining the KOR turns taxed use
into exempt use: VAT deducted on a good still in its period is repaid at 1/5 a year. Leaving it
turns exempt use into taxed use: VAT paid on a good bought inside the KOR may come back at 1/5 a
year. No revision is due for a year whose total is under EUR 500 when the goods were first used
in earlier years (2.2: per bookyear). Whether that relief also blocks a refund is U22: here it
does, and the refund is shown apart as an upside for an adviser, never in the headline. A part
year counts pro rata by days (U23); the year of first use is revised on the whole VAT when
repaying and at a fifth when refunding (U24). All of this is an estimate.
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
    """Revision of one or more goods, per year: (year, cents), and the years the EUR 500 relief
    takes out (that year's total under EUR 500, every good first used in an earlier year)."""

    per_year: tuple[tuple[int, int], ...]
    relieved_in: tuple[int, ...]
    on: date  # the day the use changes: leaving or (re)joining the KOR

    @property
    def relieved(self) -> bool:
        """Whether the relief takes every year out: nothing is due at all."""
        return len(self.relieved_in) == len(self.per_year)

    @property
    def total_cents(self) -> int:
        return sum(cents for year, cents in self.per_year if year not in self.relieved_in)


def on_rejoining(goods: list[tuple[int, date]], rejoin: date) -> Revision:
    """What (re)joining on `rejoin` would repay on goods (VAT deducted, first used on a date).
    The year of first use is revised on the whole VAT (U24: Dutch practice, the worst case)."""
    return _revised(goods, rejoin, first_year_whole=True)


def on_leaving(goods: list[tuple[int, date]], leave: date) -> Revision:
    """What leaving on `leave` might give back on goods bought inside the KOR (the VAT paid,
    first used on a date): the upside of U22, for an adviser to confirm; a fifth also in the
    year of first use (U24: the cautious reading for a refund)."""
    return _revised(goods, leave, first_year_whole=False)


def _revised(goods: list[tuple[int, date]], change: date, *, first_year_whole: bool) -> Revision:
    years: dict[int, int] = {}
    first_used: set[int] = set()
    for vat_cents, first_use in goods:
        first_used.add(first_use.year)
        for year in range(max(change.year, first_use.year), first_use.year + MOVABLE_YEARS):
            whole = first_year_whole and year == first_use.year
            share = (
                _whole(vat_cents, first_use, change) if whole else _share(vat_cents, year, change)
            )
            years[year] = years.get(year, 0) + share
    # The relief is per bookyear, for all goods together, and needs every good to have been
    # first used before that year (BD-HERZ).
    relieved = tuple(
        year
        for year, cents in sorted(years.items())
        if cents < RELIEF_CENTS and year not in first_used
    )
    return Revision(tuple(sorted(years.items())), relieved, change)


def _whole(vat_cents: int, first_use: date, change: date) -> int:
    """The whole VAT, for the part of the days of use in the year of first use after `change`."""
    end = date(first_use.year, 12, 31)
    used = (end - first_use).days + 1
    changed = (end - max(change, first_use)).days + 1
    return vat_cents * changed // used


def _share(vat_cents: int, year: int, change: date) -> int:
    """1/5 of the VAT, for the part of `year` from `change` on (pro rata by days, U23)."""
    fifth = vat_cents // MOVABLE_YEARS
    if year != change.year:
        return fifth
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    remaining = (date(year, 12, 31) - change).days + 1
    return fifth * remaining // days
