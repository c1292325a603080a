"""`korwatch report [--year Y] [--business ID] [--lang nl|en] --out FILE.html`: a year as a page.

The page is standalone: styles inline and the chart embedded, so it opens anywhere, can be
mailed to an adviser or printed, and loads nothing from the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from korwatch import clock
from korwatch.commands.common import OK, USAGE, chosen_year, ledger_for, selected
from korwatch.config.model import Config
from korwatch.errors import ConfigError
from korwatch.notify.render import environment
from korwatch.reporting.report import render_report, report_context

NAME = "report"
HELP = "write a year's turnover, chart, crossing and excluded items as an HTML page"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--business", help="the business (needed when there are several)")
    parser.add_argument("--lang", choices=("nl", "en"), help="default: the business's language")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")


def run(config: Config, args: argparse.Namespace) -> int:
    if args.business is None and len(config.businesses) > 1:
        raise ConfigError(str(config.path), ["report: more than one business; use --business"])
    business = selected(config, args.business)[0]
    now = clock.now()
    year = chosen_year("report", args.year, now)
    if year is None:
        return USAGE
    language = args.lang or business.language
    context = report_context(ledger_for(config), config, business, year, now, language)
    html = render_report(environment(config.templates_dir), language, context)
    try:
        args.out.write_text(html, encoding="utf-8")
    except OSError as error:
        print(f"korwatch: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return USAGE
    if not args.quiet:
        print(f"wrote     {args.out} ({business.id} {year}: {context['level']})")
    return OK
