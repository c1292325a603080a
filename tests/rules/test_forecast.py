"""Projections, what-if answers and the EU-KOR counter's edges."""

from __future__ import annotations

from datetime import date

from korwatch.tax.eukor import add_working_days, union_counter
from korwatch.tax.forecast import project, what_if
from korwatch.tax.verdict import EuKorSettings
from tests.rules.builders import bank, invoice, money, settings, state

INVOICES = settings(basis="invoices")


def test_run_rate_projects_the_year_end_and_the_crossing_day() -> None:
    year = state([invoice("2026-01-10", "10000.00", "A")], INVOICES)
    projection = project(year, date(2026, 6, 30), None)
    assert projection is not None
    assert projection.headline.method == "run-rate"
    assert money(projection.headline.year_end_cents) == "20165.74"  # 10,000 over 181 days
    # 10,000.01 more at 55.25 a day takes 182 more days: 2026-12-29.
    assert projection.headline.crossing_date == date(2026, 12, 29)


def test_a_tiny_turnover_projects_no_crossing_instead_of_leaving_the_calendar() -> None:
    """One cent in eleven months would take millions of years (found by the randomised
    comparison of stored and full evaluations: `status` failed on such a year)."""
    year = state([bank("2026-01-01", "0.01")], settings(basis="bank"))
    projection = project(year, date(2026, 11, 26), None)
    assert projection is not None and projection.headline.crossing_date is None


def test_last_years_profile_warns_earlier_for_a_seasonal_business() -> None:
    # Last year: little until the summer, then most of the turnover in July and August.
    last = state(
        [
            invoice("2025-01-15", "1000.00", "L1"),
            invoice("2025-07-15", "8000.00", "L2"),
            invoice("2025-08-15", "8000.00", "L3"),
            invoice("2025-12-15", "1000.00", "L4"),
        ],
        INVOICES,
        year=2025,
    )
    this = state([invoice("2026-01-15", "1500.00", "T1")], INVOICES)
    projection = project(this, date(2026, 6, 1), last)
    assert projection is not None and projection.profile is not None
    assert projection.headline.method == "last-year-profile"
    assert projection.profile.crossing_date is not None
    assert projection.profile.crossing_date.month == 8
    assert projection.run_rate.crossing_date is None  # 1,500 in 152 days never gets there


def test_a_closed_year_reports_its_figures_and_a_future_year_none() -> None:
    year = state([invoice("2025-03-01", "21000.00", "A")], INVOICES, year=2025)
    closed = project(year, date(2026, 2, 1), None)
    assert closed is not None and closed.headline.method == "closed-year"
    assert closed.headline.crossing_date == date(2025, 3, 1)
    assert project(state([], INVOICES, year=2027), date(2026, 2, 1), None) is None


def test_whatif_after_a_crossing_says_it_was_crossed_already() -> None:
    year = state([invoice("2026-03-01", "20500.00", "A")], INVOICES)
    answer = what_if(year, 100_00, date(2026, 4, 1))
    assert answer.before.crossed and not answer.crosses


def test_whatif_dated_early_can_move_the_crossing_to_a_later_existing_item() -> None:
    year = state(
        [invoice("2026-03-01", "19000.00", "A"), invoice("2026-09-01", "900.00", "B")], INVOICES
    )
    answer = what_if(year, 500_00, date(2026, 4, 1))
    assert answer.crosses
    assert answer.after.crossing is not None
    assert answer.after.crossing.item.invoice == "B"
    assert money(answer.over_by_cents) == "400.00"


def test_eu_counter_counts_foreign_items_without_a_country_to_be_safe() -> None:
    rules = settings('[[rule]]\ncounterparty = "SARL"\ncategory = "foreign-taxed"\n', "bank")
    year = state(
        [bank("2026-02-01", "60000.00", "Client SARL"), bank("2026-03-01", "50000.00")], rules
    )
    union = union_counter(year, EuKorSettings(), None)
    assert union.per_state_cents == {"EU?": 6_000_000, "NL": 5_000_000}
    assert union.crossing is not None and union.available_this_year is None


def test_working_days_skip_weekends() -> None:
    assert add_working_days(date(2026, 11, 13), 1) == date(2026, 11, 16)  # Friday -> Monday
