"""Every client ranked by risk: the office's overview (the portfolio digest, `status` for many).

A client's risks, most severe first (`RISKS`): crossed the threshold; over 90 % of it; over
75 %; forecast to cross before the year ends (the status projection); a source stale or
failing (alerts/health.py, with the business's [watch] settings); review items waiting (credits
nothing recognised, counted to be safe). A client ranks by its most severe risk, then by how
much of the threshold it has used; clients without any risk come last. Everything is read from
the stored evaluations (alerts/standing.py) and the ledger's source health: no year is
classified again to rank a thousand clients.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from korwatch.alerts import health
from korwatch.alerts.office import OFFICE
from korwatch.alerts.standing import Standing, standings
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config, HealthSettings
from korwatch.models import money

CROSSED, OVER_90, OVER_75, FORECAST, SOURCE, REVIEW = (
    "crossed",
    "over-90",
    "over-75",
    "forecast",
    "source",
    "review",
)
RISKS = (CROSSED, OVER_90, OVER_75, FORECAST, SOURCE, REVIEW)


@dataclass(frozen=True)
class SourceProblem:
    """A source failing (`failures` in a row) or quiet (`failures` 0) since the day `since`."""

    source: str
    failures: int
    since: str
    error: str = ""

    def text(self) -> str:
        """As `status` and its CSV say it (English)."""
        if self.failures:
            return f"{self.source}: failing {self.failures}x since {self.since}: {self.error}"
        return f"{self.source}: nothing new since {self.since}"


@dataclass(frozen=True)
class Assessment:
    """One client's risks in one year."""

    business: BusinessConfig
    standing: Standing
    risks: tuple[str, ...]  # in the order of RISKS
    forecast_date: date | None  # the projected crossing, when it falls in the year
    source_problems: tuple[SourceProblem, ...]

    @property
    def rank(self) -> int:
        """0 for a crossed client ... len(RISKS) for a client without any risk."""
        return RISKS.index(self.risks[0]) if self.risks else len(RISKS)

    @property
    def percent(self) -> Decimal:
        this = self.standing.this
        if this.threshold_cents <= 0:
            return Decimal("0.0")
        share = Decimal(this.turnover_cents) * 100 / this.threshold_cents
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assess_all(
    connection: sqlite3.Connection,
    config: Config,
    businesses: Sequence[BusinessConfig],
    year: int,
    now: datetime,
    found: Sequence[Standing] | None = None,
) -> list[Assessment]:
    """The assessment of each business (in the order given); `found`: their standings, when
    the caller has them."""
    today = local_today(now)
    found = found if found is not None else standings(connection, config, businesses, year)
    sources = health.every_source_health(connection)
    return [
        assess(business, standing, sources.get(business.id, []), config, today, now)
        for business, standing in zip(businesses, found, strict=True)
    ]


def assess(
    business: BusinessConfig,
    standing: Standing,
    sources: Sequence[health.SourceHealth],
    config: Config,
    today: date,
    now: datetime,
) -> Assessment:
    this = standing.this
    risks: list[str] = []
    turnover, threshold = this.turnover_cents, this.threshold_cents
    if this.crossed:
        risks.append(CROSSED)
    elif turnover * 10 >= threshold * 9:
        risks.append(OVER_90)
    elif turnover * 4 >= threshold * 3:
        risks.append(OVER_75)
    forecast = None
    projection = standing.projection(today)
    if not this.crossed and projection is not None and projection.as_of.year == this.year:
        forecast = projection.headline.crossing_date
        if forecast is not None:
            risks.append(FORECAST)
    problems = tuple(_source_problems(sources, config.health_for(business), now))
    if problems:
        risks.append(SOURCE)
    if this.review_items:
        risks.append(REVIEW)
    return Assessment(business, standing, tuple(risks), forecast, problems)


def by_risk(assessments: Sequence[Assessment]) -> list[Assessment]:
    """Most at risk first: by the most severe risk, then by the share of the threshold used."""
    return sorted(assessments, key=_order)


def _order(assessment: Assessment) -> tuple[int, Fraction, str]:
    this = assessment.standing.this
    share = Fraction(this.turnover_cents, max(this.threshold_cents, 1))
    return assessment.rank, -share, assessment.business.id


def _source_problems(
    sources: Sequence[health.SourceHealth], settings: HealthSettings, now: datetime
) -> list[SourceProblem]:
    problems = []
    for source in sources:
        if health.is_failing(source, settings):
            since, error = (source.failing_since or "")[:10], source.last_error or ""
            problems.append(SourceProblem(source.source, source.failures, since, error))
        quiet = health.stale_since(source, now, settings)
        if quiet is not None:
            problems.append(SourceProblem(source.source, 0, quiet[:10]))
    return problems


def portfolio_payload(
    connection: sqlite3.Connection, config: Config, now: datetime
) -> dict[str, Any]:
    """The portfolio digest's payload: every client of this year, ranked by risk."""
    year = local_today(now).year
    ranked = by_risk(assess_all(connection, config, config.businesses, year, now))
    # How many clients have each risk (a client over 90 % and expected to cross counts under
    # both); "ok": how many have none.
    counts = {risk.replace("-", "_"): sum(1 for a in ranked if risk in a.risks) for risk in RISKS}
    counts["ok"] = sum(1 for a in ranked if not a.risks)
    return {
        "kind": "office-digest",
        "business": {"id": OFFICE, "name": config.office.name},  # the office's own email
        "year": year,
        "total": len(ranked),
        "counts": counts,
        "clients": [client_row(assessment) for assessment in ranked],
        "detected_at": now.isoformat(timespec="seconds"),
    }


def client_row(assessment: Assessment) -> dict[str, Any]:
    """One client as the digest (and `status --format csv`) shows it."""
    this, business = assessment.standing.this, assessment.business
    crossing = this.listings["crossing"]
    return {
        "id": business.id,
        "name": business.name,
        "turnover": money(this.turnover_cents),
        "threshold": money(this.threshold_cents),
        "headroom": money(this.headroom_cents),
        "percent": str(assessment.percent),
        "bar": int(min(assessment.percent, Decimal(100))),
        "level": this.level,
        "risks": list(assessment.risks),
        "crossing_date": None if crossing is None else crossing["date"],
        "forecast_date": None
        if assessment.forecast_date is None
        else assessment.forecast_date.isoformat(),
        "review_items": this.review_items,
        "sources": [problem.text() for problem in assessment.source_problems],
        # The same for the digest's templates to say in their language.
        "source_problems": [dataclasses.asdict(p) for p in assessment.source_problems],
        "provisional": business.provisional,
    }
