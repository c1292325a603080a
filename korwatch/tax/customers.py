"""Whether a customer deducts VAT: a business, a consumer, or unknown (pure).

Leaving the KOR costs nothing on sales to businesses that deduct VAT: the price rises by the VAT
and they take it back. Consumers, foundations, associations and governments cannot, so either
they pay more or you absorb the VAT. A bank line only suggests which it is (advise-rules.md
section 5). Order: the user's own customer rules; Tikkie; payment platforms, marketplaces,
booking sites and banks paying out for others (the payer behind them is not named); a VAT
number (NL999999999B99, also Belgian and German) or a KvK number next to the word KvK in the
text; a legal form in the name (B.V., VOF, GmbH ...); a foundation,
association or government; a person's name (initials and a surname, "Dhr.", "EN/OF"); else
unknown. The marker is a stable code; reasons.py words it per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from korwatch.models import StoredRecord
from korwatch.tax.advice_settings import AdviceRule
from korwatch.tax.bank_facts import PLATFORMS
from korwatch.tax.user_rules import first_match

BUSINESS, CONSUMER, UNKNOWN = "business", "consumer", "unknown"


@dataclass(frozen=True, slots=True)
class CustomerKind:
    kind: str  # BUSINESS, CONSUMER or UNKNOWN
    marker: str  # "customer-rule", "vat-number", "kvk-number", "legal-form", "non-deducting",
    # "person", "platform", "tikkie", "unrecognised"
    shown_by: str = ""  # the word, number or rule label that showed it


# Who pays out money for others (bank_facts.PLATFORMS and these): the customer is not named.
_INTERMEDIARIES = (
    "treatwell", "takeaway.com", "thuisbezorgd", "uber", "deliveroo", "eventbrite",
    "ticketmaster", "salonized", "fresha", "gocardless", "square", "worldline", "equensworldline",
    "riverty", "afterpay", "mypos", "viva wallet", "lightspeed", "payconiq", "nexi", "paysafe",
    "transferwise", "wise europe", "rabobank", "rabo smart pay", "ing bank", "abn amro", "bunq",
    "knab", "triodos", "revolut",
)  # fmt: skip
# Whole words only: "Betsy Jansen" is not Etsy.
_PAYS_OUT = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(name) for name in (*PLATFORMS, *_INTERMEDIARIES))
    + r")(?!\w)"
)

# VAT numbers: NL (ONDPLEIN: NL, 9 digits, B, 2 digits), BE (0 or 1 and 9 digits), DE (9 digits).
# A 9-digit number with B01 but without "NL" may hold a BSN: it is not looked for.
_VAT_NUMBER = re.compile(r"\b(?:NL ?\d{9} ?B ?\d{2}|BE ?[01]\d{9}|DE ?\d{9})\b", re.IGNORECASE)
# A KvK number is 8 digits (KVK-NR); eight digits alone are often a date or an invoice number,
# so only next to the word.
_KVK = re.compile(
    r"\b(?:kvk|k\.v\.k\.?|coc|kamer van koophandel)(?:[ .:-]*(?:nr|nummer|number|no)\.?)?"
    r"[ .:-]*\d{8}\b",
    re.IGNORECASE,
)
_LEGAL_FORM = re.compile(
    r"(?<![\w.])(?:b\.? ?v\.?|n\.? ?v\.?|v\.?o\.?f\.?|c\.v\.|maatschap|co[oö]peratie|u\.a\.?"
    r"|holding|beheer|groep|h\.o\.d\.n\.?|i\.o\.|gmbh|ag|ltd\.?|limited|llc|inc\.?|s\.a\.?"
    r"|sarl|s\.?à ?r\.?l\.?|srl|bvba|s\.l\.?|s\.p\.a\.?|aps|oy|sp\. z o\.o\.)(?![\w])",
    re.IGNORECASE,
)
_NON_DEDUCTING = re.compile(
    r"\b(?:stichting|vereniging|gemeente|provincie|waterschap|ministerie|rijksoverheid)\b",
    re.IGNORECASE,
)
_TITLE_OR_JOINT = re.compile(
    r"^(?:dhr|hr|mw|mevr|mr|mrs|ms)\.? |^de heer |^mevrouw |\b(?:en/of|e/o)\b", re.IGNORECASE
)
# Case matters here: "JM Jansen-Bakker" is a person, "ABC Design" is not.
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,4} ?[A-Za-z]")
_INITIALS_AND_SURNAME = re.compile(
    r"^[A-Z]{1,2} (?:(?:van|de|den|der|ter|ten|het|v\.d\.) )*[A-Z][a-z]+(?:-[A-Z][a-z]+)?$"
    # Banks that write names in capitals: "J DE VRIES", "JM VAN DIJK-BOS".
    r"|^[A-Z]{1,2} (?:(?:VAN|DE|DEN|DER|TER|TEN|HET|V\.D\.) )*[A-Z]{2,}(?:-[A-Z]{2,})?$"
)


def customer_kind(record: StoredRecord, customers: tuple[AdviceRule, ...]) -> CustomerKind:
    """Whether the payer of a credit (or the customer of an invoice) deducts VAT."""
    folded = record.counterparty_name.casefold()
    rule = first_match(customers, record, folded) if customers else None
    if rule is not None:
        return CustomerKind(rule.value, "customer-rule", rule.label)
    if "tikkie" in folded or "tikkie" in record.description.casefold():
        return CustomerKind(CONSUMER, "tikkie", "Tikkie")
    platform = _PAYS_OUT.search(folded)
    if platform is not None or " inzake " in f" {folded} ":
        return CustomerKind(
            UNKNOWN, "platform", platform.group(0) if platform else record.counterparty_name
        )
    return _marked(record) or CustomerKind(UNKNOWN, "unrecognised")


def _marked(record: StoredRecord) -> CustomerKind | None:
    """From a number in the text, then from the name."""
    name = record.counterparty_name
    text = f"{name} {record.description} {record.reference}"
    for marker, pattern in (("vat-number", _VAT_NUMBER), ("kvk-number", _KVK)):
        found = pattern.search(text)
        if found is not None:
            return CustomerKind(BUSINESS, marker, found.group(0))
    found = _LEGAL_FORM.search(name)
    if found is not None:
        return CustomerKind(BUSINESS, "legal-form", found.group(0))
    found = _NON_DEDUCTING.search(name)
    if found is not None:
        return CustomerKind(CONSUMER, "non-deducting", found.group(0))
    return CustomerKind(CONSUMER, "person", name) if _is_person(name) else None


def _is_person(name: str) -> bool:
    """Initials and a surname ("J. de Vries", "JM Jansen-Bakker"), a title ("Dhr."), or a joint
    account ("EN/OF")."""
    return bool(
        _TITLE_OR_JOINT.search(name) or _INITIALS.match(name) or _INITIALS_AND_SURNAME.match(name)
    )
