"""`korwatch decide RECORD --as CATEGORY [--always [iban|name]] [--note TEXT]`: for scripts.

Decides what one bank credit is (RECORD is the number `korwatch ledger` and the web pages show):
`turnover`, or what money it is if not (`loan`, `own-account`, `private-money`, `refund`,
`grant`, `insurance-payout`, `asset-sale`, ... or any category of the rules). `--always` decides
every credit from the same IBAN (or, without one, the same name) alike; `--undo` takes the
credit's decision back. The year is evaluated again at once and due alerts are delivered.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3

from korwatch import clock
from korwatch.alerts.review import Settled, decide, undo
from korwatch.commands.common import OK, settled_line
from korwatch.config.model import Config
from korwatch.errors import DecisionError
from korwatch.ledger import decisions as stored
from korwatch.models import money
from korwatch.notify.outbox import deliver_due
from korwatch.scan import open_ledger
from korwatch.tax.decisions import CHOICES

NAME = "decide"
HELP = "decide what one flagged credit is: turnover, a loan, private money, ..."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("record", type=int, help="the record number (korwatch ledger shows it)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--as",
        dest="category",
        metavar="CATEGORY",
        help="what it is: " + ", ".join(choice.name for choice in CHOICES),
    )
    action.add_argument("--undo", action="store_true", help="take the credit's decision back")
    parser.add_argument(
        "--always",
        nargs="?",
        const="auto",
        default="",
        choices=("iban", "name", "auto"),
        help="decide every credit from this IBAN (or name) alike (default: the IBAN if any)",
    )
    parser.add_argument("--note", default="", help="why (kept with the decision)")
    parser.add_argument("--by", help="who decides (default: your user name)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(config: Config, args: argparse.Namespace) -> int:
    now = clock.now()
    author = args.by or getpass.getuser()
    connection = open_ledger(config)
    if args.undo:
        if args.always or args.note:
            raise DecisionError("--undo takes no --always or --note")
        settled = undo(connection, config, args.record, author=author, now=now)
    else:
        settled = decide(
            connection,
            config,
            args.record,
            args.category,
            author=author,
            now=now,
            always=args.always,
            note=args.note,
        )
    report = deliver_due(connection, config, now, None, {settled.business})
    _print(connection, settled, args.undo, args.json, report.sent)
    return OK


def _print(
    connection: sqlite3.Connection, settled: Settled, undone: bool, as_json: bool, sent: list[str]
) -> None:
    found = stored.decision_by_id(connection, settled.decision)
    if found is None:
        raise DecisionError(f"decision {settled.decision} vanished from the ledger")
    decision = found.decision
    if as_json:
        facts = {
            "record": settled.record.id,
            "business": settled.business,
            "decision": decision.id,
            "category": decision.category.name,
            "counts": decision.category.counts,
            "scope": decision.scope,
            "value": decision.value,
            "author": decision.author,
            "decided_at": decision.decided_at,
            "note": decision.note,
            "undone": undone,
            "years": settled.years,
            "emails_sent": sent,
        }
        print(json.dumps(facts, indent=2, ensure_ascii=False))
        return
    verb = "undone" if undone else "decided"
    counts = "counts as turnover" if decision.category.counts else "is not turnover"
    print(
        f"{verb}: record {settled.record.id} ({settled.business}, {settled.record.date}, "
        f"{money(settled.record.amount_cents)} from {settled.record.counterparty_name or '?'}) "
        + (
            "goes back to its rules"
            if undone
            else f"{counts}: {decision.category.name} ({decision.why})"
        )
    )
    print(settled_line(settled, verb))
    for line in sent:
        print(f"sent      {line}")
