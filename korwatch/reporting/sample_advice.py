"""The sample of the autumn email: a photographer's year in the KOR, weighed as korwatch would.

Built from records rather than written out, so that the sample always has the shape the
comparison really has: 12 months of a business client (750.00), one wedding (1,210.00),
software, telephone, insurance and bank costs, and a planned EUR 4,000 camera in March, asked on
26 November 2026. Leaving from 1 January 2027 saves about EUR 281 (tests/advice/test_scenarios.py
works the same figures out by hand).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from korwatch.alerts.advice import as_facts
from korwatch.models import StoredRecord
from korwatch.tax.advice import Question, advise
from korwatch.tax.advice_periods import Plan
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.classify import classify
from korwatch.tax.thresholds import evaluate, warn_levels
from korwatch.tax.verdict import RuleSettings

TODAY = date(2026, 11, 26)
_MONTHLY = (
    (2025, 11, 27, -750, "ING Bank N.V.", "kosten zakelijke betaalrekening"),
    (2025, 12, 10, 75000, "Reclamebureau Noord B.V.", "factuur"),
    (2025, 12, 3, -6050, "Adobe Systems Software Ireland Ltd", "Creative Cloud"),
    (2025, 12, 9, -3630, "KPN B.V.", "mobiel"),
    (2025, 12, 15, -4000, "Centraal Beheer", "polis aansprakelijkheid"),
)


def _records() -> list[StoredRecord]:
    found = [_record(1, date(2026, 6, 20), 121000, "J. de Vries", "bruiloft 20 juni")]
    for first_year, first_month, day, cents, name, text in _MONTHLY:
        for step in range(12):
            year, month = divmod(first_year * 12 + first_month - 1 + step, 12)
            found.append(_record(len(found) + 1, date(year, month + 1, day), cents, name, text))
    return sorted(found, key=lambda record: (record.date, record.id))


def _record(number: int, day: date, cents: int, name: str, text: str) -> StoredRecord:
    return StoredRecord(
        number, "transaction", day, cents, "EUR", "NL20INGB0001234567", name, "", text, "",
        False, "", "sample", "ing-2026.csv", None, None, False,
    )  # fmt: skip


def advice_sample(business_id: str, name: str) -> dict[str, Any]:
    """The autumn email's payload for the sample photographer."""
    rules = RuleSettings()
    records = _records()
    states = {
        year: evaluate(
            year,
            classify([r for r in records if r.date.year == year], rules),
            2_000_000,
            warn_levels(2_000_000, None),
        )
        for year in (2025, 2026)
    }
    question = Question(
        states[2026], states[2025], TODAY, rules, AdviceSettings(), 2_000_000,
        (Plan(400000, date(2027, 3, 15)),),
    )  # fmt: skip
    return {
        "kind": "advice",
        "business": {"id": business_id, "name": name},
        "year": 2026,
        "advice": as_facts(advise(question), business_id, name, True),
        "detected_at": "2026-10-01T07:00:00+00:00",
    }
