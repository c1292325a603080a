"""A year of bank lines built month by month, and the advice on it, through the real readers."""

from __future__ import annotations

import tomllib
from datetime import date

from korwatch.config.advice import read_advice
from korwatch.configtable import Table
from korwatch.models import StoredRecord
from korwatch.tax.advice import Advice, Question, advise
from korwatch.tax.advice_periods import Plan
from korwatch.tax.advice_settings import AdviceSettings
from tests.rules.builders import bank, settings, state

OWN_IBAN = "NL20INGB0001234567"
TODAY = date(2026, 11, 26)  # the exit can take effect on 1 January 2027 (notice by 3 December)


def monthly(
    first: tuple[int, int], months: int, day: int, amount: str, name: str, description: str = ""
) -> list[StoredRecord]:
    """The same bank line on `day` of `months` months from (year, month) on."""
    year, month = first
    found = []
    for _ in range(months):
        found.append(bank(f"{year}-{month:02d}-{day:02d}", amount, name, description=description))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def bank_fees() -> list[StoredRecord]:
    """EUR 7.50 a month from 27 November 2025: the ledger covers the twelve months to TODAY
    (27 November 2025 - 26 November 2026, 365 days), so a year's costs are the sums as they are.
    Bank costs carry no VAT."""
    return monthly((2025, 11), 12, 27, "-7.50", "ING Bank N.V.", "kosten zakelijke betaalrekening")


def advice_settings(toml: str = "") -> AdviceSettings:
    problems: list[str] = []
    table = Table(tomllib.loads(toml), "business[0]", problems)
    found = read_advice(table)
    table.finish()
    assert not problems, problems
    return found


def ask(
    records: list[StoredRecord],
    toml: str = "",
    plans: tuple[Plan, ...] = (),
    today: date = TODAY,
    rules_toml: str = "",
) -> Advice:
    """The advice on these records (2025 and 2026) as of `today`."""
    rules = settings(rules_toml, basis="bank", own=(OWN_IBAN,))
    this = state([r for r in records if r.date.year == today.year], rules, year=today.year)
    earlier = [r for r in records if r.date.year == today.year - 1]
    last = state(earlier, rules, year=today.year - 1) if earlier else None
    question = Question(this, last, today, rules, advice_settings(toml), 2_000_000, plans)
    return advise(question)
