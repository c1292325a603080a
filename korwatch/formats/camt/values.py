"""Value parsing for CAMT: amounts, dates and ABN AMRO's `/TRTP/.../` entry strings.

Pure functions, no XML: `camt_entry` hands them element texts.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from korwatch.clock import local_today
from korwatch.errors import ParseError
from korwatch.formats.base import checked_amount
from korwatch.models import CENT

# xs:decimal without sign or exponent; banks zero-pad ("000000000000087.71"), drop decimals
# ("80") or trailing zeros ("905.3"). A CAMT amount is never negative: the sign is CdtDbtInd.
_AMOUNT = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
# ABN AMRO (and others) put an MT940-style structured string in AddtlNtryInf.
_TRTP_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|CSID|MARF|ADDR|ISDT|RTRN|PREF|ULTC|ULTD|ORDP|BENM|SVCL|CNTP"
)
_TRTP_SPLIT = re.compile(rf"/({_TRTP_KEYS})/")
_NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF", "NOREF"}


def parse_amount(text: str | None, line: int | None) -> Decimal:
    """The amount as Decimal with exactly two places; sub-cent amounts are refused."""
    raw = (text or "").strip()
    if not _AMOUNT.fullmatch(raw):
        raise ParseError(f"the amount {raw!r} is not a plain decimal number", line=line)
    try:
        value = Decimal(raw)
    except InvalidOperation as error:  # pragma: no cover - the regex already guards this
        raise ParseError(f"the amount {raw!r} is not a number", line=line) from error
    rounded = checked_amount(value, line).quantize(CENT)
    if rounded != value:
        # Exact values with extra zeros ("8.850") pass; a real fraction of a cent cannot be
        # booked to an account, so it means the file is not what we think it is.
        raise ParseError(f"the amount {raw} has a fraction of a cent", line=line)
    return rounded


def plain_amount(text: str) -> Decimal | None:
    """The common amount shape ("87.71", "000000000000087.71"), converted without regex or
    quantize; None for any other text (then `parse_amount` decides, with its errors)."""
    whole, _, cents = text.partition(".")
    # Two decimals is exactly CENT's exponent; up to 15 digits before the point (leading zeros
    # included) is below MAX_AMOUNT and within the decimal context's precision.
    if len(cents) == 2 and cents.isdecimal() and whole.isdecimal() and len(whole) <= 15:
        return Decimal(text)
    return None


def parse_date(text: str | None, line: int | None) -> date:
    """A date from `YYYY-MM-DD` or an ISO datetime; aware datetimes become Amsterdam dates."""
    raw = (text or "").strip()
    try:
        return day_of(raw)
    except ValueError as error:
        raise ParseError(str(error), line=line) from error


@lru_cache(maxsize=1024)
def day_of(raw: str) -> date:
    """The date of a stripped `YYYY-MM-DD` or ISO datetime text; ValueError when it is none.

    Cached: a statement repeats a few hundred distinct dates over many entries."""
    found = _DATE_TIME.fullmatch(raw)
    if not found:
        raise ValueError(f"the date {raw!r} is not an ISO date")
    try:
        day = date.fromisoformat(found["date"])
        if found["hour"] is None or found["zone"] is None:
            return day  # a naive time is already the bank's local date
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(found["hour"]),
            int(found["minute"]),
            int(found["second"] or 0),
            tzinfo=_zone(found["zone"]),
        )
    except ValueError as error:
        raise ValueError(f"the date {raw!r} does not exist") from error
    return local_today(moment)


def _zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def split_trtp(text: str) -> dict[str, str]:
    """The fields of a `/TRTP/SEPA OVERBOEKING/IBAN/.../NAME/.../REMI/.../EREF/...` string.

    Splitting on the known keys only keeps slashes inside values (invoice "2024/0012").
    Returns {} when the text is not such a string.
    """
    if not text.lstrip().startswith("/TRTP/"):
        return {}
    parts = _TRTP_SPLIT.split(text.strip())
    fields: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        fields.setdefault(key, value.strip().rstrip("/").strip())
    remittance = fields.get("REMI", "")
    if remittance.startswith("USTD//"):
        fields["REMI"] = remittance[6:]
    elif remittance.startswith("STRD/CUR/"):
        fields["REMI"] = ""
        fields.setdefault("KENMERK", remittance[9:])
    return fields


def provided(text: str | None) -> str:
    """The text, or "" for the placeholders banks use for 'no value' (NOTPROVIDED ...)."""
    value = " ".join((text or "").split())
    return "" if value.upper() in _NOT_PROVIDED else value
