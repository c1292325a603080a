"""Finding the invoice number in a payment's structured reference or description.

Customers write it many ways: "Factuur 2026-042", "factuurnr. 1234", "INV-17", "Invoice #88",
"fact nr: F2026/007". A keyword followed by a number-like token gives that token; a token that is
itself prefixed (INV-17, F2026-007) is taken whole. A structured reference (betalingskenmerk)
is used when the free text names no invoice.
"""

from __future__ import annotations

import re

_NUMBER = r"([A-Z]{0,6}\d[\w/.-]*\d|[A-Z]{0,6}\d)"
_KEYWORD = re.compile(
    r"\b(?:factuur\s*(?:nummer|nr\.?|no\.?)?|fact(?:uur)?\.?\s*(?:nr|no)\.?|factnr\.?|"
    r"f(?:actuur)?nr\.?|invoice\s*(?:number|no\.?|nr\.?)?|inv\.?\s*(?:no\.?|nr\.?)?|nota)"
    r"[\s:#.]*" + _NUMBER,
    re.IGNORECASE,
)
_PREFIXED = re.compile(
    r"\b((?:INV|FACT|FAC|FA|NOTA|F)[-_/]?\d[\w/.-]*\d|(?:INV|FACT)[-_]?\d)\b", re.IGNORECASE
)
_PLACEHOLDERS = {"", "NOTPROVIDED", "NONREF", "NONE", "N/A", "-"}


def invoice_number(description: str, reference: str = "") -> str:
    """The invoice number named by a payment, or "" when none is recognisable."""
    for text in (reference, description):
        found = _KEYWORD.search(text)
        if found:
            return _clean(found.group(1))
    for text in (reference, description):
        found = _PREFIXED.search(text)
        if found:
            return _clean(found.group(1))
    cleaned = reference.strip()
    if cleaned.upper() not in _PLACEHOLDERS and len(cleaned) <= 35:
        return cleaned
    return ""


def _clean(token: str) -> str:
    return token.strip(" .,:;/-")
