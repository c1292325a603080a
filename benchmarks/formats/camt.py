"""Benchmark inputs for the CAMT parser: a realistic camt.053.001.02 statement of a Dutch
business account (NL IBANs, SEPA credit transfers in with "Factuur 2026-NNNN" remittance, card
payments and direct debits out, AcctSvcrRef on every entry), the floor it is timed against
(lxml iterparse reading each Ntry's date and amount, clearing as it goes), and
`generate_large` for the 1 GB flat-memory check.
"""

from __future__ import annotations

import pathlib
import random
from collections.abc import Iterator
from datetime import date, timedelta

from lxml import etree

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
OWN_IBAN = "NL91ABNA0417164300"
_PAYERS = (
    ("Bakkerij de Vries", "NL18RABO0123459876"),
    ("J. Jansen", "NL69INGB0123456789"),
    ("Café 't Hoekje", "NL02ABNA0123456789"),
    ("Klant &amp; Zonen BV", "NL86INGB0002445588"),
    ("Studio Noord", "NL39RABO0300065264"),
)
_PAYEES = (
    ("Energie Direct", "NL44RABO0123456789", "PMNT", "RDDT", "ESDD"),
    ("Albert Heijn 1234", "NL20INGB0001234567", "PMNT", "CCRD", "POSD"),
    ("Belastingdienst", "NL86INGB0002445588", "PMNT", "ICDT", "ESCT"),
)
ENTRIES_PER_STATEMENT = 10_000


def _header(number: int, day: date) -> str:
    return (
        f"<Stmt><Id>STMT{number:08d}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
        f"<CreDtTm>{day.isoformat()}T06:00:00</CreDtTm>\n"
        f"<Acct><Id><IBAN>{OWN_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1234.56</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n"
    )


def _entry(rng: random.Random, day: date, number: int) -> str:
    credit = rng.random() < 0.4
    cents = rng.randint(500, 250_000) if credit else rng.randint(100, 20_000)
    amount = f"{cents // 100}.{cents % 100:02d}"
    if credit:
        name, iban = rng.choice(_PAYERS)
        party = f"<Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>"
        codes = ("PMNT", "RCDT", "ESCT")
        text = f"Factuur 2026-{number % 10000:04d}"
    else:
        name, iban, *code = rng.choice(_PAYEES)
        party = f"<Cdtr><Nm>{name}</Nm></Cdtr><CdtrAcct><Id><IBAN>{iban}</IBAN></Id></CdtrAcct>"
        codes = (code[0], code[1], code[2])
        text = f"Betaling {number}"
    when = day.isoformat()
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{"CRDT" if credit else "DBIT"}'
        f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{when}</Dt></BookgDt>"
        f"<ValDt><Dt>{when}</Dt></ValDt><AcctSvcrRef>2026{number:012d}</AcctSvcrRef>\n"
        f"<BkTxCd><Domn><Cd>{codes[0]}</Cd><Fmly><Cd>{codes[1]}</Cd>"
        f"<SubFmlyCd>{codes[2]}</SubFmlyCd></Fmly></Domn></BkTxCd>\n"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E{number:010d}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>\n'
        f"<RltdPties>{party}</RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf>"
        f"</TxDtls></NtryDtls></Ntry>\n"
    )


def _chunks(n: int | None) -> Iterator[str]:
    """The document in pieces; n=None goes on until the caller stops."""
    rng = random.Random(42)
    start = date(2026, 1, 1)
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NAMESPACE}">'
        "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId>"
        "<CreDtTm>2026-12-31T06:00:00</CreDtTm></GrpHdr>\n"
    )
    number = 0
    while n is None or number < n:
        day = start + timedelta(days=(number // 40) % 365)
        if number % ENTRIES_PER_STATEMENT == 0:
            if number:
                yield "</Stmt>\n"
            yield _header(number // ENTRIES_PER_STATEMENT + 1, day)
        yield _entry(rng, day, number)
        number += 1


_FOOTER = "</Stmt>\n</BkToCstmrStmt></Document>\n"


def generate(path: pathlib.Path, n: int) -> None:
    """Write an n-entry camt.053.001.02 (one Stmt per 10,000 entries)."""
    with path.open("w", encoding="utf-8") as handle:
        for chunk in _chunks(n):
            handle.write(chunk)
        handle.write(_FOOTER if n else "<Stmt><Id>EMPTY</Id></Stmt></BkToCstmrStmt></Document>\n")


def generate_large(path: pathlib.Path, size_bytes: int) -> int:
    """Write a camt.053 of about `size_bytes` (e.g. 1 GB); returns its number of entries."""
    written = 0
    entries = -1  # the first chunk is the document head
    with path.open("w", encoding="utf-8") as handle:
        for chunk in _chunks(None):
            handle.write(chunk)
            written += len(chunk)
            entries += chunk.startswith("<Ntry>")
            if written >= size_bytes:
                break
        handle.write(_FOOTER)
    return max(entries, 0) + 1


def floor(path: pathlib.Path) -> int:
    """The baseline: lxml iterparse on the Ntry end tag reading date and amount, clearing."""
    count = 0
    amount_tag = f"{{{NAMESPACE}}}Amt"
    date_path = f"{{{NAMESPACE}}}BookgDt/{{{NAMESPACE}}}Dt"
    for _, element in etree.iterparse(
        str(path), tag=f"{{{NAMESPACE}}}Ntry", resolve_entities=False, no_network=True
    ):
        if element.findtext(amount_tag) and element.findtext(date_path):
            count += 1
        element.clear()
        parent = element.getparent()
        while element.getprevious() is not None and parent is not None:
            del parent[0]
    return count
