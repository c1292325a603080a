"""`korwatch ledger [--year YYYY] [--business ID] [--csv]`: every item and the rule that decided.

For the accountant's file: each record dated in the year (debits and credits alike) and each
record from a neighbouring year that counts in it, in counting order, with whether it counts,
the amount that counts, the running total, the rule, the reason and the flags.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterator

from korwatch import clock
from korwatch.alerts.evaluation import evaluate_year
from korwatch.commands.common import OK, USAGE, chosen_year, selected
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import money
from korwatch.names import shown
from korwatch.scan import open_ledger
from korwatch.tax.thresholds import YearState
from korwatch.tax.verdict import UNPAID

NAME = "ledger"
HELP = "every counted and excluded item of a year, with the rule that decided it"
COLUMNS = (
    "business",
    "date",
    "effective_date",
    "amount",
    "counted",
    "counted_amount",
    "cumulative",
    "rule",
    "category",
    "reason",
    "invoice",
    "counterparty",
    "iban",
    "description",
    "source",
    "flags",
    "uncertain",
)
# A cell starting with one of these is a formula to a spreadsheet (OWASP's list), unless it is
# a plain number such as "-12.50", which must stay a number.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--business", help="only this business")
    parser.add_argument(
        "--csv", action="store_true", help="CSV with a header row, for a spreadsheet"
    )


def run(config: Config, args: argparse.Namespace) -> int:
    year = chosen_year("ledger", args.year, clock.now())
    if year is None:
        return USAGE
    connection = open_ledger(config)
    states = [
        (business, evaluate_year(connection, config, business, year))
        for business in selected(config, args.business)
    ]
    if args.csv:
        # Every field quoted: a CR or LF inside one stays inside its row in any spreadsheet.
        writer = csv.writer(sys.stdout, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(COLUMNS)
        for business, state in states:
            for row in rows(business.id, state):
                writer.writerow(_safe(row))
        return OK
    for business, state in states:
        _print_ledger(business, state)
    return OK


def rows(business_id: str, state: YearState) -> Iterator[dict[str, str]]:
    """One row per item, in counting order, with the running counted total."""
    total = 0
    for item in state.items:
        counted = item.counts and item.effective_date.year == state.year
        if counted:
            total += item.amount_cents
        record = item.record
        reason = item.reason
        if item.counts and not counted:
            reason += f" (counts in {item.effective_date.year})"
        yield {
            "business": business_id,
            "date": record.date.isoformat(),
            "effective_date": item.effective_date.isoformat(),
            "amount": money(record.amount_cents),
            "counted": "true" if counted else "false",
            "counted_amount": money(item.amount_cents if counted else 0),
            "cumulative": money(total),
            "rule": item.rule,
            "category": item.category,
            "reason": reason,
            "invoice": item.invoice,
            "counterparty": record.counterparty_name,
            "iban": record.counterparty_iban,
            "description": record.description,
            "source": record.document_name,
            "flags": " ".join(item.flags),
            "uncertain": " ".join(item.uncertain),
        }


def _safe(row: dict[str, str]) -> list[str]:
    """Text from bank files and file names cannot become a spreadsheet formula or a new row:
    control characters are escaped and a formula is prefixed with ', in every cell."""
    return [_cell(shown(row[name])) for name in COLUMNS]


def _cell(text: str) -> str:
    if text.startswith(_FORMULA) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _print_ledger(business: BusinessConfig, state: YearState) -> None:
    provisional = " (PROVISIONAL: bank basis)" if business.provisional else ""
    print(
        f"{business.id} {state.year}: counted {money(state.turnover_cents)} "
        f"of {money(state.threshold_cents)}, excluded credits {money(state.excluded_cents)}"
        f"{provisional}"
    )
    unpaid: list[str] = []
    unmatched: list[str] = []
    for row in rows(business.id, state):
        mark = "COUNTS " if row["counted"] == "true" else "no     "
        flags = f" [{row['flags']}]" if row["flags"] else ""
        who = shown(
            " | ".join(
                part for part in (row["invoice"], row["counterparty"], row["description"]) if part
            )
        )
        print(
            f"  {row['effective_date']} {row['amount']:>12} {mark}{row['counted_amount']:>12} "
            f"{row['cumulative']:>12}  {row['rule']}: {row['reason']}{flags}"
        )
        if who:
            print(f"      {who} ({shown(row['source'])})")
        summary = f"{row['date']} {row['amount']} {who}"
        if UNPAID in row["flags"].split():
            unpaid.append(summary)
        if row["rule"] == "unmatched-payment":
            unmatched.append(summary)
    if state.crossing is not None:
        item = state.crossing.item
        print(f"  crossed on {item.effective_date} by {money(item.amount_cents)} {item.invoice}")
    for title, lines in (("unpaid invoices", unpaid), ("payments without an invoice", unmatched)):
        if lines:
            print(f"  {title} ({len(lines)}):")
            for line in lines:
                print(f"    {line}")
