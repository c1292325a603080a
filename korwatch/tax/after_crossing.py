"""What a crossing changes in euros: input VAT you may now deduct, VAT due on later sales (pure).

From the crossing date the right to deduct input VAT returns, for costs of taxed supplies
(R3.4); a purchase on the crossing date itself counts (U26). Purchases before it stay without
deduction. Every credit after the crossing item carries VAT: on top of the price, or inside it
when the price cannot be raised (U4); both are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from korwatch.models import StoredRecord
from korwatch.tax.advice_basis import sale_of
from korwatch.tax.advice_settings import AdviceRule
from korwatch.tax.debits import GENERAL, REDUCED, UNKNOWN, cost_vat, debit_vat_cents
from korwatch.tax.thresholds import YearState
from korwatch.tax.vat import vat_included, vat_on_top
from korwatch.tax.verdict import Classified, RuleSettings

LISTED_CREDITS = 50  # later credits listed one by one; the totals hold them all


@dataclass(frozen=True)
class LaterCredit:
    item: Classified
    received_cents: int
    on_top_cents: int  # VAT if charged on top of what was received
    inside_cents: int  # VAT if it is inside what was received (U4)


@dataclass(frozen=True)
class AfterCrossing:
    since: date
    purchases: int  # debits that carry deductible VAT
    purchases_gross_cents: int
    deductible_cents: int
    unknown: int  # debits nobody recognised
    unknown_gross_cents: int
    unknown_vat_cents: int  # at most: all of it at 21 %
    credits: tuple[LaterCredit, ...]
    credits_count: int
    on_top_cents: int
    inside_cents: int


def after_crossing(
    state: YearState,
    debits: Iterable[StoredRecord],
    rules: RuleSettings,
    costs: tuple[AdviceRule, ...],
) -> AfterCrossing | None:
    """The euros of the crossing of `state` (None when it did not cross); `debits`: records of
    the year that may be debits (the state of an import holds no debits)."""
    crossing = state.crossing
    if crossing is None:
        return None
    since = crossing.item.effective_date
    sums = {"n": 0, "gross": 0, "vat": 0, "un": 0, "ungross": 0, "unvat": 0}
    for record in debits:
        if record.kind != "transaction" or record.amount_cents >= 0 or record.date < since:
            continue
        verdict = cost_vat(record, rules, costs)
        if verdict.vat in (GENERAL, REDUCED, UNKNOWN):
            known = verdict.vat != UNKNOWN
            sums["n" if known else "un"] += 1
            sums["gross" if known else "ungross"] -= record.amount_cents
            sums["vat" if known else "unvat"] += debit_vat_cents(record, verdict)
    credits = _later_credits(state, crossing.item)
    return AfterCrossing(
        since,
        sums["n"],
        sums["gross"],
        sums["vat"],
        sums["un"],
        sums["ungross"],
        sums["unvat"],
        tuple(credits[:LISTED_CREDITS]),
        len(credits),
        sum(credit.on_top_cents for credit in credits),
        sum(credit.inside_cents for credit in credits),
    )


def _later_credits(state: YearState, crossing: Classified) -> list[LaterCredit]:
    found: list[LaterCredit] = []
    after = False
    for item in state.items:
        if item is crossing:
            after = True
            continue
        if not after or not item.counts or item.effective_date.year != state.year:
            continue
        received, rate_class = sale_of(item)
        if received <= 0:
            continue
        on_top = vat_on_top(received, rate_class, item.effective_date) if rate_class else 0
        inside = vat_included(received, rate_class, item.effective_date) if rate_class else 0
        found.append(LaterCredit(item, received, on_top, inside))
    return found
