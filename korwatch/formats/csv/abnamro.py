"""ABN AMRO `TXT*.TAB` export: tab-separated, no header, 8 columns (account, currency,
transaction date, start balance, end balance, value date, signed amount, description).

The description is a run of 32-character blocks in one of three generations; korwatch extracts
the counterparty IBAN, name, free text and reference where it can:

* `/TRTP/SEPA OVERBOEKING/IBAN/…/BIC/…/NAME/…/REMI/…/EREF/…` (since late 2023): by tag;
* `SEPA Overboeking  IBAN: … BIC: … Naam: … Omschrijving: … Kenmerk: …`: by label;
* anything else (`BEA   NR:… 30.12.21/09.15 …` card payments, costs, interest): the raw text, with
  its block padding collapsed, is the description.

The code is the TRTP value, or the words before the first label ("SEPA Overboeking", "BEA").
"TERUGBOEKING" in the text marks a reversal. ABN gives no transaction id. Lines starting with
'#' are skipped: the public sample carries its author's comments, and a data line always starts
with an account number.
"""

from __future__ import annotations

import re

from korwatch.formats.csv.layout import Profile, Row
from korwatch.formats.csv.profile import ProfileParser

_TAGS = re.compile(r"/(TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ORDP|BENM|SVCL|ISDT)/")
_LABELS = re.compile(r"\b(IBAN|BIC|Naam|Omschrijving|Kenmerk|Machtiging|Incassant|Voor): ")
_DATE = re.compile(r"\d{8}")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def split_description(text: str) -> dict[str, str]:
    """Counterparty, remittance and reference from an ABN AMRO TXT description."""
    if text.startswith("/TRTP/"):
        pieces = _TAGS.split(text)
        tagged = dict(zip(pieces[1::2], (p.strip() for p in pieces[2::2]), strict=True))
        return {
            "code": tagged.get("TRTP", ""),
            "counterparty_iban": tagged.get("IBAN", ""),
            "counterparty_name": tagged.get("NAME", ""),
            "description": tagged.get("REMI", ""),
            "reference": tagged.get("EREF", ""),
        }
    pieces = _LABELS.split(text)
    if len(pieces) > 1:
        labelled: dict[str, str] = {}
        for label, value in zip(pieces[1::2], pieces[2::2], strict=True):
            labelled.setdefault(label, _collapse(value))
        return {
            "code": _collapse(pieces[0]),
            "counterparty_iban": labelled.get("IBAN", ""),
            "counterparty_name": labelled.get("Naam", ""),
            "description": labelled.get("Omschrijving", ""),
            "reference": labelled.get("Kenmerk", ""),
        }
    words = text.split(None, 1)
    return {"code": words[0].rstrip(",") if words else "", "description": _collapse(text)}


def _refine(fields: dict[str, str]) -> None:
    text = fields["description"]
    fields.update(split_description(text))
    if "TERUGBOEKING" in text.upper():
        fields["reversal"] = "1"


def _first_row(row: Row) -> bool:
    return (
        len(row[1]) == 3
        and row[1].isalpha()
        and bool(_DATE.fullmatch(row[2]))
        and bool(_DATE.fullmatch(row[5]))
    )


ABN_AMRO = Profile(
    name="abnamro-tab",
    label="ABN AMRO TXT export (tab-separated, 8 columns)",
    delimiter="\t",
    column_count=8,
    columns={
        "account": 0,
        "currency": 1,
        "date": 2,
        "value_date": 5,
        "amount": 6,
        "description": 7,
    },
    date_format="%Y%m%d",
    comment_prefix="#",
    refine=_refine,
    first_row_check=_first_row,
)

PARSERS = [ProfileParser(ABN_AMRO)]
