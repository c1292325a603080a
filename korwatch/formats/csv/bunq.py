"""bunq CSV profiles (comma and semicolon). bunq gives no unique id of its own."""

from __future__ import annotations

from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

_BUNQ_COLUMNS: dict[str, tuple[str, ...] | int] = {
    "date": ("Datum", "Date"),
    "value_date": ("Rentedatum", "Interest Date"),
    "amount": ("Bedrag", "Amount"),
    "account": ("Rekening", "Account"),
    "counterparty_iban": ("Tegenrekening", "Counterparty"),
    "counterparty_name": ("Naam", "Name"),
    "description": ("Omschrijving", "Description"),
}
_BUNQ_DUTCH = ("Datum", "Bedrag", "Rekening", "Tegenrekening", "Naam", "Omschrijving")
_BUNQ_ENGLISH = ("Date", "Amount", "Account", "Counterparty", "Name", "Description")
_BUNQ_DUTCH_7 = ("Datum", "Rentedatum", *_BUNQ_DUTCH[1:])
_BUNQ_ENGLISH_7 = ("Date", "Interest Date", *_BUNQ_ENGLISH[1:])
# bunq's dates come as YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY by export generation; the three
# cannot be confused by shape, so all are accepted (month-first is never accepted).
_BUNQ_DATES = "%Y-%m-%d|%d-%m-%Y|%d/%m/%Y"

BUNQ = Profile(
    name="bunq-csv",
    label="bunq CSV (comma)",
    delimiter=",",
    headers=(_BUNQ_DUTCH, _BUNQ_ENGLISH, _BUNQ_DUTCH_7, _BUNQ_ENGLISH_7),
    columns=_BUNQ_COLUMNS,
    thousands_mark=".",
    date_format=_BUNQ_DATES,
    unwrap=True,
)
BUNQ_SEMICOLON = Profile(
    name="bunq-csv-semicolon",
    label="bunq CSV (semicolon)",
    delimiter=";",
    headers=(
        _BUNQ_ENGLISH_7,
        ("Date", "Interest Date", "Amount", "Counterparty", "Name", "Description"),
    ),
    columns=_BUNQ_COLUMNS,
    thousands_mark=".",
    date_format=_BUNQ_DATES,
)


PARSERS = [ProfileParser(BUNQ), ProfileParser(BUNQ_SEMICOLON)]
