"""One pass over everything: pull each source, import new documents, record alerts, deliver.

Each document is imported in one ledger transaction together with the alert events it causes.
A document that cannot be read is recorded as failed with a one-line reason and the scan goes
on; it is not tried again until its content (sha256) changes. Nothing here prints or exits.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import itertools
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from korwatch.alerts import consent, health
from korwatch.alerts.advice import crossing_facts
from korwatch.alerts.autumn import record_autumn_advice
from korwatch.alerts.evaluation import after_import, eukor_possible, evaluate_year, rules_for
from korwatch.alerts.events import (
    EUKOR_CROSSED,
    facts,
    record_eligibility,
    record_eukor_crossing,
    recorded_levels,
)
from korwatch.alerts.levels import record_levels
from korwatch.alerts.reevaluate import (
    MergedYear,
    edit_cause,
    edited_years,
    merge_stored_duplicates,
    reevaluate,
)
from korwatch.alerts.standing import invalidate, refresh, standing
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import (
    KorwatchError,
    ParseError,
    SourceError,
    SourceWaiting,
    UnreadableFile,
)
from korwatch.formats.base import Parser, read_sample
from korwatch.formats.detect import detect
from korwatch.ledger import store as ledger
from korwatch.ledger.feeds import open_feeds
from korwatch.ledger.insert import Inserted, insert_records
from korwatch.ledger.reader import document_chunks
from korwatch.ledger.rows import Chunk
from korwatch.names import shown
from korwatch.notify.outbox import (
    DeliveryReport,
    ScanCharts,
    Sender,
    deliver_due,
    last_event,
    prefetch_charts,
)
from korwatch.sources import DocumentInput, Source, SourceContext
from korwatch.sources.bankfeed import FeedStore
from korwatch.sources.base import pulled
from korwatch.sources.opening import opened
from korwatch.sources.pull import Pull, Pulls
from korwatch.tax.classify import classify_one

LEDGER_NAME = "ledger.sqlite3"
FeedsOpener = Callable[[], AbstractContextManager[FeedStore]]
log = logging.getLogger("korwatch.scan")


@dataclass
class DocumentResult:
    business: str
    name: str
    status: str  # "imported", "failed", or "known" / "known-failed" (same content seen before)
    format: str | None = None
    new: int = 0
    duplicates: int = 0  # lines the ledger held already, `matched` included
    error: str | None = None
    matched: int = 0  # of the duplicates, those the ledger held through another document
    edited: int = 0  # invoices that came in a new version (the old one stays in the history)
    reviews: int = 0  # records marked as a possible double with another amount


@dataclass
class ScanReport:
    documents: list[DocumentResult] = field(default_factory=list)
    source_errors: list[str] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    settling: list[str] = field(default_factory=list)  # files left for a later scan
    waiting: list[str] = field(default_factory=list)  # sources with nothing to do now, and why
    merged: list[MergedYear] = field(default_factory=list)  # stored duplicates merged (once)

    @property
    def failed(self) -> bool:
        """True when something failed in this pass (exit code 1)."""
        return bool(self.source_errors or self.delivery.failed or self.failures)

    @property
    def failures(self) -> list[DocumentResult]:
        """Documents that failed in this pass (not ones that failed before and are unchanged)."""
        return [d for d in self.documents if d.status == "failed"]


def state_dir(config: Config) -> Path:
    """$STATE_DIRECTORY (systemd), else `state_dir` from the config, else the XDG data dir."""
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    if config.state_dir is not None:
        return config.state_dir
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "korwatch"


def open_ledger(config: Config) -> sqlite3.Connection:
    return ledger.connect(state_dir(config) / LEDGER_NAME)


@contextmanager
def scan_lock(config: Config, wait_seconds: float = 120.0) -> Iterator[None]:
    """One scan at a time per state directory (the daemon and a cron job may overlap)."""
    path = state_dir(config) / "scan.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise KorwatchError(
                        f"another korwatch scan holds {path}; try again later"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def import_document(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    document: DocumentInput,
    now: datetime,
    *,
    retry_failed: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DocumentResult:
    """Import one document in one transaction; failures are recorded, never raised.

    A document that failed before is skipped until its content changes, unless `retry_failed`
    (a file given by hand, perhaps with --format, is always tried again).
    """
    result = DocumentResult(business.id, shown(document.name), "failed")
    try:
        with opened(document.path, document.folder) as path:
            _import_opened(
                connection, config, business, replace(document, path=path), now, result,
                retry_failed=retry_failed, progress=progress,
            )  # fmt: skip
    except (UnreadableFile, OSError) as error:
        reason = str(error)
        if isinstance(error, OSError):  # while reading: the disk, or the file went away
            reason = f"cannot read the file: {error.strerror or error}"
        result.error = f"{result.name}: {shown(reason)}"
    return result


def _import_opened(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    document: DocumentInput,
    now: datetime,
    result: DocumentResult,
    *,
    retry_failed: bool,
    progress: Callable[[int], None] | None,
) -> None:
    """import_document once the file is opened and checked (`document.path` reads it)."""
    digest = sha256_of(document.path)
    status = ledger.document_status(connection, business.id, digest)
    if status is not None and not (retry_failed and status == "failed"):
        result.status = "known" if status == "imported" else "known-failed"
        return
    try:
        _store(connection, config, business, document, digest, now, result, progress)
    except (ParseError, UnicodeError, ValueError, ArithmeticError, LookupError) as error:
        # A reader's own ParseError is the rule; anything else it raises is a korwatch bug,
        # but one bad file must still not stop the scan. Either way the file is recorded as
        # failed and not retried until it changes (or is given by hand to `korwatch import`).
        if not isinstance(error, ParseError):
            log.error("internal error reading %s", result.name, exc_info=error)
            error = ParseError(
                f"korwatch could not read this file (internal error {type(error).__name__}: "
                f"{error}); please report it"
            )
        # A message may quote the file (the line it could not read): shown, like the name.
        reason = shown(str(error))
        result.error = f"{result.name}: {reason}"
        with ledger.transaction(connection):
            ledger.record_document(
                connection,
                business.id,
                digest,
                result.name,
                format_name=result.format,
                status="failed",
                error=reason,
                records=0,
                duplicates=0,
                when=now.isoformat(timespec="seconds"),
            )


def _store(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    document: DocumentInput,
    digest: str,
    now: datetime,
    result: DocumentResult,
    progress: Callable[[int], None] | None = None,
) -> None:
    sample = read_sample(document.path)
    parser = detect(sample, document.format, config.csv_profiles)
    result.format = parser.name
    rows = document_chunks(parser, sample)
    if document.format and not parser.identify(sample):
        rows = _unquoted(rows, parser)
    store_chunks(connection, config, business, (digest, result.name), rows, now, result, progress)


def store_chunks(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    document: tuple[str, str],
    chunks: Iterable[Chunk],
    now: datetime,
    result: DocumentResult,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Store a document already read into rows (`document` is its sha256 and name,
    `result.format` the parser that read it), record it, and the alerts it causes, in one
    transaction."""
    digest, name = document
    with ledger.transaction(connection):
        had_invoices = ledger.has_invoices(connection, business.id)
        judge = functools.partial(classify_one, settings=rules_for(connection, business))
        inserted = insert_records(
            connection, business.id, document, chunks, judge, progress,
            format_name=result.format or "",
        )  # fmt: skip
        # The document row first, so the alert's "source" names this document.
        ledger.record_document(
            connection,
            business.id,
            digest,
            name,
            format_name=result.format,
            status="imported",
            error=None,
            records=inserted.new,
            duplicates=inserted.duplicates,
            when=now.isoformat(timespec="seconds"),
        )
        _alerts_after(connection, config, business, inserted, now, had_invoices)
    result.status, result.new, result.duplicates = "imported", inserted.new, inserted.duplicates
    result.matched, result.edited = inserted.matched, len(inserted.edits)
    result.reviews = inserted.reviews


def _alerts_after(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    inserted: Inserted,
    now: datetime,
    had_invoices: bool,
) -> None:
    """Evaluate the years a stored document touched and record their alerts (and the
    office's copy of a crossing, `[office] crossing = "own"`); their stored evaluations are
    stale from now on. A year with an edited invoice is evaluated at once and alerts already
    sent are corrected."""
    edited = edited_years(connection, business.id, inserted.edits)
    has_invoices = ledger.has_invoices(connection, business.id)
    # Even a document of known lines can change what its years show (a REVIEW flag set on a
    # possible double, or taken off when an invoice's version is confirmed); the first invoice
    # makes every year read its neighbours (evaluation.years_read).
    stale = inserted.years | edited
    invalidate(connection, business.id, stale if has_invoices == had_invoices else None)
    if not inserted.new and not edited:
        return
    years = (inserted.years if inserted.new else set()) | edited
    if has_invoices:
        # A January payment or supply date can decide December's turnover (T12).
        years |= {year - 1 for year in years}
    today = local_today(now)
    for year in sorted(years):
        if year in edited:
            reevaluate(connection, config, business, year, now, edit_cause(inserted.edits))
            continue
        state = after_import(connection, config, business, year, inserted, today)
        if state is not None:
            euros = functools.partial(crossing_facts, connection, business)
            record_levels(connection, config, business, state, now, today, euros)


def _unquoted(rows: Iterator[Chunk], parser: Parser) -> Iterator[Chunk]:
    """The rows of a file read with a forced format that does not recognise it: its errors
    would quote a file that is perhaps no export at all, so they say only where and what."""
    try:
        yield from rows
    except ParseError as error:
        raise ParseError(
            f"the file does not look like {parser.label}, the format forced for it, and "
            "cannot be read as one",
            line=error.line,
        ) from None


def scan(
    connection: sqlite3.Connection,
    config: Config,
    now: datetime,
    *,
    businesses: set[str] | None = None,
    send: Sender | None = None,
    stop: Callable[[], bool] = lambda: False,
    sources: Callable[[Source], bool] | None = None,
    feed_mode: str = "scheduled",
    wait_to_settle: bool = False,
    pulls: Pulls | None = None,
    start_pulls: bool = True,
) -> ScanReport:
    """Pull every source of every (selected) business, import, then deliver due alerts.

    Pulled sources (a URL, an API, a bank feed: those with a `deadline`) are pulled in threads
    of their own, each under its deadline (sources/pull.py), while the folders are read here;
    what a finished pull brought is imported here. A bank feed's pull keeps its consent and
    read budget on a ledger connection of its own (ledger/feeds.py open_feeds). Without
    `pulls` (a one-shot scan) the scan then waits for the rest, importing each as it finishes
    and delivering again; the daemon passes its own `pulls` and does not wait (a finished pull
    starts an import of its own).
    `start_pulls` False imports what is ready without pulling again.

    `stop` is asked between documents: when it says so, the scan ends after the document in
    hand (the daemon's SIGTERM). With `wait_to_settle` (a scan run by hand) a folder's files
    still being written are waited for, up to the folder's settle_seconds, and read; without it
    (the daemon) they are left for the next pass. Each source's success or failure is recorded
    for `status` and the stale/failing alerts; one business or source failing does not stop the
    others.
    `sources` picks the sources to pull (default: all); `feed_mode` says when a bank feed may
    spend a read (sources/base.py FEED_MODES).
    """
    one_shot = pulls is None
    board = Pulls() if pulls is None else pulls
    chosen = [b for b in config.businesses if businesses is None or b.id in businesses]
    picked = sources or (lambda source: True)
    if start_pulls:
        opener = _feeds_opener(connection)
        _start_pulls(board, config, chosen, picked, now, feed_mode, opener)
    report = ScanReport(merged=merge_stored_duplicates(connection, config, now))
    scanning = _Scanning(connection, config, board, report, stop, now, wait_to_settle)
    charts = ScanCharts()  # its alerts' charts, drawn while the next businesses are imported
    try:
        seen = last_event(connection)
        for business in chosen:
            if stop():
                return report
            context = SourceContext(business.id, _source_dir(config, business), now)
            scanning.business(business, context, [s for s in business.sources if picked(s)])
            seen = prefetch_charts(connection, config, charts, seen)
        report.delivery = deliver_due(
            connection, config, now, send, businesses, stop, charts.drawer
        )
        if one_shot:
            for ready in board.finished({b.id for b in chosen}, stop):
                for business in (b for b in chosen if b.id in ready):
                    context = SourceContext(business.id, _source_dir(config, business), now)
                    scanning.business(business, context, [])
                report.delivery.extend(
                    deliver_due(connection, config, now, send, businesses, stop, charts.drawer)
                )
    finally:
        charts.close()
    refresh(connection, config, chosen, local_today(now).year, stop)
    return report


def _source_dir(config: Config, business: BusinessConfig) -> Path:
    return state_dir(config) / "sources" / business.id


def _feeds_opener(connection: sqlite3.Connection) -> FeedsOpener | None:
    """How a bank feed's pull opens the ledger `connection` is on, on a connection of its own;
    None for a ledger in memory (a dry run's copy, which no other connection can see)."""
    path = ledger.file_of(connection)
    return None if path is None else functools.partial(open_feeds, path)


def _start_pulls(
    board: Pulls,
    config: Config,
    chosen: list[BusinessConfig],
    picked: Callable[[Source], bool],
    now: datetime,
    feed_mode: str,
    opener: FeedsOpener | None,
) -> None:
    for business in chosen:
        context = SourceContext(
            business.id, _source_dir(config, business), now, feed_mode=feed_mode,
            open_feeds=opener,
        )  # fmt: skip
        for source in business.sources:
            found = pulled(source)
            if found is not None and picked(source):
                board.start(context, found, config.schedule.pull_deadline)


@dataclass
class _Scanning:
    """What one scan passes from business to business."""

    connection: sqlite3.Connection
    config: Config
    board: Pulls
    report: ScanReport
    stop: Callable[[], bool]
    now: datetime
    wait_to_settle: bool

    def business(
        self, business: BusinessConfig, context: SourceContext, inline: list[Source]
    ) -> None:
        """Read `inline` (the business's picked sources; the pulled ones are skipped: their
        pulls run apart) and import the business's finished pulls; then its health checks and
        notices. A business with nothing read and no pull finished is left alone."""
        connection, report, stop = self.connection, self.report, self.stop
        for source in inline:
            if stop():
                return
            if pulled(source) is None:
                _scan_source(
                    connection, self.config, business, source, context, report, stop,
                    self.wait_to_settle,
                )  # fmt: skip
        taken = self.board.take({business.id})
        for pull in taken:
            if not pull.busy:
                _import_pull(connection, self.config, business, pull, context, report, stop)
        if not inline and not taken:
            return
        with ledger.transaction(connection):
            health.check_sources(
                connection, {"id": business.id, "name": business.name},
                self.config.health_for(business), self.now, self.board.in_flight(business.id),
            )  # fmt: skip
            consent.check_consents(connection, business, self.now)
            _start_of_year_notice(connection, self.config, business, self.now)
            _eukor_catch_up(connection, self.config, business, self.now)
            record_autumn_advice(connection, self.config, business, self.now)


def _start_of_year_notice(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, now: datetime
) -> None:
    """In January, once: whether the KOR is available this year, judged on last year (T7).

    Only when last year is in the ledger; without it nothing can be said for certain. Read
    from the stored evaluation, so the scans of January do not evaluate last year each time."""
    today = local_today(now)
    if today.month != 1 or "eligibility" in recorded_levels(connection, business.id, today.year):
        return
    previous = standing(connection, config, business, today.year).last
    if previous is not None:
        record_eligibility(connection, facts(business), today.year, previous, now)


def _eukor_catch_up(
    connection: sqlite3.Connection, config: Config, business: BusinessConfig, now: datetime
) -> None:
    """A Union crossing of this year already in the ledger but not yet alerted (the business
    joined the EU-KOR in the config after the records came in) is raised by the next scan, not
    by the next import. At most two cheap queries when there is nothing to raise."""
    year = local_today(now).year
    if business.rules.eu_kor is None or EUKOR_CROSSED in recorded_levels(
        connection, business.id, year
    ):
        return  # most businesses: no query at all
    if eukor_possible(connection, business, year):
        state = evaluate_year(connection, config, business, year, counting_only=True)
        record_eukor_crossing(connection, facts(business), state, business.rules, now)


def _scan_source(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    source: Source,
    context: SourceContext,
    report: ScanReport,
    stop: Callable[[], bool],
    wait_to_settle: bool = False,
) -> None:
    tally = _Tally()
    try:
        documents = source.documents(context)
        settled = getattr(source, "settled", None)
        if wait_to_settle and settled is not None:
            # After the ready files: the ones still being written, once they settle.
            documents = itertools.chain(documents, settled())
        if not _import_all(
            connection, config, business, source, documents, context, report, stop, tally
        ):
            return
        report.settling += [shown(name) for name in getattr(source, "settling", [])]
    except SourceWaiting as waiting:
        # Nothing to do now (a bank feed's reads are spent): a success only for what was read.
        report.waiting.append(f"{business.id}: {source.label}: {waiting}")
        if not tally.read:
            return
    except Exception as error:
        if stop():
            return  # interrupted by the stop itself (e.g. a retry wait cut short)
        reason = shown(
            str(error) if isinstance(error, SourceError) else f"{type(error).__name__}: {error}"
        )
        if tally.in_hand:  # failed with this file in hand, not in the listing
            reason = f"{tally.in_hand}: {reason}"
        log.debug("source failed", exc_info=not isinstance(error, SourceError))
        _source_failed(connection, business, source, context, report, reason)
        return
    with ledger.transaction(connection):
        health.record_success(connection, business.id, source.label, context.now, tally.new)


def _import_pull(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    pull: Pull,
    context: SourceContext,
    report: ScanReport,
    stop: Callable[[], bool],
) -> None:
    """Import what a finished pull downloaded, or record why it failed. A pull that had
    nothing (more) to read now (a bank feed's budget) is a success only for what it read."""
    if pull.error is not None:
        _source_failed(connection, business, pull.source, context, report, pull.error)
        return
    if pull.waiting is not None:
        report.waiting.append(f"{business.id}: {pull.source.label}: {pull.waiting}")
        if not pull.documents:
            return
    tally = _Tally()
    documents = iter(pull.documents)
    if _import_all(
        connection, config, business, pull.source, documents, context, report, stop, tally
    ):
        with ledger.transaction(connection):
            health.record_success(
                connection, business.id, pull.source.label, context.now, tally.new
            )


@dataclass
class _Tally:
    new: int = 0  # documents imported
    read: int = 0  # documents read (imported, known or failed)
    in_hand: str = ""  # the document being imported, shown, for a failure's message


def _import_all(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    source: Source,
    documents: Iterator[DocumentInput],
    context: SourceContext,
    report: ScanReport,
    stop: Callable[[], bool],
    tally: _Tally,
) -> bool:
    """Import `documents`, counting in `tally`; False when `stop` cut the source short (not a
    full read: neither a success nor a failure)."""
    acknowledge = getattr(source, "acknowledge", None)
    for document in documents:
        tally.in_hand = shown(document.name)
        result = import_document(connection, config, business, document, context.now)
        report.documents.append(result)
        tally.new += result.status == "imported"
        tally.read += 1
        if acknowledge is not None:
            acknowledge(document, result.status)  # e.g. move to processed/, save an ETag
        tally.in_hand = ""
        if stop():
            return False
    return True


def _source_failed(
    connection: sqlite3.Connection,
    business: BusinessConfig,
    source: Source,
    context: SourceContext,
    report: ScanReport,
    reason: str,
) -> None:
    reason = shown(reason)  # a server's words or a file's name: never raw control characters
    report.source_errors.append(f"{business.id}: {source.label}: {reason}")
    with ledger.transaction(connection):
        health.record_failure(connection, business.id, source.label, context.now, reason)


def import_paths(
    connection: sqlite3.Connection,
    config: Config,
    business: BusinessConfig,
    paths: list[Path],
    format_name: str | None,
    now: datetime,
    send: Sender | None = None,
    progress: Callable[[Path, int], None] | None = None,
) -> ScanReport:
    """`korwatch import FILE...`: the same import as a scan, for files given by hand.

    `progress` hears (file, records read so far) now and then during long files.
    """
    report = ScanReport(merged=merge_stored_duplicates(connection, config, now))
    for path in paths:
        document = DocumentInput(path=path, name=str(path), format=format_name)
        heard = None if progress is None else functools.partial(progress, path)
        report.documents.append(
            import_document(
                connection, config, business, document, now, retry_failed=True, progress=heard
            )
        )
    report.delivery = deliver_due(connection, config, now, send, {business.id})
    refresh(connection, config, [business], local_today(now).year)
    return report
