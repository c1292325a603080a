"""`korwatch status [--year YYYY] [--business ID] [--json]`: where each business stands."""

from __future__ import annotations

import argparse
import json
from typing import Any

from korwatch import clock
from korwatch.commands.common import OK, selected
from korwatch.config import Config
from korwatch.scan import local_today, open_ledger
from korwatch.status import business_status

NAME = "status"
HELP = "where each business stands"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--business", help="only this business")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(config: Config, args: argparse.Namespace) -> int:
    year = args.year or local_today(clock.now()).year
    connection = open_ledger(config)
    items = [
        business_status(connection, config, business, year)
        for business in selected(config, args.business)
    ]
    if args.json:
        print(json.dumps({"businesses": items}, indent=2, ensure_ascii=False))
    else:
        for item in items:
            _print_status(item)
    return OK


def _print_status(item: dict[str, Any]) -> None:
    provisional = " (provisional)" if item["provisional"] else ""
    print(f"{item['name']} [{item['id']}] {item['year']}: {item['level'].upper()}{provisional}")
    print(f"  turnover {item['turnover']} of {item['threshold']}, headroom {item['headroom']}")
    crossing = item.get("crossing")
    if crossing:
        print(
            f"  crossed on {crossing['date']} by {crossing['amount']} "
            f"(invoice {crossing['invoice'] or '?'}, {crossing['counterparty']})"
        )
    for note in item.get("notes", []):
        print(f"  note: {note}")
    for source in item.get("sources", []):
        print(f"  source {source['source']}: last success {source['last_success'] or 'never'}")
        if source["failures_in_a_row"]:
            print(
                f"    FAILING ({source['failures_in_a_row']}x in a row) since "
                f"{source['last_error_at']}: {source['last_error']}"
            )
    for mail in item.get("undelivered", []):
        print(
            f"  NOT DELIVERED {mail['kind']} after {mail['attempts']} tries "
            f"(next {mail['next_attempt_at']}): {mail['last_error']}"
        )
