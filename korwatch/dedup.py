"""Stable dedup keys, so that an overlapping export counts each payment once while two real,
identical payments in one export both count.

A record's key is scoped to its business and own account. It is the bank's own id where the
format has one; else a hash of the record's content plus its occurrence number among identical
records of the same day in the same document. Two exports of the same account that overlap
therefore give the same keys for the same lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from korwatch.models import Invoice, Record, Transaction

_SEPARATOR = "\x1f"


def _digest(*parts: str) -> str:
    # 128 bits of BLAKE2b: collision-safe for any ledger, and cheaper than SHA-256 per record.
    return hashlib.blake2b(_SEPARATOR.join(parts).encode("utf-8"), digest_size=16).hexdigest()


def content_key(record: Record) -> str:
    """The occurrence-free part of the key: what makes two records 'the same line'."""
    if isinstance(record, Invoice):
        kind = "credit" if record.credit_note else "invoice"
        return _digest("inv", kind, record.number.strip().upper())
    if record.bank_id:
        return _digest("id", _account(record), record.bank_id.strip())
    # Only outer white space is ignored: the same bank writes the same line byte for byte.
    return _digest(
        "tx",
        _account(record),
        record.booking_date.isoformat(),
        str(record.amount),
        record.currency,
        record.counterparty_iban.replace(" ", "").upper(),
        record.counterparty_name.strip(),
        record.description.strip(),
        record.reference.strip(),
    )


def _account(record: Transaction) -> str:
    return record.account.replace(" ", "").upper()


def keyed(records: Iterable[Record]) -> Iterator[tuple[str, Record]]:
    """Each record with its dedup key; identical content within one document is numbered."""
    seen: dict[str, int] = {}
    for record in records:
        base = content_key(record)
        occurrence = seen.get(base, 0) + 1
        seen[base] = occurrence
        if isinstance(record, Transaction) and not record.bank_id:
            yield f"{base}.{occurrence}", record
        elif occurrence == 1:
            yield base, record
        else:
            # A bank id or invoice number repeated inside one document (seen with empty or
            # reused OFX FITIDs): keep both lines rather than silently dropping one.
            yield f"{base}.{occurrence}", record
