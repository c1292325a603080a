"""The fields of one STMTTRN, cut out whole by `ofx_reader`: its first value per element name.

A leaf's value is the text after its start tag up to the next tag (SGML leaves need no end
tag). The first value wins, as with ofxparse's `find`, so `PAYEE/NAME` is the name when there is
no `NAME`. CDATA becomes plain text and comments vanish before the walk.
"""

from __future__ import annotations

import re

from korwatch.formats.ofx.values import text

# CDATA sections and comments may hold "<"; their end is found with str.find, never with a
# backtracking pattern, so that many unclosed ones cannot make reading quadratic.
SECTION_ENDS = {"![CDATA[": "]]>", "!--": "-->"}
_FIELD = re.compile(r"<(/?)([A-Za-z0-9_.]+)[ \t\r\n]*(/?)>([^<]*)")
# Start tags only (end and self-closing tags do not match): each leaf's name and text.
# `ofx_reader` uses it directly for a chunk without "<!", CURRENCY or lower-case tags.
LEAF = re.compile(r"<([A-Z0-9_.]+)[ \t\r\n]*>([^<]*)")


def fields_of(body: str, lower_tags: bool) -> dict[str, str]:
    """A STMTTRN body's first value per element name (`CURRENCY/CURSYM` for its currency)."""
    if "<!" in body:
        body = _literal_sections(body)
    if lower_tags or "CURRENCY" in body:
        return _scoped_fields(body)
    # The common case: upper-case tags (as the spec writes them), no currency aggregate.
    # Reversed, so that the first value of a repeated name is the one kept.
    return dict(LEAF.findall(body)[::-1])


def _scoped_fields(body: str) -> dict[str, str]:
    # Tag names in any case. CURRENCY and ORIGCURRENCY both hold a CURSYM: keep them apart.
    # Only CURRENCY changes the transaction's currency (ORIGCURRENCY says the amount was
    # converted *into* CURDEF).
    fields: dict[str, str] = {}
    scope = ""
    for closing, raw_name, empty, value in _FIELD.findall(body):
        name = raw_name.upper()
        if name in ("CURRENCY", "ORIGCURRENCY"):
            scope = "" if closing or empty else name
            if not closing and text(value):  # a leaf <CURRENCY>EUR, seen in the wild
                fields.setdefault(f"{name}/CURSYM", value)
            continue
        if closing:
            continue
        key = f"{scope}/{name}" if scope and name == "CURSYM" else name
        fields.setdefault(key, "" if empty else value)
    return fields


def _literal_sections(body: str) -> str:
    """The body with CDATA sections turned into escaped text and comments dropped."""
    parts: list[str] = []
    unclosed: set[str] = set()  # once an end is missing, later openers need not search again
    position = 0
    while (start := body.find("<!", position)) >= 0:
        parts.append(body[position:start])
        opener = next((key for key in SECTION_ENDS if body.startswith(key, start + 1)), "")
        end = -1
        if opener and opener not in unclosed:
            end = body.find(SECTION_ENDS[opener], start)
            if end < 0:
                unclosed.add(opener)
        if end < 0:  # a "<!" that opens nothing, or an unclosed section: keep it as text
            parts.append("&lt;!")
            position = start + 2
            continue
        if opener == "![CDATA[":
            parts.append(_escape(body[start + 9 : end]))
        position = end + len(SECTION_ENDS[opener])
    parts.append(body[position:])
    return "".join(parts)


def _escape(value: str) -> str:
    # CDATA is literal text; escape it so that the later entity decoding gives it back as is.
    return value.replace("&", "&amp;").replace("<", "&lt;")
