"""The Wise balance statement CSV profile.

"TransferWise ID" is the bank id. A fee booked as its own row repeats its transfer's ID with a
description ending in that ID ("TransferWise Charges for: TRANSFER-1"); such rows get "<ID>/fee"
so that the two bookings keep distinct ids.
"""

from __future__ import annotations

from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

_WISE_2023 = (
    "TransferWise ID",
    "Date",
    "Amount",
    "Currency",
    "Description",
    "Payment Reference",
    "Running Balance",
    "Exchange From",
    "Exchange To",
    "Exchange Rate",
    "Payer Name",
    "Payee Name",
    "Payee Account Number",
    "Merchant",
    "Card Last Four Digits",
    "Card Holder Full Name",
    "Attachment",
    "Note",
    "Total fees",
)
_WISE_2020 = (
    "TransferWise ID",
    "Date",
    "Date Time",
    *_WISE_2023[2:17],
    "Total fees",
    "Exchange To Amount",
    "Transaction Type",
    "Transaction Details Type",
)


def _refine_wise(fields: dict[str, str]) -> None:
    payer, payee = fields.pop("payer", ""), fields.pop("payee", "")
    negative = fields["amount"].lstrip().startswith("-")
    fields["counterparty_name"] = (payee or payer) if negative else (payer or payee)
    identifier = fields["bank_id"]
    if identifier and fields["description"].endswith(identifier):
        fields["bank_id"] = f"{identifier}/fee"


WISE = Profile(
    name="wise-csv",
    label="Wise balance statement CSV",
    delimiter=",",
    headers=(_WISE_2023, (*_WISE_2023, "Exchange To Amount"), _WISE_2020),
    columns={
        "bank_id": ("TransferWise ID",),
        "date": ("Date",),
        "amount": ("Amount",),
        "currency": ("Currency",),
        "description": ("Description",),
        "reference": ("Payment Reference",),
        "payer": ("Payer Name",),
        "payee": ("Payee Name",),
        "counterparty_iban": ("Payee Account Number",),
        "code": ("Transaction Details Type", "Transaction Type"),
    },
    decimal_mark=".",
    date_format="%d-%m-%Y",
    refine=_refine_wise,
)


PARSERS = [ProfileParser(WISE)]
