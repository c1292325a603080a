"""The VAT a debit carries, and whether it could be deducted outside the KOR (pure).

Inside the KOR no input VAT is deductible: it is part of the cost. Outside it, the VAT on
business costs is. A bank line only suggests the rate, so every debit gets one of four classes
(advise-rules.md section 4): "general" (21 %), "reduced" (9 %), "none" (no VAT, or VAT that is
never deductible: bank costs, insurance, exempt rent, wages, taxes, private withdrawals,
suppliers in the KOR, restaurants) or "unknown" (shown apart, as a range from none of it to all
of it at 21 %). Order: the user's own cost rules, then IBAN facts (own and private accounts, the
Belastingdienst), then words in the description, then known payees by name, then the same
words starting a word of the name (a card payment names the shop only). Transfers between own
accounts are not costs at all (class "").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from korwatch.models import StoredRecord
from korwatch.tax.advice_settings import AdviceRule
from korwatch.tax.bank_facts import is_belastingdienst
from korwatch.tax.user_rules import first_match
from korwatch.tax.vat import vat_included
from korwatch.tax.verdict import RuleSettings

GENERAL, REDUCED, NONE, UNKNOWN, NOT_A_COST = "general", "reduced", "none", "unknown", ""


@dataclass(frozen=True, slots=True)
class CostVat:
    """The verdict on one debit: its VAT class, the stable code of what decided it (the
    catalogue in reasons.py words it per language) and the word or rule that showed it."""

    vat: str  # GENERAL, REDUCED, NONE, UNKNOWN or NOT_A_COST
    code: str  # e.g. "cost-rule", "bank-costs", "telecom", "unrecognised"
    shown_by: str = ""  # the matched word, payee or rule label
    rate_class: str = ""  # the vat.py rate class of the VAT inside (accommodation differs)
    reverse_charge: bool = False  # a foreign supplier: VAT self-assessed (R9.5)


# (code, VAT class, pattern) searched in the description; the first that matches decides.
_WORDS: tuple[tuple[str, str, str], ...] = (
    ("kor-supplier", NONE, r"vrijgesteld van (?:ob|btw|omzetbelasting)|art(?:ikel|\.)? ?25 wet ob"
     r"|kleineondernemersregeling"),
    ("wages", NONE, r"salaris|netto ?loon|loonbetaling|pensioenpremie|vakantiegeld"
     r"|loon (?:over |van )?(?:januari|februari|maart|april|mei|juni|juli|augustus|september"
     r"|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|okt|nov|dec|week|\d+)"),
    ("private", NONE, r"priv[eé](?:opname| opname|onttrekking)?|spaarrekening|eigen rekening"),
    ("tax", NONE, r"belasting|gemeentelijke|waterschap|cjib|boete|ozb|bghu|naheffing"),
    ("insurance", NONE, r"verzekering|premie|polis|assurantie"),
    ("bank-costs", NONE, r"kosten (?:zakelijke? )?betaalrekening|bankkosten|pakketkosten"
     r"|oranjepakket|zakelijk betalen pakket|betaalpakket|directpakket|basispakket"
     r"|kosten betalingsverkeer|debetrente|aflossing|rente"),
    # Before "huur": renting a car, a bike or equipment carries 21 %, premises usually none.
    ("rental", GENERAL, r"auto(?:ver)?huur|huurauto|fiets(?:ver)?huur|containerhuur|steigerhuur"
     r"|machinehuur|materiaalhuur|gereedschapshuur"),
    ("rent", NONE, r"huurpenningen|huur"),
    ("horeca", NONE, r"restaurant|caf[eé]|brasserie|bistro|pizzeria|snackbar|lunchroom|lunch"
     r"|diner|borrel"),
    ("postage", NONE, r"postzegels?|pakketzegels?"),
    ("accommodation", GENERAL, r"hotel|overnachting"),
    ("card-terminal", GENERAL, r"pinautomaat|betaalautomaat|pinterminal"),
)  # fmt: skip

# (code, VAT class, payee names) matched as words in the counterparty's name.
_PAYEES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("bank-costs", NONE, ("ing bank", "rabobank", "abn amro", "bunq", "knab", "triodos",
                          "asn bank", "sns bank", "regiobank", "revolut")),
    ("insurance", NONE, ("centraal beheer", "interpolis", "nationale-nederlanden", "a.s.r.",
                         "allianz", "achmea", "unive", "univé", "ohra", "fbto", "movir",
                         "klaverblad", "zilveren kruis")),
    ("tax", NONE, ("gemeente", "waterschap", "cjib", "rdw")),
    ("public-transport", REDUCED, ("ns groep", "ns reizigers", "nederlandse spoorwegen",
                                   "translink", "ov-chipkaart", "gvb", "ret", "htm", "arriva",
                                   "connexxion", "qbuzz", "keolis")),
    ("water", REDUCED, ("vitens", "evides", "pwn", "brabant water", "dunea", "waternet")),
    ("books", REDUCED, ("bruna", "managementboek", "libris", "boekhandel")),
    ("telecom", GENERAL, ("kpn", "vodafone", "ziggo", "odido", "t-mobile", "tele2", "simyo",
                          "lebara")),
    ("equipment", GENERAL, ("coolblue", "mediamarkt", "alternate", "megekko", "azerty",
                            "apple", "ikea", "viking", "office centre", "gamma", "praxis",
                            "karwei", "hornbach", "kamera express", "foka")),
    ("fuel", GENERAL, ("shell", "bp", "esso", "totalenergies", "tango", "tinq", "texaco",
                       "gulf", "argos", "fastned", "allego")),
    ("parking", GENERAL, ("q-park", "interparking", "apcoa", "yellowbrick", "easypark",
                          "parkmobile")),
    ("energy", GENERAL, ("eneco", "vattenfall", "essent", "greenchoice", "budget energie")),
    ("software", GENERAL, ("moneybird", "e-boekhouden", "jortt", "snelstart", "exact",
                           "transip", "mijndomein", "yoast")),
    ("foreign-software", GENERAL, ("adobe", "google", "microsoft", "meta platforms",
                                   "facebook", "linkedin", "dropbox", "zoom", "canva",
                                   "notion", "slack", "github", "amazon web services", "aws",
                                   "mailchimp", "openai", "shopify")),
    ("payment-provider", UNKNOWN, ("mollie", "stripe", "adyen", "sumup", "paypal")),
    ("groceries", UNKNOWN, ("albert heijn", "jumbo", "lidl", "aldi", "plus", "dirk", "coop",
                            "spar")),
)  # fmt: skip


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in words)


# No boundary before a word: Dutch compounds end in it ("kantoorhuur", "autoverzekering").
_WORD_SEARCH = re.compile(
    "(?:"
    + "|".join(f"(?P<w{index}>{pattern})" for index, (_, _, pattern) in enumerate(_WORDS))
    + r")\b",
    re.IGNORECASE,
)
# In a name the word must start a word: "Metropolis" is no insurance, "Parente" no interest.
# A card payment has the shop in the name and only the terminal's data in the description.
_NAME_SEARCH = re.compile(r"(?<!\w)" + _WORD_SEARCH.pattern, re.IGNORECASE)
_PAYEE_SEARCH = re.compile(
    r"(?<![\w.-])(?:"
    + "|".join(f"(?P<p{i}>{_alternation(names)})" for i, (_, _, names) in enumerate(_PAYEES))
    + r")(?![\w-])",
    re.IGNORECASE,
)


def cost_vat(record: StoredRecord, rules: RuleSettings, costs: tuple[AdviceRule, ...]) -> CostVat:
    """The VAT class of one debit (record.amount_cents < 0)."""
    name = record.counterparty_name.casefold()
    rule = first_match(costs, record, name) if costs else None
    if rule is not None:
        return CostVat(rule.value, "cost-rule", rule.label, _rate_class("", rule.value))
    return (
        _iban_fact(record, rules, name) or _recognised(record) or CostVat(UNKNOWN, "unrecognised")
    )


def _iban_fact(record: StoredRecord, rules: RuleSettings, name: str) -> CostVat | None:
    iban = record.counterparty_iban.replace(" ", "").upper()
    if iban and iban in rules.own_ibans:
        return CostVat(NOT_A_COST, "own-transfer")
    if iban and iban in rules.private_ibans:
        return CostVat(NONE, "private", "private_ibans")
    if is_belastingdienst(iban, name):
        return CostVat(NONE, "tax-payment", "Belastingdienst")
    return None


def _recognised(record: StoredRecord) -> CostVat | None:
    """From a word in the description, else from a known payee's name, else from a word
    that starts a word of the name."""
    found = _WORD_SEARCH.search(f"{record.description} {record.reference}")
    if found is None or found.lastgroup is None:
        payee = _PAYEE_SEARCH.search(record.counterparty_name)
        if payee is not None and payee.lastgroup is not None:
            code, vat, _ = _PAYEES[int(payee.lastgroup[1:])]
            foreign = code == "foreign-software"
            rate_class = _rate_class(code, vat)
            return CostVat(vat, code, payee.group(0), rate_class, reverse_charge=foreign)
        found = _NAME_SEARCH.search(record.counterparty_name)
    if found is None or found.lastgroup is None:
        return None
    code, vat, _ = _WORDS[int(found.lastgroup[1:])]
    return CostVat(vat, code, found.group(0), _rate_class(code, vat))


def _rate_class(code: str, vat: str) -> str:
    if code == "accommodation":
        return "accommodation"  # 9 % to 2025, 21 % from 2026 (R8.2)
    return vat if vat in (GENERAL, REDUCED) else ""


def debit_vat_cents(record: StoredRecord, verdict: CostVat) -> int:
    """The VAT inside a debit that could be deducted outside the KOR; for an unrecognised one
    the most it could hold (all of it at the general rate); 0 for none."""
    if verdict.vat == UNKNOWN:
        return vat_included(-record.amount_cents, GENERAL, record.date)
    if not verdict.rate_class:
        return 0
    return vat_included(-record.amount_cents, verdict.rate_class, record.date)
