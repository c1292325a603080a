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

import re
from operator import itemgetter

from korwatch.errors import ParseError
from korwatch.models import Transaction
from korwatch.parsers.csvbanks_base import Profile, ProfileParser, Row
from korwatch.parsers.csvbanks_rows import WIDTH
from korwatch.parsers.csvbanks_values import parse_amount, parse_date

# Keywords of the Mededelingen text, Dutch and English UI; each starts a segment.
_KEYWORDS = (
    "Naam: ",
    "Name: ",
    "Omschrijving: ",
    "Description: ",
    "IBAN: ",
    "BIC: ",
    "Kenmerk: ",
    "Reference: ",
    "Machtiging ID: ",
    "Mandate ID: ",
    "Incassant ID: ",
    "Creditor ID: ",
    "Doorlopende incasso",
    "Eenmalige incasso",
    "Recurrent SEPA direct debit",
    "Datum/Tijd: ",
    "Date/time: ",
    "Pasvolgnummer: ",
    "Card sequence no.: ",
    "Transactie: ",
    "Transaction: ",
    "Term: ",
    "Terminal: ",
)
_TARGET = {
    "Naam: ": "name",
    "Name: ": "name",
    "Omschrijving: ": "description",
    "Description: ": "description",
    "IBAN: ": "iban",
    "Kenmerk: ": "reference",
    "Reference: ": "reference",
    "Valutadatum: ": "value_date",
    "Value date: ": "value_date",
}


_KEYWORD_SPLIT = re.compile("(?:^| )(" + "|".join(re.escape(k) for k in _KEYWORDS) + ")")
_VALUE_DATE = (" Valutadatum: ", " Value date: ")
_STRUCTURED = ("Naam: ", "Name: ")


def split_remittance(text: str) -> dict[str, str]:
    """The parts of an ING Mededelingen text, by keyword.

    Most lines (card payments, costs) are free text plus a value date: they cost two `rfind`s.
    Only structured lines ("Naam: …" or with an Omschrijving) are split on every keyword.
    """
    parts: dict[str, str] = {}
    for marker in _VALUE_DATE:
        position = text.rfind(marker)
        if position >= 0 or text.startswith(marker[1:]):
            start = position + len(marker) if position >= 0 else len(marker) - 1
            parts["value_date"] = text[start : start + 10]
            text = text[:position] if position >= 0 else ""
            break
    if text.startswith(_STRUCTURED) or "Omschrijving: " in text or "Description: " in text:
        _split_structured(text, parts)
    else:
        parts["description"] = text.strip()
    return parts


def _split_structured(text: str, parts: dict[str, str]) -> None:
    # One C-level split on the keywords (only for structured lines, ~40% of an export) costs
    # less than a Python loop of `find`s: pieces alternate text, keyword, text, keyword ...
    pieces = _KEYWORD_SPLIT.split(text)
    for index in range(1, len(pieces) - 1, 2):
        target = _TARGET.get(pieces[index])
        if target and target not in parts:
            parts[target] = pieces[index + 1].strip()
    parts.setdefault("description", "")


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


class IngRows:
    """ING's row converter, written out by hand: ING exports are the largest files korwatch
    reads, and the generic converter's per-row dict costs about a third of the parse time."""

    def __init__(self, parser: ProfileParser, indexes: dict[str, int]) -> None:
        self.parser = parser
        self.width = indexes[WIDTH]
        # One C-level itemgetter call picks every column a row needs.
        self.pick = itemgetter(
            *(
                indexes[name]
                for name in (
                    "date",
                    "counterparty_name",
                    "account",
                    "counterparty_iban",
                    "code",
                    "amount",
                    "sign",
                    "description",
                )
            )
        )
        self.signs = {"Bij": 1, "Credit": 1, "Af": -1, "Debit": -1}

    def __call__(self, row: Row, line: int) -> Transaction:
        if len(row) != self.width:
            raise ParseError(f"expected {self.width} columns, found {len(row)}", line=line)
        day, name, account, iban, code, amount_text, sign_text, remittance = self.pick(row)
        parser = self.parser
        amount = parse_amount(parser._amounts, amount_text, line)
        sign = self.signs.get(sign_text.strip())
        if sign is None or amount_text.lstrip()[:1] in "+-":
            raise ParseError(f"sign {sign_text!r} / amount {amount_text!r} is not ING's", line=line)
        parts = split_remittance(remittance)
        value_text = parts.get("value_date")
        return Transaction(
            booking_date=parse_date(parser._dates, day, line),
            amount=-amount if sign < 0 and amount else amount,
            currency="EUR",
            account=account.strip(),
            counterparty_name=name.strip(),
            counterparty_iban=iban.strip() or parts.get("iban", ""),
            description=parts["description"],
            reference=parts.get("reference", ""),
            value_date=(
                parse_date(parser._value_dates, value_text, line, "value date")
                if value_text
                else None
            ),
            code=code.strip(),
            line=line,
        )


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
