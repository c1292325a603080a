"""CSV profiles of the Dutch banks other than ING: Rabobank, bunq, Knab, ASN/SNS/RegioBank and
Triodos. (ABN AMRO's TXT export is in `csvbanks_abn`.)

Where a bank gives its own unique id it becomes `bank_id`: Rabobank "Volgnr", Knab "Referentie",
ASN/SNS "Volgnummer Transactie" (all zeros means "none" there: the ASN sample gives 00000000 to
several unrelated lines). bunq and Triodos have none.

The English Rabobank header is not from a bank file (none is public): it is korwatch's reading
of the Dutch one in Rabobank's English UI wording and may need correcting when a real file shows
up; a file whose header differs is reported by `mismatch`, never misread.
"""

from __future__ import annotations

import re

from korwatch.parsers.csvbanks_base import Profile, ProfileParser, Row

_DMY = re.compile(r"\d\d-\d\d-\d{4}")

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


def _asn_first_row(row: Row) -> bool:
    return (
        bool(_DMY.fullmatch(row[0]))
        and bool(_DMY.fullmatch(row[11]))
        and len(row[7]) == 3
        and len(row[9]) == 3
    )


def _refine_asn(fields: dict[str, str]) -> None:
    # The description and payment reference are wrapped in single quotes.
    fields["description"] = fields["description"].strip("'").strip()
    fields["reference"] = fields["reference"].strip("'").strip()
    if not fields["bank_id"].strip("0"):
        fields["bank_id"] = ""


VOLKSBANK = Profile(
    name="volksbank-csv",
    label="ASN Bank / SNS / RegioBank CSV (no header, 19 columns)",
    delimiter=",",
    column_count=19,
    columns={
        "date": 0,
        "account": 1,
        "counterparty_iban": 2,
        "counterparty_name": 3,
        "currency": 9,
        "amount": 10,
        "value_date": 12,
        "code": 14,
        "bank_id": 15,
        "reference": 16,
        "description": 17,
    },
    decimal_mark=".",
    date_format="%d-%m-%Y",
    refine=_refine_asn,
    first_row_check=_asn_first_row,
)


def _triodos_first_row(row: Row) -> bool:
    return bool(_DMY.fullmatch(row[0])) and row[3] in ("Credit", "Debet")


def _refine_triodos(fields: dict[str, str]) -> None:
    # The counterparty field is "BIC IBAN" (or just an account number).
    bic, _, iban = fields["counterparty_iban"].rpartition(" ")
    fields["counterparty_iban"] = iban if bic else fields["counterparty_iban"]


TRIODOS = Profile(
    name="triodos-csv",
    label="Triodos CSV (no header, 8 columns)",
    delimiter=",",
    column_count=8,
    columns={
        "date": 0,
        "account": 1,
        "amount": 2,
        "sign": 3,
        "counterparty_name": 4,
        "counterparty_iban": 5,
        "code": 6,
        "description": 7,
    },
    thousands_mark=".",
    date_format="%d-%m-%Y",
    encoding="iso-8859-15",
    sign_rule="sign_column",
    credit_words=("Credit",),
    debit_words=("Debet",),
    refine=_refine_triodos,
    first_row_check=_triodos_first_row,
)

PARSERS = [
    ProfileParser(profile) for profile in (RABOBANK, BUNQ, BUNQ_SEMICOLON, KNAB, VOLKSBANK, TRIODOS)
]
