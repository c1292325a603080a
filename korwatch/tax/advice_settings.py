"""`[business.advice]`: the settings of the stay-or-leave comparison, and the user's own rules.

Plain data read by debits.py (the VAT a debit carries), customers.py (whether a customer deducts
VAT) and advice.py (the comparison). The defaults are the conservative choices of the research
notes (advise-rules.md): 2 hours per VAT return at EUR 50 (an assumption, not sourced, U28), a
movable good is a capital good from EUR 450 excluding VAT, the headline assumes consumer prices
stay (you absorb the VAT), and the autumn email goes out on 1 October when the difference is
above EUR 500 either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

COST_VAT = ("general", "reduced", "none")  # what a cost rule can say a debit carries
CUSTOMER_KINDS = ("business", "consumer")
RETURN_PERIODS = ("quarter", "month", "year")
CONSUMER_PRICES = ("stay", "rise")


@dataclass(frozen=True, slots=True)
class AdviceRule:
    """One `[[business.advice.cost]]` (value: a VAT class of COST_VAT) or
    `[[business.advice.customer]]` (value: one of CUSTOMER_KINDS); every condition given must
    hold, as in a `[[business.rule]]`."""

    label: str
    value: str
    iban: str = ""
    counterparty: str = ""  # casefolded part of the name
    description: re.Pattern[str] | None = None
    min_cents: int | None = None
    max_cents: int | None = None


@dataclass(frozen=True)
class AdviceSettings:
    hours_per_return: Decimal = Decimal(2)
    hourly_rate_cents: int = 5000
    return_period: str = "quarter"
    consumer_prices: str = "stay"  # the headline's reading: "stay" (you absorb) or "rise"
    b2b_share: Decimal | None = None  # percent of sales to VAT-deducting businesses, if known
    capital_good_cents: int = 45000  # a movable good from this price excluding VAT
    autumn_email: bool = True
    autumn_month_day: tuple[int, int] = (10, 1)
    notify_difference_cents: int = 50000
    costs: tuple[AdviceRule, ...] = ()
    customers: tuple[AdviceRule, ...] = ()
    admin_default: bool = True  # hours and rate are the defaults (said in the output)

    @property
    def cost_per_return_cents(self) -> int:
        return int(self.hours_per_return * self.hourly_rate_cents)

    def returns_per_year(self) -> int:
        return {"quarter": 4, "month": 12, "year": 1}[self.return_period]
