"""One identity for a bank transaction, whatever carried it: CSV, CAMT, MT940, OFX or a bank feed.

The formats carry one booking differently (formats.md): ING's CSV splits "Mededelingen" into
name, description and reference; MT940 wraps `:86:` at 65 characters (ING) or packs 32-character
blocks (ABN AMRO) and cuts it at 390; CAMT has structured and unstructured remittance; OFX cuts
NAME at 32 characters and has no counterparty IBAN; bunq and Rabobank pad names; a bank feed
joins its remittance lines. Their line ids differ too: one bank's MT940 reference is not its
CAMT AcctSvcrRef. What every carrier keeps, normalised, is the identity:

- the own account: the account number at the end of the IBAN or BBAN without leading zeros
  (`account_key`), so "NL20 INGB 0001 2345 67", "NL20INGB0001234567" and an old "0001234567" are
  one account;
- the booking date. Not the value date: carriers of one booking disagree about it (ING's CSV has
  it only inside the text; the two real ING MT940 samples of one statement differ by a month),
  so it never separates two carriers. Booking dates may differ only where an MT940 line has no
  entry date and its booking date is its value date: an MT940 line booked on its value date
  and a carrier whose value date is that day, booked at most NEAR_DAYS later or earlier, are
  the same booking, and only when no carrier on the same booking date fits. Other carriers
  booked on different days are different bookings even when their value dates agree: two
  payments of one customer on consecutive days, one in each of two exports that meet there,
  are two;
- the amount with its sign, and the currency;
- the counterparty: its account (normalised as the own account) when both carriers name one,
  else its name when both name one;
- the remittance text: the description, else the structured reference.

Names and texts are compared as `plain` text: letters and digits only, accents dropped, upper
case. That removes case, white space and padding, punctuation, and where a format wrapped its
lines (joined with or without a space). Two carriers with the same account, booking date,
amount and currency (a "slot") are the same transaction when nothing they both carry disagrees
(`fit`):

- bank ids: equal ids are the same transaction whatever else differs (a provider's own id shared
  by two of its formats, such as a feed's entry_reference and the CAMT AcctSvcrRef of one bank);
  different ids from the same format are different transactions;
- counterparty accounts, when both have one, are equal;
- names, when both have one and the accounts did not already agree, start alike: the shorter is
  the start of the longer (OFX's NAME is cut at 32 characters);
- texts, when both have one, hold each other or share a run of TEXT_RUN characters (one format
  cuts the text short, an old free-text MT940 puts the counterparty in front of it, a bank
  drops the letters SWIFT lacks); sharing a run, every number of the shorter is a number of
  the longer (two invoices of one customer differ in their number, not in their words).

Missing information is no evidence either way. Among several fitting carriers the best `fit`
is taken (equal ids, then equal accounts, equal texts, equal names).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

NEAR_DAYS = 3  # booking dates this far apart can be one booking, if the value dates tie them
UNDATED_FORMAT = "mt940"  # the parser whose lines may lack an entry date (booked on value date)
TEXT_RUN = 20  # characters two texts must share when neither holds the other
_ACCOUNT_DIGITS = re.compile(r"(\d{7,})$")
_NOT_PLAIN = re.compile(r"[^0-9A-Z]+")
_NUMBER = re.compile(r"[0-9]+")


@functools.lru_cache(maxsize=1 << 16)
def account_key(account: str) -> str:
    """The own or counterparty account as one key: the account number at the end of an IBAN or
    BBAN (at least 7 digits) without leading zeros, else the account's letters and digits."""
    text = _NOT_PLAIN.sub("", account.upper())
    found = _ACCOUNT_DIGITS.search(text)
    return found.group(1).lstrip("0") if found else text


def plain(text: str) -> str:
    """Letters and digits only, accents dropped, upper case: how names and texts are compared."""
    if text.isascii():
        return _NOT_PLAIN.sub("", text.upper())
    decomposed = unicodedata.normalize("NFKD", text)
    return _NOT_PLAIN.sub("", decomposed.upper())


plain_name = functools.lru_cache(maxsize=1 << 16)(plain)  # a ledger has few names, often


@dataclass(slots=True)
class Carrier:
    """What one carrier says about a bank transaction, as the identity compares it: a stored
    record (id > 0) or a line of the document being imported (id 0)."""

    id: int
    key: str  # the dedup key (ledger/dedup.py)
    day: str  # booking date, ISO
    cents: int
    currency: str
    account: str  # account_key of the own account
    name: str
    iban: str
    text: str  # description, else reference
    bank_id: str
    value_day: str | None
    format: str  # the parser that read it
    document: str
    line: int


def fit(a: Carrier, b: Carrier) -> int | None:
    """How well two carriers of one slot fit as one transaction (higher is better), or None
    when something they both carry disagrees (see the module docstring)."""
    return fit_parts(
        a.bank_id, a.iban, a.name, a.text, b.bank_id, b.iban, b.name, b.text,
        same_format=a.format == b.format,
    )  # fmt: skip


def fit_parts(
    bank_a: str,
    iban_a: str,
    name_a: str,
    text_a: str,
    bank_b: str,
    iban_b: str,
    name_b: str,
    text_b: str,
    *,
    same_format: bool,
) -> int | None:
    """`fit` on the parts themselves (the matching of a re-import calls it for every line).
    Values written alike are compared as they are; only where they differ are they made plain
    (most carriers of one bank write them alike)."""
    if bank_a and bank_b:
        if bank_a.strip() == bank_b.strip():
            return 64
        if same_format:
            return None
    score = 0
    if iban_a and iban_b:
        if iban_a != iban_b and account_key(iban_a) != account_key(iban_b):
            return None
        score = 16
    elif name_a and name_b:
        found = 2 if name_a == name_b else _starts_alike(plain_name(name_a), plain_name(name_b))
        if found is None:
            return None
        score = found
    if text_a and text_b:
        found = 8 if text_a == text_b else _texts_fit(plain(text_a), plain(text_b))
        if found is None:
            return None
        score += found
    return score


def _starts_alike(a: str, b: str) -> int | None:
    if a == b:
        return 2
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return 1 if long.startswith(short) else None


def _texts_fit(a: str, b: str) -> int | None:
    if a == b or not a or not b:
        return 8 if a == b else 0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short in long:
        return 4
    if len(short) < TEXT_RUN or not _numbers_agree(short, long):
        return None
    run = SequenceMatcher(None, short, long, autojunk=False).find_longest_match()
    return 1 if run.size >= TEXT_RUN else None


def _numbers_agree(short: str, long: str) -> bool:
    """Whether every number of the shorter plain text is a number of the longer one (but a
    number that ends it, which a format may have cut): texts that share a long run but differ
    in their number (invoice 2026-041 and 2026-042 of one customer) are two payments."""
    numbers = set(_NUMBER.findall(long))
    return all(
        found.group() in numbers or found.end() == len(short) for found in _NUMBER.finditer(short)
    )


def near_fit(
    day_a: str, value_a: str | None, day_b: str, value_b: str | None, on_value: tuple[bool, bool]
) -> bool:
    """Whether two carriers booked on different days (ISO dates) are one booking: at most
    NEAR_DAYS apart, one of them an MT940 line booked on its value date (`on_value`, for a
    and b: see `booked_on_value`) and that day the other's value date."""
    if day_a == day_b:
        return False
    if not ((on_value[0] and value_b == day_a) or (on_value[1] and value_a == day_b)):
        return False
    apart = date.fromisoformat(day_a) - date.fromisoformat(day_b)
    return abs(apart.days) <= NEAR_DAYS


def booked_on_value(format_name: str, day: str, value_day: str | None) -> bool:
    """Whether a carrier may be booked on its value date for want of an entry date: an MT940
    line whose booking date is its value date (formats/mt940: an entry date is optional)."""
    return format_name == UNDATED_FORMAT and day == value_day


def strong_text(text: str) -> str:
    """The first 16 characters of a text made plain, as a key for finding the same payment
    with another amount; "" when the text is too short to be evidence."""
    found = plain(text[:48])  # a prefix of plain(text); the whole only when it is short
    if len(found) < 16 and len(text) > 48:
        found = plain(text)
    return found[:16] if len(found) >= 6 else ""
