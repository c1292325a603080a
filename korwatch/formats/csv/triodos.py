"""The Triodos CSV profile (no header, 8 columns). Triodos gives no unique id of its own."""

from __future__ import annotations

import re

from korwatch.formats.csv.layout import Profile, Row
from korwatch.formats.csv.profile import ProfileParser

_DMY = re.compile(r"\d\d-\d\d-\d{4}")


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


PARSERS = [ProfileParser(TRIODOS)]
