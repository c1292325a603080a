"""`korwatch ledger [--year YYYY] [--business ID] [--csv]`: every item and the rule that decided.

For the accountant's file: each record dated in the year (debits and credits alike) and each
record from a neighbouring year that counts in it, in counting order, with whether it counts,
the amount that counts, the running total, the rule, the reason and the flags. Each item names
its record number, which `korwatch decide` takes.
"""

from __future__ import annotations

import argparse
import sys

from korwatch import clock
from korwatch.alerts.evaluation import evaluate_year
from korwatch.commands.common import OK, USAGE, chosen_year, ledger_for, selected
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import money
from korwatch.names import shown
from korwatch.reporting.ledger_csv import Extras, rows, write_csv
from korwatch.tax.reasons import flag_in
from korwatch.tax.thresholds import YearState
from korwatch.tax.verdict import UNPAID

# What the terminal listing says around the items, per language.
_WORDS = {
    "en": {
        "head": "{id} {year}: counted {turnover} of {threshold}, excluded credits {excluded}",
        "provisional": " (PROVISIONAL: bank basis)",
        "counts": "COUNTS ",
        "not": "no     ",
        "crossed": "crossed on {day} by {amount} {invoice}",
        "unpaid": "unpaid invoices",
        "unmatched": "payments without an invoice",
        "also_in": "also in",
    },
    "nl": {
        "head": "{id} {year}: meegeteld {turnover} van {threshold}, uitgesloten bijschrijvingen "
        "{excluded}",
        "provisional": " (VOORLOPIG: bankbasis)",
        "counts": "TELT   ",
        "not": "nee    ",
        "crossed": "overschreden op {day} door {amount} {invoice}",
        "unpaid": "onbetaalde facturen",
        "unmatched": "betalingen zonder factuur",
        "also_in": "ook in",
    },
}
NAME = "ledger"
HELP = "every counted and excluded item of a year, with the rule that decided it"


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
    connection = ledger_for(config)
    states = [
        (business, evaluate_year(connection, config, business, year))
        for business in selected(config, args.business)
    ]
    if args.csv:
        languages = {business.id: business.language for business, _ in states}
        write_csv(
            sys.stdout,
            (
                (business.id, state, Extras.read(connection, business.id, state))
                for business, state in states
            ),
            languages,
        )
        return OK
    for business, state in states:
        _print_ledger(business, state, Extras.read(connection, business.id, state))
    return OK


def _print_ledger(business: BusinessConfig, state: YearState, extras: Extras) -> None:
    """The year on a terminal, in the business's language (flags as words in Dutch)."""
    language = business.language
    words = _WORDS.get(language, _WORDS["en"])
    print(
        words["head"].format(
            id=business.id,
            year=state.year,
            turnover=money(state.turnover_cents),
            threshold=money(state.threshold_cents),
            excluded=money(state.excluded_cents),
        )
        + (words["provisional"] if business.provisional else "")
    )
    unpaid: list[str] = []
    unmatched: list[str] = []
    for row in rows(business.id, state, extras, language):
        mark = words["counts"] if row["counted"] == "true" else words["not"]
        flags = " ".join(flag_in(flag, language) for flag in row["flags"].split())
        who = shown(
            " | ".join(
                part for part in (row["invoice"], row["counterparty"], row["description"]) if part
            )
        )
        print(
            f"  {row['effective_date']} {row['amount']:>12} {mark}{row['counted_amount']:>12} "
            f"{row['cumulative']:>12}  {row['rule']}: {row['reason_translated']}"
            + (f" [{flags}]" if flags else "")
        )
        # "record N": the number `korwatch decide` takes, the same word in every language.
        if who:
            print(f"      {who} ({shown(row['source'])}; record {row['record']})")
        else:
            print(f"      record {row['record']} ({shown(row['source'])})")
        if row["also_in"]:
            print(f"      {words['also_in']} {shown(row['also_in'])}")
        summary = f"{row['date']} {row['amount']} {who}"
        if UNPAID in row["flags"].split():
            unpaid.append(summary)
        if row["rule"] == "unmatched-payment":
            unmatched.append(summary)
    _print_tail(state, words, unpaid, unmatched)


def _print_tail(
    state: YearState, words: dict[str, str], unpaid: list[str], unmatched: list[str]
) -> None:
    if state.crossing is not None:
        item = state.crossing.item
        day, amount = item.effective_date, money(item.amount_cents)
        print("  " + words["crossed"].format(day=day, amount=amount, invoice=item.invoice))
    for title, lines in ((words["unpaid"], unpaid), (words["unmatched"], unmatched)):
        if lines:
            print(f"  {title} ({len(lines)}):")
            for line in lines:
                print(f"    {line}")
