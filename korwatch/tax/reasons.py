"""What korwatch's stable codes mean, in Dutch and English: one catalogue for every reader.

Rules, VAT classes and customer markers are named by stable English codes (they are in
`ledger --csv`, `status --json` and `advise --json`); what a person reads is looked up here by
code and language. A code without an entry is shown as it is.
"""

from __future__ import annotations

# The VAT a debit carries (debits.py: CostVat.code), and the classes themselves.
COSTS: dict[str, tuple[str, str]] = {
    "cost-rule": ("je eigen regel", "your own rule"),
    "own-transfer": ("naar een eigen rekening", "to an own account"),
    "private": ("privé", "private"),
    "tax-payment": ("betaling aan de Belastingdienst", "payment to the Belastingdienst"),
    "kor-supplier": ("leverancier in de KOR (geen btw)", "supplier in the KOR (no VAT)"),
    "wages": ("loon", "wages"),
    "tax": ("belastingen en heffingen", "taxes and levies"),
    "insurance": ("verzekering (vrijgesteld)", "insurance (exempt)"),
    "bank-costs": ("bankkosten en rente (vrijgesteld)", "bank costs and interest (exempt)"),
    "rent": ("huur (meestal vrijgesteld)", "rent (usually exempt)"),
    "horeca": ("horeca (btw niet aftrekbaar)", "restaurants (VAT not deductible)"),
    "postage": ("postzegels (geen btw)", "postage stamps (no VAT)"),
    "accommodation": ("overnachtingen", "accommodation"),
    "card-terminal": ("pinautomaat", "card terminal"),
    "public-transport": ("openbaar vervoer", "public transport"),
    "water": ("drinkwater", "drinking water"),
    "books": ("boeken", "books"),
    "telecom": ("telefoon en internet", "telephone and internet"),
    "equipment": ("apparatuur en kantoor", "equipment and office"),
    "fuel": ("brandstof en laden", "fuel and charging"),
    "parking": ("parkeren", "parking"),
    "energy": ("energie", "energy"),
    "software": ("software en hosting", "software and hosting"),
    "foreign-software": (
        "buitenlandse software (btw verlegd)",
        "foreign software (reverse-charged VAT)",
    ),
    "payment-provider": ("betaalprovider", "payment provider"),
    "groceries": ("boodschappen (vaak privé)", "groceries (often private)"),
    "unrecognised": ("niet herkend", "not recognised"),
    "general": ("21%", "21%"),
    "reduced": ("9%", "9%"),
    "none": ("geen aftrekbare btw", "no deductible VAT"),
    "unknown": ("onbekend", "unknown"),
}

# Who a customer is (customers.py: CustomerKind.marker and kind).
CUSTOMERS: dict[str, tuple[str, str]] = {
    "business": ("zakelijk", "business"),
    "consumer": ("particulier", "consumer"),
    "customer-rule": ("je eigen regel", "your own rule"),
    "vat-number": ("btw-nummer", "VAT number"),
    "kvk-number": ("KvK-nummer", "KvK number"),
    "legal-form": ("rechtsvorm in de naam", "legal form in the name"),
    "non-deducting": ("stichting, vereniging of overheid", "foundation, association or government"),
    "person": ("naam van een persoon", "a person's name"),
    "platform": ("via een betaalplatform", "through a payment platform"),
    "tikkie": ("via Tikkie", "through Tikkie"),
}

CATALOGUES = (COSTS, CUSTOMERS)


def phrase(code: str, language: str) -> str:
    """The words for `code` in `language` ("nl" or "en"); the code itself when unknown."""
    for catalogue in CATALOGUES:
        found = catalogue.get(code)
        if found is not None:
            return found[0] if language == "nl" else found[1]
    return code
