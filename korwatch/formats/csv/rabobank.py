"""The Rabobank CSV profile (comma, 26 columns), Dutch and English headers.

"Volgnr" is Rabobank's own unique id and becomes `bank_id`. The English header is not from a bank
file (none is public): it is korwatch's reading of the Dutch one in Rabobank's English UI wording
and may need correcting when a real file shows up; a file whose header differs is reported by
`mismatch`, never misread.
"""

from __future__ import annotations

from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser

RABO_DUTCH = (
    "IBAN/BBAN",
    "Munt",
    "BIC",
    "Volgnr",
    "Datum",
    "Rentedatum",
    "Bedrag",
    "Saldo na trn",
    "Tegenrekening IBAN/BBAN",
    "Naam tegenpartij",
    "Naam uiteindelijke partij",
    "Naam initiërende partij",
    "BIC tegenpartij",
    "Code",
    "Batch ID",
    "Transactiereferentie",
    "Machtigingskenmerk",
    "Incassant ID",
    "Betalingskenmerk",
    "Omschrijving-1",
    "Omschrijving-2",
    "Omschrijving-3",
    "Reden retour",
    "Oorspr bedrag",
    "Oorspr munt",
    "Koers",
)
RABO_ENGLISH = (
    "IBAN/BBAN",
    "Currency",
    "BIC",
    "Serial number",
    "Date",
    "Value date",
    "Amount",
    "Balance after trn",
    "Counterparty IBAN/BBAN",
    "Counterparty name",
    "Ultimate party name",
    "Initiating party name",
    "Counterparty BIC",
    "Code",
    "Batch ID",
    "Transaction reference",
    "Mandate reference",
    "Collector ID",
    "Payment reference",
    "Description-1",
    "Description-2",
    "Description-3",
    "Reason return",
    "Original amount",
    "Original currency",
    "Exchange rate",
)


def _refine_rabobank(fields: dict[str, str]) -> None:
    # Omschrijving-1..3 are one text cut in three (often with a lone " " in the unused parts).
    texts = (fields.pop("description2", ""), fields.pop("description3", ""))
    fields["description"] = " ".join(part for part in (fields["description"], *texts) if part)


RABOBANK = Profile(
    name="rabobank-csv",
    label="Rabobank CSV (comma, 26 columns)",
    delimiter=",",
    headers=(RABO_DUTCH, RABO_ENGLISH),
    columns={
        "account": ("IBAN/BBAN",),
        "currency": ("Munt", "Currency"),
        "bank_id": ("Volgnr", "Serial number"),
        "date": ("Datum", "Date"),
        "value_date": ("Rentedatum", "Value date"),
        "amount": ("Bedrag", "Amount"),
        "counterparty_iban": ("Tegenrekening IBAN/BBAN", "Counterparty IBAN/BBAN"),
        "counterparty_name": ("Naam tegenpartij", "Counterparty name"),
        "code": ("Code",),
        "reference": ("Betalingskenmerk", "Payment reference"),
        "description": ("Omschrijving-1", "Description-1"),
        "description2": ("Omschrijving-2", "Description-2"),
        "description3": ("Omschrijving-3", "Description-3"),
    },
    date_format="%Y-%m-%d",
    refine=_refine_rabobank,
)


PARSERS = [ProfileParser(RABOBANK)]
