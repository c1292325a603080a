"""`korwatch import FILE... [--business ID] [--format NAME]`: ingest files given by hand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from korwatch import clock
from korwatch.commands.common import FAILED, OK, USAGE, add_output_options, print_report, selected
from korwatch.config.model import Config
from korwatch.errors import ConfigError
from korwatch.reporting.terminal import Progress, estimate_records, is_terminal
from korwatch.scan import import_paths, open_ledger, scan_lock

NAME = "import"
HELP = "import files given by hand"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--business", help="the business the files belong to")
    parser.add_argument("--format", help="force a format instead of detecting it")
    add_output_options(parser)


def run(config: Config, args: argparse.Namespace) -> int:
    if args.business is None and len(config.businesses) > 1:
        raise ConfigError(str(config.path), ["import: more than one business; use --business"])
    business = selected(config, args.business)[0]
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"korwatch: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    # A progress bar on a terminal only: cron mail and pipes get the result lines, nothing more.
    bar = Progress(sys.stderr, enabled=is_terminal(sys.stderr) and not args.quiet)
    with scan_lock(config):
        try:
            report = import_paths(
                open_ledger(config),
                config,
                business,
                args.files,
                args.format,
                clock.now(),
                progress=_follow(bar) if bar.enabled else None,
            )
        finally:
            bar.finish()
    print_report(report, quiet=args.quiet, as_json=args.json)
    return FAILED if report.failed else OK


def _follow(bar: Progress) -> Callable[[Path, int], None]:
    """The import's progress callback: a new file restarts the bar with its own estimate."""
    current: list[Path] = []

    def heard(path: Path, count: int) -> None:
        if current != [path]:
            current[:] = [path]
            bar.start(path.name, estimate_records(path))
        bar.update(count)

    return heard
