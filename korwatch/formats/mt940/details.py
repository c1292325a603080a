"""The MT940 `:86:` field ("information to account owner") in its Dutch and German dialects.

Each dialect gives counterparty name, IBAN, free remittance text and a structured reference:

* Code words (ING MING and IBP, Rabobank, ABN AMRO SEPA, Knab 2016+, bunq): `/CODE/value`. The
  ING spec allows slashes inside names and remittance text, so values are cut only at the known
  code words, never at every '/'. ING MING code words come in a fixed order (RTRN EREF MARF
  CSID CNTP REMI ...), so after /REMI/ only later code words count: an invoice number such as
  '2024/0012' or text like 't/m' stays intact. ING ends every value with '/' ('//' between
  fields); that one slash is dropped.
* Triodos: `000>10<account>` then `>20`..`>27` 27-character pieces (`>20` BIC and `>21` IBAN of
  the counterparty when present) and `>31` own account.
* ASN / SNS / RegioBank: first line 'IBAN name', then fixed-width 65-character lines.
* German `?00`..`?63` subfields (GVC code first): purpose `?20`-`?29`/`?60`-`?63`, name `?32`/`?33`.
* Anything else is free text (old ABN GIRO/BEA, old ING, old Rabobank, Knab 'REK:/NAAM:').

Structured lines are wrapped without regard to words (ING at 65 characters; ABN AMRO and
Rabobank pack their old 32-character description lines, e.g. '231732INCASSO'), so they are
joined without a separator; free text lines are joined with a space. Rabobank's `/ACCW/iban,bic`
gives the counterparty account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_IBAN_MATCH = IBAN.fullmatch
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_MING_ORDER = (
    "RTRN",
    "CREF",
    "EREF",
    "PREF",
    "MARF",
    "CSID",
    "CNTP",
    "REMI",
    "PURP",
    "ULTC",
    "ULTD",
)
_OTHER_CODES = (
    "ACCW",
    "TRTP",
    "IBAN",
    "BBAN",
    "BIC",
    "NAME",
    "ADDR",
    "BENM",
    "ORDP",
    "BUSP",
    "ISDT",
    "SUM",
)
# The rank of each code word in ING's order; "" is split_code_words' end-of-text sentinel.
_MING_RANK = {code: rank for rank, code in enumerate((*_MING_ORDER, ""))}
_CODE_WORD_START = {code + "/" for code in _MING_ORDER + _OTHER_CODES}
_PARTY_CODES = ("CNTP", "BENM", "ORDP")
_NO_RANK = dict.fromkeys(_MING_ORDER + _OTHER_CODES + ("",), 0)  # unordered: every rank 0
_ALL = re.compile("/(" + "|".join(_MING_ORDER + _OTHER_CODES) + ")/")
_MING = re.compile("/(" + "|".join(_MING_ORDER) + ")/")
_TRIODOS_START = re.compile(r"\d{3}>\d\d")
_GERMAN_START = re.compile(r"\d{3}\?\d\d")
_ING_STYLE = re.compile(r"//(?:EREF|CNTP|REMI|CSID|MARF|BENM|BUSP|PREF)/")
_KNAB_PARTY = re.compile(r"REK: ?([A-Z]{2}\d{2}[A-Z0-9]+)? ?/?NAAM: ?(.*)$")
_SEPA_KEYS = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP)\+")
_NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NOT PROVIDED"}
_WIDTH = 65
FIXED_WIDTH_BANKS = {"ASNB", "SNSB", "RBRB"}


# Not frozen: a frozen dataclass sets each field through object.__setattr__, ~4x the cost.
@dataclass(slots=True)
class Details:
    """What one `:86:` field says about the counterparty and the payment (treat as immutable)."""

    counterparty_name: str = ""
    counterparty_iban: str = ""
    description: str = ""
    reference: str = ""


def squeeze(text: str) -> str:
    return " ".join(text.split())


def parse_details(lines: list[str], bank: str) -> Details:
    """Read the `:86:` lines of one transaction in the dialect of `bank` (4-letter BIC code)."""
    if not lines:
        return Details()
    first = lines[0]
    marker = first[3:4]  # a cheap look before the regex: '>' for Triodos, '?' for German
    if marker == ">" and _TRIODOS_START.match(first):
        return _triodos("".join(lines))
    if marker == "?" and _GERMAN_START.match(first):
        return _german("".join(lines))
    if bank in FIXED_WIDTH_BANKS:
        return _fixed_width(lines)
    joined = "".join(lines)
    # _ALL.match(joined) as two set lookups: the code words are fixed strings.
    if joined[:1] == "/" and (joined[1:6] in _CODE_WORD_START or joined[1:5] in _CODE_WORD_START):
        return _code_words(joined, bank == "INGB" or bool(_ING_STYLE.search(joined)))
    return _free_text(lines)


def split_code_words(text: str, ing: bool) -> dict[str, str]:
    """Code word -> value, cutting only at known code words (each taken once)."""
    ordered = ing and ("/CNTP/" in text or "/REMI/USTD//" in text or "/REMI/STRD/" in text)
    # One C-level split at every known code word, then a short loop over the code words
    # (3-5 per field) that glues a code word back into the value when it is text.
    pieces = (_MING if ordered else _ALL).split(text)
    pieces.append("")  # a sentinel code word after the last value, see below
    values: dict[str, str] = {}
    code, value, last = "", "", -1
    ranks = _MING_RANK if ordered else _NO_RANK
    for index in range(1, len(pieces), 2):
        found = pieces[index]
        rank = ranks[found]
        if found and (rank <= last if ordered else (found == code or found in values)):
            value += "/" + found + "/" + pieces[index + 1]  # inside a value, or out of order
            continue
        if code:
            values[code] = (value[:-1] if ing and value[-1:] == "/" else value).strip()
        if found:
            code, value, last = found, pieces[index + 1], rank
    return values


def _party(value: str) -> tuple[str, str]:
    """IBAN and name from ING's `/CNTP/` or `/BENM/` value: iban/bic/name/city."""
    parts = value.split("/")
    if len(parts) < 3:
        return "", ""
    name = "/".join(parts[2:-1]) if len(parts) > 3 else parts[2]
    return parts[0].strip(), name.strip()


def _remittance(value: str) -> tuple[str, str]:
    """Free text and structured reference from a `/REMI/` value."""
    if value.startswith("USTD//"):
        return value[6:], ""
    if value.startswith("STRD/"):
        pieces = value.split("/", 2)
        return "", pieces[2] if len(pieces) > 2 else ""
    return value.lstrip("/"), ""


def _code_words(text: str, ing: bool) -> Details:
    values = split_code_words(text, ing)
    get = values.get
    iban, name = "", get("NAME", "")
    for key in _PARTY_CODES:
        party = get(key)
        if party and "/" in party:
            iban, name = _party(party)
            break
    iban = values["IBAN"] if "IBAN" in values else get("ACCW", iban).partition(",")[0]
    remittance = get("REMI", "")
    if remittance[:6] == "USTD//":  # the common case of _remittance, inline
        description, structured = remittance[6:], ""
    else:
        description, structured = _remittance(remittance)
    reference = structured or get("EREF", "")
    return Details(
        " ".join(name.split()),  # squeeze() inlined: this runs once per record
        iban if _IBAN_MATCH(iban) else "",
        " ".join(description.split()),
        "" if reference.upper() in _NO_REFERENCE else reference,
    )


def _triodos(text: str) -> Details:
    pieces = re.split(r">(\d\d)", text)
    fields = dict(zip(pieces[1::2], pieces[2::2], strict=True))
    bic, iban = fields.get("20", "").strip(), fields.get("21", "").strip()
    has_party = bool(_BIC.fullmatch(bic) and IBAN.fullmatch(iban))
    first = 22 if has_party else 20
    description = "".join(fields.get(str(number), "") for number in range(first, 30))
    return Details(counterparty_iban=iban if has_party else "", description=squeeze(description))


def _german(text: str) -> Details:
    pieces = re.split(r"\?(\d\d)", text[3:])
    fields: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=True):
        fields[key] = fields.get(key, "") + value
    purpose_keys = [f"{number:02d}" for number in (*range(20, 30), *range(60, 64))]
    purpose = "".join(fields.get(key, "") for key in purpose_keys)
    marked = {key: value.strip() for key, value in _sepa_parts(purpose)}
    if "SVWZ" not in marked:
        marked = {}  # without SVWZ+ the purpose is one run of text (EREF+ would swallow it)
    iban = fields.get("31", "").strip()
    return Details(
        counterparty_name=squeeze(fields.get("32", "") + fields.get("33", "")),
        counterparty_iban=iban if IBAN.fullmatch(iban) else "",
        description=squeeze(marked.get("SVWZ", purpose) or fields.get("00", "")),
        reference="" if marked.get("EREF", "").upper() in _NO_REFERENCE else marked["EREF"],
    )


def _sepa_parts(purpose: str) -> list[tuple[str, str]]:
    pieces = _SEPA_KEYS.split(purpose)
    return list(zip(pieces[1::2], pieces[2::2], strict=True))


def _fixed_width(lines: list[str]) -> Details:
    head = lines[0].strip().split(" ", 1)
    iban = head[0] if IBAN.fullmatch(head[0]) else ""
    name = head[1] if iban and len(head) > 1 else ""
    body = "".join(line.ljust(_WIDTH) for line in lines[1:])
    return Details(
        counterparty_name=squeeze(name), counterparty_iban=iban, description=squeeze(body)
    )


def _free_text(lines: list[str]) -> Details:
    kept: list[str] = []
    iban = name = ""
    for line in lines:
        party = _KNAB_PARTY.search(line)
        if party:
            # Knab's free text ends with 'REK: <iban>/NAAM: <name>'.
            iban, name = party.group(1) or "", party.group(2)
        kept.append(line[: party.start()] if party else line)
    return Details(
        counterparty_name=squeeze(name), counterparty_iban=iban, description=squeeze(" ".join(kept))
    )
