"""The cheap word check before the keyword search never changes what the search finds."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from korwatch.tax.bank_facts import _KEYWORDS, keyword_category

WORDS = (
    "storno", "Gestorneerd", "TERUGBOEKING", "chargeback", "reversal", "prive storting",
    "Privé-storting", "privestorting", "eigen inbreng", "inbreng eigen vermogen",
    "kapitaalstorting", "private deposit", "owner's contribution", "owners deposit", "lening",
    "leningsbedrag", "Qredits", "loan", "belastingteruggaaf", "teruggaaf btw", "tax refund",
    "restitutie", "refund", "retourbetaling", "creditnota", "creditrente", "rentebijschrijving",
    "rente", "interest", "Factuur 2026-042", "parenteel", "loans", "K\u212aelvin",
)  # fmt: skip


def _full_search(description: str) -> tuple[str, str] | None:
    found = _KEYWORDS.search(description)
    if found is None or found.lastgroup is None:
        return None
    return found.lastgroup.replace("_", "-"), found.group(0)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS) | st.text(string.ascii_letters + " -'/:.0123456789é", max_size=12),
        max_size=6,
    ),
    st.sampled_from([" ", "", "-", "/", ": "]),
)
def test_the_word_check_agrees_with_the_full_keyword_search(parts: list[str], glue: str) -> None:
    description = glue.join(parts)
    for text in (description, description.upper(), description.title()):
        assert keyword_category(text) == _full_search(text)


def test_the_word_check_lets_every_keyword_through() -> None:
    found = [keyword_category(f"Betaling {word} 12") for word in WORDS[:29]]
    assert None not in found
    assert keyword_category("Factuur 2026-042 IBAN NL12") is None
