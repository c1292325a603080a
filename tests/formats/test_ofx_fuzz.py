"""OFX: mutated and truncated statements end in a ParseError or in valid records, never in
another exception and never in a hang."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.errors import ParseError
from korwatch.formats.base import read_sample
from korwatch.formats.ofx import reader as ofx_reader
from korwatch.formats.ofx.parser import OfxParser
from korwatch.models import Transaction
from tests.samples import SAMPLES, needs_samples


@functools.cache
def seeds() -> list[bytes]:
    """The real statements the tests mutate, read when a test first runs."""
    return [
        (SAMPLES / "ofx" / name).read_bytes()
        for name in (
            "ofxparse__bank_medium.ofx",  # SGML, several per line
            "ofxparse__suncorp.ofx",  # XML, CDATA, CRLF
            "ofxparse__ofx-v102-empty-tags.ofx",  # one line, empties
            "ofxtools__br_nubank_cc.ofx",  # credit card, offsets
        )
    ]


SEEDS = st.deferred(lambda: st.sampled_from(seeds()))
# Bytes that matter to the tag walk, plus a few that matter to the decoders.
SPECIAL = [b"<", b">", b"/", b"</STMTTRN>", b"<STMTTRN>", b"<![CDATA[", b"&amp;", b"\xc3", b"\x80"]


def outcome(tmp_path: Path, content: bytes) -> list[Transaction]:
    path = tmp_path / "fuzzed.ofx"
    path.write_bytes(content)
    try:
        records = list(OfxParser().parse(read_sample(path)))
    except ParseError as error:
        assert str(error)
        return []
    for record in records:
        assert isinstance(record, Transaction)
        assert isinstance(record.amount, Decimal)
        assert record.amount.as_tuple().exponent == -2
        assert len(record.currency) == 3
    return [record for record in records if isinstance(record, Transaction)]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    content = bytearray(draw(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=4))
        if action == "insert":
            content[at:at] = piece
        elif action == "delete":
            del content[at : at + draw(st.integers(1, 40))]
        else:
            content[at : at + len(piece)] = piece
    return bytes(content)


@needs_samples
@pytest.mark.timeout(60)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=mutated())
def test_a_mutated_statement_ends_in_a_parse_error_or_valid_records(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    outcome(tmp_path_factory.mktemp("ofx"), content)


@needs_samples
@pytest.mark.timeout(60)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=SEEDS, fraction=st.floats(0, 1), chunk=st.sampled_from([3, 50]))
def test_a_truncated_statement_ends_in_a_parse_error_or_valid_records(
    tmp_path_factory: pytest.TempPathFactory, seed: bytes, fraction: float, chunk: int
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ofx_reader, "CHUNK", chunk)  # truncation at every kind of chunk edge
        outcome(tmp_path_factory.mktemp("ofx"), seed[: int(len(seed) * fraction)])


@needs_samples
@pytest.mark.timeout(30)
def test_a_huge_text_without_any_tag_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.ofx"
    path.write_bytes(seeds()[0].replace(b"<MEMO>", b"<MEMO>" + b"x" * (6 << 20), 1))
    with pytest.raises(ParseError, match="runs over 4 MiB") as refused:
        list(OfxParser().parse(read_sample(path)))
    assert refused.value.line == 15


@needs_samples
@pytest.mark.timeout(30)
def test_many_unclosed_cdata_sections_and_comments_are_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "sections.ofx"
    openers = b"<![CDATA[<!--" * 200_000
    # Between aggregates: the first unclosed one ends the file, which is refused.
    path.write_bytes(seeds()[0].replace(b"</BANKTRANLIST>", openers + b"</BANKTRANLIST>", 1))
    with pytest.raises(ParseError, match="never closed"):
        list(OfxParser().parse(read_sample(path)))
    # Inside a STMTTRN (cut out by its end tag): kept as the literal text they are.
    path.write_bytes(seeds()[0].replace(b"</STMTTRN>", b"<MEMO>" + openers + b"</STMTTRN>", 1))
    records = list(OfxParser().parse(read_sample(path)))
    assert len(records) == 3
    assert isinstance(records[0], Transaction)
    assert records[0].description.startswith("POS MERCHANDISE")  # the first MEMO is kept


def test_a_statement_left_open_keeps_the_lines_it_read(tmp_path: Path) -> None:
    path = tmp_path / "open.ofx"
    line = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260105<TRNAMT>-1<FITID>F</STMTTRN>"
    # The first statement names no account (its line waits for one) and is never closed.
    path.write_text(
        "OFXHEADER:100\n\n<OFX><STMTRS><CURDEF>EUR<BANKTRANLIST>"
        f"{line}</BANKTRANLIST><STMTRS><CURDEF>USD<BANKACCTFROM><ACCTID>B</BANKACCTFROM>"
        f"<BANKTRANLIST>{line}</BANKTRANLIST></STMTRS></STMTRS></OFX>",
        "ascii",
    )
    records = list(OfxParser().parse(read_sample(path)))
    assert [(r.currency, r.account) for r in records if isinstance(r, Transaction)] == [
        ("EUR", ""),
        ("USD", "B"),
    ]
