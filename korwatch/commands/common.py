"""What several commands share: exit codes, picking businesses, printing a scan report."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sqlite3
import sys
from datetime import datetime
from typing import Any

from korwatch import clock
from korwatch.alerts.reevaluate import MergedYear, merge_stored_duplicates
from korwatch.alerts.review import Settled
from korwatch.clock import accepted_dates, local_today
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import money
from korwatch.reporting.terminal import Style, colour_enabled
from korwatch.scan import DocumentResult, ScanReport, open_ledger

OK, FAILED, USAGE = 0, 1, 2


def chosen_year(command: str, year: int | None, now: datetime) -> int | None:
    """`--year`, or this year when none was given; None, after one line on stderr, for a year
    outside those a record may carry (clock.accepted_dates): the caller exits with USAGE."""
    first, last = accepted_dates(local_today(now))
    if year is None:
        return local_today(now).year
    if first.year <= year <= last.year:
        return year
    print(
        f"korwatch {command}: --year {year} is outside the years korwatch knows "
        f"({first.year} to {last.year})",
        file=sys.stderr,
    )
    return None


def selected(config: Config, business_id: str | None) -> list[BusinessConfig]:
    if business_id is None:
        return list(config.businesses)
    return [config.business(business_id)]


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--quiet (cron: only errors) and --json (scripts), shared by scan and import."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print only errors (for cron)")
    group.add_argument("--json", action="store_true", help="machine-readable output")


def report_json(report: ScanReport, *, dry_run: bool = False) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "documents": [dataclasses.asdict(document) for document in report.documents],
        "source_errors": report.source_errors,
        "emails": {"sent": report.delivery.sent, "failed": report.delivery.failed},
        "failed": report.failed,
        "waiting": report.settling,
        "sources_waiting": report.waiting,
        "merged": [dataclasses.asdict(merged) for merged in report.merged],
    }


def ledger_for(config: Config) -> sqlite3.Connection:
    """The ledger for a command that reads it. The first command after an upgrade merges the
    duplicates an earlier korwatch stored (migration 7) and says so on stderr."""
    connection = open_ledger(config)
    for line in merge_lines(merge_stored_duplicates(connection, config, clock.now())):
        print(line, file=sys.stderr)
    return connection


def merge_lines(merged: list[MergedYear]) -> list[str]:
    """'studio 2026: 14 transactions were counted twice; turnover EUR 21.310,00 -> ...'."""
    lines = []
    for year in merged:
        line = f"{year.business} {year.year}: {year.merged} transaction(s) were counted twice"
        if year.turnover_before_cents is not None and year.turnover_after_cents is not None:
            line += (
                f"; turnover {_eur(year.turnover_before_cents)} -> "
                f"{_eur(year.turnover_after_cents)}"
            )
        lines.append(line)
    return lines


def _eur(cents: int) -> str:
    # Jinja2 comes with notify.render: imported only when there is something to say.
    from korwatch.notify.render import format_amount  # noqa: PLC0415

    return format_amount(money(cents), "nl").replace("€", "EUR")


def print_report(
    report: ScanReport, *, dry_run: bool = False, quiet: bool = False, as_json: bool = False
) -> None:
    """One line per document and email, then a summary; errors go to stderr.

    --quiet keeps only the stderr lines, --json prints one JSON object instead of lines.
    """
    if as_json:
        print(json.dumps(report_json(report, dry_run=dry_run), indent=2, ensure_ascii=False))
        return
    out, err = Style(colour_enabled(sys.stdout)), Style(colour_enabled(sys.stderr))
    verb = "would send" if dry_run else "sent"
    for line in merge_lines(report.merged):
        print(f"{out.paint('merged', 'yellow')}    {line}")
    for document in report.documents:
        if document.status == "imported" and not quiet:
            print(
                f"{out.paint('imported', 'green')}  {document.name} ({document.format}: "
                f"{document.new} new, {document.duplicates} already known{_extra(document)})"
            )
        elif document.status == "failed":
            print(f"{err.paint('FAILED', 'red', 'bold')}    {document.error}", file=sys.stderr)
    for error in report.source_errors:
        print(f"{err.paint('FAILED', 'red', 'bold')}    {error}", file=sys.stderr)
    for name in report.settling if not quiet else []:
        print(f"waiting   {name}: changed less than settle_seconds ago, read at the next scan")
    for line in report.waiting if not quiet else []:
        print(f"not read  {line}")
    for line in report.delivery.sent if not quiet else []:
        print(f"{out.paint(verb, 'green')}      {line}")
    for line in report.delivery.failed:
        print(f"{err.paint('NOT SENT', 'red', 'bold')}  {line}", file=sys.stderr)
    if not quiet:
        print(_summary(report, verb))


def _extra(document: DocumentResult) -> str:
    """The rarer facts of an imported document, only when there are any."""
    parts = []
    if document.matched:
        parts.append(f"{document.matched} of them through another export")
    if document.edited:
        parts.append(f"{document.edited} invoice(s) edited, the old version kept")
    if document.reviews:
        parts.append(f"{document.reviews} to review: the same payment with another amount")
    return "".join(f"; {part}" for part in parts)


def _summary(report: ScanReport, verb: str) -> str:
    known = sum(1 for d in report.documents if d.status.startswith("known"))
    imported = sum(1 for d in report.documents if d.status == "imported")
    return (
        f"{imported} imported, {len(report.failures)} failed, {known} already seen; "
        f"{len(report.delivery.sent)} email(s) {verb}, "
        f"{len(report.delivery.failed)} waiting for retry"
    )


def settled_line(settled: Settled, what: str) -> str:
    """What a decision (or undoing one) did: the record, and its year's turnover and level now."""
    state = settled.state(settled.record.date.year)
    figures = (
        f"; turnover {state.year} now {money(state.turnover_cents)} ({state.level})"
        if state
        else ""
    )
    return f"{what}: record {settled.record.id}{figures}"
