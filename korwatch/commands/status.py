"""`korwatch status [--year YYYY] [--business ID] [--json]`: where each business stands."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from korwatch import clock
from korwatch.commands.common import OK, USAGE, chosen_year, ledger_for, selected
from korwatch.config.model import Config
from korwatch.notify.render import format_amount
from korwatch.reporting.status import business_status
from korwatch.reporting.status_rules import rule_lines
from korwatch.reporting.terminal import Style, colour_enabled
from korwatch.reporting.terminal_status import status_table
from korwatch.sources.bankfeed import ends_on

NAME = "status"
HELP = "where each business stands"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--business", help="only this business")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(config: Config, args: argparse.Namespace) -> int:
    year = chosen_year("status", args.year, clock.now())
    if year is None:
        return USAGE
    connection = ledger_for(config)
    items = [
        business_status(connection, config, business, year)
        for business in selected(config, args.business)
    ]
    if args.json:
        print(json.dumps({"businesses": items}, indent=2, ensure_ascii=False))
        return OK
    style = Style(colour_enabled(sys.stdout))
    languages = {business.id: business.language for business in config.businesses}
    for line in status_table(items, languages, style):
        print(line)
    for item in items:
        _print_status(item, languages.get(item["id"], "nl"), style)
    return OK


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
