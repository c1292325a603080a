"""`korwatch import FILE... [--business ID] [--format NAME]`: ingest files given by hand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from korwatch import clock
from korwatch.commands.common import FAILED, OK, USAGE, print_report, selected
from korwatch.config import Config
from korwatch.errors import ConfigError
from korwatch.scan import import_paths, open_ledger, scan_lock

NAME = "import"
HELP = "import files given by hand"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--business", help="the business the files belong to")
    parser.add_argument("--format", help="force a format instead of detecting it")


def run(config: Config, args: argparse.Namespace) -> int:
    if args.business is None and len(config.businesses) > 1:
        raise ConfigError(str(config.path), ["import: more than one business; use --business"])
    business = selected(config, args.business)[0]
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"korwatch: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    with scan_lock(config):
        report = import_paths(
            open_ledger(config), config, business, args.files, args.format, clock.now()
        )
    print_report(report)
    return FAILED if report.failed else OK
