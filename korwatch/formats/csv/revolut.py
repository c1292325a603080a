"""Revolut CSV profiles (Business and personal).

Revolut Business: several header generations (2022 with and without local-time columns, 2024
adding "Exchange rate"/"Fee currency", 2025 with "State", DD/MM/YYYY dates and two columns named
"Description" - the first is read). `ID` is the bank id; rows without a completion date, or whose
State is not COMPLETED, are not bookings and are skipped. The amount is "Amount" (the fee is a
separate column and not netted in).

Revolut personal: English or German UI headers; no id; "Completed Date" (a local timestamp
without zone) gives the booking date; only COMPLETED / ABGESCHLOSSEN rows count.
"""

from __future__ import annotations

from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

_REVOLUT_2022 = (
    "Date started (UTC)",
    "Date completed (UTC)",
    "ID",
    "Type",
    "Description",
    "Reference",
    "Payer",
    "Card number",
    "Orig currency",
    "Orig amount",
    "Payment currency",
    "Amount",
    "Fee",
    "Balance",
    "Account",
    "Beneficiary account number",
    "Beneficiary sort code or routing number",
    "Beneficiary IBAN",
    "Beneficiary BIC",
)
_LOCAL_TIME = ("Date started (Europe/Zurich)", "Date completed (Europe/Zurich)")
_REVOLUT_2024 = (
    *_REVOLUT_2022[:12],
    "Exchange rate",
    "Fee",
    "Fee currency",
    *_REVOLUT_2022[13:],
)
_REVOLUT_2025 = (
    "Date started (UTC)",
    "Date completed (UTC)",
    "ID",
    "Type",
    "State",
    "Description",
    "Reference",
    "Description",
    "Payer",
    "Card number",
    "Card label",
    "Card state",
    "Orig currency",
    "Orig amount",
    "Payment currency",
    "Amount",
    "Total amount",
    "Exchange rate",
    "Fee",
    "Fee currency",
    "Balance",
    "Account",
    "Beneficiary account number",
    "Beneficiary sort code or routing number",
    "Beneficiary IBAN",
    "Beneficiary BIC",
    "MCC",
    "Related transaction id",
    "Spend program",
)


def _with_local_time(header: tuple[str, ...]) -> tuple[str, ...]:
    return (*header[:2], *_LOCAL_TIME, *header[2:])


def _skip_uncompleted(fields: dict[str, str]) -> None:
    if not fields["date"]:
        fields["skip"] = "1"


REVOLUT_BUSINESS = Profile(
    name="revolut-business-csv",
    label="Revolut Business CSV",
    delimiter=",",
    headers=(
        _REVOLUT_2022,
        _with_local_time(_REVOLUT_2022),
        _REVOLUT_2024,
        _with_local_time(_REVOLUT_2024),
        _REVOLUT_2025,
    ),
    columns={
        "date": ("Date completed (UTC)",),
        "bank_id": ("ID",),
        "code": ("Type",),
        "state": ("State",),
        "description": ("Description",),
        "reference": ("Reference",),
        "currency": ("Payment currency",),
        "amount": ("Amount",),
        "account": ("Account",),
        "counterparty_iban": ("Beneficiary IBAN",),
    },
    decimal_mark=".",
    date_format="%Y-%m-%d|%d/%m/%Y",
    keep_states=("COMPLETED",),
    refine=_skip_uncompleted,
)

REVOLUT_PERSONAL = Profile(
    name="revolut-csv",
    label="Revolut personal CSV",
    delimiter=",",
    headers=(
        (
            "Type",
            "Product",
            "Started Date",
            "Completed Date",
            "Description",
            "Amount",
            "Fee",
            "Currency",
            "State",
            "Balance",
        ),
        (
            "Art",
            "Produkt",
            "Datum des Beginns",
            "Datum des Abschlusses",
            "Beschreibung",
            "Betrag",
            "Gebühr",
            "Währung",
            "Status",
            "Kontostand",
        ),
    ),
    columns={
        "code": ("Type", "Art"),
        "account": ("Product", "Produkt"),
        "date": ("Completed Date", "Datum des Abschlusses"),
        "description": ("Description", "Beschreibung"),
        "amount": ("Amount", "Betrag"),
        "currency": ("Currency", "Währung"),
        "state": ("State", "Status"),
    },
    decimal_mark=".",
    date_format="%Y-%m-%d",
    keep_states=("COMPLETED", "ABGESCHLOSSEN"),
    refine=_skip_uncompleted,
)


PARSERS = [ProfileParser(p) for p in (REVOLUT_BUSINESS, REVOLUT_PERSONAL)]
