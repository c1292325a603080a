"""What counts as KOR turnover, and why (pure: no I/O, no clock).

Every stored record gets a `Classified` verdict: whether it counts, the amount that counts (in
cents), the date it counts on, the rule that decided and a sentence saying why. Nothing about
the verdict is stored: the rules run over the raw ledger at every evaluation, so a config change
re-classifies the whole history.

Order of the rules for a bank credit: the user's own rules (they know their customers, U20),
then facts from IBANs (own accounts, the owner's private accounts, the Belastingdienst), the
bank's reversal mark, words in the description (switchable), payment platforms, and finally the
conservative default: an unrecognised credit counts and is flagged for review. Invoices and
payments are then matched (matching.py), which decides dates across the year boundary (T12).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from korwatch.models import StoredRecord
from korwatch.references import invoice_number
from korwatch.rules_bank import is_belastingdienst, keyword_category, platform_of
from korwatch.rules_user import CATEGORIES, Category, UserRule, first_match
from korwatch.vat import gross_up_fees, net_of_vat

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


def classify(records: Iterable[StoredRecord], settings: RuleSettings) -> list[Classified]:
    """The verdict on each record, in the order given."""
    return matched([classify_one(record, settings) for record in records], settings)


def matched(items: list[Classified], settings: RuleSettings) -> list[Classified]:
    """Items classified one by one (classify_one, in booking order), with payments and
    invoices matched: what classify gives."""
    from korwatch.matching import match  # noqa: PLC0415  (matching builds on this module)

    return match(items, settings)


def classify_one(record: StoredRecord, settings: RuleSettings) -> Classified:
    """The verdict on one record on its own, before matching (see `matched`)."""
    if record.kind == "invoice":
        return _invoice(record, settings)
    if record.amount_cents <= 0:
        return _verdict(record, False, "debit", "money out (a debit) is not turnover")
    return _credit(record, settings)


def _verdict(
    record: StoredRecord, counts: bool, rule: str, reason: str, invoice: str = ""
) -> Classified:
    amount = record.amount_cents if counts else 0
    return Classified(record, counts, amount, record.date, rule, reason, invoice)


_UNRECOGNISED = (
    "no rule recognises this credit: counted, to be safe (U20); add a rule if it is not turnover"
)
_U20 = ("U20",)
_REVIEW = (REVIEW,)


def _credit(record: StoredRecord, settings: RuleSettings) -> Classified:
    name = record.counterparty_name.casefold()
    invoice = invoice_number(record.description, record.reference)
    rule = _user_rule(record, name, settings)
    if rule is not None:
        label = f"user-rule:{rule.label}"
        return _decide(record, settings, rule.category, label, invoice, rule)
    iban = record.counterparty_iban.replace(" ", "").upper() if record.counterparty_iban else ""
    fact = _iban_fact(iban, name, settings)
    if fact is not None:
        category, why = fact
        return _decide(record, settings, CATEGORIES[category], category, invoice, why=why)
    if record.reversal:
        return _decide(record, settings, CATEGORIES["reversal"], "reversal", invoice)
    if settings.keywords:
        found = keyword_category(record.description)
        if found is not None:
            category, word = found
            why = f'the word "{word}" in the description shows it (keywords = true, U20)'
            return _decide(
                record,
                settings,
                CATEGORIES[category],
                f"keyword:{category}",
                invoice,
                why=why,
                uncertain=_U20,
            )
    platform = platform_of(name)
    if platform:
        why = f"paid out by {platform}"
        payout = CATEGORIES["platform-payout"]
        return _decide(record, settings, payout, "platform-payout", invoice, why=why)
    return _decide(
        record,
        settings,
        CATEGORIES["turnover"],
        "credit",
        invoice,
        reason=_UNRECOGNISED,
        flags=_REVIEW,
        uncertain=_U20,
    )


def _user_rule(record: StoredRecord, name: str, settings: RuleSettings) -> UserRule | None:
    if not settings.user_rules:
        return None
    return first_match(
        settings.user_rules, record, name, settings.any_description, settings.any_counterparty
    )


def _iban_fact(iban: str, name: str, settings: RuleSettings) -> tuple[str, str] | None:
    if iban and iban in settings.own_ibans:
        return "own-transfer", "from the business's own account (own_ibans)"
    if iban and iban in settings.private_ibans:
        return "private-deposit", "from the owner's private account (private_ibans)"
    if is_belastingdienst(iban, name):
        return "tax-refund", "paid by the Belastingdienst (NL86INGB0002445588)"
    return None


def _decide(
    record: StoredRecord,
    settings: RuleSettings,
    category: Category,
    rule: str,
    invoice: str,
    user_rule: UserRule | None = None,
    *,
    why: str = "",
    reason: str = "",
    flags: tuple[str, ...] = (),
    uncertain: tuple[str, ...] = (),
) -> Classified:
    """The one verdict on a bank credit of `category` (built once: a year has many records)."""
    if not reason:
        reason = f"{category.text} ({category.rule})" + (f": {why}" if why else "")
    country = user_rule.country if user_rule else ""
    if not category.counts:
        return Classified(
            record,
            False,
            0,
            record.date,
            rule,
            reason,
            invoice,
            flags,
            category.name,
            "",
            uncertain,
            country,
        )
    amount = record.amount_cents
    if category.name == "platform-payout":
        fee = user_rule.fee_percent if user_rule else None
        amount = gross_up_fees(amount, fee or Decimal(0))
        flags = (*flags, NET_OF_FEES)
        reason += (
            f"; counted grossed up by {fee} % fees"
            if fee
            else "; counted as paid out, which is net of fees: set fee_percent in a rule or "
            "import the platform's sales"
        )
    vat_class = ""
    if not category.no_vat:
        vat_class = user_rule.vat if user_rule and user_rule.vat else settings.vat_rate
    item = Classified(
        record,
        True,
        amount,
        record.date,
        rule,
        reason,
        invoice,
        flags,
        category.name,
        vat_class,
        uncertain,
        country,
    )
    return item if settings.in_kor else strip_vat(item)


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
    )


def _invoice(record: StoredRecord, settings: RuleSettings) -> Classified:
    number = record.reference
    day = _invoice_date(record, settings.date_rule)
    uncertain = ("U2",) if day != record.date else ()
    rule = _user_rule(record, record.counterparty_name.casefold(), settings)
    if rule is not None and not rule.category.counts:
        reason = f"{rule.category.text} ({rule.category.rule}): user rule {rule.label}"
        return Classified(
            record,
            False,
            0,
            day,
            f"user-rule:{rule.label}",
            reason,
            number,
            category=rule.category.name,
            country=rule.country,
        )
    if settings.basis != "invoices":
        reason = "on the bank basis the payment counts, not the invoice"
        return Classified(
            record, False, 0, day, "bank-basis-invoice", reason, number, uncertain=uncertain
        )
    category = rule.category.name if rule else "turnover"
    if record.credit_note:
        reason = "a credit note lowers the turnover of its year (R9.2)"
        return Classified(
            record,
            True,
            record.amount_cents,
            day,
            "credit-note",
            reason,
            number,
            category=category,
            uncertain=uncertain,
        )
    reason = (
        "an invoice counts on its date (R7.2)"
        if not uncertain
        else "an invoice counts on its supply date, the earlier date (R7.2, U2)"
    )
    return Classified(
        record,
        True,
        record.amount_cents,
        day,
        "invoice",
        reason,
        number,
        category=category,
        uncertain=uncertain,
    )


def _invoice_date(record: StoredRecord, date_rule: str) -> date:
    supply = record.value_date
    if supply is None or date_rule == "invoice":
        return record.date
    if date_rule == "supply":
        return supply
    return min(supply, record.date)
