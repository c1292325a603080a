"""Benchmark inputs for the OFX parser: a realistic OFX 1.02 SGML bank statement (unclosed leaf
tags, CHARSET 1252, mixed CREDIT/DEBIT, invoice numbers in MEMO), the floor it is timed against
(a plain read counting `<STMTTRN>`), and the reference library (ofxparse) on the same file."""

from __future__ import annotations

import pathlib
import random
from datetime import date, timedelta

ENCODING = "cp1252"
HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)
_NAMES = ("Bakkerij de Vries", "J. Jansen", "Café 't Hoekje", "Klant & Zonen BV", "Studio Noord")


def _opening(start: date) -> str:
    return (
        "<OFX>\r\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n"
        "<DTSERVER>20261231120000[+1:CET]<LANGUAGE>DUT</SONRS></SIGNONMSGSRSV1>\r\n"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\r\n"
        "<STMTRS><CURDEF>EUR\r\n<BANKACCTFROM><BANKID>INGBNL2A<ACCTID>NL12INGB0001234567"
        "<ACCTTYPE>CHECKING</BANKACCTFROM>\r\n"
        f"<BANKTRANLIST><DTSTART>{start:%Y%m%d}<DTEND>{start + timedelta(days=365):%Y%m%d}\r\n"
    )


def _transaction(rng: random.Random, day: date, number: int) -> str:
    credit = rng.random() < 0.4
    cents = rng.randint(500, 250_000) if credit else -rng.randint(100, 20_000)
    sign = "-" if cents < 0 else ""
    name = rng.choice(_NAMES).replace("&", "&amp;")
    memo = f"Factuur 2026-{number % 10000:04d}" if credit else f"Pinbetaling {number}"
    return (
        f"<STMTTRN>\r\n<TRNTYPE>{'CREDIT' if credit else 'DEBIT'}\r\n"
        f"<DTPOSTED>{day:%Y%m%d}120000.000[+1:CET]\r\n"
        f"<TRNAMT>{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}\r\n"
        f"<FITID>2026{number:010d}\r\n<NAME>{name}\r\n<MEMO>{memo}\r\n</STMTTRN>\r\n"
    )


def generate(path: pathlib.Path, n: int) -> None:
    """Write an n-transaction OFX 1.02 SGML statement for one EUR account."""
    rng = random.Random(42)
    start = date(2026, 1, 1)
    with path.open("w", encoding=ENCODING, newline="") as handle:
        handle.write(HEADER + _opening(start))
        for number in range(n):
            day = start + timedelta(days=number * 365 // max(n, 1))
            handle.write(_transaction(rng, day, number))
        handle.write(
            "</BANKTRANLIST>\r\n<LEDGERBAL><BALAMT>1234.56<DTASOF>20261231</LEDGERBAL>\r\n"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1>\r\n</OFX>\r\n"
        )


def floor(path: pathlib.Path) -> int:
    """`<STMTTRN>` occurrences found by reading the file in 1 MiB chunks: the baseline."""
    count = 0
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            count += block.count(b"<STMTTRN>")
            tail = block[-8:]  # shorter than the tag, so no occurrence is counted twice
    return count


def reference(path: pathlib.Path) -> int:
    """Transactions ofxparse (the reference reader) finds in the file."""
    import ofxparse

    with path.open("rb") as handle:
        parsed = ofxparse.OfxParser.parse(handle)
    return sum(len(account.statement.transactions) for account in parsed.accounts)
