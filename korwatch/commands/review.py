"""`korwatch review [--business ID] [--year YYYY] [--by NAME]`: decide flagged credits, one at
a time, a key per category.

On a terminal each credit is shown with the keys: `t` turnover, `l` loan, `o` own account, ...
(the capital letter decides alike every credit from the same IBAN, or name), then an optional
note; `s` skips, `u` undoes the last decision, `q` stops. Decisions go through the same path as
`korwatch decide` (alerts/review.py): the year is evaluated again at once and due alerts are
delivered at the end. Not on a terminal, it lists the queue with the record numbers that
`korwatch decide` takes.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sqlite3
import sys
import termios
import tty
from collections.abc import Iterator

from korwatch import clock
from korwatch.alerts.evaluation import evaluate_year
from korwatch.alerts.review import decide, review_queue, undo
from korwatch.clock import local_today
from korwatch.commands.common import OK, selected, settled_line
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import DecisionError
from korwatch.models import money
from korwatch.notify.outbox import deliver_due
from korwatch.notify.render import format_amount, format_date
from korwatch.reporting.terminal import Style, colour_enabled
from korwatch.scan import open_ledger
from korwatch.tax.decisions import CHOICES, Choice
from korwatch.tax.verdict import Classified

NAME = "review"
HELP = "decide the flagged credits one at a time, a key per category"
_KEYS = {choice.key: choice for choice in CHOICES}
_CONTROL = {"s": "skip", "u": "undo the last decision", "q": "stop", "?": "these keys"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--business", help="only this business")
    parser.add_argument("--year", type=int, help="calendar year (default: this year)")
    parser.add_argument("--by", help="who decides (default: your user name)")


def run(config: Config, args: argparse.Namespace) -> int:
    year = args.year or local_today(clock.now()).year
    connection = open_ledger(config)
    businesses = selected(config, args.business)
    if not sys.stdin.isatty():
        return _list(connection, config, businesses, year)
    session = _Session(
        connection, config, args.by or getpass.getuser(), Style(colour_enabled(sys.stdout))
    )
    try:
        for business in businesses:
            if not session.business(business, year):
                break
    finally:
        for business_id in sorted(session.touched):
            report = deliver_due(connection, config, clock.now(), None, {business_id})
            for line in report.sent:
                print(f"sent      {line}")
    print(f"{session.decided} decided, {session.skipped} skipped")
    return OK


def _list(
    connection: sqlite3.Connection, config: Config, businesses: list[BusinessConfig], year: int
) -> int:
    waiting = 0
    for business in businesses:
        state = evaluate_year(connection, config, business, year, counting_only=True)
        for item in review_queue(state):
            waiting += 1
            print(f"{business.id}\trecord {item.record.id}\t" + _line(item, "en"))
    print(f"{waiting} credit(s) to review; decide each with: korwatch decide RECORD --as CATEGORY")
    return OK


def _line(item: Classified, language: str) -> str:
    record = item.record
    return (
        f"{record.date.isoformat()}  {format_amount(money(record.amount_cents), language):>14}  "
        f"{record.counterparty_name or '?'}  {record.counterparty_iban}  {record.description}"
    )


@contextlib.contextmanager
def _keys() -> Iterator[None]:
    """Single keys without Enter (cbreak), the terminal restored afterwards."""
    descriptor = sys.stdin.fileno()
    saved = termios.tcgetattr(descriptor)
    try:
        # TCSANOW, not the default TCSAFLUSH: a key typed before this must not be thrown away.
        tty.setcbreak(descriptor, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)


class _Session:
    def __init__(
        self, connection: sqlite3.Connection, config: Config, author: str, style: Style
    ) -> None:
        self.connection, self.config, self.author, self.style = connection, config, author, style
        self.history: list[int] = []  # records decided in this session, for undo
        self.touched: set[str] = set()
        self.decided = self.skipped = 0

    def business(self, business: BusinessConfig, year: int) -> bool:
        """Go through the business's queue; False when the person stopped."""
        seen: set[int] = set()
        while True:
            state = evaluate_year(self.connection, self.config, business, year, counting_only=True)
            queue = [item for item in review_queue(state) if item.record.id not in seen]
            if not queue:
                return True
            item = queue[0]
            seen.add(item.record.id)
            answer = self.ask(business, item, len(queue))
            if answer == "q":
                return False

    def ask(self, business: BusinessConfig, item: Classified, left: int) -> str:
        language = business.language
        record = item.record
        print()
        print(self.style.paint(f"{business.name} [{business.id}] · record {record.id} · "
                               f"{left} left", "bold"))  # fmt: skip
        print(f"  {format_date(record.date, language)}  "
              + self.style.paint(format_amount(money(record.amount_cents), language), "bold")
              + f"  {record.counterparty_name or '?'}  {record.counterparty_iban}")  # fmt: skip
        print(f"  {record.description}  ({record.document_name.rsplit('/', 1)[-1]})")
        _print_keys(language)
        while True:
            key = _read_key()
            if key in ("q", "\x04", "\x03"):
                return "q"
            if key == "s":
                self.skipped += 1
                print("  skipped")
                return "s"
            if key == "u":
                self.undo_last()
                continue
            if key == "?":
                _print_keys(language)
                continue
            choice = _KEYS.get(key.lower())
            if choice is not None:
                self.decide(record.id, choice, always=key.isupper())
                return key

    def decide(self, record: int, choice: Choice, always: bool) -> None:
        scope = " (always for this IBAN / name)" if always else ""
        note = _read_line(f"  {choice.en}{scope}; note (Enter: none): ")
        try:
            settled = decide(
                self.connection, self.config, record, choice.name, author=self.author,
                now=clock.now(), always="auto" if always else "", note=note,
            )  # fmt: skip
        except DecisionError as error:
            print(self.style.paint(f"  not decided: {error}", "red"))
            return
        self.history.append(record)
        self.decided += 1
        print("  " + settled_line(settled, "decided"))

    def undo_last(self) -> None:
        if not self.history:
            print("  nothing to undo in this session")
            return
        record = self.history.pop()
        try:
            settled = undo(
                self.connection, self.config, record, author=self.author, now=clock.now()
            )
        except DecisionError as error:
            print(self.style.paint(f"  not undone: {error}", "red"))
            return
        self.decided -= 1
        print("  " + settled_line(settled, "undone"))


def _print_keys(language: str) -> None:
    keys = [f"{choice.key} {choice.en}" for choice in CHOICES]
    keys += [f"{key} {what}" for key, what in _CONTROL.items()]
    for start in range(0, len(keys), 5):
        print("  " + "   ".join(keys[start : start + 5]))
    print("  (a capital letter: always for this IBAN, or name)")


def _read_key() -> str:
    with _keys():
        sys.stdout.write("  > ")
        sys.stdout.flush()
        key = sys.stdin.read(1)
    print(key if key.isprintable() else "")
    return key or "q"


def _read_line(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return ""
