"""How a file name (or any text from outside) is shown: one line, printable, valid UTF-8.

A name in the inbox is chosen by whoever can write there: it may hold bytes that are not UTF-8
(which SQLite and email cannot store), or control characters (an ESC sequence that recolours or
clears the terminal, a CR or LF that starts a forged line in the output, the log or a CSV row).
`shown` writes each of those as a backslash escape (`\\xff`, `\\x1b`, `\\r`, `\\u202e`), so the
name stays recognisable and can be stored, printed and mailed as it is.

The escape leaves backslashes as they are, so `shown(shown(name)) == shown(name)`: the sources
store the shown name, and every output applies `shown` again to names stored before this rule
without spoiling the ones stored after it.
"""

from __future__ import annotations

import os
import unicodedata

# Categories never shown raw: controls (C0, DEL, C1), format characters (bidi overrides,
# zero-width joiners: they reorder or hide what follows), line and paragraph separators, and
# the lone surrogates Python uses for bytes that are not UTF-8 (os.fsdecode's surrogateescape).
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def shown(text: str) -> str:
    """`text` with every control, format or undecodable character as a backslash escape."""
    if text.isprintable() and text.isascii():
        return text  # nearly every name: no work
    return "".join(_escaped(character) for character in text)


def shown_path(path: os.PathLike[str] | str) -> str:
    """A path as `shown` writes it (its bytes that are not UTF-8 as `\\xNN`)."""
    return shown(os.fspath(path))


def _escaped(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    if unicodedata.category(character) not in _HIDDEN:
        return character
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
