"""SWIFT MT940 bank statements from the Dutch banks (ING, Rabobank, ABN AMRO, Knab, Triodos,
ASN/SNS/RegioBank, bunq) and others (German, Polish, French) into transactions.

Our own reader, not the `mt-940` library: that library returns a reversal of a credit (RC) as
money in (wolph/mt940 issue #130), fails on ASN's blank entry date followed by a supplementary
line, raises RuntimeError instead of a parse error, and has no Dutch `:86:` splitter. The
tokenizer (`mt940_tokens`) streams one statement at a time; `mt940_line` reads `:61:`;
`mt940_details` reads `:86:` per bank.

MT942 (intraday report, `:13D:` / `:34F:` / `:90D:` / `:90C:` tags) is claimed and refused:
its entries reappear in the next MT940 statement, so importing both would count them twice.

`bank_id` is set only where the bank's spec calls the `:61:` '//' reference unique: ING (the
14-position ING reference) and Knab ('//B4E07XM00J000023'). ABN AMRO's '//654' is a mutation
code and Triodos always sends NONREF, so their lines have no bank id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import Mismatch, Parser
from korwatch.formats.mt940.details import FIXED_WIDTH_BANKS, IBAN, Details, parse_details
from korwatch.formats.mt940.line import StatementLine, parse_statement_line
from korwatch.formats.mt940.tokens import (
    _CONTROL,
    _ENVELOPE,
    _HEADER,
    _TAG,
    Field,
    Statement,
    Tokenizer,
    read_batches,
)
from korwatch.models import Record, Sample, Transaction

_MT942_TAGS = {"13", "13D", "34F", "90D", "90C"}
_FIRST_TAGS = {"20", "25", "28", "28C", "60F", "60M", "61", "940"}
_BODY_TAGS = (":60F:", ":60M:", ":61:", ":62F:", ":62M:", ":13D:")
_ANY_TAG_LINE = re.compile(r"^:(?:20|25|60F|61):", re.MULTILINE)
_UNIQUE_REFERENCE_BANKS = {"INGB", "KNAB"}
_ACCOUNT_CURRENCY = re.compile(r"(?P<account>.*\d)\s*(?P<currency>[A-Z]{3})")
_MT942_MESSAGE = (
    "this is an MT942 intraday report, not an MT940 statement: its entries reappear in the "
    "next MT940 statement, so counting both would count them twice; import the MT940 instead"
)


def _first_tag(sample: Sample) -> str | None:
    for raw in sample.lines(40):
        text = raw.strip(_CONTROL + " ")
        if text.startswith("{"):
            text = _ENVELOPE.sub("", text)
        if text == ":940:":
            return "940"
        if not text or _HEADER.match(text):
            continue
        found = _TAG.match(text)
        return found.group(1) if found else None
    return None


class Mt940Parser:
    name = "mt940"
    label = "SWIFT MT940 bank statement"

    def identify(self, sample: Sample) -> bool:
        if _first_tag(sample) not in _FIRST_TAGS:
            return False
        return any(tag in sample.text for tag in _BODY_TAGS)

    def parse(self, sample: Sample) -> Iterator[Record]:
        tokenizer = Tokenizer()
        dates: dict[str, tuple[date, date]] = {}  # shared by the statements of the file
        for statement in tokenizer.statements(read_batches(sample.path)):
            yield from _transactions(statement, dates)

    def mismatch(self, sample: Sample) -> Mismatch | None:
        if _ANY_TAG_LINE.search(sample.text):
            return Mismatch(0.5, "has MT940 tag lines but does not start with :20:, :25: or :60F:")
        return None


def _bank(statement: Statement, fields: dict[str, Field]) -> str:
    """The 4-letter bank code that picks the `:86:` dialect."""
    if statement.bank:
        return statement.bank
    account = fields["25"].value.strip() if "25" in fields else ""
    if IBAN.match(account):
        return account[4:8]
    if account.startswith("TRIODOSBANK"):
        return "TRIO"
    reference = fields["20"].value if "20" in fields else ""
    if reference.startswith("ABN AMRO"):
        return "ABNA"
    return "RABO" if re.fullmatch(r"940[AS]\d{6}", reference) else ""


def _currency(statement: Statement) -> str:
    for prefix in ("60", "62", "64"):
        for found in statement.fields:
            if found.tag.startswith(prefix):
                currency = found.value[7:10]
                if not re.fullmatch(r"[A-Z]{3}", currency):
                    raise ParseError(
                        f"balance :{found.tag}:{found.value[:20]} has no currency", found.line
                    )
                return currency
    raise ParseError(
        "the statement has no :60F:/:62F: balance, so the currency of its lines is unknown",
        line=statement.line,
    )


def _account(fields: dict[str, Field]) -> str:
    if "25" not in fields:
        return ""
    account = fields["25"].value.strip()
    found = _ACCOUNT_CURRENCY.fullmatch(account)
    return found["account"].strip() if found else account


def _grouped(statement: Statement) -> list[tuple[Field, list[str]]]:
    """Each `:61:` with the lines of every `:86:` after it (old Rabobank sends several).

    A list, not a generator: one resumption less per record, and it cannot fail midway.
    """
    groups: list[tuple[Field, list[str]]] = []
    details: list[str] | None = None  # the :86: lines of the last :61:, while they may follow
    for found in statement.fields:
        tag = found.tag
        if tag == "61":
            details = []
            groups.append((found, details))
        elif tag == "86":
            if details is not None:
                details.append(found.value)
                details += found.more
        elif details is not None and tag[:2] in ("62", "64", "65"):
            details = None  # a :86: after the closing balance summarises the statement
    return groups


def _transactions(
    statement: Statement, dates: dict[str, tuple[date, date]]
) -> Iterator[Transaction]:
    fields = {found.tag: found for found in reversed(statement.fields)}
    if statement.message_type == "942" or not _MT942_TAGS.isdisjoint(fields):
        raise NotTransactionFile(_MT942_MESSAGE, line=statement.line)
    if "61" not in fields:
        return
    bank, account, currency = _bank(statement, fields), _account(fields), _currency(statement)
    for field, detail_lines in _grouped(statement):
        line = parse_statement_line(field.value, field.more, field.line, dates)
        details = parse_details(detail_lines, bank)
        yield _transaction(line, details, bank, field.line, account, currency)


def _transaction(
    line: StatementLine, details: Details, bank: str, number: int, account: str, currency: str
) -> Transaction:
    """One transaction from its `:61:` and `:86:`, with the bank-specific places of the party."""
    supplementary = line.supplementary
    code = line.type_code
    if supplementary.startswith("/TRCD/"):
        code, supplementary = supplementary[6:].strip("/"), ""
    iban, name = details.counterparty_iban, details.counterparty_name
    if not iban and IBAN.fullmatch(supplementary.split(" ")[0]):
        iban = supplementary.split(" ")[0]  # Rabobank: counterparty IBAN on the 2nd line
    if not iban and bank in FIXED_WIDTH_BANKS and IBAN.fullmatch(line.customer_reference):
        iban = line.customer_reference  # ASN/SNS: counterparty IBAN as customer reference
    if not name and bank in FIXED_WIDTH_BANKS and not IBAN.fullmatch(supplementary):
        name = supplementary
    name = name or line.extra  # old Rabobank: name after the 16-character reference
    unique = bank in _UNIQUE_REFERENCE_BANKS and line.bank_reference not in ("", "NONREF")
    # Positional, in the field order of Transaction: cheaper than keywords 100,000 times.
    return Transaction(
        line.booking_date,
        line.amount,
        currency,
        account,
        name,
        iban,
        details.description,
        details.reference,
        line.bank_reference if unique else "",
        line.value_date,
        line.reversal,
        code,
        number,
    )


PARSERS: list[Parser] = [Mt940Parser()]
