"""A streaming reader for OFX 1.x (SGML) and 2.x (XML) bank and credit-card statements.

ofxparse builds a whole BeautifulSoup tree and closes SGML tags with a quadratic pre-pass; this
reader instead decodes the file in 1 MiB chunks and walks its tags with one regular expression,
keeping only a stack of the few aggregates korwatch needs (statement, account, status). The same
walk reads SGML and XML: a leaf's value is the text after its start tag up to the next tag,
whether or not a `</LEAF>` follows, so unclosed, mixed, empty and self-closing tags, one-line
files and header lines all read alike, and entities are never expanded beyond the five plus
character references (`ofx_values.text`). Each `<STMTTRN>...</STMTTRN>` is cut out whole and
read by a second, flat pass (`ofx_fields`). A leaf keeps its first value within a STMTTRN, as
ofxparse's `find` does, so `PAYEE/NAME` is the name when there is no `NAME`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from korwatch.errors import ParseError
from korwatch.formats.ofx.encoding import CHUNK
from korwatch.formats.ofx.fields import LEAF, SECTION_ENDS, fields_of
from korwatch.formats.ofx.status import Outcome
from korwatch.formats.ofx.values import build, parse_currency, text
from korwatch.models import Transaction

# The longest run (an unclosed STMTTRN, a text without tags) carried between chunks.
MAX_RUN = 4 << 20

# A tag (groups: "/", name, "/" of a self-closing tag), or a construct to skip whole. A
# processing instruction may lack its ">" (Fidelity, csingley/ofxtools#47): it ends at "<".
_TOKEN = re.compile(
    r"<(?:(/?)([A-Za-z0-9_.]+)[ \t\r\n]*(/?)>|(!\[CDATA\[|!--)|\?[^<>]*(?:\?>|(?=<))|![^<>]*>)"
)
_TRANSACTION_EDGE = re.compile(r"<(/?)STMTTRN[ \t\r\n]*>", re.IGNORECASE)
# What follows a </STMTTRN> in a run, nearly always: a line break and the next <STMTTRN>.
_NEXT = ("\r\n<STMTTRN>", "\n<STMTTRN>")
_LOWER_TAG = re.compile(r"</?[a-z]")
_STATEMENTS = {"STMTRS": "bank", "CCSTMTRS": "credit card"}
_AGGREGATES = frozenset(
    {"OFX", "SONRS", "STATUS", "BANKACCTFROM", "CCACCTFROM", "BANKTRANLIST", "INVSTMTRS"}
    | {"STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS"}
    | set(_STATEMENTS)
)


@dataclass
class Statement:
    """The statement being read; transactions wait here only until currency and account are
    known (the spec puts both before BANKTRANLIST, so normally nothing waits)."""

    kind: str
    line: int
    currency: str = ""
    account: str = ""
    waiting: list[tuple[dict[str, str], int, str]] = field(default_factory=list)


class Reader:
    """Feeds decoded text through the tag walk; `ready` holds records not yet handed out."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, int]] = []
        self.statement: Statement | None = None
        self.outcome = Outcome()
        self.ready: list[Transaction] = []
        self.lower_tags = False
        self.plain = False
        self.line = 1  # the line at `self.mark` in the current buffer
        self.mark = 0

    def line_at(self, buffer: str, position: int) -> int:
        self.line += buffer.count("\n", self.mark, position)
        self.mark = position
        return self.line

    def feed(self, buffer: str, final: bool) -> int:
        """Read `buffer` as far as it is complete; return how much of it was consumed."""
        limit = len(buffer) if final else _safe_cut(buffer)
        # Checked once per chunk, not per STMTTRN: lower-case tags need the slower field pass.
        self.lower_tags = _LOWER_TAG.search(buffer) is not None
        # Likewise: without "<!", CURRENCY or lower-case tags anywhere in the chunk, every
        # STMTTRN in it is the plain case of `fields_of`, read without a call per STMTTRN.
        self.plain = not self.lower_tags and "<!" not in buffer and "CURRENCY" not in buffer
        position = 0
        while found := _TOKEN.search(buffer, position, limit):
            closing, name, empty, section = found.group(1, 2, 3, 4)
            if name is None:  # CDATA outside a leaf, comment, processing instruction
                end = self.skip(buffer, found, section, limit, final)
            elif (name := name.upper()) == "STMTTRN" and not closing and not empty:
                end = self.transaction(buffer, found, limit, final)
            else:
                end = found.end()
                self.tag(name, bool(closing), bool(empty), buffer, found, limit)
            if end < 0:
                limit = found.start()  # carry the unfinished part to the next chunk
                break
            position = end
        self.line_at(buffer, limit)
        self.mark = 0
        return limit

    def tag(
        self, name: str, closing: bool, empty: bool, buffer: str, found: re.Match[str], limit: int
    ) -> None:
        if closing:
            self.close(name, buffer, found.start())
        elif name in _AGGREGATES and not empty:
            self.open(name, self.line_at(buffer, found.start()))
        elif not empty:
            self.leaf(name, _leaf_text(buffer, found.end(), limit), buffer, found.start())

    def skip(self, buffer: str, found: re.Match[str], section: str, limit: int, final: bool) -> int:
        """The end of a CDATA section or comment (-1: not in this chunk), else of `found`."""
        if not section:
            return found.end()
        end = buffer.find(SECTION_ENDS[section], found.end(), limit)
        if end >= 0:
            return end + len(SECTION_ENDS[section])
        if final:
            line = self.line_at(buffer, found.start())
            raise ParseError(f"this <{section} is never closed; the file looks truncated", line)
        return -1

    def transaction(self, buffer: str, start: re.Match[str], limit: int, final: bool) -> int:
        """Read the STMTTRN at `start` and those right after it; return where reading stops, or
        -1 when the STMTTRN is not complete in this chunk."""
        position = self.run(buffer, start.start(), limit)
        if position > start.start():
            return position  # the rest is not a complete STMTTRN: let `feed` find it again
        line = self.line_at(buffer, position)
        edge = _TRANSACTION_EDGE.search(buffer, start.end(), limit)
        if edge is None:
            if final:
                raise ParseError("the file ends inside this STMTTRN; it looks truncated", line)
            return -1
        if not edge.group(1):
            raise ParseError("this STMTTRN has no </STMTTRN> before the next <STMTTRN>", line)
        self.emit(buffer[start.end() : edge.start()], line)
        return edge.end()

    def run(self, buffer: str, position: int, limit: int) -> int:
        """Read the run of upper-case <STMTTRN>...</STMTTRN> at `position`, found with str.find;
        return where it stops (`position` itself when none is complete).

        The hot loop of an OFX file: line counting and `emit` are written out, with locals, for
        the usual case of a statement whose currency and account are known.
        """
        statement = self.statement
        currency = statement.currency if statement is not None else ""
        account = statement.account if statement is not None else ""
        append, lower_tags = self.ready.append, self.lower_tags
        leaves = LEAF.findall if self.plain else None
        if not buffer.startswith("<STMTTRN>", position):
            return position  # "<stmttrn>", "<STMTTRN >": the general path reads it
        line, mark = self.line + buffer.count("\n", self.mark, position), position
        try:
            while (close := buffer.find("</STMTTRN>", position + 9, limit)) >= 0:
                body = buffer[position + 9 : close]
                if "<STMTTRN>" in body:
                    message = "this STMTTRN has no </STMTTRN> before the next <STMTTRN>"
                    raise ParseError(message, line)
                if currency and account:
                    # Reversed, so that the first value of a repeated name is the one kept.
                    fields = dict(leaves(body)[::-1]) if leaves else fields_of(body, lower_tags)
                    append(build(fields, currency, account, line, body))
                else:
                    self.emit(body, line)
                position = close + 10
                if buffer.startswith(_NEXT, position, limit):  # one line break, the usual gap
                    line += body.count("\n") + 1
                    position += 2 if buffer[position] == "\r" else 1
                else:
                    following = buffer.find("<", position, limit)
                    if following < 0 or not buffer.startswith("<STMTTRN>", following):
                        break
                    line += buffer.count("\n", mark, following)
                    position = following  # the text between STMTTRNs is ignored, as elsewhere
                mark = position
        finally:
            self.line, self.mark = line, mark
        return position

    def emit(self, body: str, line: int) -> None:
        statement = self.statement
        if statement is None:
            return  # a STMTTRN of an investment statement (INVBANKTRAN)
        fields = fields_of(body, self.lower_tags)
        if statement.currency and statement.account:
            self.ready.append(build(fields, statement.currency, statement.account, line, body))
        else:
            statement.waiting.append((fields, line, body))

    def open(self, name: str, line: int) -> None:
        self.stack.append((name, line))
        if name in _STATEMENTS:
            self.end_statement(line)  # a statement left open: keep what it read
            self.statement = Statement(_STATEMENTS[name], line)
        self.outcome.opened(name, line)

    def close(self, name: str, buffer: str, position: int) -> None:
        if not any(open_name == name for open_name, _ in self.stack):
            return  # the end tag of a leaf, or of an aggregate korwatch does not track
        while self.stack:
            open_name, line = self.stack.pop()
            parent = self.stack[-1][0] if self.stack else ""
            if open_name in _STATEMENTS:
                self.end_statement(self.line_at(buffer, position))
            self.outcome.closed(open_name, parent, line)
            if open_name == name:
                return

    def end_statement(self, line: int) -> None:
        statement, self.statement = self.statement, None
        if statement is None:
            return
        for fields, start, body in statement.waiting:
            self.ready.append(build(fields, statement.currency, statement.account, start, body))
        self.outcome.statements += 1

    def leaf(self, name: str, value: str, buffer: str, position: int) -> None:
        context = self.stack[-1][0] if self.stack else ""
        statement = self.statement
        if statement is not None and name == "CURDEF" and context in _STATEMENTS:
            if text(value):
                try:
                    statement.currency = parse_currency(value, "CURDEF")
                except ParseError as error:
                    line = self.line_at(buffer, position)
                    raise ParseError(error.reason, line=line) from None
        elif statement is not None and name == "ACCTID" and context.endswith("ACCTFROM"):
            statement.account = text(value)
        elif context == "STATUS":
            self.outcome.status_value(name, text(value))

    def finish(self) -> None:
        if self.stack:
            name, line = self.stack[-1]
            raise ParseError(
                f"the file ends before </{name}> (opened on line {line}); it looks truncated",
                line=self.line,
            )
        if self.statement is not None:  # pragma: no cover - a statement is always on the stack
            self.end_statement(self.line)
        self.outcome.finish()


def read(path: Path, codec: str) -> Iterator[Transaction]:
    """Every transaction of every bank and credit-card statement in the file, in file order."""
    reader = Reader()
    decoder = codecs.getincrementaldecoder(codec)("replace")
    carry = ""
    with path.open("rb") as handle:
        while True:
            raw = handle.read(CHUNK)
            buffer = carry + decoder.decode(raw, final=not raw)
            consumed = reader.feed(buffer, final=not raw)
            yield from reader.ready
            reader.ready.clear()
            carry = buffer[consumed:]
            if len(carry) > MAX_RUN:
                raise ParseError(
                    "a single element runs over 4 MiB without a closing tag; "
                    "the file is not a well-formed OFX statement",
                    line=reader.line,
                )
            if not raw:
                break
    reader.finish()
    yield from reader.ready


def _safe_cut(buffer: str) -> int:
    """Where the complete part of a chunk ends: before its last '<' (that tag, and the text of a
    leaf before it, may continue in the next chunk)."""
    return max(buffer.rfind("<"), 0)


def _leaf_text(buffer: str, position: int, limit: int) -> str:
    end = buffer.find("<", position, limit)
    if end < 0:
        return buffer[position:limit]
    if buffer.startswith("<![CDATA[", end):
        close = buffer.find("]]>", end, limit)
        if close >= 0:
            return buffer[position:end] + buffer[end + 9 : close]
    return buffer[position:end]
