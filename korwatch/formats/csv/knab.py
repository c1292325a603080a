"""The Knab CSV profile (semicolon, 'KNAB EXPORT' preamble); "Referentie" is the bank id."""

from __future__ import annotations

from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

KNAB = Profile(
    name="knab-csv",
    label="Knab CSV (semicolon, 'KNAB EXPORT' preamble)",
    delimiter=";",
    preamble=("knab export",),
    trailing_empty=True,
    headers=(
        (
            "Rekeningnummer",
            "Transactiedatum",
            "Valutacode",
            "CreditDebet",
            "Bedrag",
            "Tegenrekeningnummer",
            "Tegenrekeninghouder",
            "Valutadatum",
            "Betaalwijze",
            "Omschrijving",
            "Type betaling",
            "Machtigingsnummer",
            "Incassant ID",
            "Adres",
            "Referentie",
            "Boekdatum",
        ),
    ),
    columns={
        "account": ("Rekeningnummer",),
        "date": ("Transactiedatum",),
        "currency": ("Valutacode",),
        "sign": ("CreditDebet",),
        "amount": ("Bedrag",),
        "counterparty_iban": ("Tegenrekeningnummer",),
        "counterparty_name": ("Tegenrekeninghouder",),
        "value_date": ("Valutadatum",),
        "code": ("Betaalwijze",),
        "description": ("Omschrijving",),
        "bank_id": ("Referentie",),
    },
    thousands_mark=".",
    date_format="%d-%m-%Y",
    sign_rule="sign_column",
    credit_words=("C",),
    debit_words=("D",),
)


PARSERS = [ProfileParser(KNAB)]
