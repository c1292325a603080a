"""What counts as KOR turnover, and why (pure: no I/O, no clock).

Every stored record gets a `Classified` verdict: whether it counts, the amount that counts (in
cents), the date it counts on, the rule that decided and a sentence saying why. Nothing about
the verdict is stored: the rules run over the raw ledger at every evaluation, so a config change
re-classifies the whole history.

Order of the rules for a bank credit: a person's decision on that very credit, the user's own
rules (they know their customers, U20), a person's "always for this IBAN / name" decision
(tax/decisions.py), then facts from IBANs (own accounts, the owner's private accounts, the
Belastingdienst), the bank's reversal mark, words in the description (switchable), payment
platforms, and finally the conservative default: an unrecognised credit counts and is flagged
for review. Invoices and payments are then matched (matching.py), which decides dates across
the year boundary (T12).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from korwatch.models import StoredRecord
from korwatch.tax.bank_facts import is_belastingdienst, keyword_category, platform_of
from korwatch.tax.decisions import Decision
from korwatch.tax.matching import match
from korwatch.tax.references import invoice_number
from korwatch.tax.user_rules import CATEGORIES, Category, UserRule, first_match
from korwatch.tax.vat import gross_up_fees
from korwatch.tax.verdict import NET_OF_FEES, REVIEW, Classified, RuleSettings, amend, strip_vat


def classify(records: Iterable[StoredRecord], settings: RuleSettings) -> list[Classified]:
    """The verdict on each record, in the order given."""
    return matched([classify_one(record, settings) for record in records], settings)


def matched(items: list[Classified], settings: RuleSettings) -> list[Classified]:
    """Items classified one by one (classify_one, in booking order), with payments and
    invoices matched: what classify gives. A record the ledger marked as a possible double
    with another amount (ledger/carriers.py) keeps REVIEW and says why, whatever matched it,
    until a person decides it (a decision is what the note asks for)."""
    found = match(items, settings)
    for index, item in enumerate(found):
        note = item.record.review
        if note and item.decision is None:
            flags = item.flags if REVIEW in item.flags else (*item.flags, REVIEW)
            found[index] = amend(item, flags=flags, reason=f"{item.reason}; {note}")
    return found


def classify_one(record: StoredRecord, settings: RuleSettings) -> Classified:
    """The verdict on one record on its own, before matching (see `matched`)."""
    if record.kind == "invoice":
        return _invoice(record, settings)
    if record.amount_cents <= 0:
        return _verdict(record, False, "debit", "money out (a debit) is not turnover")
    if settings.decisions:
        decision = settings.decisions.records.get(record.id)
        if decision is not None:
            return _decided(record, settings, decision, "decision")
    return _credit(record, settings)


def _decided(
    record: StoredRecord, settings: RuleSettings, decision: Decision, rule: str
) -> Classified:
    """The verdict a person's decision gives a credit (no review flag: it was reviewed)."""
    invoice = invoice_number(record.description, record.reference)
    item = _decide(record, settings, decision.category, rule, invoice, why=decision.why)
    item.decision = decision  # a fresh verdict, not yet handed to anyone
    return item


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
    told = _told(record, name, invoice, settings)
    if told is not None:
        return told
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


def _told(
    record: StoredRecord, name: str, invoice: str, settings: RuleSettings
) -> Classified | None:
    """The verdict of what people said about the credit: the config's own rules, then an
    "always for this IBAN / name" decision; None when neither covers it."""
    rule = _user_rule(record, name, settings)
    if rule is not None:
        label = f"user-rule:{rule.label}"
        return _decide(record, settings, rule.category, label, invoice, rule)
    if settings.decisions:
        always = settings.decisions.always_for(record, name)
        if always is not None:
            return _decided(record, settings, always, f"always-{always.scope}")
    return None


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
