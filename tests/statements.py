"""The same bank bookings written in each format a Dutch account reaches korwatch through, the way
each carrier writes them (formats.md), so that tests can import one account twice.

    python -m tests.statements OUT_DIR   # writes a year of one ING account in every format

- ING CSV (current semicolon layout): the name and IBAN in their columns, the "Mededelingen"
  text `Naam: ... Omschrijving: ... IBAN: ... Kenmerk: ... Valutadatum: dd-mm-yyyy`; no id.
- CAMT.053.001.02: Dbtr/Cdtr name and IBAN, RmtInf/Ustrd, EndToEndId, AcctSvcrRef (its own ids).
- MT940, ING's MING dialect: `:61:` with value date and entry date, ING's 14-digit reference;
  `:86:` code words (/EREF/ /CNTP/ /REMI/USTD//) wrapped at 65 characters without regard to
  words, a continuation line starting with ':' or '-' starting with a space instead, the field
  cut at 390 characters, accents dropped (the SWIFT character set). `entry_dates=False` leaves
  the entry date out, as some banks do: the line is then booked on its value date.
- OFX 1.02 (SGML): NAME cut at 32 characters, MEMO the text, FITID its own ids, no counterparty
  IBAN, DTAVAIL the value date.
- A bank feed (Enable Banking's transactions endpoint): `feed_items` gives the API's JSON,
  `feed_records` the records the enablebanking source makes of them (entry_reference as the
  bank id, the remittance lines joined with a space), `bank_feed` the pull document the source
  hands to the scan.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from korwatch.models import Transaction
from korwatch.sources.enablebanking import transaction_of

ACCOUNT = "NL20INGB0001234567"
_BICS = {"ABNA": "ABNANL2A", "RABO": "RABONL2U", "INGB": "INGBNL2A", "BUNQ": "BUNQNL2A"}


@dataclass(frozen=True)
class Booking:
    """One booking on the account; `number` gives each carrier its own id for it."""

    number: int
    day: date
    amount: Decimal  # positive: money in
    name: str
    iban: str = ""
    text: str = ""
    value_day: date | None = None  # the day itself when None
    eref: str = ""
    ids: dict[str, str] = field(default_factory=dict, compare=False)  # a carrier's own id

    @property
    def value(self) -> date:
        return self.value_day or self.day

    @property
    def credit(self) -> bool:
        return self.amount > 0

    def id_for(self, carrier: str, made: str) -> str:
        return self.ids.get(carrier, made)


def _comma(amount: Decimal) -> str:
    return f"{abs(amount):.2f}".replace(".", ",")


def ing_csv(bookings: Iterable[Booking], account: str = ACCOUNT) -> str:
    """ING's CSV export (semicolon, 11 columns), newest first."""
    header = (
        '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
        '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"'
    )
    lines = [header]
    for booking in sorted(bookings, key=lambda b: (b.day, b.number), reverse=True):
        notes = f"Naam: {booking.name} Omschrijving: {booking.text}"
        if booking.iban:
            notes += f" IBAN: {booking.iban}"
        if booking.eref:
            notes += f" Kenmerk: {booking.eref}"
        notes += f" Valutadatum: {booking.value:%d-%m-%Y}"
        fields = [
            f"{booking.day:%Y%m%d}", booking.name, account, booking.iban, "OV",
            "Bij" if booking.credit else "Af", _comma(booking.amount), "Overschrijving", notes,
            "0,00", "",
        ]  # fmt: skip
        lines.append(";".join('"' + part.replace('"', '""') + '"' for part in fields))
    return "\r\n".join(lines) + "\r\n"


def camt053(bookings: Iterable[Booking], account: str = ACCOUNT) -> str:
    """A camt.053.001.02 statement of the account, oldest first."""
    ordered = sorted(bookings, key=lambda b: (b.day, b.number))
    first = ordered[0].day if ordered else date(2026, 1, 1)
    last = ordered[-1].day if ordered else first
    entries = "".join(_camt_entry(booking) for booking in ordered)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        f"<BkToCstmrStmt><GrpHdr><MsgId>CAMT{first:%Y%m%d}</MsgId>"
        f"<CreDtTm>{last.isoformat()}T23:00:00</CreDtTm></GrpHdr>\n"
        f"<Stmt><Id>STMT{first:%Y%m%d}</Id><CreDtTm>{last.isoformat()}T23:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{first.isoformat()}</Dt></Dt></Bal>\n"
        f"{entries}</Stmt></BkToCstmrStmt></Document>\n"
    )


def _camt_entry(booking: Booking) -> str:
    amount = f"{abs(booking.amount):.2f}"
    role, account_role = ("Dbtr", "DbtrAcct") if booking.credit else ("Cdtr", "CdtrAcct")
    party = f"<{role}><Nm>{escape(booking.name)}</Nm></{role}>"
    if booking.iban:
        party += f"<{account_role}><Id><IBAN>{booking.iban}</IBAN></Id></{account_role}>"
    reference = booking.id_for("camt", f"CAMT{booking.number:08d}")
    text = f"<RmtInf><Ustrd>{escape(booking.text)}</Ustrd></RmtInf>" if booking.text else ""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt>'
        f"<CdtDbtInd>{'CRDT' if booking.credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{booking.day.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{booking.value.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>{reference}</AcctSvcrRef>\n"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>\n"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>{booking.eref or 'NOTPROVIDED'}</EndToEndId>"
        f'</Refs><AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>\n'
        f"<RltdPties>{party}</RltdPties>{text}</TxDtls></NtryDtls></Ntry>\n"
    )


def _swift(text: str) -> str:
    """The SWIFT character set has no accents: the banks drop them."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _wrapped(text: str, width: int = 65, lines: int = 6) -> list[str]:
    """`:86:` as ING writes it: cut at `width` characters regardless of words, at most
    `lines` lines; a continuation line may not start with ':' or '-' (a space instead)."""
    pieces = [text[start : start + width] for start in range(0, len(text), width)][:lines]
    return [
        " " + piece[1:] if index and piece[:1] in (":", "-") else piece
        for index, piece in enumerate(pieces)
    ]


def mt940(bookings: Iterable[Booking], account: str = ACCOUNT, *, entry_dates: bool = True) -> str:
    """One MT940 message in ING's MING dialect holding the bookings, oldest first."""
    ordered = sorted(bookings, key=lambda b: (b.day, b.number))
    first = ordered[0].day if ordered else date(2026, 1, 1)
    lines = [
        "{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{4:",
        f":20:P{first:%y%m%d}000000001",
        f":25:{account}EUR",
        ":28C:1",
        f":60F:C{first:%y%m%d}EUR0,00",
    ]
    for booking in ordered:
        entry = f"{booking.day:%m%d}" if entry_dates else ""
        reference = booking.id_for("mt940", f"{booking.number:014d}")
        sign = "C" if booking.credit else "D"
        kind = "EREF" if booking.eref else "NONREF"
        lines.append(
            f":61:{booking.value:%y%m%d}{entry}{sign}{_comma(booking.amount)}N"
            f"TRF{kind}//{reference}"
        )
        lines.append("/TRCD/00100/")
        details = f"/EREF/{booking.eref}/" if booking.eref else ""
        if booking.iban:
            bic = _BICS.get(booking.iban[4:8], "INGBNL2A")
            details += f"/CNTP/{booking.iban}/{bic}/{_swift(booking.name)}/AMSTERDAM/"
        details += f"/REMI/USTD//{_swift(booking.text)}/"
        wrapped = _wrapped(details)
        lines.append(":86:" + wrapped[0])
        lines.extend(wrapped[1:])
    last = ordered[-1].day if ordered else first
    lines += [f":62F:C{last:%y%m%d}EUR0,00", "-}"]
    return "\r\n".join(lines) + "\r\n"


def ofx(bookings: Iterable[Booking], account: str = ACCOUNT) -> str:
    """An OFX 1.02 (SGML) bank statement of the account, oldest first."""
    ordered = sorted(bookings, key=lambda b: (b.day, b.number))
    first = ordered[0].day if ordered else date(2026, 1, 1)
    last = ordered[-1].day if ordered else first
    header = (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
    )
    body = [
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        f"<DTSERVER>{last:%Y%m%d}<LANGUAGE>DUT</SONRS></SIGNONMSGSRSV1>",
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>",
        f"<CURDEF>EUR<BANKACCTFROM><BANKID>INGB<ACCTID>{account}<ACCTTYPE>CHECKING"
        f"</BANKACCTFROM><BANKTRANLIST><DTSTART>{first:%Y%m%d}<DTEND>{last:%Y%m%d}",
    ]
    for booking in ordered:
        body.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if booking.credit else 'DEBIT'}"
            f"<DTPOSTED>{booking.day:%Y%m%d}<DTAVAIL>{booking.value:%Y%m%d}"
            f"<TRNAMT>{booking.amount:.2f}<FITID>{booking.id_for('ofx', f'OFX{booking.number}')}"
            f"<NAME>{escape(booking.name[:32])}<MEMO>{escape(booking.text)}</STMTTRN>"
        )
    body.append(
        f"</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>{last:%Y%m%d}</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )
    return header + "\n".join(body) + "\n"


def feed_items(bookings: Iterable[Booking]) -> list[dict[str, Any]]:
    """The bookings as Enable Banking's GET /accounts/{id}/transactions lists them: unsigned
    amounts with credit_debit_indicator, remittance_information as lines of 35 characters."""
    items = []
    for booking in sorted(bookings, key=lambda b: (b.day, b.number)):
        credit = booking.credit
        party = "debtor" if credit else "creditor"
        text = booking.text
        items.append(
            {
                "entry_reference": booking.id_for("feed", f"EB{booking.number:010d}"),
                "transaction_amount": {"currency": "EUR", "amount": f"{abs(booking.amount):.2f}"},
                "credit_debit_indicator": "CRDT" if credit else "DBIT",
                "status": "BOOK",
                "booking_date": booking.day.isoformat(),
                "value_date": booking.value.isoformat(),
                party: {"name": booking.name},
                f"{party}_account": {"iban": booking.iban} if booking.iban else {},
                "remittance_information": [text[i : i + 35] for i in range(0, len(text), 35)],
            }
        )
    return items


def feed_records(bookings: Iterable[Booking], account: str = ACCOUNT) -> list[Transaction]:
    """The records the Enable Banking source makes of `feed_items` (its own transaction_of:
    the indicator's sign, entry_reference as the bank id, remittance lines joined)."""
    return [
        transaction_of(item, account, line)
        for line, item in enumerate(feed_items(bookings), start=1)
    ]


def bank_feed(bookings: Iterable[Booking], account: str = ACCOUNT) -> str:
    """One pull of the feed as the bank-feed source writes it for the scan
    (formats/feeds/bankfeed.py reads it)."""
    records = feed_records(bookings, account)
    days = [record.booking_date for record in records] or [date(2026, 1, 1)]
    entries = [
        {
            "booking_date": record.booking_date.isoformat(),
            "value_date": None if record.value_date is None else record.value_date.isoformat(),
            "amount": str(record.amount),
            "currency": record.currency,
            "counterparty_name": record.counterparty_name,
            "counterparty_iban": record.counterparty_iban,
            "description": record.description,
            "reference": record.reference,
            "bank_id": record.bank_id,
            "code": record.code,
        }
        for record in records
    ]
    document = {
        "korwatch": "bank-feed",
        "provider": "enablebanking",
        "source": "ing",
        "account": account,
        "date_from": min(days).isoformat(),
        "date_to": max(days).isoformat(),
        "transactions": entries,
    }
    return json.dumps(document, ensure_ascii=False)


_CUSTOMERS = (
    ("Atelier Zuid", "NL91ABNA0417164300"),
    ("Studio Oost B.V.", "NL18RABO0123459876"),
    ("Café 't Hoekje", "NL02ABNA0123456789"),
    ("Stichting Culturele Evenementen Noord-Holland", "NL69INGB0123456789"),
    ("J. de Vries", "NL39RABO0300065264"),
)


def year_of_bookings(year: int = 2026) -> list[Booking]:
    """A small business's year on one account: about five credits a month from five
    customers (one with a name longer than OFX's 32 characters, one with an accent), texts
    long enough for MT940 to wrap, some value dates a day before the booking, a monthly debit,
    and on 14 May two identical payments of EUR 350 from the same customer."""
    bookings: list[Booking] = []
    number = 0
    for month in range(1, 13):
        for index in range(5):
            number += 1
            name, iban = _CUSTOMERS[(month + index) % len(_CUSTOMERS)]
            day = date(year, month, 3 + index * 5)
            cents = 10_000 + ((month * 7919 + index * 104_729) % 20_000)
            text = f"Factuur {year}-{number:03d}"
            if index == 2:
                text += " voor fotografie en beeldbewerking, project " + f"{month:02d}-{index}"
            bookings.append(
                Booking(
                    number, day, Decimal(cents) / 100, name, iban, text,
                    value_day=day - timedelta(days=1) if index == 1 else None,
                    eref=f"E2E{year}{number:05d}" if index % 2 else "",
                )
            )  # fmt: skip
        number += 1
        bookings.append(
            Booking(number, date(year, month, 25), Decimal("-45.10"), "KPN B.V.",
                    "NL44RABO0123456789", f"Abonnement {month:02d}-{year}")
        )  # fmt: skip
    for _ in range(2):
        number += 1
        bookings.append(
            Booking(number, date(year, 5, 14), Decimal("350.00"), "Atelier Zuid",
                    "NL91ABNA0417164300", "Workshop mei")
        )  # fmt: skip
    return bookings


def between(bookings: Iterable[Booking], first: date, last: date) -> list[Booking]:
    return [booking for booking in bookings if first <= booking.day <= last]


def months(bookings: Iterable[Booking], first: int, last: int) -> list[Booking]:
    """The bookings of months `first` to `last` (inclusive)."""
    return [booking for booking in bookings if first <= booking.day.month <= last]


def credits_cents(bookings: Iterable[Booking]) -> int:
    return sum(int(booking.amount * 100) for booking in bookings if booking.credit)


WRITERS = {
    "ing.csv": ing_csv,
    "camt053.xml": camt053,
    "mt940.sta": mt940,
    "ofx.ofx": ofx,
    "bank-feed.json": bank_feed,
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    bookings = year_of_bookings()
    for name, write in WRITERS.items():
        (out / name).write_text(write(bookings), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
