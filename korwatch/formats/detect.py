"""Every format korwatch reads, in one plain registry, and the detection that picks one.

Adding a format: a module with a `PARSERS` list in its family's package (a new bank CSV profile
is one file in `csv/`, listed in `csv/__init__.py`), or a new family added to `_FAMILIES`, plus
fixtures and a golden file.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from korwatch.errors import AmbiguousFormat, UnknownFormat
from korwatch.formats import camt, csv, feeds, invoices, mt940, ofx
from korwatch.formats.base import Parser, read_sample
from korwatch.models import Sample

__all__ = ["PARSERS", "Parser", "detect", "read_sample"]

_FAMILIES: tuple[ModuleType, ...] = (csv, camt, mt940, ofx, invoices, feeds)


def _registry() -> dict[str, Parser]:
    registry: dict[str, Parser] = {}
    for module in _FAMILIES:
        for parser in module.PARSERS:
            if parser.name in registry:
                raise RuntimeError(f"two parsers are named {parser.name!r}")
            registry[parser.name] = parser
    return registry


PARSERS: dict[str, Parser] = _registry()


def detect(
    sample: Sample, forced: str | None = None, user: Mapping[str, Parser] | None = None
) -> Parser:
    """The one parser for this file; an error naming the candidates when none or several fit.

    `user` holds the config's own CSV profiles: they are used only when named (`forced`),
    never by detection, so they cannot compete with the built-in formats.
    """
    if forced:
        if user and forced in user:
            return user[forced]
        if forced not in PARSERS:
            known = ", ".join(sorted([*PARSERS, *(user or {})]))
            raise UnknownFormat(f"unknown format {forced!r} (known formats: {known})")
        return PARSERS[forced]
    claims = [parser for parser in PARSERS.values() if parser.identify(sample)]
    if len(claims) == 1:
        return claims[0]
    if claims:
        names = " and ".join(f"{p.label} ({p.name})" for p in claims)
        raise AmbiguousFormat(f"the file is claimed by {names}; choose one with --format")
    raise UnknownFormat(_unknown_message(sample))


def _unknown_message(sample: Sample) -> str:
    if not sample.head.strip():
        return "the file is empty"
    if b"\x00" in sample.head[:4096]:
        return "the file holds binary data, not a bank or invoice export"
    best = None
    for parser in PARSERS.values():
        found = parser.mismatch(sample)
        if found is not None and (best is None or found.score > best[1].score):
            best = (parser, found)
    if best is None or best[1].score <= 0:
        return "not a known bank or invoice export (no format recognises it)"
    parser, found = best
    return f"not a known export; the closest is {parser.label} ({parser.name}): {found.detail}"
