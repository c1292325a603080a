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
from datetime import date

from korwatch.models import Invoice, Record, Transaction

_SEPARATOR = "\x1f"
_blake2b = hashlib.blake2b


def _digest(*parts: str) -> str:
    # 128 bits of BLAKE2b: collision-safe for any ledger, and cheaper than SHA-256 per record.
    return _blake2b(_SEPARATOR.join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _invoice_content(invoice: Invoice) -> str:
    kind = "credit" if invoice.credit_note else "invoice"
    return _digest("inv", kind, invoice.number.strip().upper())


class Keys:
    """The dedup keys of one document's records, in document order.

    Identical content within the document is numbered (`base.2`); a transaction without a bank
    id always carries its occurrence number. The few normalisations that repeat from record to
    record (the own account, the ISO date) are remembered: an import keys 100,000 records.
    """

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self._accounts: dict[str, str] = {}
        self.iso_dates: dict[date, str] = {}

    def key(self, record: Record) -> str:
        """The next record's key."""
        if isinstance(record, Transaction):
            base = self.content(record)
            plain = not record.bank_id
        else:
            base, plain = _invoice_content(record), False
        occurrence = self.seen.get(base, 0) + 1
        self.seen[base] = occurrence
        # A bank id or invoice number repeated inside one document (seen with empty or reused
        # OFX FITIDs) keeps both lines, numbered, rather than silently dropping one.
        return f"{base}.{occurrence}" if plain or occurrence > 1 else base

    def content(self, record: Transaction) -> str:
        """The occurrence-free part of the key: what makes two records 'the same line'."""
        account = self._accounts.get(record.account)
        if account is None:
            account = self._accounts[record.account] = record.account.replace(" ", "").upper()
        if record.bank_id:
            return _digest("id", account, record.bank_id.strip())
        day = self.iso_dates.get(record.booking_date)
        if day is None:
            day = self.iso_dates[record.booking_date] = record.booking_date.isoformat()
        iban = record.counterparty_iban
        # Only outer white space is ignored: the same bank writes the same line byte for byte.
        # The same text as _digest("tx", ...) hashes, joined inline (this runs per record).
        text = (
            f"tx\x1f{account}\x1f{day}\x1f{record.amount}\x1f{record.currency}\x1f"
            f"{iban.replace(' ', '').upper() if iban else ''}\x1f"
            f"{record.counterparty_name.strip()}\x1f{record.description.strip()}\x1f"
            f"{record.reference.strip()}"
        )
        return _blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def keyed(records: Iterable[Record]) -> Iterator[tuple[str, Record]]:
    """Each record with its dedup key (see Keys)."""
    keys = Keys()
    for record in records:
        yield keys.key(record), record
