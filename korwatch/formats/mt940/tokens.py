"""Line-based tokenizer for SWIFT MT940 files: turns a file into statements of tagged fields.

It streams: the file is read in batches of whole lines (about 1 MB, decoded and split at once)
and one statement (the fields from one `:20:` to the next, or one SWIFT message) is held at a
time. It strips what wraps the statements in real Dutch files: the SWIFT envelope
`{1:..}{2:..}{3:..}{4:` ... `-}{5:..}`, the ABN AMRO / bunq header lines (`ABNANL2A` / `940` /
`ABNANL2A`), ING's old `0000 01INGBNL2AXXXX00001` / `940 00` header and `-XXX` trailer,
Rabobank's `:940:` first line, SOH/ETX control bytes, CRLF / LF / double CR, and blank lines
between tags. A tag's continuation lines are kept as a list, so each `:86:` dialect decides
itself how to join them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from korwatch.errors import ParseError
from korwatch.formats.base import MAX_LINE, too_long

_TAG = re.compile(r":(\d\d[A-Z]?):")
_ENVELOPE = re.compile(r"^(?:\{[1235]:(?:\{[^{}]*\}|[^{}])*\})*(?:\{4:)?")
_HEADER = re.compile(
    r"^(?:[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?|940(?: 00)?|:940:|0000 \d\d[A-Z0-9]+|-XXX|\}.*)$"
)
_BIC_IN_HEADER = re.compile(r"([A-Z]{4})(?:NL|DE|BE|PL|FR)[A-Z0-9]{2}")
_CONTROL = "\x01\x02\x03\x1a\ufeff"
_BATCH_BYTES = 1 << 20
_FAST_TAGS = {":61:": "61", ":86:": "86"}  # what _TAG finds in lines starting with these
# First characters of lines that are not plain continuation lines: blank, tags, envelopes, ends.
# The whitespace is every character str.strip() removes; they all lie in these few ranges
# (a test checks the whole of Unicode), so the set costs microseconds at start-up.
_SPACE_RANGES = (
    range(0x21),
    range(0x85, 0xA1),
    range(0x1680, 0x1681),
    range(0x2000, 0x2060),
    range(0x3000, 0x3001),
)
_NOT_CONTINUATION = frozenset(
    ["", "{", "-", ":"]
    + [chr(code) for codes in _SPACE_RANGES for code in codes if chr(code).isspace()]
)


Batch = tuple[Sequence[int], list[str]]  # line numbers (one per line) and the lines


@dataclass(slots=True)
class Field:
    """One tag with its first line and its continuation lines, as written."""

    tag: str
    value: str
    more: list[str]
    line: int


@dataclass(slots=True)
class Statement:
    """The fields of one statement, and the bank the envelope or header named (4-letter code)."""

    fields: list[Field] = field(default_factory=list)
    bank: str = ""
    line: int = 0
    message_type: str = ""  # "940" or "942" when a SWIFT envelope says so


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # SWIFT files are nominally ASCII; real ones carry Latin-1/cp1252 names (S: actual__data).
        return raw.decode("cp1252", errors="replace")


def read_batches(path: Path) -> Iterator[Batch]:
    """Numbered text lines of the file, without line ends, control bytes or a lone CR.

    Read in batches of whole lines of about 1 MB: one read, decode and split per batch instead
    of a bytes object, a decode and two strips per line (a third of the parse time before).
    """
    number = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_BATCH_BYTES):
            rest = handle.readline(MAX_LINE + 1)  # up to the end of the line the read cut
            if len(rest) > MAX_LINE:  # never hold a line longer than that whole
                raise ParseError(too_long("the line"), line=number + chunk.count(b"\n"))
            chunk += rest
            numbers, lines = _batch(chunk, number)
            yield numbers, lines
            number = numbers[-1] + 1


def _batch(chunk: bytes, number: int) -> Batch:
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return _careful_batch(chunk, number)  # a line in cp1252: decode line by line
    if any(c in text for c in _CONTROL):
        return _careful_batch(chunk, number)
    # Each count is a pass over the batch, so as few as the line ends allow.
    returns = text.count("\r")
    if not returns:
        lines = text.split("\n")
    else:
        lines = text.split("\r\n")
        if returns != len(lines) - 1:
            return _careful_batch(chunk, number)  # a CR outside CRLF: CR-only or stray
        if returns != text.count("\n"):
            lines = text.replace("\r\n", "\n").split("\n")  # both CRLF and LF alone
    if text.endswith("\n"):
        lines.pop()  # the split leaves an empty piece after the last line end
    return range(number, number + len(lines)), lines


def _careful_batch(chunk: bytes, number: int) -> Batch:
    """Lines with control bytes, stray CRs or a mixed encoding, one at a time."""
    raws = chunk.split(b"\n")
    if chunk.endswith(b"\n"):
        raws.pop()
    numbers: list[int] = []
    lines: list[str] = []
    for offset, raw in enumerate(raws):
        text = _decode(raw).rstrip("\r\n").strip(_CONTROL)
        # A bare CR inside a line is a line end of a file with mixed or CR-only endings.
        for piece in text.split("\r"):
            numbers.append(number + offset)
            lines.append(piece)
    return numbers, lines


class Tokenizer:
    """Groups the lines of an MT940 file into statements."""

    def __init__(self) -> None:
        self.current = Statement()
        self.bank = ""
        self.message_type = ""
        self.inside = False  # inside a message (after a tag, before its end marker)
        self.pending_dash: int = 0  # line of a lone '-': an end marker, or text (see _dash)
        self.glue = ""  # a lone ':' line that belongs to the start of the next line

    def statements(self, batches: Iterator[Batch]) -> Iterator[Statement]:
        """The statements of the file, from batches of numbered lines (see `read_batches`)."""
        fast_tags, not_continuation = _FAST_TAGS, _NOT_CONTINUATION
        fast, fields = False, self.current.fields
        more: list[str] = []  # the continuation lines of the last field, while `fast`
        for numbers, lines in batches:
            _check_growing(self.current.fields)
            for number, text in zip(numbers, lines, strict=True):
                # Inline fast path for the lines that make up nearly every file: :61: and :86:
                # (which never start a statement) and continuation lines, inside a message.
                # Anything else, and any line after a glued ':' or a lone '-', takes _line.
                if fast:
                    head = text[:1]
                    if head == ":":
                        tag = fast_tags.get(text[:4])
                        if tag:
                            more = []
                            fields.append(Field(tag, text[4:], more, number))
                            continue
                    elif head not in not_continuation:
                        more.append(text)
                        continue
                yield from self._line(number, text)
                fields = self.current.fields
                fast = self.inside and bool(fields) and not (self.glue or self.pending_dash)
                more = fields[-1].more if fields else more
        _check_growing(self.current.fields)
        if self.current.fields:
            yield self.current

    def _line(self, number: int, text: str) -> Iterator[Statement]:
        if self.glue:
            text, self.glue = self.glue + text, ""
        if text == ":":
            # A tag cut after its first colon (S: wolph-selfprovided__sparkassen.sta).
            self.glue = ":"
            return
        if self.pending_dash:
            yield from self._dash(number, text)
            return
        if text.startswith("{"):
            self._envelope(text)
            text = _ENVELOPE.sub("", text)
        if not text.strip():
            return
        if text == "-" or text.startswith(("-}", "-XXX")):
            if text == "-":
                self.pending_dash = number
            else:
                yield from self._end()
            return
        yield from self._content(number, text)

    def _dash(self, number: int, text: str) -> Iterator[Statement]:
        """A lone '-' ends the message unless the next line continues a field.

        ING replaces a leading '-' in :86: lines by a space, but some files still wrap a
        mandate id onto a line of its own ('MND' / '-' / 'EV01', S: oca-nl-ing__test-ing.940).
        """
        self.pending_dash = 0
        continues = (
            self.inside
            and self.current.fields
            and text
            and text[0] not in "{}:-"
            and not _HEADER.match(text)
        )
        if continues:
            self.current.fields[-1].more.append("-")
            yield from self._content(number, text)
            return
        yield from self._end()
        yield from self._line(number, text)

    def _envelope(self, text: str) -> None:
        if "{2:" in text:
            start = text.index("{2:")
            self.message_type = text[start + 4 : start + 7]
            found = _BIC_IN_HEADER.search(text, start + 7)
            if found:
                self.bank = found.group(1)
        elif text.startswith("{1:F01"):
            self.bank = text[6:10]

    def _end(self) -> Iterator[Statement]:
        if self.current.fields:
            yield self.current
        self.current = Statement(bank=self.bank, message_type=self.message_type)
        self.inside = False

    def _content(self, number: int, text: str) -> Iterator[Statement]:
        tag = _TAG.match(text)
        if tag:
            yield from self._tag(number, tag.group(1), text[tag.end() :])
        elif self.inside and self.current.fields:
            self.current.fields[-1].more.append(text)
        elif _HEADER.match(text.strip()):
            self._header(text.strip())
        else:
            raise ParseError(
                f"unexpected text outside a statement: {text[:40]!r}; an MT940 statement "
                "starts with a tag such as :20:",
                line=number,
            )

    def _header(self, text: str) -> None:
        if len(text) in (8, 11) and text.isalnum() and not text.isdigit():
            self.bank = text[:4]  # ABNANL2A / BUNQNL2A header lines
        elif text.startswith("0000 "):
            self.bank = text[7:11]  # 0000 01INGBNL2AXXXX00001

    def _tag(self, number: int, tag: str, value: str) -> Iterator[Statement]:
        if tag == "940":
            return  # Rabobank's first line ':940:' is a header, not a field
        fields = self.current.fields
        starts_new = tag == "20" or (
            tag.startswith("60") and any(f.tag.startswith("62") for f in fields)
        )
        if starts_new and fields:
            yield self.current
            self.current = Statement()
        if not self.current.fields:
            self.current.line = number
            self.current.bank = self.bank
            self.current.message_type = self.message_type
        self.inside = True
        self.current.fields.append(Field(tag, value, [], number))


def _check_growing(fields: list[Field]) -> None:
    """Refuse the field still being read (the last) when it is longer than MAX_LINE: checked
    once a batch, so that continuation lines cannot pile up without end (a :86: of 500 MB)."""
    if fields:
        last = fields[-1]
        if len(last.value) + sum(map(len, last.more)) > MAX_LINE:
            raise ParseError(too_long(f"the :{last.tag}: field"), line=last.line)
