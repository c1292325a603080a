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
  takes the original transaction's other side first. `Nm` or (v08+) `Pty/Nm`.
* Description: the `RmtInf/Ustrd` texts; without them `AddtlTxInf`, then `AddtlNtryInf`. When
  `AddtlNtryInf` is an ABN AMRO `/TRTP/.../NAME/.../REMI/...` string, its NAME (the full name;
  the party `Nm` may be cut) and REMI are used.
* Currency: `Amt/@Ccy`. "XXX" (ISO 4217 'no currency', seen in ofxstatement's gcamp6 sample)
  is replaced by the account's `Ccy` when the statement gives one, else kept as "XXX" - the
  currency is never guessed from the IBAN's country.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from korwatch.errors import ParseError
from korwatch.models import Transaction
from korwatch.parsers.camt_details import Details
from korwatch.parsers.camt_values import parse_amount, parse_date, provided
from korwatch.parsers.safexml import Element, line_of, path, text_at


@dataclass(frozen=True, slots=True)
class Account:
    """What the statement says about its own account."""

    number: str = ""
    currency: str = ""
    created: str = ""  # the statement's (else the message's) CreDtTm, as written


def is_booked(entry: Element, namespace: str) -> bool:
    status = text_at(entry, namespace, "Sts") or text_at(entry, namespace, "Sts/Cd")
    status = status or text_at(entry, namespace, "Sts/Prtry")
    return status.upper() in ("", "BOOK")


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


def to_transaction(entry: Element, namespace: str, account: Account, number: int) -> Transaction:
    """The booked entry `entry` (the `number`th in the document) as a Transaction."""
    line = line_of(entry)
    amount_element = entry.find(path(namespace, "Amt"))
    if amount_element is None:
        raise ParseError("a booked entry has no amount (Ntry/Amt)", line=line)
    amount = parse_amount(amount_element.text, line_of(amount_element))
    direction = text_at(entry, namespace, "CdtDbtInd").upper()
    if direction not in ("CRDT", "DBIT"):
        raise ParseError(f"the entry's CdtDbtInd is {direction!r}, not CRDT or DBIT", line=line)
    reversal = text_at(entry, namespace, "RvslInd").lower() in ("true", "1")
    details = Details.collect(entry, namespace, incoming=direction == "CRDT", reversal=reversal)
    return Transaction(
        booking_date=_booking_date(entry, namespace, account, line),
        amount=amount if direction == "CRDT" else -amount,
        currency=_currency(amount_element, account, line),
        account=account.number,
        counterparty_name=details.name,
        counterparty_iban=details.iban,
        description=details.description,
        reference=details.reference,
        bank_id=_bank_id(entry, namespace, details),
        value_date=_value_date(entry, namespace),
        reversal=reversal,
        code=_code(entry, namespace),
        line=number,
    )


def _booking_date(entry: Element, namespace: str, account: Account, line: int | None) -> date:
    text = text_at(entry, namespace, "BookgDt/Dt") or text_at(entry, namespace, "BookgDt/DtTm")
    # BookgDt is optional in the schema. Without it the value date is the best date; without
    # that too (genkgo's camt054.v8-with-UETR), the booked entry existed when the statement
    # or notification was created, so its creation date stands in.
    text = text or text_at(entry, namespace, "ValDt/Dt") or text_at(entry, namespace, "ValDt/DtTm")
    text = text or account.created
    if not text:
        raise ParseError("a booked entry has no booking date (Ntry/BookgDt)", line=line)
    return parse_date(text, line)


def _value_date(entry: Element, namespace: str) -> date | None:
    text = text_at(entry, namespace, "ValDt/Dt") or text_at(entry, namespace, "ValDt/DtTm")
    return parse_date(text, line_of(entry)) if text else None


def _currency(amount: Element, account: Account, line: int | None) -> str:
    currency = (amount.get("Ccy") or "").strip().upper()
    if currency in ("", "XXX") and account.currency:
        currency = account.currency.upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ParseError(f"the entry's currency {currency!r} is not an ISO code", line=line)
    return currency


def _bank_id(entry: Element, namespace: str, details: Details) -> str:
    return (
        provided(text_at(entry, namespace, "AcctSvcrRef"))
        or provided(text_at(entry, namespace, "NtryRef"))
        or details.bank_id
    )


def _code(entry: Element, namespace: str) -> str:
    """Domain/family/sub-family, else the proprietary code; the first detail's when the entry
    has none (German banks put it there, e.g. ofxstatement's camt052 sample)."""
    for where in ("BkTxCd", "NtryDtls/TxDtls/BkTxCd"):
        domain = [
            text_at(entry, namespace, f"{where}/Domn/Cd"),
            text_at(entry, namespace, f"{where}/Domn/Fmly/Cd"),
            text_at(entry, namespace, f"{where}/Domn/Fmly/SubFmlyCd"),
        ]
        code = "/".join(part for part in domain if part)
        code = code or text_at(entry, namespace, f"{where}/Prtry/Cd")
        if code:
            return code
    return ""
