"""The ASN Bank / SNS / RegioBank CSV profile (no header, 19 columns).

"Volgnummer Transactie" is the bank id, except that all zeros means "none" (the ASN sample gives
00000000 to several unrelated lines).
"""

from __future__ import annotations

import re

from korwatch.formats.csv.layout import Profile, Row
from korwatch.formats.csv.profile import ProfileParser

_DMY = re.compile(r"\d\d-\d\d-\d{4}")


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


PARSERS = [ProfileParser(VOLKSBANK)]
