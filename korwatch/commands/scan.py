"""`korwatch scan [--dry-run] [--business ID]`: one pass: pull, import, alert, deliver."""

from __future__ import annotations

import argparse
from datetime import datetime

from korwatch import clock
from korwatch.commands.common import FAILED, OK, add_output_options, print_report, selected
from korwatch.config.model import Config
from korwatch.ledger.store import in_memory_copy
from korwatch.scan import LEDGER_NAME, ScanReport, open_ledger, scan, scan_lock, state_dir

NAME = "scan"
HELP = "one pass: pull every source, import, alert"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would happen; change nothing, send nothing",
    )
    parser.add_argument("--business", help="only this business")
    add_output_options(parser)


def run(config: Config, args: argparse.Namespace) -> int:
    chosen = {b.id for b in selected(config, args.business)}
    now = clock.now()
    with scan_lock(config):
        if args.dry_run:
            report = _dry_run(config, now, chosen)
        else:
            # Run by hand, right after copying a file into the inbox: wait for it to settle.
            report = scan(open_ledger(config), config, now, businesses=chosen, wait_to_settle=True)
    print_report(report, dry_run=args.dry_run, quiet=args.quiet, as_json=args.json)
    return FAILED if report.failed else OK


def _dry_run(config: Config, now: datetime, chosen: set[str]) -> ScanReport:
    """Scan a throwaway copy of the ledger with a sender that only collects the emails."""
    copy = in_memory_copy(state_dir(config) / LEDGER_NAME)
    return scan(
        copy, config, now, businesses=chosen, send=lambda message: None, wait_to_settle=True
    )
