"""Every kind of source, in one plain registry that config validation can list."""

from __future__ import annotations

from korwatch.sources.bankfeed_pull import BankFeedSource
from korwatch.sources.base import DocumentInput, Source, SourceContext, SourceKind
from korwatch.sources.directory import DirectoryKind
from korwatch.sources.enablebanking import EnableBankingKind
from korwatch.sources.gocardless import GoCardlessKind
from korwatch.sources.http import HttpKind
from korwatch.sources.moneybird import MoneybirdKind

__all__ = [
    "SOURCE_KINDS",
    "BankFeedSource",
    "DocumentInput",
    "Source",
    "SourceContext",
    "SourceKind",
    "is_bank_feed",
]

SOURCE_KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        DirectoryKind(),
        HttpKind(),
        MoneybirdKind(),
        EnableBankingKind(),
        GoCardlessKind(),
    )
}


def is_bank_feed(source: Source) -> bool:
    """A bank feed pulls on its own schedule and budget, apart from the folder scan."""
    return isinstance(source, BankFeedSource)
