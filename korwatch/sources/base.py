"""The source interface: where documents come from (a folder, a URL, an API).

A source kind reads its own options from the config (through a `Table`, so every problem is
reported with its key path) and, when scanned, yields documents as files on disk. Pulled sources
download into the state directory first, so that parsers always read a local file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

from korwatch.configtable import Table
from korwatch.sources.bankfeed import FeedStore
from korwatch.sources.deadline import Deadline

# How a bank feed may read now: "scheduled" when its interval has passed (the daemon, a plain
# `korwatch scan`), "now" whenever the day's budget allows (`scan --source`, `connect`), "never"
# (--dry-run: a read spends one of the bank's few reads a day).
FEED_MODES = ("scheduled", "now", "never")


@dataclass(frozen=True, slots=True)
class DocumentInput:
    path: Path  # a local file holding the document's bytes
    name: str  # how to name it in messages: the file path or the URL
    format: str | None = None  # a format forced by the config, else detected
    # The source folder the file must stay in: a symbolic link out of it is not followed.
    # None for a file named by hand or downloaded by korwatch into its state directory.
    folder: Path | None = None


@dataclass(frozen=True, slots=True)
class SourceContext:
    business: str
    state_dir: Path  # where a pulled source may keep downloads and its own state
    now: datetime
    feeds: FeedStore | None = None  # the bank feeds' consents and budgets in the ledger
    feed_mode: str = "scheduled"
    # A pull's wall-clock deadline (pull.py sets it): a pulled source hands it to its HTTP
    # session (session.GuardedSession), which the Fetcher, download() and JsonApi ask.
    deadline: Deadline | None = None
    # How a bank feed pulled in a thread of its own opens the feeds' state on a ledger
    # connection of its own (a connection belongs to the thread that opened it); None where
    # there is no ledger file to open (a dry run's copy in memory).
    open_feeds: Callable[[], AbstractContextManager[FeedStore]] | None = None


class Source(Protocol):
    @property
    def label(self) -> str:
        """How to name the source in messages, e.g. "directory /srv/exports/fotostudio"."""
        ...

    def documents(self, context: SourceContext) -> Iterator[DocumentInput]:
        """The documents available now; raise SourceError when the source cannot be read."""
        ...


class PulledSource(Source, Protocol):
    """A source that downloads (a URL, an API): pulled in a thread of its own, under a deadline
    (pull.py). A folder is not pulled: reading it cannot hang on another machine."""

    @property
    def deadline(self) -> float | None:
        """Seconds one pull may take, all tries included; None: [schedule] pull_deadline."""
        ...


def pull_lock_wanted(source: PulledSource) -> bool:
    """Whether a pull of `source` holds a lock file in its state folder (pull.py), so that two
    processes never write one download. A bank feed does not: it claims each read in the
    ledger, atomically, and a lock file made by `korwatch connect` run as root would shut the
    service's own user out of the source."""
    return bool(getattr(source, "pull_lock", True))


def pulled(source: Source) -> PulledSource | None:
    """`source` as a pulled source, or None for a folder."""
    return cast(PulledSource, source) if hasattr(source, "deadline") else None


class SourceKind(Protocol):
    name: str  # the `type` in the config

    def from_config(self, table: Table, format_name: str | None) -> Source | None:
        """Build a source from its config table; report problems on the table, None if invalid."""
        ...
