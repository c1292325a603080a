"""Reading a business's rule keys from the config: user rules, VAT, EU-KOR, uncertain points.

Every key is read through `configtable.Table`, so each problem is reported with its key path and
unknown keys are rejected. Regular expressions are compiled here, once per config load. Every
uncertain point (kor-rules.md U1-U20) that changes an outcome defaults to its conservative reading.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from korwatch.configtable import Table
from korwatch.models import cents
from korwatch.tax.user_rules import CATEGORIES, UserRule, combined_pattern
from korwatch.tax.vat import RATE_CLASSES
from korwatch.tax.verdict import EuKorSettings, RuleSettings

DATE_RULES = ("earliest", "invoice", "supply")
UNMATCHED = ("count", "ignore")
CREDIT_NOTE_AFTER_CROSSING = ("crossing-stands", "recompute")


def read_rules(table: Table, basis: str, own_ibans: frozenset[str]) -> RuleSettings:
    """The RuleSettings of one `[[business]]` table (basis and own_ibans read by the caller)."""
    vat = table.table("vat")
    in_kor = vat.boolean("in_kor", True)
    vat_rate = vat.string("rate", "general", choices=RATE_CLASSES) or "general"
    vat.finish()
    uncertain = table.table("uncertain")
    rules = tuple(
        rule for rule in (_user_rule(t, i) for i, t in enumerate(table.tables("rule"))) if rule
    )
    settings = RuleSettings(
        basis=basis,
        own_ibans=own_ibans,
        private_ibans=table.ibans("private_ibans"),
        user_rules=rules,
        any_description=combined_pattern(rules),
        any_counterparty=combined_pattern(rules, names=True),
        in_kor=in_kor,
        vat_rate=vat_rate,
        keywords=uncertain.boolean("keywords", True),
        date_rule=uncertain.string("date", "earliest", choices=DATE_RULES) or "earliest",
        unmatched_payments=uncertain.string("unmatched_payments", "count", choices=UNMATCHED)
        or "count",
        credit_note_after_crossing=uncertain.string(
            "credit_note_after_crossing", "crossing-stands", choices=CREDIT_NOTE_AFTER_CROSSING
        )
        or "crossing-stands",
        eu_kor=_eu_kor(table) if table.has("eu_kor") else None,
    )
    uncertain.finish()
    return settings


def _user_rule(table: Table, index: int) -> UserRule | None:
    label = table.string("label", f"rule[{index}]") or f"rule[{index}]"
    category_name = table.required_string("category")
    category = CATEGORIES.get(category_name)
    if category is None and category_name:
        known = ", ".join(CATEGORIES)
        table.problem("category", f'"{category_name}" is not a category (one of: {known})')
    conditions = read_conditions(table, "category")
    fee = table.amount("fee_percent")
    if fee is not None and fee >= 100:
        table.problem("fee_percent", f"{fee} must be below 100")
    rule = UserRule(
        label=label,
        category=category or CATEGORIES["turnover"],
        **conditions,
        vat=table.string("vat", choices=RATE_CLASSES),
        fee_percent=fee,
        country=(table.string("country", "") or "").upper(),
    )
    table.finish()
    return rule if category is not None else None


def read_conditions(table: Table, decided_by: str) -> dict[str, Any]:
    """The conditions of a rule (iban, counterparty, description, min, max), checked; at least
    one must be given (the problem is reported at `decided_by`, the key the rule sets)."""
    pattern = _pattern(table)
    low, high = table.amount("min"), table.amount("max")
    if low is not None and high is not None and low > high:
        table.problem("min", f"{low} is above max {high}")
    if not any(table.has(name) for name in ("iban", "counterparty", "description", "min", "max")):
        table.problem(
            decided_by, "the rule has no condition (iban, counterparty, description, min, max)"
        )
    return {
        "iban": table.iban("iban"),
        "counterparty": (table.string("counterparty", "") or "").casefold(),
        "description": pattern,
        "min_cents": None if low is None else cents(low),
        "max_cents": None if high is None else cents(high),
    }


def _pattern(table: Table) -> re.Pattern[str] | None:
    text = table.string("description")
    if text is None:
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as error:
        table.problem("description", f'"{text}" is not a valid regular expression ({error})')
        return None


def _eu_kor(business: Table) -> EuKorSettings:
    table = business.table("eu_kor")
    limit = table.amount("limit", Decimal(100000)) or Decimal(100000)
    previous = table.amount("previous_year_turnover")
    settings = EuKorSettings(
        limit_cents=cents(limit),
        previous_year_cents=None if previous is None else cents(previous),
        notice_working_days=table.integer("notice_working_days", 15, 1, 60),
    )
    table.finish()
    return settings
