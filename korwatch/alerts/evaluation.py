"""Where a business stands in a year, evaluated from the ledger, and when an import need not
evaluate at all.

`evaluate_year` reads the year's records (or takes the verdicts an import made while storing
them, see ledger/insert.py Inserted), classifies them and walks them past the threshold. After an
import, `after_import` skips a year from which no alert can come (`settled`, `out_of_reach`),
so that a first import of many files does not evaluate the year again after each of them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from decimal import Decimal

from korwatch.alerts import events as alerts
from korwatch.config.model import BusinessConfig, Config
from korwatch.ledger import store as ledger
from korwatch.ledger.decisions import decisions_in_force
from korwatch.ledger.insert import Inserted
from korwatch.models import cents
from korwatch.tax.classify import classify, matched
from korwatch.tax.eukor import EU_KOR_START
from korwatch.tax.thresholds import (
    CROSSED,
    YearState,
    evaluate,
    level_name,
    reported_crossing_stands,
    threshold_for,
    warn_levels,
)
from korwatch.tax.verdict import Classified, RuleSettings


def evaluate_year(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    *,
    counting_only: bool = False,
    inserted: Inserted | None = None,
    standing: bool = True,
) -> YearState:
    """The year's state. `counting_only` skips debits (never turnover): enough for alerts,
    not for listings that show every record. `inserted`, the document just stored, saves
    reading back and classifying its records when the ledger holds nothing else in the years
    concerned. `standing`: a crossing already reported that the figures no longer reach
    stands (U3, `_reported_crossing`); False gives the figures alone, as the correction of
    alerts already sent compares them (corrections.py)."""
    years = years_read(connection, business, year)
    judged = None
    if inserted is not None and counting_only:
        judged = _judged(connection, business, years, inserted)
    return _state(
        connection, config, business, year, years, judged, counting_only, standing=standing
    )


def after_import(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    inserted: Inserted,
    today: date,
) -> YearState | None:
    """The year's state for its alerts after `inserted` was stored, or None when no alert
    can come from it: every alert it can raise is recorded (`settled`), or what could count
    in it adds up to less than its lowest level (`out_of_reach`, asked only where the state
    would be read back from the ledger: it keeps a first import of many small files linear)."""
    if settled(connection, business, year, config, today):
        return None
    years = years_read(connection, business, year)
    judged = _judged(connection, business, years, inserted)
    if judged is None and out_of_reach(connection, config, business, year, years):
        return None
    return _state(connection, config, business, year, years, judged, True)


def _judged(
    connection: sqlite3.Connection, business: BusinessConfig, years: list[int], inserted: Inserted
) -> list[Classified] | None:
    counts = ledger.year_counts(connection, business.id, years)
    copies = business.rules.basis == "invoices" or inserted.invoices > 0
    return inserted.judged_for(counts, years, copies=copies)


def _state(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    years: list[int],
    judged: list[Classified] | None,
    counting_only: bool,
    *,
    standing: bool = True,
) -> YearState:
    rules = rules_for(connection, business)
    if judged is None:
        records = ledger.records_for_years(
            connection, business.id, years, without_debits=counting_only
        )
        items = classify(records, rules)
    else:
        items = matched(judged, rules)
    threshold = threshold_for(year, config.thresholds)
    levels = warn_levels(threshold.amount_cents, business.warn_at)
    stands = rules.credit_note_after_crossing == "crossing-stands"
    state = evaluate(year, items, threshold.amount_cents, levels, crossing_stands=stands)
    if stands and standing and not state.crossed:
        state = _reported_crossing(connection, business, state)
    return state


def rules_for(connection: sqlite3.Connection, business: BusinessConfig) -> RuleSettings:
    """The business's rules with the decisions in force in the ledger (tax/decisions.py)."""
    decisions = decisions_in_force(connection, business.id)
    return replace(business.rules, decisions=decisions) if decisions else business.rules


def _reported_crossing(
    connection: sqlite3.Connection, business: BusinessConfig, state: YearState
) -> YearState:
    """A crossing already reported stands when the figures no longer show it (U3)."""
    reported = alerts.reported_crossing(connection, business.id, state.year)
    if reported is None:
        return state
    item, before, after = reported["item"], reported["before"], reported["after"]
    record = item.get("record")
    if record is None:  # reported before alerts named the record: find it by its facts
        keys = ("date", "counterparty", "description", "source")
        record = next(
            (
                found.record.id
                for found in state.items
                if all(alerts.item_facts(found)[key] == item.get(key) for key in keys)
            ),
            None,
        )
    if record is None:
        return state
    return reported_crossing_stands(
        state, int(record), cents(Decimal(before)), cents(Decimal(after))
    )


def years_read(connection: sqlite3.Connection, business: BusinessConfig, year: int) -> list[int]:
    """The years whose records decide `year`: with invoices stored, a payment and its invoice
    may fall on both sides of New Year (T12)."""
    adjacent = ledger.has_invoices(connection, business.id)
    return [year - 1, year, year + 1] if adjacent else [year]


def out_of_reach(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    year: int,
    years: list[int],
) -> bool:
    """Whether no alert can come from `year` yet: everything in `years` (years_read) that
    could count adds up to less than its lowest level. No rule counts more than a record's own
    amount, except a platform payout grossed up for fees, which turns this check off."""
    if any(rule.fee_percent for rule in business.rules.user_rules):
        return False
    threshold = threshold_for(year, config.thresholds).amount_cents
    lowest = min((*warn_levels(threshold, business.warn_at), threshold + 1))
    eu_kor = business.rules.eu_kor
    if eu_kor is not None:  # the Union counter adds only credits and invoices too
        lowest = min(lowest, eu_kor.limit_cents + 1)
    return ledger.credits_cents(connection, business.id, years) < lowest


def settled(
    connection: sqlite3.Connection,
    business: BusinessConfig,
    year: int,
    config: Config,
    today: date,
) -> bool:
    """Whether every alert this year can raise is already recorded: then no import can add
    one (record_transitions would find nothing new), and the year need not be evaluated."""
    possible = {CROSSED}
    if eukor_possible(connection, business, year):
        possible.add(alerts.EUKOR_CROSSED)
    if year == today.year:
        threshold = threshold_for(year, config.thresholds).amount_cents
        possible |= {level_name(level) for level in warn_levels(threshold, business.warn_at)}
    return possible <= alerts.recorded_levels(connection, business.id, year)


def eukor_possible(connection: sqlite3.Connection, business: BusinessConfig, year: int) -> bool:
    """Whether the year's Union turnover can be over the EU-KOR limit: the business takes part,
    the scheme existed, and what could count (credits and invoices of the years read) is over
    the limit. Cheap, so that a business under the limit is not evaluated after every import."""
    settings = business.rules.eu_kor
    if settings is None or year < EU_KOR_START:
        return False
    if any(rule.fee_percent for rule in business.rules.user_rules):
        return True  # a payout grossed up for fees counts more than was paid
    years = years_read(connection, business, year)
    return ledger.credits_cents(connection, business.id, years) > settings.limit_cents
