"""The stored evaluation of each (business, year): where a business stands, without
re-classifying its year at every look.

Re-classifying a year of 2,000 records costs about 14 ms; an office with 1,000 clients cannot
pay that at every `korwatch status`, page view or digest. So the ledger keeps one summary per
business and year (table `evaluations`, alerts/summary.py says what is in it), and this module
keeps it equal to a full re-evaluation:

- a summary is used only while its *fingerprint* matches: a hash of everything in the config
  that decides the year (the business's RuleSettings with its own rules, basis, IBANs, VAT and
  uncertain-point settings, EU-KOR; its warn_at; the year's threshold) and of korwatch's
  version. Change a rule and the next look re-evaluates that business once;
- anything that changes what counts calls `invalidate(connection, business, years)` in the
  same transaction as its change: an import (scan.import_document does), a review decision,
  an edited or merged invoice. The records of one year can decide its neighbours (an invoice
  paid after New Year, T12), so the years beside those named are invalidated too;
- a summary computed while an invalidation was committed is not stored (each row has a
  generation, raised by invalidate; the store only replaces the generation it read first).

The API other features use:

    standing(connection, config, business, year) -> Standing
        this year's and last year's summary, read from the ledger or evaluated and stored
        when missing or stale; `recompute=True` evaluates in full whatever is stored.
    standings(connection, config, businesses, year) -> list[Standing]
        the same for many businesses with one query (status, digests, the dashboard).
    refresh(connection, config, businesses, year)
        evaluate and store what is stale (a scan does after its imports).
    year_detail(connection, config, business, year) -> dict
        the daily series behind the chart and its warning levels (the digests).
    invalidate(connection, business, years)
        call it, in your write transaction, whenever records or decisions of `years` change.

A `Standing` answers what depends on today itself (`projection(today)`, `eligibility(...)`).
Storing needs a writable ledger; a reader that cannot write (a read-only file, another
process holding the write lock for long) still gets the evaluation, it just is not kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from korwatch import __version__, clock
from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.summary import YearSummary, summarise
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.tax.eligibility import Eligibility, evaluate_eligibility
from korwatch.tax.forecast import Projection, project
from korwatch.tax.thresholds import threshold_for

# Raise when what a summary holds, or how it is computed, changes: every stored one is then
# evaluated again once (the version of korwatch is in the fingerprint as well).
SUMMARY_FORMAT = 3  # 2: listings hold the review queue; 3: detail is the chart series only
log = logging.getLogger("korwatch.standing")
_LOCKED_WAIT_MS = 200  # how long a reader waits for the write lock to store what it evaluated


@dataclass(frozen=True)
class Standing:
    """Where a business stands in `this.year`: its summary and last year's (None when the
    ledger holds no record dated last year)."""

    business: str
    this: YearSummary
    last: YearSummary | None

    @property
    def year(self) -> int:
        return self.this.year

    def projection(self, today: date) -> Projection | None:
        """The year-end projection as of `today` (tax.forecast.project)."""
        return project(self.this, today, self.last)

    def eligibility(self, today: date, threshold_next_cents: int) -> Eligibility:
        """KOR eligibility this year and next (tax.eligibility)."""
        return evaluate_eligibility(self.this, self.last, today, threshold_next_cents)


@dataclass
class _Stored:
    generation: int
    fingerprint: str
    summary: str | None


def standing(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    *,
    recompute: bool = False,
) -> Standing:
    """Where `business` stands in `year` (see the module docstring)."""
    return standings(connection, config, [business], year, recompute=recompute)[0]


def standings(
    connection: sqlite3.Connection,
    config: Config,
    businesses: Sequence[BusinessConfig],
    year: int,
    *,
    recompute: bool = False,
) -> list[Standing]:
    """Where each of `businesses` stands in `year`, in their order; one query for the stored
    summaries, then an evaluation for each that is missing or stale (stored at the end)."""
    stored = _read(connection, [b.id for b in businesses], (year - 1, year))
    fresh = _evaluate_stale(connection, config, businesses, year, stored, recompute)
    found: list[Standing] = []
    for business in businesses:
        this, last = (
            fresh[key].summary if key in fresh else _parsed(stored[key])
            for key in ((business.id, year), (business.id, year - 1))
        )
        found.append(Standing(business.id, this, last if last.has_records else None))
    return found


def refresh(
    connection: sqlite3.Connection,
    config: Config,
    businesses: Sequence[BusinessConfig],
    year: int,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Bring the stored evaluations of `year` (and last year) up to date (a scan does, after
    its imports, so that `status`, the digests and the dashboard read them instead of
    evaluating). Only what an import or a config change made stale is evaluated, nothing is
    parsed; `stop` is asked between batches."""
    for start in range(0, len(businesses), _REFRESH_BATCH):
        if stop():
            return
        batch = businesses[start : start + _REFRESH_BATCH]
        stored = _read(connection, [b.id for b in batch], (year - 1, year))
        _evaluate_stale(connection, config, batch, year, stored, recompute=False)


_REFRESH_BATCH = 50  # businesses evaluated per stored batch (a stop waits for one at most)


@dataclass
class _Fresh:
    """A summary just evaluated, and what storing it needs."""

    summary: YearSummary
    detail: dict[str, Any]
    generation: int  # the row's generation when it was read (stored only if unchanged)
    fingerprint: str


def _evaluate_stale(
    connection: sqlite3.Connection,
    config: Config,
    businesses: Sequence[BusinessConfig],
    year: int,
    stored: dict[tuple[str, int], _Stored],
    recompute: bool,
) -> dict[tuple[str, int], _Fresh]:
    """Evaluate (and store) every summary of `year` and last year that is missing, stale or
    of other settings (or all, with `recompute`)."""
    fresh: dict[tuple[str, int], _Fresh] = {}
    for business in businesses:
        decided_by = _decided_by(business)
        for wanted in (year, year - 1):
            row = stored.get((business.id, wanted))
            print_ = _fingerprint(decided_by, threshold_for(wanted, config.thresholds).amount_cents)
            if recompute or row is None or row.summary is None or row.fingerprint != print_:
                summary, detail = _evaluate(connection, config, business, wanted)
                generation = 0 if row is None else row.generation
                fresh[(business.id, wanted)] = _Fresh(summary, detail, generation, print_)
    if fresh:
        _store(connection, fresh)
    return fresh


def year_detail(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, year: int
) -> dict[str, Any]:
    """`detail` of the business's year (alerts.summary.detail_of), stored or evaluated."""
    standing(connection, config, business, year)  # brings a stale row up to date first
    row = connection.execute(
        "SELECT detail FROM evaluations WHERE business = ? AND year = ? AND summary IS NOT NULL",
        (business.id, year),
    ).fetchone()
    if row is not None and row[0] is not None:
        return dict(json.loads(row[0]))
    return _evaluate(connection, config, business, year)[1]  # a ledger it could not write


def invalidate(connection: sqlite3.Connection, business: str, years: Iterable[int] | None) -> None:
    """Mark the summaries of `years`, and of the years beside them, as stale; `years=None`:
    every year of the business. Call it in the transaction that changes what counts."""
    if years is None:
        connection.execute(
            "UPDATE evaluations SET generation = generation + 1, summary = NULL, detail = NULL "
            "WHERE business = ?",
            (business,),
        )
        return
    touched = sorted({near for year in years for near in (year - 1, year, year + 1)})
    connection.executemany(
        "INSERT INTO evaluations (business, year, generation) VALUES (?, ?, 1) "
        "ON CONFLICT (business, year) DO UPDATE SET generation = generation + 1, "
        "summary = NULL, detail = NULL",
        [(business, year) for year in touched],
    )


def fingerprint(config: Config, business: BusinessConfig, year: int) -> str:
    """A hash of everything in the config and the code that decides the business's year."""
    threshold = threshold_for(year, config.thresholds).amount_cents
    return _fingerprint(_decided_by(business), threshold)


def _decided_by(business: BusinessConfig) -> str:
    """The business's settings that decide any of its years, as canonical JSON."""
    decides = {
        "format": SUMMARY_FORMAT,
        "korwatch": __version__,
        "rules": business.rules,
        "warn_at": business.warn_at,
    }
    return json.dumps(decides, sort_keys=True, separators=(",", ":"), default=_plain)


def _fingerprint(decided_by: str, threshold_cents: int) -> str:
    text = f"{decided_by}|threshold={threshold_cents}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """What json cannot write itself, written the same way in every process (sets sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted(str(item) for item in value)
    if isinstance(value, re.Pattern):
        return [value.pattern, value.flags]
    return str(value)  # Decimal, and anything else by its value


def _evaluate(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, year: int
) -> tuple[YearSummary, dict[str, Any]]:
    state = evaluate_year(connection, config, business, year)
    has_records = ledger.year_counts(connection, business.id, [year]).get(year, 0) > 0
    return summarise(state, business.rules, has_records)


def _parsed(row: _Stored) -> YearSummary:
    return YearSummary.from_json(json.loads(row.summary or "{}"))


def _read(
    connection: sqlite3.Connection, businesses: list[str], years: tuple[int, ...]
) -> dict[tuple[str, int], _Stored]:
    marks = ", ".join("?" for _ in years)
    query = (
        "SELECT business, year, generation, fingerprint, summary FROM evaluations "
        f"WHERE year IN ({marks})"
    )
    params: tuple[Any, ...] = years
    if len(businesses) <= _READ_BY_NAME:  # a few: their rows only; many: every row
        query += f" AND business IN ({', '.join('?' for _ in businesses)})"
        params = (*years, *businesses)
    wanted = set(businesses)
    return {
        (str(row[0]), int(row[1])): _Stored(int(row[2]), str(row[3]), row[4])
        for row in connection.execute(query, params)
        if row[0] in wanted
    }


_READ_BY_NAME = 500  # up to this many businesses are read by name, more by reading the years


def _store(connection: sqlite3.Connection, fresh: dict[tuple[str, int], _Fresh]) -> None:
    """Keep what was evaluated, unless an invalidation came in between (generation), the
    ledger is read-only, or another process holds the write lock for long."""
    stamp = clock.now().isoformat(timespec="seconds")
    rows = [
        (
            business,
            year,
            one.generation,
            one.fingerprint,
            json.dumps(one.summary.to_json(), ensure_ascii=False),
            json.dumps(one.detail, ensure_ascii=False),
            stamp,
            one.generation,
        )
        for (business, year), one in fresh.items()
    ]
    if connection.in_transaction:  # the caller's write transaction (a scan) holds it
        connection.executemany(_UPSERT, rows)
        return
    wait = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute(f"PRAGMA busy_timeout = {_LOCKED_WAIT_MS}")
    try:
        with ledger.transaction(connection):
            connection.executemany(_UPSERT, rows)
    except sqlite3.OperationalError as error:  # locked or read-only: evaluated, not kept
        log.debug("evaluations not stored: %s", error)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(wait)}")


_UPSERT = (
    "INSERT INTO evaluations (business, year, generation, fingerprint, summary, detail, "
    "evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (business, year) DO UPDATE SET "
    "fingerprint = excluded.fingerprint, summary = excluded.summary, detail = excluded.detail, "
    "evaluated_at = excluded.evaluated_at WHERE evaluations.generation = ?"
)
