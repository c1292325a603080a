"""What korwatch recognises in a bank credit by itself, before any user rule (R2.9, R2.11).

The Belastingdienst pays refunds from one account (NL86 INGB 0002 4455 88) under its own name;
payment platforms pay out under theirs. Words such as "lening" or "storno" in the description
mark loans, reversals and the like; that recognition can be switched off (U20) because a word is
weaker evidence than an IBAN. Everything here is a lookup or one precompiled regex search.
"""

from __future__ import annotations

import re

BELASTINGDIENST_IBAN = "NL86INGB0002445588"
BELASTINGDIENST_NAME = "belastingdienst"

PLATFORMS = (
    "stripe",
    "mollie",
    "bol.com",
    "bol com",
    "etsy",
    "paypal",
    "adyen",
    "sumup",
    "zettle",
    "klarna",
    "shopify",
    "amazon",
    "airbnb",
    "booking.com",
    "vinted",
    "marktplaats",
    "buckaroo",
    "multisafepay",
    "pay.nl",
    "ccv",
)

# One search per description: the group that matched names the category.
_KEYWORDS = re.compile(
    r"\b(?:"
    r"(?P<reversal>storno|gestorneerd|terugboeking|chargeback|reversal)"
    r"|(?P<private_deposit>priv[eé][ -]?storting|eigen inbreng|inbreng eigen vermogen"
    r"|kapitaalstorting|private deposit|owner'?s? (?:deposit|contribution))"
    r"|(?P<loan>lening|leningsbedrag|qredits|loan)"
    r"|(?P<tax_refund>belastingteruggaaf|teruggaaf (?:ib|inkomstenbelasting|btw|vpb)|tax refund)"
    r"|(?P<supplier_refund>restitutie|refund|retourbetaling|creditnota)"
    r"|(?P<interest>creditrente|rentebijschrijving|rente|interest)"
    r")\b",
    re.IGNORECASE,
)


# Every match of _KEYWORDS in ASCII text contains one of these (lower case). Checking them
# with `in` first is ~6x cheaper than the search, and most credits contain none of them.
_ANCHORS = (
    "storn", "terugboeking", "chargeback", "reversal", "priv", "inbreng", "kapitaalstorting",
    "owner", "lening", "qredits", "loan", "teruggaaf", "restitutie", "refund",
    "retourbetaling", "creditnota", "rente", "interest",
)  # fmt: skip


def _has_anchor(lowered: str) -> bool:
    # A plain loop: any() over a generator costs twice as much here.
    for anchor in _ANCHORS:  # noqa: SIM110
        if anchor in lowered:
            return True
    return False


def keyword_category(description: str) -> tuple[str, str] | None:
    """(category, the word that showed it) for a description, or None."""
    # For ASCII text lower() and the regex's IGNORECASE agree exactly; other text (where case
    # folding has surprises, e.g. the Kelvin sign) always gets the full search.
    if description.isascii() and not _has_anchor(description.lower()):
        return None
    found = _KEYWORDS.search(description)
    if found is None or found.lastgroup is None:
        return None
    return found.lastgroup.replace("_", "-"), found.group(0)


def is_belastingdienst(iban: str, name_folded: str) -> bool:
    return iban == BELASTINGDIENST_IBAN or BELASTINGDIENST_NAME in name_folded


_PLATFORM = re.compile("|".join(re.escape(platform) for platform in PLATFORMS))


def platform_of(name_folded: str) -> str:
    """The platform a payout comes from ("" when none is recognised)."""
    found = _PLATFORM.search(name_folded)
    return found.group(0) if found else ""
