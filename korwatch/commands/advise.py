"""`korwatch advise [--business ID] [--year Y] [--invest AMOUNT[@DATE] ...] [--b2b-share PCT]
[--json]`: is the KOR still worth it?

Staying in the KOR against leaving it (or joining it), for the rest of this year and next year,
in euros: the input VAT you could deduct, the VAT on your sales, planned investments and the
VAT returns, with a verdict only when the figures allow one, what would turn it around, and the
dates to act on. Nothing is stored; the text speaks the business's language.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import jinja2

from korwatch import clock
from korwatch.alerts.advice import advice_facts
from korwatch.clock import local_today
from korwatch.commands.common import OK, USAGE, chosen_year, selected
from korwatch.config.model import Config
from korwatch.models import cents
from korwatch.notify.render import environment, inert
from korwatch.scan import open_ledger
from korwatch.tax.advice_periods import Plan

NAME = "advise"
HELP = "is the KOR still worth it: staying against leaving, in euros, with the dates to act"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--business", help="only this business")
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument(
        "--invest",
        action="append",
        default=[],
        metavar="AMOUNT[@DATE]",
        help="a planned purchase, 21%% VAT included, e.g. 4000@2027-03-15 (repeatable)",
    )
    parser.add_argument(
        "--b2b-share",
        metavar="PCT",
        help="percentage of your sales to businesses that deduct VAT (0-100)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(config: Config, args: argparse.Namespace) -> int:
    try:
        plans = tuple(plan(text) for text in args.invest)
        share = None if args.b2b_share is None else percentage(args.b2b_share)
    except ValueError as error:
        print(f"korwatch advise: {error}", file=sys.stderr)
        return USAGE
    now = clock.now()
    year = chosen_year(NAME, args.year, now)
    if year is None:
        return USAGE
    if year > local_today(now).year:
        print(
            f"korwatch advise: --year {year} has not begun; ask about this year (it looks "
            "ahead to next year) or a past one",
            file=sys.stderr,
        )
        return USAGE
    with contextlib.closing(open_ledger(config)) as connection:
        answers = [
            (
                business,
                advice_facts(
                    connection, config, business, now, year=year, plans=plans, b2b_share=share
                ),
            )
            for business in selected(config, args.business)
        ]
    if args.json:
        found = [facts for _, facts in answers]
        print(json.dumps({"businesses": found}, indent=2, ensure_ascii=False))
        return OK
    env = environment(config.templates_dir)
    for business, facts in answers:
        print(render_advice(env, business.language, facts), end="")
    return OK


def render_advice(env: jinja2.Environment, language: str, facts: dict[str, Any]) -> str:
    """The advice as text in `language` (templates/LANG/_advice.txt)."""
    template = env.from_string(
        '{% import lang ~ "/_advice.txt" as advice with context %}{{ advice.full(a) }}'
    )
    return str(template.render(lang=language, a=inert(facts)))


def plan(text: str) -> Plan:
    """--invest AMOUNT[@DATE]: 4000, 4000.00, 4.000,00, 4.000 (Dutch thousands, never four
    euros) or 4000@2027-03-15."""
    amount_text, _, day_text = text.partition("@")
    amount = _amount(amount_text)
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise ValueError(
            f'--invest "{text}": write the date as YYYY-MM-DD, e.g. 4000@2027-03-15'
        ) from None
    if amount is None or amount <= 0:
        raise ValueError(f'--invest "{text}": write a positive amount, e.g. 4000 or 4000.00')
    return Plan(cents(amount), day)


_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 4.000 or 1.234.567: Dutch thousands


def _amount(text: str) -> Decimal | None:
    cleaned = text.strip()
    if "," in cleaned or _THOUSANDS.fullmatch(cleaned):  # Dutch writing: 4.000,00 or 4.000
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def percentage(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%").replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f'--b2b-share "{text}": write a percentage from 0 to 100, e.g. 80')
    return value
