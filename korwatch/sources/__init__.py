"""Every kind of source, in one plain registry that config validation can list."""

from __future__ import annotations

from korwatch.sources.base import DocumentInput, Source, SourceContext, SourceKind
from korwatch.sources.directory import DirectoryKind
from korwatch.sources.http import HttpKind
from korwatch.sources.moneybird import MoneybirdKind

__all__ = ["SOURCE_KINDS", "DocumentInput", "Source", "SourceContext", "SourceKind"]

SOURCE_KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        DirectoryKind(),
        HttpKind(),
        MoneybirdKind(),
    )
}
