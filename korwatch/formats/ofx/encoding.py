"""Which text codec an OFX file is in: the header's word, checked against the bytes.

OFX 1.x declares `ENCODING:USASCII` + `CHARSET:1252 | 8859-1 | NONE` or `ENCODING:UTF-8` in its
header lines; OFX 2.x declares the XML `encoding`. Banks get this wrong (some declare
`CHARSET:1252` and send UTF-8: OCA/bank-statement-import PR #968), so the file is scanned once in
chunks: the declared codec is used when it decodes the whole file, except that a file declared
single-byte (cp1252 / latin-1) that is also valid, non-ASCII UTF-8 is read as UTF-8 (valid
multi-byte UTF-8 is practically never real cp1252 text). Then UTF-8, then cp1252 with
replacement characters. An undeclared or unknown codec is the same as none.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

CHUNK = 1 << 20

_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)", re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^\s*([A-Za-z]+)\s*:\s*([^\r\n]*?)\s*$", re.MULTILINE)
_SINGLE_BYTE = {"cp1252", "iso8859-1"}


def _lookup(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_codec(head: bytes) -> str | None:
    """The codec the file's header names, or None when it names none (or an unknown one)."""
    start = head.find(b"<")
    found = _XML_ENCODING.search(head, 0, 4096)
    if found:
        return _lookup(found[1].decode("ascii"))
    headers = {
        key.upper(): value.decode("ascii", "replace").strip().upper()
        for key, value in _HEADER_LINE.findall(head[: start if start >= 0 else 4096])
    }
    if headers.get("ENCODING") in ("UTF-8", "UTF8", "UNICODE"):
        return "utf-8"
    charset = headers.get("CHARSET", "NONE")
    if charset in ("8859-1", "ISO-8859-1", "ISO8859-1", "LATIN-1"):
        return "iso8859-1"
    if charset.isdigit():
        return _lookup(f"cp{charset}")
    return None if charset == "NONE" else _lookup(charset)


def choose_codec(path: Path, head: bytes) -> str:
    """The codec to read `path` with (decode with errors="replace": see the module docstring)."""
    declared = declared_codec(head)
    candidates = [name for name in (declared, "utf-8") if name]
    alive = dict.fromkeys(candidates, True)
    decoders = {name: codecs.getincrementaldecoder(name)("strict") for name in alive}
    seen_non_ascii = False
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            # Before the first non-ASCII byte every candidate agrees; skip the decoding work.
            if not seen_non_ascii and chunk.isascii():
                continue
            seen_non_ascii = True
            _feed(decoders, alive, chunk, final=False)
            if not any(alive.values()):
                break
    _feed(decoders, alive, b"", final=True)
    if not seen_non_ascii:
        return declared or "utf-8"
    if declared in _SINGLE_BYTE and alive.get("utf-8"):
        return "utf-8"
    for name in candidates:
        if alive[name]:
            return name
    return "cp1252"


def _feed(
    decoders: dict[str, codecs.IncrementalDecoder],
    alive: dict[str, bool],
    chunk: bytes,
    *,
    final: bool,
) -> None:
    for name, decoder in decoders.items():
        if alive[name]:
            try:
                decoder.decode(chunk, final)
            except UnicodeDecodeError:
                alive[name] = False
