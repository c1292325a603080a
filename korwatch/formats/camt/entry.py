"""One CAMT `Ntry` element into one `Transaction`.

Decisions (see also formats.md section 2):

* Only booked entries count: `<Sts>BOOK</Sts>` (up to .001.07) or `<Sts><Cd>BOOK</Cd></Sts>`
  (.001.08+). Pending (PDNG) and information-only entries of camt.052 reports yield nothing.
  An entry without any status is taken as booked (a statement reports booked entries).
* The sign is `CdtDbtInd` alone, also for reversals. ISO 20022 defines RvslInd=true with DBIT
  as the reversal of an earlier credit, and that reversal takes money out: -amount,
  reversal=True. (Flipping the sign again for reversals would count a returned payment twice.)
* Batches: ONE record per `Ntry`, with the entry amount, never one per `TxDtls`: the entry is
  what the bank booked, and a batch's details need not carry amounts. The details' distinct
  counterparty names, remittance texts and references are joined ("; " / " "); the IBAN is
  kept only when all details share one.
* Counterparty: money in takes `Dbtr`/`DbtrAcct`, money out `Cdtr`/`CdtrAcct`; a reversal
  takes the original transaction's other side first. `Nm` or (v08+) `Pty/Nm`. A normal entry
  never falls back to the other side: that is the account owner.
* Description: the `RmtInf/Ustrd` texts; without them `AddtlTxInf`, then `AddtlNtryInf`.
  reference: `RmtInf/Strd/CdtrRefInf/Ref`. bank_id: `Ntry/AcctSvcrRef`, else `NtryRef`, else
  the single detail's `Refs/AcctSvcrRef`, else "" ("NOTPROVIDED" and the like count as none).
  When
  `AddtlNtryInf` is an ABN AMRO `/TRTP/.../NAME/.../REMI/...` string, its NAME (the full name;
  the party `Nm` may be cut) and REMI are used.
* Dates: `BookgDt/Dt`, `BookgDt/DtTm` or a datetime inside `Dt`; timezone-aware times are
  converted to Europe/Amsterdam. BookgDt is optional in the schema: without it the value date,
  then the statement's (or message's) creation date stands in (genkgo's camt054 UETR sample).
* Currency: `Amt/@Ccy`. "XXX" (ISO 4217 'no currency', seen in ofxstatement's gcamp6 sample)
  is replaced by the account's `Ccy` when the statement gives one, else kept as "XXX" - the
  currency is never guessed from the IBAN's country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from korwatch.errors import ParseError
from korwatch.formats.camt.details import Detail, Entry, Names, read_entry
from korwatch.formats.camt.values import day_of, parse_amount, plain_amount, provided, split_trtp
from korwatch.formats.safexml import Element, line_of, text_at
from korwatch.models import Transaction


@dataclass(frozen=True, slots=True)
class Account:
    """What the statement says about its own account."""

    number: str = ""
    currency: str = ""
    created: str = ""  # the statement's (else the message's) CreDtTm, as written


def read_account(account: Element, statement: Element, namespace: str) -> Account:
    """The own account of `statement` (its `Acct` element has just been read)."""
    # IBAN; else a national number (Othr from .001.02, BBAN / PrtryAcct in .001.01).
    number = ""
    for where in ("Id/IBAN", "Id/Othr/Id", "Id/BBAN", "Id/PrtryAcct/Id"):
        number = number or text_at(account, namespace, where)
    created = text_at(statement, namespace, "CreDtTm")
    message = statement.getparent()
    if not created and message is not None:
        created = text_at(message, namespace, "GrpHdr/CreDtTm")
    return Account(number=number, currency=text_at(account, namespace, "Ccy"), created=created)


_Made = TypeVar("_Made")


def values(*fields: object) -> tuple[object, ...]:
    """A Transaction's field values as they are given (a `make` for to_transaction)."""
    return fields


def to_transaction(
    element: Element,
    names: Names,
    account: Account,
    number: int,
    make: Callable[..., _Made] = Transaction,  # type: ignore[assignment]
) -> _Made | None:
    """The `number`th entry of the document as a Transaction; None when it is not booked.
    `names` is `names_for` the entry's tag. `make` gets the Transaction's field values in
    order (the reader child, ledger/reader.py, passes `values` to send them without building
    the record)."""
    entry = read_entry(element, names)
    if entry.status and entry.status.upper() != "BOOK":
        return None
    if entry.amount_element is None:
        raise ParseError("a booked entry has no amount (Ntry/Amt)", line=line_of(element))
    amount = plain_amount(entry.amount or "")
    if amount is None:
        amount = parse_amount(entry.amount, line_of(entry.amount_element))
    direction = entry.direction
    if direction != "CRDT" and direction != "DBIT":  # noqa: PLR1714 - the common case first
        direction = direction.upper()
        if direction not in ("CRDT", "DBIT"):
            message = f"the entry's CdtDbtInd is {direction!r}, not CRDT or DBIT"
            raise ParseError(message, line_of(element))
    incoming = direction == "CRDT"
    reversal = entry.reversal.lower() in ("true", "1")
    name, iban, unstructured, additional, reference = _fold(entry.details, incoming, reversal)
    description = unstructured or additional
    if entry.info:
        found = (name, iban, unstructured, additional, reference)
        name, iban, description, reference = _with_info(" ".join(entry.info), *found)
    return make(
        _booking_date(entry, account, element),
        amount if incoming else -amount,
        _currency(entry.currency, account, element),
        account.number,
        name,
        iban,
        description,
        reference,
        provided(entry.bank_ref) or provided(entry.entry_ref) or _detail_id(entry),
        _day(entry.valued, element) if entry.valued else None,
        reversal,
        "/".join(entry.code or _first_detail_code(entry)),
        number,
    )


def _with_info(
    info: str, name: str, iban: str, unstructured: str, additional: str, reference: str
) -> tuple[str, str, str, str]:
    """(name, iban, description, reference) once the entry's `AddtlNtryInf` is known: an ABN
    AMRO `/TRTP/` string's NAME (the full name) wins, its other fields fill gaps; plain
    information is the description of last resort."""
    fields = split_trtp(info) if info else {}
    return (
        fields.get("NAME") or name,
        iban or fields.get("IBAN", ""),
        unstructured or fields.get("REMI") or additional or info,
        reference or fields.get("KENMERK") or provided(fields.get("EREF")),
    )


def _booking_date(entry: Entry, account: Account, element: Element) -> date:
    text = entry.booked or entry.valued or account.created
    if not text:
        raise ParseError("a booked entry has no booking date (Ntry/BookgDt)", line_of(element))
    return _day(text, element)


def _day(text: str, element: Element) -> date:
    try:
        return day_of(text)  # the text is stripped already
    except ValueError as error:
        raise ParseError(str(error), line=line_of(element)) from error


_CURRENCIES: dict[tuple[str, str], str] = {}  # (Ccy as written, account Ccy) -> checked code


def _currency(written: str, account: Account, element: Element) -> str:
    # Cached: a statement has one or two currencies, and the check costs a microsecond.
    known = _CURRENCIES.get((written, account.currency))
    if known is not None:
        return known
    currency = written.strip().upper()
    if currency in ("", "XXX") and account.currency:
        currency = account.currency.upper()
    if len(currency) != 3 or not currency.isalpha():
        message = f"the entry's currency {currency!r} is not an ISO code"
        raise ParseError(message, line=line_of(element))
    if len(_CURRENCIES) < 64:
        _CURRENCIES[written, account.currency] = currency
    return currency


def _roles(incoming: bool, reversal: bool) -> tuple[str, ...]:
    if reversal:
        return ("Cdtr", "Dbtr") if incoming else ("Dbtr", "Cdtr")
    return ("Dbtr",) if incoming else ("Cdtr",)


def _fold(details: list[Detail], incoming: bool, reversal: bool) -> tuple[str, str, str, str, str]:
    """(name, account, Ustrd text, AddtlTxInf text, reference) over all details: distinct
    values joined; the account only when all details share it."""
    roles = _roles(incoming, reversal)
    if len(details) == 1:  # the common case, kept cheap
        detail = details[0]
        name, iban = _party(detail, roles)
        references = detail.references
        return (
            name,
            iban,
            _joined(detail.unstructured),
            _joined(detail.info),
            _joined([provided(ref) for ref in references]) if references else "",
        )
    parties = [_party(detail, roles) for detail in details]
    accounts = _distinct([iban for _, iban in parties])
    texts = [" ".join(_distinct(detail.unstructured)) for detail in details]
    return (
        "; ".join(_distinct([name for name, _ in parties])),
        accounts[0] if len(accounts) == 1 else "",
        " ".join(_distinct(texts)),
        " ".join(_distinct([text for detail in details for text in detail.info])),
        " ".join(_distinct([provided(ref) for d in details for ref in d.references])),
    )


def _party(detail: Detail, roles: tuple[str, ...]) -> tuple[str, str]:
    for role in roles:
        name = detail.names.get(role, "")
        iban = detail.accounts.get(role, "")
        if name or iban:
            return name, iban
    return "", ""


def _detail_id(entry: Entry) -> str:
    return provided(entry.details[0].bank_id) if len(entry.details) == 1 else ""


def _first_detail_code(entry: Entry) -> tuple[str, ...]:
    # German banks put the code on the detail only (ofxstatement's camt052 sample).
    return entry.details[0].code if entry.details else ()


def _distinct(values: list[str]) -> list[str]:
    if len(values) == 1:
        return values if values[0] else []
    return [value for value in dict.fromkeys(values) if value]


def _joined(values: list[str]) -> str:
    """`" ".join(_distinct(values))`, without building lists for the usual zero or one."""
    if len(values) < 2:
        return values[0] if values else ""
    return " ".join(_distinct(values))
