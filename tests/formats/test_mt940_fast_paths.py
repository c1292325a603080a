"""The MT940 reader's fast paths give exactly what its general paths give.

The reader takes shortcuts for the common case (batched line reading, an inline amount, a
single split for `:86:` code words); each test here pins a shortcut to the slow, obvious rule.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.formats.mt940 import tokens as mt940_tokens
from korwatch.formats.mt940.details import split_code_words
from korwatch.formats.mt940.line import _signed_amount, normalise, parse_amount
from korwatch.formats.mt940.tokens import read_batches

_CONTROL = "\x01\x02\x03\x1a\ufeff"


def _raw_lines(data: bytes) -> list[bytes]:
    """Lines as a binary file iterates them: cut after each b'\\n' only."""
    pieces = data.split(b"\n")
    lines = [piece + b"\n" for piece in pieces[:-1]]
    return [*lines, pieces[-1]] if pieces[-1] else lines


@pytest.mark.parametrize(
    "data",
    [
        b":20:A\r\n:61:x\r\n:86:y\r\n",
        b":20:A\n:61:x\r\n:86:y",
        b":20:A\r:61:x\r:86:y\r",
        b"\xef\xbb\xbf:20:A\r\n\x03\r\n\x01:61:x\x1a\r\n",
        b":20:A\n:86:Caf\xe9 caf\xc3\xa9\n:86:\xc3\xa9\n",
        b":20:A\r\r\n\r\n\n:86:y\r\n-}",
        b"",
    ],
)
@pytest.mark.parametrize("batch_bytes", [1, 7, 1 << 20])
def test_batched_lines_are_numbered_and_cleaned_like_a_line_by_line_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, batch_bytes: int
) -> None:
    monkeypatch.setattr(mt940_tokens, "_BATCH_BYTES", batch_bytes)
    path = tmp_path / "statement.sta"
    path.write_bytes(data)
    expected: list[tuple[int, str]] = []
    for number, raw in enumerate(_raw_lines(data), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        text = text.rstrip("\r\n").strip(_CONTROL)
        expected.extend((number, piece) for piece in text.split("\r"))
    batched = [
        pair for numbers, lines in read_batches(path) for pair in zip(numbers, lines, strict=True)
    ]
    assert batched == expected


@pytest.mark.parametrize(
    "amount",
    ["1677,21", "1677,20", "1677,00", "0,00", "0,50", "000150,00", "7,05", "1,2", "150,", "500"],
)
@pytest.mark.parametrize("mark", ["C", "D", "RC", "RD"])
def test_inline_amount_equals_the_generic_amount_rule(amount: str, mark: str) -> None:
    sign = -1 if mark in ("D", "RC") else 1
    expected = normalise(sign * parse_amount(amount, 1))
    found = _signed_amount(amount, mark, 1)
    assert (found, str(found)) == (expected, str(expected))
    assert isinstance(found, Decimal)


@pytest.mark.parametrize(
    ("text", "ing", "expected"),
    [
        # A repeated code word, or one out of ING's order, is text of the value before it.
        (
            "/EREF/1//CNTP/NL1/B/N/C//REMI/USTD//a /EREF/ b/",
            True,
            {"EREF": "1", "CNTP": "NL1/B/N/C", "REMI": "USTD//a /EREF/ b"},
        ),
        (
            "/TRTP/SEPA/NAME/Jan/REMI/x/NAME/y",
            False,
            {"TRTP": "SEPA", "NAME": "Jan", "REMI": "x/NAME/y"},
        ),
        ("/EREF/", True, {"EREF": ""}),
        ("free text", False, {}),
    ],
)
def test_code_words_split_once_keep_repeated_and_out_of_order_words_as_text(
    text: str, ing: bool, expected: dict[str, str]
) -> None:
    assert split_code_words(text, ing) == expected


def test_continuation_check_knows_every_whitespace_character() -> None:
    # A line starting with whitespace may be blank, which the slow path skips: the fast path's
    # set of first characters must hold every character str.strip() removes.
    spaces = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert spaces <= mt940_tokens._NOT_CONTINUATION
