"""OFX: korwatch's records equal ofxparse's (the reference reader) on every sample ofxparse
accepts, on a generated benchmark file, and on hypothesis-generated documents.

Compared per transaction: date, amount, payee (NAME), memo, id (FITID) and type (TRNTYPE).
ofxparse gives a naive datetime in UTC (it subtracts a `[offset:TZ]`, and takes a missing offset
as 0); korwatch gives an Europe/Amsterdam date when a time *and* an offset are written, else the
written date. `expected_date` converts ofxparse's value that way, so the comparison is exact.
ofxparse lower-cases TRNTYPE; korwatch keeps it as written, so types compare case-insensitively.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import ofxparse
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.formats import ofx as benchmark
from korwatch.clock import AMSTERDAM
from korwatch.formats.base import read_sample
from korwatch.formats.ofx.parser import OfxParser
from korwatch.models import Transaction
from tests.samples import SAMPLES, files, needs_samples, over_samples

# ofxparse accepts these but korwatch reads them differently, on purpose:
DIFFERENT = {
    # Investment statements and an error response: korwatch refuses them (NotTransactionFile,
    # see test_ofx_samples); ofxparse returns their STMTTRNs or nothing.
    "ofx/ofxparse__error_message.ofx",
    "ofx/ofxparse__fidelity-savings.ofx",
    "ofx/ofxtools__invstmtrs.ofx",
}
_POSTED = re.compile(r"<DTPOSTED>\s*([^<\s]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    day: date
    amount: Decimal
    payee: str
    memo: str
    id: str
    type: str


def ours(path: Path) -> list[Line]:
    records = list(OfxParser().parse(read_sample(path)))
    return [_line(record) for record in records if isinstance(record, Transaction)]


def _line(record: Transaction) -> Line:
    return Line(
        record.booking_date,
        record.amount,
        record.counterparty_name,
        record.description,
        record.bank_id,
        record.code.lower(),
    )


def theirs(path: Path, encoding: str) -> list[Line]:
    """ofxparse's transactions, dates converted as korwatch documents (see the docstring)."""
    parsed = reference(path)
    raw_dates = _POSTED.findall(path.read_bytes().decode(encoding))
    found = [t for account in parsed.accounts for t in account.statement.transactions]
    assert len(raw_dates) == len(found)
    return [
        Line(expected_date(t.date, raw), t.amount, t.payee, t.memo, t.id, t.type)
        for t, raw in zip(found, raw_dates, strict=True)
    ]


def reference(path: Path) -> Any:
    """ofxparse's result, without its warnings (bs4 deprecations, "XML parsed as HTML")."""
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")
        return ofxparse.OfxParser.parse(handle)


def expected_date(moment: datetime, raw: str) -> date:
    offset = re.search(r"\[([-+]?\d+(?:\.\d+)?):", raw)
    if offset is None:
        return moment.date()  # ofxparse took the written time as is
    if len(re.match(r"\d*", raw)[0]) < 12:  # type: ignore[index]
        return (moment + timedelta(hours=float(offset[1]))).date()  # a date without a time
    return moment.replace(tzinfo=UTC).astimezone(AMSTERDAM).date()


def _accepted_by_ofxparse(name: str) -> bool:
    try:
        reference(SAMPLES / name)
    except Exception:  # any failure means ofxparse does not accept the file
        return False
    return True


def _sample_names() -> list[str]:
    return [f"ofx/{path.name}" for path in files("ofx")]


def _accepted() -> list[str]:
    return [n for n in _sample_names() if n not in DIFFERENT and _accepted_by_ofxparse(n)]


@needs_samples
def test_ofxparse_accepts_the_expected_samples() -> None:
    # ofxparse fails on the two malformed fixtures and on the empty-tags file (its empty CURDEF
    # and FITID raise IndexError); korwatch reads the latter (golden in tests/fixtures/ofx).
    accepted = _accepted()
    refused = set(_sample_names()) - set(accepted) - DIFFERENT
    assert refused == {
        "ofx/ofxparse__decimal_error.ofx",
        "ofx/ofxparse__date_missing.ofx",
        "ofx/ofxparse__ofx-v102-empty-tags.ofx",
    }
    assert len(accepted) == 11


@over_samples("name", _accepted)
def test_every_sample_ofxparse_accepts_gives_the_same_transactions(name: str) -> None:
    encoding = "latin-1" if name.endswith(".qfx") else "utf-8"
    assert ours(SAMPLES / name) == theirs(SAMPLES / name, encoding)


def test_a_generated_1000_transaction_statement_gives_ofxparses_transactions(
    tmp_path: Path,
) -> None:
    path = tmp_path / "statement.ofx"
    benchmark.generate(path, 1000)
    mine = ours(path)
    assert len(mine) == 1000 == benchmark.floor(path)
    assert mine == theirs(path, benchmark.ENCODING)
    assert any("&" in line.payee for line in mine)
    assert any(line.memo.startswith("Factuur 2026-") for line in mine)


# --- hypothesis-generated documents ------------------------------------------------------------

# Only lead bytes as non-ASCII (é, ß in cp1252): such text is never valid UTF-8, so the
# mis-declared-UTF-8 rule (ofx_encoding) cannot kick in; that rule has its own tests.
TEXT = st.text(alphabet="abcXYZ019 &<>'\"-/.,:;#éß", max_size=20)
NAME_TEXT = TEXT.filter(lambda value: value.strip() != "")  # ofxparse refuses an empty NAME


@st.composite
def posted(draw: Any) -> str:
    day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)))
    value = f"{day:%Y%m%d}"
    if draw(st.booleans()):
        value += f"{draw(st.integers(0, 23)):02d}{draw(st.integers(0, 59)):02d}"
        value += f"{draw(st.integers(0, 59)):02d}"
        if draw(st.booleans()):
            value += f".{draw(st.integers(0, 999)):03d}"
    if draw(st.booleans()):
        hours = draw(st.integers(-12, 14))
        value += f"[{hours}:{draw(st.sampled_from(['GMT', 'EST', 'CET', '']))}]"
    return value


@st.composite
def amount(draw: Any) -> str:
    cents = draw(st.integers(-(10**9), 10**9))
    units, fraction = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else draw(st.sampled_from(["", "+"]))
    mark = draw(st.sampled_from([".", ","]))
    return f"{sign}{units}{mark}{fraction:02d}"


@st.composite
def transaction(draw: Any) -> dict[str, str]:
    fields = {
        "TRNTYPE": draw(st.sampled_from(["CREDIT", "DEBIT", "POS", "Credit", "XFER", "OTHER"])),
        "DTPOSTED": draw(posted()),
        "TRNAMT": draw(amount()),
        "FITID": draw(
            st.sampled_from(["1", "2", "A-9"]) | st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True)
        ),
    }
    if draw(st.booleans()):
        fields["NAME"] = draw(NAME_TEXT)
    if draw(st.booleans()):
        fields["MEMO"] = draw(NAME_TEXT)
    return fields


def escape(value: str, ascii_only: bool) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if ascii_only:  # ofxparse ignores the XML encoding and reads ASCII: use &#233; and such
        value = "".join(char if char.isascii() else f"&#{ord(char)};" for char in value)
    return value


def document(transactions: list[dict[str, str]], xml: bool, closed: bool) -> str:
    end = (lambda name: f"</{name}>") if closed or xml else (lambda name: "")
    body = "".join(
        "<STMTTRN>\n"
        + "".join(f"<{key}>{escape(value, xml)}{end(key)}\n" for key, value in fields.items())
        + "</STMTTRN>\n"
        for fields in transactions
    )
    if xml:
        head = '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n'
    else:
        head = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\nCHARSET:1252\n\n"
    return (
        f"{head}<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1{end('TRNUID')}<STMTRS>"
        f"<CURDEF>EUR{end('CURDEF')}<BANKACCTFROM><BANKID>1{end('BANKID')}"
        f"<ACCTID>NL01BANK0123456789{end('ACCTID')}</BANKACCTFROM>\n"
        f"<BANKTRANLIST>\n{body}</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )


@pytest.mark.timeout(60)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    transactions=st.lists(transaction(), max_size=6),
    xml=st.booleans(),
    closed=st.booleans(),
)
def test_generated_documents_give_ofxparses_transactions(
    tmp_path_factory: pytest.TempPathFactory,
    transactions: list[dict[str, str]],
    xml: bool,
    closed: bool,
) -> None:
    path = tmp_path_factory.mktemp("ofx") / "generated.ofx"
    encoding = "utf-8" if xml else "cp1252"
    path.write_bytes(document(transactions, xml, closed).encode(encoding))
    assert ours(path) == theirs(path, encoding)
