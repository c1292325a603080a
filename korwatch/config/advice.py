"""Reading `[business.advice]`: the stay-or-leave comparison's settings and the user's rules.

`[[business.advice.cost]]` says which VAT a payee's debits carry (general, reduced, none);
`[[business.advice.customer]]` whether a payer is a business that deducts VAT or a consumer.
Both match like `[[business.rule]]` (iban, counterparty, description, min, max).
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal

from korwatch.config.rules import read_conditions
from korwatch.configtable import Table
from korwatch.models import cents
from korwatch.tax.advice_settings import (
    CONSUMER_PRICES,
    COST_VAT,
    CUSTOMER_KINDS,
    RETURN_PERIODS,
    AdviceRule,
    AdviceSettings,
)

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_DEFAULT = AdviceSettings()


def read_advice(business: Table) -> AdviceSettings:
    table = business.table("advice")
    hours = Decimal(repr(table.number("hours_per_return", 2.0))).quantize(Decimal("0.01"))
    if hours < 0:
        table.problem("hours_per_return", f"{hours} must not be negative")
    rate = table.amount("hourly_rate", Decimal(_DEFAULT.hourly_rate_cents) / 100)
    share = table.amount("b2b_share")
    if share is not None and not Decimal(0) <= share <= Decimal(100):
        table.problem("b2b_share", f"{share} must be a percentage from 0 to 100")
    difference = table.amount("notify_difference", Decimal(500))
    capital = table.amount("capital_goods_from", Decimal(450))
    settings = AdviceSettings(
        hours_per_return=max(hours, Decimal(0)),
        hourly_rate_cents=cents(rate) if rate is not None else _DEFAULT.hourly_rate_cents,
        return_period=table.string("return_period", "quarter", choices=RETURN_PERIODS) or "quarter",
        consumer_prices=table.string("consumer_prices", "stay", choices=CONSUMER_PRICES) or "stay",
        b2b_share=share,
        capital_good_cents=cents(capital) if capital is not None else 45000,
        autumn_email=table.boolean("autumn_email", True),
        autumn_month_day=_month_day(table),
        notify_difference_cents=cents(difference) if difference is not None else 50000,
        costs=_rules(table, "cost", "vat", COST_VAT),
        customers=_rules(table, "customer", "kind", CUSTOMER_KINDS),
        admin_default=not (table.has("hours_per_return") or table.has("hourly_rate")),
    )
    table.finish()
    return settings


def _month_day(table: Table) -> tuple[int, int]:
    text = table.string("autumn_date", "10-01") or "10-01"
    found = _MONTH_DAY.match(text)
    if found is not None:
        month, day = int(found.group(1)), int(found.group(2))
        # A leap year, so that 02-29 is a day (it falls on 1 March in other years).
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]:
            return month, day
    table.problem("autumn_date", f'"{text}" is not a day of the year written MM-DD, e.g. "10-01"')
    return _DEFAULT.autumn_month_day


def _rules(
    advice: Table, name: str, decides: str, choices: tuple[str, ...]
) -> tuple[AdviceRule, ...]:
    found = []
    for index, table in enumerate(advice.tables(name)):
        label = table.string("label", f"{name}[{index}]") or f"{name}[{index}]"
        value = table.required_string(decides, choices=choices)
        conditions = read_conditions(table, decides)
        table.finish()
        if value:
            found.append(AdviceRule(label=label, value=value, **conditions))
    return tuple(found)
