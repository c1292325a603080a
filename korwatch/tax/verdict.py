"""The verdict on a record (`Classified`), its flags, and the settings the rules read.

Plain data shared by classification (classify.py) and matching (matching.py): both build and copy
verdicts; neither needs the other's logic to do so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from korwatch.models import StoredRecord
from korwatch.tax.decisions import Decision, Decisions
from korwatch.tax.user_rules import UserRule
from korwatch.tax.vat import net_of_vat

# Flags on an item (stable names: they show in the ledger, status --json and emails).
REVIEW = "REVIEW"  # nothing recognised it; counted to be safe (U20)
NET_OF_FEES = "NET_OF_FEES"  # a platform payout: the gross sales are higher (R2.11)
NET_OF_VAT = "NET_OF_VAT"  # counted without the VAT it includes (R2.10)
UNPAID = "UNPAID"  # an invoice no payment was matched to
ADVANCE = "ADVANCE"  # an invoice dated on the payment received before it (R7.1)
ADVISER_REVIEW = "ADVISER_REVIEW"  # a credit note after the crossing (T14, U3)
NEXT_YEAR = "COUNTS_IN_OTHER_YEAR"  # the record's date and the year it counts in differ


@dataclass(frozen=True)
class EuKorSettings:
    """`[business.eu_kor]`: the EU-wide counter of the cross-border scheme (R5, T11)."""

    limit_cents: int = 10_000_000
    previous_year_cents: int | None = None  # Union turnover of last year, when not in the ledger
    notice_working_days: int = 15  # U8


@dataclass(frozen=True)
class RuleSettings:
    """The part of a business's config the rules read (uncertain points default conservatively)."""

    basis: str = "bank"  # "bank" or "invoices"
    own_ibans: frozenset[str] = frozenset()
    private_ibans: frozenset[str] = frozenset()  # the owner's private accounts (R2.9)
    user_rules: tuple[UserRule, ...] = ()
    any_description: re.Pattern[str] | None = None  # all rules' patterns in one, to skip fast
    any_counterparty: re.Pattern[str] | None = None  # all rules' name parts in one
    in_kor: bool = True  # False: count every VAT-inclusive amount net of VAT (R2.10, T15)
    vat_rate: str = "general"  # the rate class of bank credits without a rule saying otherwise
    keywords: bool = True  # U20: recognise loans, refunds ... by words in the description
    date_rule: str = "earliest"  # U2/R7.2: "earliest" of supply and invoice date, or one of them
    unmatched_payments: str = "count"  # R7.1/U20: a payment without invoice counts (invoice basis)
    credit_note_after_crossing: str = "crossing-stands"  # U3: or "recompute"
    eu_kor: EuKorSettings | None = None
    decisions: Decisions = field(default_factory=Decisions)  # a person's, from the ledger


@dataclass(slots=True)
class Classified:
    """The verdict on one record. Treated as immutable outside classify(): copy, never change
    one you were given. Not frozen because a frozen dataclass costs ~4 us per construction,
    and a busy year is 100,000 records evaluated at every imported document."""

    record: StoredRecord
    counts: bool
    amount_cents: int  # what counts towards turnover; 0 when it does not count
    effective_date: date  # the date it counts on
    rule: str  # short, stable name of the deciding rule, e.g. "credit", "own-account"
    reason: str  # a sentence for people (the accountant's file)
    invoice: str = ""  # the invoice number it names or is
    flags: tuple[str, ...] = ()
    category: str = ""  # the R2 category, when one applies
    vat_class: str = ""  # rate class of the VAT inside amount_cents once the KOR has ended
    uncertain: tuple[str, ...] = ()  # open points (U1-U20) the verdict rests on
    country: str = ""  # where a foreign-taxed supply is taxed (EU-KOR counter)
    decision: Decision | None = None  # the person's decision that gave this verdict


def amend(item: Classified, **changes: Any) -> Classified:
    """A copy of `item` with `changes` (faster than dataclasses.replace, which matters here)."""
    fresh = Classified(
        item.record,
        item.counts,
        item.amount_cents,
        item.effective_date,
        item.rule,
        item.reason,
        item.invoice,
        item.flags,
        item.category,
        item.vat_class,
        item.uncertain,
        item.country,
        item.decision,
    )
    for name, value in changes.items():
        setattr(fresh, name, value)
    return fresh


def strip_vat(item: Classified) -> Classified:
    """The item counted net of the VAT its amount includes (R2.10: outside the KOR)."""
    if not item.vat_class or not item.counts:
        return item
    # Built positionally, not through amend(): after a crossing this runs for every credit.
    return Classified(
        item.record,
        True,
        net_of_vat(item.amount_cents, item.vat_class, item.effective_date),
        item.effective_date,
        item.rule,
        item.reason,
        item.invoice,
        (*item.flags, NET_OF_VAT),
        item.category,
        "",
        item.uncertain,
        item.country,
        item.decision,
    )
