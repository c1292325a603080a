"""Is the KOR still worth it? The whole answer for one business and year (pure).

`advise` joins the parts: the dates an exit (or an application) can take effect
(exit_dates.py), what the last twelve months of debits and credits say (advice_basis.py), the
periods ahead at the forecast's turnover (advice_periods.py), planned investments with their
revision caveat (revision.py, U19), and the verdict (advice_verdict.py). After a crossing there
is no choice left: the answer is what the crossing changes in euros (after_crossing.py).
`notes` are stable codes of what is uncertain; the templates word them per language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from korwatch.tax.advice_basis import Basis, basis
from korwatch.tax.advice_periods import Period, Plan, day_before, period, scaled, year_end
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.advice_verdict import Verdict, decide
from korwatch.tax.after_crossing import AfterCrossing, after_crossing
from korwatch.tax.exit_dates import ExitDates, exit_dates
from korwatch.tax.forecast import project
from korwatch.tax.revision import Revision, is_capital_good, on_leaving, on_rejoining
from korwatch.tax.thresholds import YearState
from korwatch.tax.vat import vat_included
from korwatch.tax.verdict import Classified, RuleSettings

THIN_DAYS = 60  # fewer days of this year: turnover ahead from the last twelve months


@dataclass(frozen=True)
class Question:
    this: YearState  # the year asked about, debits included
    last: YearState | None  # the year before, when the ledger holds it
    today: date
    rules: RuleSettings
    settings: AdviceSettings
    next_threshold_cents: int
    plans: tuple[Plan, ...] = ()
    provisional: bool = True


@dataclass(frozen=True)
class PlanFacts:
    gross_cents: int
    day: date  # as given, or the day leaving takes effect
    dated: bool  # False: no date was given
    vat_cents: int
    deductible: bool  # on or after the day leaving takes effect (in a period compared)
    capital: bool  # a capital good: revision applies (U19)


@dataclass(frozen=True)
class Advice:
    year: int
    as_of: date
    in_kor: bool
    looking_back: bool  # a past year: only what leaving on 1 January would have done
    dates: ExitDates
    lookback: Basis  # the twelve months (or less) the projections rest on
    so_far: Period
    periods: tuple[Period, ...]  # the rest of this year and next year
    verdict: Verdict | None
    plans: tuple[PlanFacts, ...]
    # In the KOR: leaving, investing, then rejoining at the earliest date. Outside it: joining
    # now, on the capital goods of the last twelve months (in the verdict, U19).
    rejoining: Revision | None
    upside: Revision | None  # goods bought inside the KOR, leaving: a refund for an adviser
    forecast_year_end_cents: int
    forecast_crossing: date | None
    crossing: AfterCrossing | None
    notes: tuple[str, ...]
    settings: AdviceSettings


def advise(question: Question) -> Advice:
    this, settings, in_kor = question.this, question.settings, question.rules.in_kor
    as_of = min(question.today, date(this.year, 12, 31))
    looking_back = this.year < question.today.year
    dates = exit_dates(question.today, settings.return_period)  # acting is today, any year
    lookback, so_far = _bases(question, as_of)
    year_end_cents, crossing_day = _forecast(question, as_of)
    thin = _thin(as_of, lookback)
    if thin and not looking_back:  # a few weeks of this year say little: the last twelve months
        remaining = (date(this.year, 12, 31) - as_of).days
        ahead = scaled(lookback.counted_cents, remaining, lookback.days)
        year_end_cents = max(year_end_cents, this.turnover_cents + ahead)
    plans = _plans(question, dates, looking_back)
    periods: tuple[Period, ...] = ()
    empty = not lookback.costs and lookback.sales_cents == 0 and lookback.counted_cents == 0
    if not looking_back and this.crossing is None and not empty:
        periods = _ahead(question, dates, lookback, year_end_cents, crossing_day, plans)
    rejoining = _rejoining(plans, dates) if in_kor else _joining(lookback, dates)
    verdict = None
    if this.crossing is None and not empty:
        chosen = periods if not looking_back else (so_far,)
        repaid = 0 if in_kor or rejoining is None or looking_back else rejoining.total_cents
        verdict = decide(chosen, in_kor, settings, looking_back=looking_back, revision_cents=repaid)
    return Advice(
        year=this.year,
        as_of=as_of,
        in_kor=in_kor,
        looking_back=looking_back,
        dates=dates,
        lookback=lookback,
        so_far=so_far,
        periods=periods,
        verdict=verdict,
        plans=plans,
        rejoining=rejoining,
        upside=_upside(plans, lookback, dates) if in_kor else None,
        forecast_year_end_cents=year_end_cents,
        forecast_crossing=crossing_day,
        crossing=after_crossing(
            this, [item.record for item in this.items], question.rules, settings.costs
        ),
        notes=("no-data",)
        if empty
        else _notes(question, lookback, verdict, plans, dates, crossing_day, thin),
        settings=settings,
    )


def _bases(question: Question, as_of: date) -> tuple[Basis, Period]:
    """The last twelve months (or what the ledger holds of them), and this year so far as a
    period of its own: what leaving on 1 January would have done."""
    this, rules, settings = question.this, question.rules, question.settings
    items = _unique(this, question.last)
    start = max(as_of - timedelta(days=364), _first_day(items, this.year))
    memo: dict[int, Any] = {}  # each record is judged once: the two stretches overlap
    lookback = basis(items, start, as_of, rules, settings, memo=memo)
    new_year = date(this.year, 1, 1)
    so_far = basis(items, new_year, as_of, rules, settings, memo=memo)
    return lookback, period("so-far", new_year, as_of, so_far.counted_cents, so_far, settings)


def _thin(as_of: date, lookback: Basis) -> bool:
    """Whether this year is too young for its own run rate (under THIN_DAYS) while the ledger
    holds more of the twelve months before."""
    elapsed = (as_of - date(as_of.year, 1, 1)).days + 1
    return elapsed < THIN_DAYS and lookback.days > elapsed


def _forecast(question: Question, as_of: date) -> tuple[int, date | None]:
    """The year-end turnover the forecast expects, and the crossing date it expects."""
    projection = project(question.this, as_of, question.last)
    if projection is None:
        return question.this.turnover_cents, None
    return projection.headline.year_end_cents, projection.headline.crossing_date


def _unique(this: YearState, last: YearState | None) -> list[Classified]:
    """The items of both years, each record once (a state also holds neighbouring records)."""
    seen: set[int] = set()
    found = []
    for item in (*(last.items if last else ()), *this.items):
        if item.record.id not in seen:
            seen.add(item.record.id)
            found.append(item)
    return found


def _first_day(items: list[Classified], year: int) -> date:
    earliest = min((item.record.date for item in items), default=date(year, 1, 1))
    return min(earliest, date(year, 1, 1))


def _ahead(
    question: Question,
    dates: ExitDates,
    lookback: Basis,
    year_end_cents: int,
    crossing_day: date | None,
    plans: tuple[PlanFacts, ...],
) -> tuple[Period, ...]:
    this, settings = question.this, question.settings
    found = []
    rest_end = year_end(dates.start)
    if crossing_day is not None:
        rest_end = min(rest_end, day_before(crossing_day))
    if dates.start.year == this.year and rest_end >= dates.start:
        left = max(0, year_end_cents - this.turnover_cents)
        remaining = (date(this.year, 12, 31) - question.today).days  # the days after today
        turnover = scaled(left, (rest_end - dates.start).days + 1, max(remaining, 1))
        found.append(
            period(
                "rest-of-year",
                dates.start,
                rest_end,
                turnover,
                lookback,
                settings,
                open=_open_this_year(question, year_end_cents),
                investments_cents=_invested(plans, dates.start, rest_end),
            )
        )
    next_start = max(date(this.year + 1, 1, 1), dates.start)
    next_end = date(this.year + 1, 12, 31)
    days_next = (next_end - date(this.year + 1, 1, 1)).days + 1
    found.append(
        period(
            "next-year",
            next_start,
            next_end,
            scaled(year_end_cents, (next_end - next_start).days + 1, days_next),
            lookback,
            settings,
            open=crossing_day is None
            and year_end_cents <= this.threshold_cents
            and year_end_cents <= question.next_threshold_cents,
            investments_cents=_invested(plans, next_start, next_end),
        )
    )
    return tuple(found)


def _open_this_year(question: Question, year_end_cents: int) -> bool:
    """Whether being in the KOR is possible for the rest of this year: a participant stays in
    until the crossing (the period ends before it); joining needs last year and this year at or
    below the threshold (R4.1; a last year not in the ledger cannot be held against it)."""
    if question.rules.in_kor:
        return True
    last = question.last
    last_ok = last is None or (not last.crossed and last.turnover_cents <= last.threshold_cents)
    return last_ok and year_end_cents <= question.this.threshold_cents


def _plans(question: Question, dates: ExitDates, looking_back: bool) -> tuple[PlanFacts, ...]:
    found = []
    minimum = question.settings.capital_good_cents
    for plan in question.plans:
        day = plan.day or dates.start
        found.append(
            PlanFacts(
                gross_cents=plan.gross_cents,
                day=day,
                dated=plan.day is not None,
                vat_cents=vat_included(plan.gross_cents, "general", day),
                deductible=not looking_back and day >= dates.start,
                capital=is_capital_good(plan.gross_cents, day, minimum),
            )
        )
    return tuple(found)


def _invested(plans: tuple[PlanFacts, ...], start: date, end: date) -> int:
    return sum(plan.vat_cents for plan in plans if plan.deductible and start <= plan.day <= end)


def _rejoining(plans: tuple[PlanFacts, ...], dates: ExitDates) -> Revision | None:
    """Capital goods deducted after leaving, repaid in part on rejoining at the earliest date."""
    goods = [(plan.vat_cents, plan.day) for plan in plans if plan.capital and plan.deductible]
    return on_rejoining(goods, dates.earliest_reentry) if goods else None


def _joining(lookback: Basis, dates: ExitDates) -> Revision | None:
    """Capital goods outside the KOR (one-offs of the last twelve months at 21 %, their VAT
    deducted) that joining on the first possible day would repay in part."""
    goods = [(d.vat_cents, d.record.date) for d in lookback.one_offs if d.verdict.vat == "general"]
    return on_rejoining(goods, dates.start) if goods else None


def _upside(plans: tuple[PlanFacts, ...], lookback: Basis, dates: ExitDates) -> Revision | None:
    """Capital goods bought inside the KOR (planned before the exit, or one-offs of the last
    twelve months at 21 %) that leaving might give VAT back on (U22, for an adviser)."""
    goods = [(plan.vat_cents, plan.day) for plan in plans if plan.capital and not plan.deductible]
    goods += [
        (debit.vat_cents, debit.record.date)
        for debit in lookback.one_offs
        if debit.verdict.vat == "general"
    ]
    return on_leaving(goods, dates.start) if goods else None


def _notes(
    question: Question,
    lookback: Basis,
    verdict: Verdict | None,
    plans: tuple[PlanFacts, ...],
    dates: ExitDates,
    crossing_day: date | None,
    thin: bool,
) -> tuple[str, ...]:
    settings = question.settings
    ahead = verdict is not None and not verdict.looking_back
    checks = (
        ("provisional", question.provisional),
        ("forecast", ahead and not thin),
        ("forecast-thin", ahead and thin),
        ("forecast-crossing", crossing_day is not None and question.this.crossing is None),
        ("unknown-costs", lookback.vat_of("unknown") > 0),
        ("unknown-customers", settings.b2b_share is None and lookback.sales["unknown"].count > 0),
        ("b2b-share", settings.b2b_share is not None),
        ("no-sales", lookback.sales_cents <= 0),
        ("admin-default", settings.admin_default),
        ("prices-rise", settings.consumer_prices == "rise"),
        ("one-offs", bool(lookback.one_offs)),
        ("revision", any(plan.capital for plan in plans) or bool(lookback.one_offs)),
        ("foreign-services", lookback.foreign_services_cents > 0),
        ("exit-ambiguous", question.rules.in_kor and dates.ambiguous),
        ("needs-invoice", True),
    )
    return tuple(code for code, applies in checks if applies)
