"""`korwatch whatif AMOUNT [--date D] [--business ID] [--json]`: would one more invoice cross?

The invoice is added to the year as it stands (nothing is stored) and the year re-evaluated:
it crosses, it does not (and what headroom is left), or the threshold was crossed already.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from korwatch import clock
from korwatch.alerts.evaluation import evaluate_year
from korwatch.clock import accepted_dates, local_today
from korwatch.commands.common import OK, USAGE, ledger_for, selected
from korwatch.config.model import BusinessConfig, Config
from korwatch.models import cents, money
from korwatch.tax.forecast import WhatIf, what_if
from korwatch.tax.vat import vat_included, vat_on_top

NAME = "whatif"
HELP = "would one more invoice of AMOUNT cross the threshold, and by how much"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("amount", help="the invoice amount in euro, e.g. 1500 or 1500.00")
    parser.add_argument("--date", help="the invoice date, YYYY-MM-DD (default: today)")
    parser.add_argument("--business", help="only this business")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(config: Config, args: argparse.Namespace) -> int:
    try:
        amount = Decimal(args.amount.replace(",", ".") if "." not in args.amount else args.amount)
        amount_cents = cents(amount)
        day = date.fromisoformat(args.date) if args.date else local_today(clock.now())
    except (InvalidOperation, ValueError):
        print(
            f"korwatch whatif: write the amount as 1500 or 1500.00 and the date as YYYY-MM-DD "
            f"(got {args.amount!r}, {args.date!r})",
            file=sys.stderr,
        )
        return USAGE
    if amount_cents <= 0:
        print("korwatch whatif: the amount must be above zero", file=sys.stderr)
        return USAGE
    first, last = accepted_dates(local_today(clock.now()))
    if not first <= day <= last:
        print(f"korwatch whatif: --date {day} is outside {first} to {last}", file=sys.stderr)
        return USAGE
    connection = ledger_for(config)
    answers = []
    for business in selected(config, args.business):
        state = evaluate_year(connection, config, business, day.year)
        stands = business.rules.credit_note_after_crossing == "crossing-stands"
        answers.append(answer(business, what_if(state, amount_cents, day, crossing_stands=stands)))
    if args.json:
        print(json.dumps({"businesses": answers}, indent=2, ensure_ascii=False))
    else:
        for item in answers:
            print(item["text"])
    return OK


def answer(business: BusinessConfig, result: WhatIf) -> dict[str, Any]:
    """The facts of one answer, and the sentence that says them."""
    after = result.after
    crossing = after.crossing
    facts: dict[str, Any] = {
        "id": business.id,
        "year": after.year,
        "amount": money(result.amount_cents),
        "date": result.day.isoformat(),
        "turnover_before": money(result.before.turnover_cents),
        "turnover_after": money(after.turnover_cents),
        "threshold": money(after.threshold_cents),
        "already_crossed": result.before.crossed,
        "crosses": result.crosses,
        "over_by": money(max(result.over_by_cents, 0)),
        "headroom_after": money(max(-result.over_by_cents, 0)),
        "crossing_date": None if crossing is None else crossing.item.effective_date.isoformat(),
        "provisional": business.provisional,
    }
    facts["text"] = _sentence(business, result, facts)
    return facts


def _sentence(business: BusinessConfig, result: WhatIf, facts: dict[str, Any]) -> str:
    head = (
        f"{business.name} [{business.id}] {facts['year']}: "
        f"an invoice of {facts['amount']} on {facts['date']}"
    )
    tail = " (provisional: bank basis)" if business.provisional else ""
    before = result.before.crossing
    if before is not None:
        return (
            f"{head} comes after the crossing of {before.item.effective_date}: it is taxed "
            f"(21 % VAT: {money(vat_on_top(result.amount_cents, 'general', result.day))} on top)"
            f"{tail}"
        )
    if not result.crosses:
        return (
            f"{head} would not cross: turnover {facts['turnover_after']}, "
            f"headroom {facts['headroom_after']} left{tail}"
        )
    crossing = result.after.crossing
    assert crossing is not None  # noqa: S101  (crosses implies a crossing)
    item = crossing.item
    which = "this invoice"
    if item.rule != "what-if":
        which = (
            f"the item of {item.effective_date} ({item.invoice or item.record.counterparty_name})"
        )
    return (
        f"{head} would CROSS the threshold {facts['threshold']} by {facts['over_by']} "
        f"at {which}, "
        f"on {facts['crossing_date']}: turnover {facts['turnover_after']}. VAT would be due on the "
        f"whole invoice: {money(vat_on_top(result.amount_cents, 'general', result.day))} on top, "
        f"or {money(vat_included(result.amount_cents, 'general', result.day))} inside the price "
        "(U4); "
        f"the KOR would not be available in {facts['year'] + 1}{tail}"
    )
