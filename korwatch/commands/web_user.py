"""`korwatch web-user add NAME [--business ID]... [--write]`: a user of the web pages.

Asks for the password twice (on a terminal; otherwise it reads one line from standard input)
and prints the `[web.users.NAME]` table with its Argon2id hash to put in the config; `--write`
appends it to the config file itself. The password is never printed or stored.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from korwatch.commands.common import OK, USAGE
from korwatch.config.model import Config
from korwatch.web.passwords import hash_password, password_problem

NAME = "web-user"
HELP = "add a user of the web pages (a password hash for [web.users])"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("add",), help="add: make a user (or a new password)")
    parser.add_argument("name", help="the user name (letters, digits, . _ @ -)")
    parser.add_argument(
        "--business",
        action="append",
        default=[],
        metavar="ID",
        help="the user sees only this business (repeat for more; default: every business)",
    )
    parser.add_argument("--write", action="store_true", help="append the table to the config")


def run(config: Config, args: argparse.Namespace) -> int:
    problem = _problem(config, args)
    if problem is None:
        password = _password()
        problem = password_problem(password) if password is not None else "no password given"
    if problem is not None:
        print(f"korwatch: {problem}", file=sys.stderr)
        return USAGE
    table = _table(args.name, hash_password(password or ""), args.business)
    if not args.write:
        print(table, end="")
        return OK
    path = config.path or Path("korwatch.toml")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + table)
    print(f"added [web.users.{args.name}] to {path}; `korwatch check-config` checks it")
    return OK


def _problem(config: Config, args: argparse.Namespace) -> str | None:
    if not _NAME.match(args.name):
        return f'"{args.name}" is not a user name (letters, digits, . _ @ -; at most 64)'
    known = {business.id for business in config.businesses}
    for business in args.business:
        if business not in known:
            return f'no business with id "{business}"'
    if args.write and args.name in config.web.users:
        return (
            f"[web.users.{args.name}] is in the config already: run without --write and put "
            "the new password line in its place"
        )
    return None


def _password() -> str | None:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") or None
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        print("korwatch: the two passwords differ", file=sys.stderr)
        return None
    return first


def _table(name: str, hashed: str, businesses: list[str]) -> str:
    lines = [f"[web.users.{name}]", f'password = "{hashed}"']
    if businesses:
        lines.append("businesses = [" + ", ".join(f'"{b}"' for b in businesses) + "]")
    return "\n".join(lines) + "\n"
