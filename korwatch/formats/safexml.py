"""Safe, streaming XML reading shared by the XML parsers (CAMT, XAF, OFX 2).

Bank and bookkeeping exports are untrusted input. Two layers keep them harmless:

* `check_no_dtd` scans the prolog (everything before the root element) and refuses any
  DOCTYPE, so no entity can be declared at all - billion-laughs and external entities
  (``file://``, ``http://``) are stopped before lxml sees the file. No real CAMT or XAF export
  carries a DTD.
* `iterparse` runs lxml's incremental parser with entity resolution, DTD loading, network
  access and huge-tree mode off, and turns every lxml error into `ParseError` with its line.

`iterparse` also retries once as ISO-8859-15 when the declared encoding does not match the
bytes: ABN AMRO is known to write Latin-1 bytes into files declared UTF-8 (noted by OCA's
bank-statement-import). ISO-8859-15 rather than -1 because it maps 0xA4 to the euro sign.
Elements already yielded before the failure are skipped on the retry, so callers see each
element once.

`iterparse(..., plain_tags=True)` (CAMT) blanks the root's default namespace declaration in
the bytes lxml reads, where doing so cannot change which elements share a namespace: lxml then
builds tag strings without the long `{urn:...}` prefix, which is a third of CAMT's parse time.

The path helpers make lookups namespace-agnostic without XPath: CAMT namespaces differ per
version (and some files use a wrong `urn:iso:std:iso:20023`), so paths are built from local
names with the namespace the document actually uses, once per (namespace, path) pair.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from korwatch.errors import ParseError

Element = etree._Element

DTD_REFUSED = "XML with a DTD or entity declarations is refused"
FALLBACK_ENCODING = "iso-8859-15"
_PROLOG_LIMIT = 1024 * 1024  # a prolog longer than this is not a bank export
_ENCODING_HINTS = ("encoding", "not proper UTF-8", "Input is not proper", "Char 0x")


def check_no_dtd(path: Path) -> None:
    """Raise ParseError when the prolog of `path` holds a DOCTYPE (or anything but the XML
    declaration, processing instructions, comments and whitespace)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_PROLOG_LIMIT)
    except OSError as error:
        raise ParseError(f"the file cannot be read: {error.strerror or error}") from error
    text = _decode_prolog(head)
    position = 0
    while True:
        position = _skip_space(text, position)
        if text.startswith("<?", position):
            position = _after(text, position, "?>")
        elif text.startswith("<!--", position):
            position = _after(text, position, "-->")
        elif text.startswith("<!", position):
            raise ParseError(DTD_REFUSED, line=text.count("\n", 0, position) + 1)
        else:
            return  # the root element, text (lxml reports it), or the end of the head


def _decode_prolog(head: bytes) -> str:
    # Only the markup matters here, so undecodable bytes are replaced, not fatal.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _after(text: str, position: int, end: str) -> int:
    found = text.find(end, position)
    if found < 0:
        if len(text) >= _PROLOG_LIMIT - 4:
            raise ParseError("the XML prolog is too long to be an export")
        return len(text)  # truncated: let lxml name the line
    return found + len(end)


def iterparse(
    path: Path, tags: Sequence[str], events: Sequence[str] = ("end",), *, plain_tags: bool = False
) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs for `tags` (e.g. ``"{*}Ntry"``), safely; errors as ParseError.

    With `plain_tags`, the root's default namespace declaration is blanked when that cannot
    change which elements share a namespace (see `_blank_default_namespace`): the tags then
    come without `{namespace}`, which lxml builds ~4x faster. Callers must compare namespaces
    only relative to each other. The caller clears what it has processed; this wrapper only
    parses.
    """
    check_no_dtd(path)
    yielded = 0
    encoding: str | None = None
    while True:
        try:
            for index, item in enumerate(_parse(path, tags, events, encoding, plain_tags)):
                if index >= yielded:  # a retry skips what the caller has seen
                    yielded += 1
                    yield item
            return
        except _EncodingMismatch:
            encoding = FALLBACK_ENCODING
        except _NamespaceDeclared:
            plain_tags = False


class _EncodingMismatch(Exception):
    """The bytes do not match the declared encoding; retry with the fallback."""


class _NamespaceDeclared(Exception):
    """A namespace is declared below the root: retry with the namespaces as written."""


def _parse(
    path: Path, tags: Sequence[str], events: Sequence[str], encoding: str | None, plain: bool
) -> Iterator[tuple[str, etree._Element]]:
    try:
        with ExitStack() as stack:
            # lxml reads a file object with read(32768), as it reads the file it opens itself.
            source = _PlainTags(stack.enter_context(path.open("rb"))) if plain else str(path)
            parser = etree.iterparse(
                source,
                events=tuple(events),
                tag=list(tags),
                encoding=encoding,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
            )
            yield from parser
    except etree.XMLSyntaxError as error:
        message = str(error.msg or error).splitlines()[0]
        if encoding is None and any(hint in message for hint in _ENCODING_HINTS):
            raise _EncodingMismatch from error
        line = error.lineno or (error.position[0] if error.position else None)
        raise ParseError(f"the XML is malformed: {message}", line=line) from error
    except (etree.LxmlError, LookupError, ValueError) as error:
        raise ParseError(f"the XML cannot be read: {error}") from error
    except OSError as error:
        raise ParseError(f"the file cannot be read: {error.strerror or error}") from error


_HEAD = 64 * 1024
_ASCII_BASED = re.compile(
    rb"(?i)utf-?8|us-ascii|ascii|iso[-_]?8859-\d+|latin-?1|(?:windows|cp)-?125\d"
)
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# The root start tag with its attributes as group 1. The prolog before it is skipped in Python
# (_root_start): a regex with lazy comment and PI groups backtracks exponentially on a crafted
# prolog.
_ROOT_TAG = re.compile(
    rb"""<[^\s/>!?]+((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*/?>""", re.DOTALL
)
_XML_SPACE = re.compile(rb"[ \t\r\n]*")
# A namespace name blanked only when it is a plain URI in ASCII: anything odd (spaces, controls,
# non-ASCII, markup) stays for lxml to judge, as without plain_tags.
_PLAIN_URI = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*:[!#$%'()*+,\-./0-9:;=?@A-Z_a-z~]*")
_RESERVED = (b"http://www.w3.org/XML/1998/namespace", b"http://www.w3.org/2000/xmlns/")
_ATTRIBUTE = re.compile(rb"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


class _PlainTags:
    """A binary file whose root start tag has its default namespace declaration replaced by
    spaces (same length: lines and columns in lxml's messages stay true). A later `xmlns`
    anywhere raises `_NamespaceDeclared` before lxml sees those bytes."""

    def __init__(self, handle: BinaryIO) -> None:
        self.name = handle.name
        self._handle = handle
        self._head: bytes | None = None
        self._last = b""

    def read(self, size: int = -1) -> bytes:
        if self._head is None:
            head = self._handle.read(_HEAD)
            self._head = b""
            self._last = head[-4:]
            blanked = _blank_default_namespace(head)
            if blanked is None:
                raise _NamespaceDeclared
            return blanked
        data = self._handle.read(size)
        if b"xmlns" in self._last + data[:4] or b"xmlns" in data:
            raise _NamespaceDeclared
        self._last = data[-4:]
        return data


def _blank_default_namespace(head: bytes) -> bytes | None:
    """`head` with the root's `xmlns="..."` blanked; None when that is not safe to do: a
    non-ASCII-based encoding, a root not within the head, entity references in the root tag,
    a prefix bound to the same namespace, or any other `xmlns` after the root tag."""
    text = head.removeprefix(codecs.BOM_UTF8)
    declared = _DECLARED_ENCODING.match(text)
    if b"\x00" in text or (declared and not _ASCII_BASED.fullmatch(declared[1])):
        return None
    start = _root_start(text)
    root = None if start is None else _ROOT_TAG.match(text, start)
    if root is None or b"&" in root[0] or b"xmlns" in text[root.end() :]:
        return None
    found = [(a[1], a[2][1:-1], a.span()) for a in _ATTRIBUTE.finditer(text, *root.span(1))]
    default = [(value, span) for name, value, span in found if name == b"xmlns"]
    if len(default) != 1 or not default[0][0]:
        return None
    value, (start, end) = default[0]
    if not _PLAIN_URI.fullmatch(value) or value in _RESERVED:
        return None
    if any(name.startswith(b"xmlns:") and uri == value for name, uri, _ in found):
        return None
    offset = len(head) - len(text)
    return head[: offset + start] + b" " * (end - start) + head[offset + end :]


def _root_start(text: bytes) -> int | None:
    """Where the root start tag begins after the prolog (space, PIs, comments), if in `text`."""
    position = 0
    while True:
        position = _XML_SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text.startswith(b"<?", position):
            end, step = text.find(b"?>", position + 2), 2
        elif text.startswith(b"<!--", position):
            end, step = text.find(b"-->", position + 4), 3
        else:
            return position if text.startswith(b"<", position) else None
        if end < 0:
            return None
        position = end + step


@lru_cache(maxsize=512)
def path(namespace: str, local: str) -> str:
    """An ElementPath for the local names `A/B/C` in `namespace` ("" for none)."""
    if not namespace:
        return local
    return "/".join(f"{{{namespace}}}{step}" for step in local.split("/"))


def namespace_of(element: Element) -> str:
    tag = element.tag
    return tag[1 : tag.index("}")] if isinstance(tag, str) and tag.startswith("{") else ""


def line_of(element: Element) -> int | None:
    """The element's line in the file (lxml-stubs types `sourceline` loosely)."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def text_at(element: Element, namespace: str, local: str) -> str:
    return (element.findtext(path(namespace, local)) or "").strip()


def release(element: Element) -> None:
    """Free a processed element and its earlier siblings, so the tree never grows."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
