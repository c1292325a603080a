"""`korwatch scan [--dry-run] [--business ID]`: one pass: pull, import, alert, deliver."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from korwatch import clock
from korwatch.commands.common import FAILED, OK, add_output_options, print_report, selected
from korwatch.config.model import Config
from korwatch.errors import ConfigError
from korwatch.ledger.store import in_memory_copy
from korwatch.scan import LEDGER_NAME, ScanReport, open_ledger, scan, scan_lock, state_dir
from korwatch.sources import Source

NAME = "scan"
HELP = "one pass: pull every source, import, alert"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would happen; change nothing, send nothing",
    )
    parser.add_argument("--business", help="only this business")
    parser.add_argument(
        "--source",
        metavar="NAME",
        help="only this source (a bank source's name): a bank feed reads now if the bank's "
        "budget allows, else says when it may",
    )
    add_output_options(parser)


def run(config: Config, args: argparse.Namespace) -> int:
    chosen = {b.id for b in selected(config, args.business)}
    now = clock.now()
    pick = None if args.source is None else _named(config, chosen, args.source)
    mode = "now" if args.source else "scheduled"
    with scan_lock(config):
        if args.dry_run:
            report = _dry_run(config, now, chosen, pick)
        else:
            # Run by hand, right after copying a file into the inbox: wait for it to settle.
            report = scan(
                open_ledger(config), config, now, businesses=chosen, sources=pick,
                feed_mode=mode, wait_to_settle=True,
            )  # fmt: skip
    print_report(report, dry_run=args.dry_run, quiet=args.quiet, as_json=args.json)
    return FAILED if report.failed else OK


def _named(config: Config, chosen: set[str], name: str) -> Callable[[Source], bool]:
    """The sources called `name`: a bank source's name, or any source's label."""

    def called(source: Source) -> bool:
        return getattr(source, "name", None) == name or source.label == name

    if not any(called(s) for b in config.businesses if b.id in chosen for s in b.sources):
        known = sorted({getattr(s, "name", s.label) for b in config.businesses for s in b.sources})
        raise ConfigError(str(config.path), [f'scan: no source "{name}" ({", ".join(known)})'])
    return called


def _dry_run(
    config: Config, now: datetime, chosen: set[str], pick: Callable[[Source], bool] | None
) -> ScanReport:
    """Scan a throwaway copy of the ledger with a sender that only collects the emails; a bank
    feed is not read (a read spends one of the bank's few a day)."""
    copy = in_memory_copy(state_dir(config) / LEDGER_NAME)
    return scan(
        copy, config, now, businesses=chosen, send=lambda message: None, sources=pick,
        feed_mode="never", wait_to_settle=True,
    )  # fmt: skip
