"""The turnover categories of kor-rules.md R2, and the user's own rules that assign them.

A rule in the config matches a record on counterparty IBAN, counterparty name (a part of it,
any case), a description pattern (a regular expression, any case) and an amount range; the first
rule that matches decides the record's category. Patterns are compiled once, when the config is
read, so classifying a large year costs one dictionary lookup and a few regex searches per record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeVar

from korwatch.models import StoredRecord


@dataclass(frozen=True)
class Category:
    name: str
    counts: bool
    rule: str  # the kor-rules.md rule it comes from
    text: str  # why it counts or not, for the ledger's reason column
    no_vat: bool = False  # its amounts never include Dutch VAT (0 %, exempt, reverse-charged)


_CATEGORIES = (
    Category("turnover", True, "R2.1", "a supply taxable in the Netherlands counts"),
    Category("zero-rated", True, "R2.1", "a 0 % supply (export, ICL) counts", no_vat=True),
    Category(
        "reverse-charge-domestic",
        True,
        "R2.2",
        "a domestic reverse-charge supply counts",
        no_vat=True,
    ),
    Category(
        "exempt-counting",
        True,
        "R2.3",
        "an exempt real-estate, financial or insurance supply counts",
        no_vat=True,
    ),
    Category("margin-scheme", True, "R2.4", "a margin-scheme sale counts at its full price"),
    Category("advance-payment", True, "R7.1", "an advance payment counts on the day received"),
    Category("platform-payout", True, "R2.11", "a platform payout: turnover is the gross sales"),
    Category("exempt", False, "R2.5", "an exempt supply outside R2.3 does not count"),
    Category("ancillary", False, "U9", "an ancillary exempt transaction does not count"),
    Category("foreign-taxed", False, "R2.6", "a supply taxed abroad does not count"),
    Category("business-asset", False, "R2.7", "the sale of a business asset does not count"),
    Category("private-use", False, "R2.8", "private use of business goods does not count"),
    Category("purchase", False, "R2.9", "a purchase or its refund is not turnover"),
    Category("own-transfer", False, "R2.9", "a transfer between own accounts is not turnover"),
    Category("private-deposit", False, "R2.9", "a private deposit by the owner is not turnover"),
    Category("loan", False, "R2.9", "a loan is not turnover"),
    Category("tax-refund", False, "R2.9", "a tax refund is not turnover"),
    Category("supplier-refund", False, "R2.9", "a refund from a supplier is not turnover"),
    Category("reversal", False, "R2.9", "a reversal (storno) of a booking is not turnover"),
    Category("interest", False, "R2.9", "interest received is not turnover"),
    Category("grant", False, "R2.9", "a grant or subsidy is not turnover"),
    Category("insurance", False, "R2.9", "an insurance payout is not turnover"),
    Category("not-turnover", False, "R2.9", "money that is not the price of a supply"),
)
CATEGORIES: dict[str, Category] = {category.name: category for category in _CATEGORIES}


@dataclass(frozen=True, slots=True)
class UserRule:
    """One `[[business.rule]]`; every condition given must hold."""

    label: str
    category: Category
    iban: str = ""  # normalised, "" = any
    counterparty: str = ""  # casefolded part of the name, "" = any
    description: re.Pattern[str] | None = None
    min_cents: int | None = None
    max_cents: int | None = None
    vat: str | None = None  # the VAT rate class of its amounts, None = the business default
    fee_percent: Decimal | None = None  # platform fees kept from a payout (R2.11)
    country: str = ""  # member state where a foreign-taxed supply is taxed (EU-KOR, R5.5)

    def matches(self, record: StoredRecord, name_folded: str) -> bool:
        return first_match((self,), record, name_folded) is self


class Conditions(Protocol):
    """What a rule matches a record on (UserRule here; the advice's cost and customer rules)."""

    @property
    def iban(self) -> str: ...
    @property
    def counterparty(self) -> str: ...
    @property
    def description(self) -> re.Pattern[str] | None: ...
    @property
    def min_cents(self) -> int | None: ...
    @property
    def max_cents(self) -> int | None: ...


AnyRule = TypeVar("AnyRule", bound=Conditions)


def combined_pattern(rules: Sequence[Conditions], names: bool = False) -> re.Pattern[str] | None:
    """One pattern matching wherever any rule's description pattern (or, with `names`, any
    rule's counterparty part) does; None when there is none or they cannot be joined.

    A text it does not match skips every rule with that condition in a single search.
    """
    if names:
        patterns = [re.escape(rule.counterparty) for rule in rules if rule.counterparty]
    else:
        patterns = [rule.description.pattern for rule in rules if rule.description is not None]
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error:  # e.g. numbered back-references shift when joined
        return None


def first_match(
    rules: Sequence[AnyRule],
    record: StoredRecord,
    name_folded: str,
    any_description: re.Pattern[str] | None = None,
    any_counterparty: re.Pattern[str] | None = None,
) -> AnyRule | None:
    """The first rule whose every condition holds (cheap conditions first, text built once)."""
    text = f"{record.description} {record.reference}"
    # False: no rule's pattern (or name part) can match, so rules that need one are skipped.
    described = any_description is None or any_description.search(text) is not None
    named = any_counterparty is None or any_counterparty.search(name_folded) is not None
    size = abs(record.amount_cents)
    iban: str | None = None
    for rule in rules:
        if rule.counterparty and (not named or rule.counterparty not in name_folded):
            continue
        if rule.description is not None and (
            not described or rule.description.search(text) is None
        ):
            continue
        if (rule.min_cents is not None and size < rule.min_cents) or (
            rule.max_cents is not None and size > rule.max_cents
        ):
            continue
        if rule.iban:
            if iban is None:
                iban = record.counterparty_iban.replace(" ", "").upper()
            if rule.iban != iban:
                continue
        return rule
    return None
