"""`korwatch status`: where each business stands, for one business or a thousand.

    korwatch status [--year YYYY] [--business ID] [--level LEVEL]... [--over PERCENT]
                    [--format table|json|csv] [--json] [--recompute]

The table and the CSV list the businesses most at risk first (reporting/portfolio.py); with more
than a handful of businesses the table is one line each, with what needs attention, and the
details are for `--business ID`. JSON (`--json` is `--format json`) keeps the config's order and
the contract's keys. `--recompute` evaluates every year in full instead of reading the stored
evaluations; the output is the same.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from korwatch import clock
from korwatch.alerts.standing import standings
from korwatch.clock import local_today
from korwatch.commands.common import OK, USAGE, chosen_year, ledger_for, selected
from korwatch.config.model import Config
from korwatch.notify.render import format_amount
from korwatch.reporting.portfolio import Assessment, assess_all, by_risk
from korwatch.reporting.status import statuses
from korwatch.reporting.status_rules import rule_lines
from korwatch.reporting.terminal import Style, colour_enabled
from korwatch.reporting.terminal_status import overview_table, status_csv, status_table
from korwatch.sources.bankfeed import ends_on

NAME = "status"
HELP = "where each business stands"
HANDFUL = 5  # more businesses than this: one line each, details with --business
LEVELS = ("crossed", "warning", "ok")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--business", help="only this business (with its details)")
    parser.add_argument(
        "--level", action="append", choices=LEVELS, help="only businesses at this level"
    )
    parser.add_argument(
        "--over", type=_percent, metavar="PERCENT", help="only businesses at or above this share"
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument(
        "--recompute",
        action="store_true",
        help="evaluate every year in full instead of reading the stored evaluation",
    )


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f'"{text}" is not a percentage such as 75') from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f'"{text}" is not a percentage such as 75')
    return value


def run(config: Config, args: argparse.Namespace) -> int:
    now = clock.now()
    year = chosen_year("status", args.year, now)
    if year is None:
        return USAGE
    connection = ledger_for(config)
    businesses = selected(config, args.business)
    found = standings(connection, config, businesses, year, recompute=args.recompute)
    items = statuses(connection, config, businesses, year, local_today(now), found=found)
    output = "json" if args.json else args.format
    if output == "json" and not (args.level or args.over is not None):
        print(json.dumps({"businesses": items}, indent=2, ensure_ascii=False))
        return OK
    assessed = assess_all(connection, config, businesses, year, now, found)
    shown = [(item, a) for item, a in zip(items, assessed, strict=True) if _wanted(a, args)]
    if output == "json":
        print(json.dumps({"businesses": [item for item, _ in shown]}, indent=2, ensure_ascii=False))
        return OK
    ranked = _ranked(shown)
    if output == "csv":
        sys.stdout.write(status_csv([a for _, a in ranked]))
        return OK
    if not ranked:  # not an empty table: the filters left nothing
        print(f"no business matches (--level, --over): 0 of {len(businesses)}")
        return OK
    _print_table(config, ranked)
    return OK


def _wanted(assessment: Assessment, args: argparse.Namespace) -> bool:
    if args.level and assessment.standing.this.level not in args.level:
        return False
    return args.over is None or assessment.percent >= args.over


def _ranked(
    shown: list[tuple[dict[str, Any], Assessment]],
) -> list[tuple[dict[str, Any], Assessment]]:
    order = {id(a): index for index, a in enumerate(by_risk([a for _, a in shown]))}
    return sorted(shown, key=lambda pair: order[id(pair[1])])


def _print_table(config: Config, ranked: list[tuple[dict[str, Any], Assessment]]) -> None:
    style = Style(colour_enabled(sys.stdout))
    languages = {business.id: business.language for business in config.businesses}
    if len(ranked) > HANDFUL:
        for line in overview_table([a for _, a in ranked], style):
            print(line)
        print(f"\n{len(ranked)} businesses, most at risk first; details: --business ID")
        return
    for line in status_table([item for item, _ in ranked], languages, style):
        print(line)
    for item, _ in ranked:
        _print_status(item, languages.get(item["id"], "nl"), style)


def _print_status(item: dict[str, Any], language: str, style: Style) -> None:
    """What the table cannot hold: the crossing, notes, sources and undelivered mail."""
    print()
    print(style.paint(f"{item['name']} [{item['id']}] {item['year']}", "bold"))
    crossing = item.get("crossing")
    if crossing:
        print(
            "  "
            + style.paint(f"crossed on {crossing['date']}", "red", "bold")
            + f" by {format_amount(crossing['amount'], language)} "
            f"(invoice {crossing['invoice'] or '?'}, {crossing['counterparty']})"
        )
    for line in rule_lines(item):
        print(f"  {line}")
    for note in item.get("notes", []):
        print(f"  note: {note}")
    for source in item.get("sources", []):
        print(f"  source {source['source']}: last success {source['last_success'] or 'never'}")
        if source["failures_in_a_row"]:
            print(
                f"    FAILING ({source['failures_in_a_row']}x in a row) since "
                f"{source['last_error_at']}: {source['last_error']}"
            )
    for feed in item.get("bank_feeds", []):
        _print_feed(feed, language, style)
    for mail in item.get("undelivered", []):
        when = mail["next_attempt_at"]
        print(
            f"  NOT DELIVERED {mail['kind']} after {mail['attempts']} tries "
            f"({f'next {when}' if when else 'not retried'}): {mail['last_error']}"
        )


def _print_feed(feed: dict[str, Any], language: str, style: Style) -> None:
    """A bank consent: its state and expiry, and each account's pending entries and the days
    the feed could not read."""
    head = f"  bank feed {feed['source']} ({feed['bank']}): "
    if feed["state"] == "authorized":
        until = ends_on(datetime.fromisoformat(feed["valid_until"]))
        print(head + f"consent until {until} ({feed['days_left']} days left)")
    else:
        print(head + style.paint("NEEDS CONSENT", "red", "bold") + f" ({feed['reason']})")
    for account in feed["accounts"]:
        pending = account["pending"]
        if pending is not None and pending["count"]:
            amount = format_amount(pending["amount"], language).replace("€", "").strip()
            print(f"    {account['account']} pending: {pending['count']}, "
                  f"{pending['currency']} {amount} (not counted until booked)")  # fmt: skip
        for gap in account["history_gaps"]:
            print(f"    {account['account']} " + style.paint("HISTORY GAP", "yellow", "bold")
                  + f": {gap['message']}")  # fmt: skip
