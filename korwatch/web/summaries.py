"""Each business's year in short (turnover, level, forecast, flagged credits), kept between
requests so that an office's overview of 1,000 businesses is read, not evaluated, each time.

A summary is made by evaluating the year from the ledger (alerts/evaluation.py) and kept until
the business's change stamp (ledger.change_stamps: its documents, decisions and alert events),
the date or the config changes. `_evaluate` reads the ledger's stored evaluation of the year
(alerts/standing.py), which lists the credits waiting for review too.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from korwatch.alerts.standing import Standing, standings
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.models import money
from korwatch.tax.forecast import Estimate

KEPT = 8192  # summaries kept (an office of 1,000 businesses, a few years each)


@dataclass(frozen=True)
class Flagged:
    """A credit waiting for a decision, as the review queue shows it."""

    record: int
    date: date
    amount_cents: int
    counterparty: str
    iban: str
    description: str
    source: str
    invoice: str

    @property
    def amount(self) -> str:
        return money(self.amount_cents)


@dataclass(frozen=True)
class Summary:
    business: BusinessConfig
    year: int
    turnover_cents: int
    threshold_cents: int
    level: str
    warning_at: int | None
    crossing_date: date | None
    forecast: Estimate | None
    flags: tuple[str, ...]
    waiting: tuple[dict[str, Any], ...]  # the credits waiting for review, as stored
    years: tuple[int, ...]  # every year of the business in the ledger

    @property
    def review_items(self) -> int:
        return len(self.waiting)

    @functools.cached_property
    def flagged(self) -> tuple[Flagged, ...]:
        """The credits waiting for review (made when a page lists them, not for a count)."""
        return tuple(_waiting(item) for item in self.waiting)

    @property
    def percent(self) -> Decimal:
        if not self.threshold_cents:
            return Decimal(0)
        return (Decimal(self.turnover_cents) * 100 / self.threshold_cents).quantize(Decimal("0.1"))


class Summaries:
    """Summaries by (business, year), made when missing or out of date; safe across threads."""

    def __init__(self) -> None:
        # Each summary is kept with the config it was made with: compared by identity, and
        # held so that a new config cannot take an old one's id.
        self._kept: OrderedDict[tuple[object, ...], tuple[Config, Summary]] = OrderedDict()
        self._lock = threading.Lock()

    def of(
        self,
        connection: sqlite3.Connection,
        config: Config,
        businesses: Iterable[BusinessConfig],
        year: int,
        today: date,
    ) -> list[Summary]:
        stamps = ledger.change_stamps(connection)
        wanted = list(businesses)
        keys = [(b.id, year, today, stamps.get(b.id, ())) for b in wanted]
        with self._lock:
            found = {key: self._kept_for(key, config) for key in keys}
        missing = [b for b, key in zip(wanted, keys, strict=True) if found[key] is None]
        made: dict[str, Summary] = {}
        if missing:  # one read of the stored evaluations for all of them
            for business, standing in zip(
                missing, standings(connection, config, missing, year), strict=True
            ):
                made[business.id] = _stored(business, standing, today, _years(connection, business))
            with self._lock:
                for business, key in zip(wanted, keys, strict=True):
                    if business.id in made:
                        self._kept[key] = (config, made[business.id])
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
        return [found[key] or made[b.id] for b, key in zip(wanted, keys, strict=True)]

    def one(
        self,
        connection: sqlite3.Connection,
        config: Config,
        business: BusinessConfig,
        year: int,
        today: date,
    ) -> Summary:
        return self.of(connection, config, [business], year, today)[0]

    def _kept_for(self, key: tuple[object, ...], config: Config) -> Summary | None:
        """The summary kept under `key`, if made with this config (a reloaded config is a new
        object); the caller holds the lock."""
        found = self._kept.get(key)
        if found is None or found[0] is not config:
            return None
        self._kept.move_to_end(key)
        return found[1]


def _years(connection: sqlite3.Connection, business: BusinessConfig) -> tuple[int, ...]:
    return tuple(ledger.years_with_records(connection, business.id))


def _stored(
    business: BusinessConfig, found: Standing, today: date, years: tuple[int, ...]
) -> Summary:
    this = found.this
    projection = found.projection(today)
    return Summary(
        business=business,
        year=this.year,
        turnover_cents=this.turnover_cents,
        threshold_cents=this.threshold_cents,
        level=this.level,
        warning_at=this.warning_at_cents,
        crossing_date=this.crossing_date,
        forecast=None if projection is None else projection.headline,
        flags=this.item_flags,
        waiting=tuple(this.listings["review_queue"]),
        years=years,
    )


def _waiting(item: dict[str, Any]) -> Flagged:
    return Flagged(
        int(item["record"]),
        date.fromisoformat(item["date"]),
        int(item["amount_cents"]),
        str(item["counterparty"]),
        str(item["iban"]),
        str(item["description"]),
        str(item["source"]),
        str(item["invoice"]),
    )
