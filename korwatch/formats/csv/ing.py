"""ING (Netherlands) CSV profiles: "Af- en bijschrijvingen" in its three layouts.

* comma, 9 columns (older; "MutatieSoort" or "Mutatiesoort"; 2009 files use DD-MM-YYYY dates and
  '.' thousands marks, later ones YYYYMMDD);
* semicolon, 11 columns (current; Dutch or English UI headers, "Saldo na mutatie" and "Tag");
* the savings-account layout (comma, ISO dates, a "Valuta" column).

ING has no transaction id, so `bank_id` is "". The "Mededelingen" column is semi-structured
("Naam: … Omschrijving: … IBAN: … Kenmerk: … Valutadatum: dd-mm-yyyy"): the free Omschrijving text
becomes the description, Kenmerk the reference and Valutadatum the value date. When the text is
not structured (card payments, bank costs) the whole Mededelingen is the description, less its
trailing "Valutadatum: …" (which is read into value_date instead).

A file whose header differs from these by even one column (e.g. a column added at the end) is not
claimed: `mismatch` names the missing and unexpected columns, so a bank change is reported rather
than misread.
"""

from __future__ import annotations

from korwatch.formats.csv.ing_rows import IngRows, split_remittance
from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

__all__ = ["PARSERS", "split_remittance"]


def refine_ing(fields: dict[str, str]) -> None:
    parts = split_remittance(fields.get("description", ""))
    fields["description"] = parts["description"]
    fields["reference"] = parts.get("reference", "")
    fields["value_date"] = parts.get("value_date", "")
    if not fields.get("counterparty_iban"):
        fields["counterparty_iban"] = parts.get("iban", "")


def refine_savings(fields: dict[str, str]) -> None:
    title = fields.pop("title", "")
    refine_ing(fields)
    if not fields["description"]:
        fields["description"] = title


_COMMON = {
    "date": ("Datum", "Date"),
    "counterparty_name": ("Naam / Omschrijving", "Name / Description"),
    "account": ("Rekening", "Account"),
    "counterparty_iban": ("Tegenrekening", "Counterparty"),
    "code": ("Code",),
    "sign": ("Af Bij", "Debit/credit"),
    "amount": ("Bedrag (EUR)", "Amount (EUR)"),
    "description": ("Mededelingen", "Notifications"),
}
_OLD_HEADER = (
    "Datum",
    "Naam / Omschrijving",
    "Rekening",
    "Tegenrekening",
    "Code",
    "Af Bij",
    "Bedrag (EUR)",
    "MutatieSoort",
    "Mededelingen",
)
_DUTCH_HEADER = (*_OLD_HEADER[:7], "Mutatiesoort", "Mededelingen", "Saldo na mutatie", "Tag")
_ENGLISH_HEADER = (
    "Date",
    "Name / Description",
    "Account",
    "Counterparty",
    "Code",
    "Debit/credit",
    "Amount (EUR)",
    "Transaction type",
    "Notifications",
    "Resulting balance",
    "Tag",
)
_SAVINGS_HEADER = (
    "Datum",
    "Omschrijving",
    "Rekening",
    "Rekening type",
    "Tegenrekening",
    "Af Bij",
    "Bedrag",
    "Valuta",
    "Mutatiesoort",
    "Mededelingen",
    "Saldo na mutatie",
)
_CREDIT = ("Bij", "Credit")
_DEBIT = ("Af", "Debit")

ING_CURRENT = Profile(
    name="ing-csv",
    label="ING CSV (semicolon, 11 columns)",
    delimiter=";",
    headers=(_DUTCH_HEADER, _ENGLISH_HEADER),
    columns=_COMMON,
    thousands_mark=".",
    date_format="%Y%m%d",
    value_date_format="%d-%m-%Y|%d/%m/%Y",
    sign_rule="sign_column",
    refine=refine_ing,
    converter=IngRows,
    credit_words=_CREDIT,
    debit_words=_DEBIT,
)
ING_OLD = Profile(
    name="ing-csv-comma",
    label="ING CSV (comma, 9 columns)",
    delimiter=",",
    headers=(_OLD_HEADER,),
    columns=_COMMON,
    thousands_mark=".",
    date_format="%Y%m%d|%d-%m-%Y",
    value_date_format="%d-%m-%Y|%d/%m/%Y",
    sign_rule="sign_column",
    refine=refine_ing,
    converter=IngRows,
    credit_words=_CREDIT,
    debit_words=_DEBIT,
)
ING_SAVINGS = Profile(
    name="ing-savings-csv",
    label="ING savings account CSV (comma, 11 columns)",
    delimiter=",",
    headers=(_SAVINGS_HEADER,),
    columns={
        "date": ("Datum",),
        "title": ("Omschrijving",),
        "account": ("Rekening",),
        "counterparty_iban": ("Tegenrekening",),
        "sign": ("Af Bij",),
        "amount": ("Bedrag",),
        "currency": ("Valuta",),
        "code": ("Mutatiesoort",),
        "description": ("Mededelingen",),
    },
    thousands_mark=".",
    date_format="%Y-%m-%d",
    value_date_format="%d-%m-%Y",
    sign_rule="sign_column",
    refine=refine_savings,
    credit_words=_CREDIT,
    debit_words=_DEBIT,
)

PARSERS = [ProfileParser(ING_CURRENT), ProfileParser(ING_OLD), ProfileParser(ING_SAVINGS)]
