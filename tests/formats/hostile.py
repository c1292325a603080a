"""Hostile inputs for every parser, shared by the property tests (a few examples, in CI) and
`benchmarks/fuzz.py` (10,000 examples per parser).

An example is a real export of the parser's format (a fixture or a shared sample) mutated the way
issue 17's adversarial run did: huge or malformed amounts, lines and fields longer than any export
has, stray bytes, cuts; saved under a hostile name (bytes that are not UTF-8, control characters),
and sometimes swapped, once listed, for a FIFO, a link to a device or /proc, or a link out of the
inbox. It is then imported as a scan imports it (`import_document`, a real SQLite ledger, the
parser forced), so an amount whose cents overflow SQLite is met too. The outcome must be an
import or a refusal (ParseError and its kinds, or UnreadableFile for the file itself), never
another exception nor "internal error".

The mutations draw through a `Chooser`, so that hypothesis (shrinking, in the tests) and a plain
seeded Random (fast, in the benchmark) make the same kinds of examples.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

from korwatch.config.load import load_config
from korwatch.config.model import Config
from korwatch.formats.base import MAX_LINE, read_sample
from korwatch.formats.detect import PARSERS, detect
from korwatch.formats.feeds.bankfeed import BankFeedParser
from korwatch.formats.invoices.moneybird_json import MoneybirdJsonParser
from korwatch.scan import import_document, open_ledger
from korwatch.sources import DocumentInput
from tests.samples import files, fixtures

T = TypeVar("T")
NOW = datetime.fromisoformat("2026-11-26T12:00:00+01:00")
_AMOUNT = re.compile(rb"\d+[.,]\d\d(?!\d)")
_SPECIAL = [b"\x00", b"\xff", b"\xc3", b'"', b";", b",", b"\t", b"\r", b"\n", b"<", b">", b"&"]
_SPECIAL += [b":61:", b":86:", b"</STMTTRN>", b"<Ntry>", b"-", b"}", b"\\", b"\xe2\x80\xae"]
HUGE_AMOUNTS = [
    "100000000000000000.00",  # 10^17: the cents overflow SQLite's integer
    "999999999999999.99",  # the largest below the limit: read
    "1000000000000000,00",  # 10^15 with a decimal comma
    "9" * 29,  # past the 28 digits of the decimal context
    "1" * 60 + ".00",
    "1E+99",
    "-1e17",
    "NaN",
    "Infinity",
    "0.001",
]
SPECIALS = ("fifo", "device", "outside", "proc")
_UNREAD = (
    "not a regular file; korwatch reads only files",
    "(set follow_symlinks = true in the source to read such links)",
)


class Chooser(Protocol):
    def integer(self, low: int, high: int) -> int: ...

    def pick(self, options: Sequence[T]) -> T: ...


@cache
def seeds() -> dict[str, tuple[bytes, ...]]:
    """Real files of each parser's format: the fixtures and the shared samples, by detection,
    plus small written seeds for the formats that have none (refusals, Moneybird JSON)."""
    found: dict[str, list[bytes]] = {name: [] for name in PARSERS}
    paths = [fixture.path for fixture in fixtures()]
    paths += files("csv", "camt053", "mt940", "ofx", "accounting")
    for path in sorted(set(paths)):
        if path.suffix in (".json", ".md", ".py", ".pdf") or path.stat().st_size > 1 << 20:
            continue
        try:
            found[detect(read_sample(path)).name].append(path.read_bytes())
        except Exception:  # noqa: S112  (a sample no parser claims is no seed)
            continue
    for name, parser in PARSERS.items():
        if not found[name] and hasattr(parser, "prefix"):  # a refusal: its header is its format
            found[name].append(f"{parser.prefix}\n1;2;3\n".encode())
    found["moneybird-json"].append(_moneybird_seed())
    found["bank-feed"].append(_bank_feed_seed())
    return {name: tuple(files) for name, files in found.items()}


def _moneybird_seed() -> bytes:
    invoice = {
        "invoice_id": "2026-001",
        "invoice_date": "2026-03-01",
        "state": "paid",
        "total_price_excl_tax": "100.00",
        "total_price_incl_tax": "121.00",
        "currency": "EUR",
        "contact": {"company_name": "Klant BV"},
    }
    body = json.dumps({"administration_id": "1", "invoices": [invoice, invoice]})
    return (MoneybirdJsonParser().opening + ", " + body[1:]).encode()


def _bank_feed_seed() -> bytes:
    entry = {
        "amount": "250.00",
        "booking_date": "2026-03-02",
        "value_date": "2026-03-02",
        "currency": "EUR",
        "counterparty_name": "Klant BV",
        "counterparty_iban": "NL91ABNA0417164300",
        "description": "Factuur 2026-001",
        "bank_id": "E1",
    }
    body = {"provider": "enablebanking", "source": "ing", "account": "NL20INGB0001234567"}
    body |= {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    text = json.dumps({**body, "transactions": [entry, {**entry, "bank_id": "E2"}]})
    return (BankFeedParser().opening + ", " + text[1:]).encode()


def mutate(seed: bytes, choose: Chooser) -> bytes:
    """One to three hostile changes to `seed`."""
    data = seed
    for _ in range(choose.integer(1, 3)):
        kind = choose.pick(_KINDS)
        data = _MUTATIONS[kind](data, choose)
    return data


def _huge_amount(data: bytes, choose: Chooser) -> bytes:
    places = [found.span() for found in _AMOUNT.finditer(data)]
    if not places:
        return data
    start, end = places[choose.integer(0, len(places) - 1)]
    return data[:start] + choose.pick(HUGE_AMOUNTS).encode() + data[end:]


def _long_line(data: bytes, choose: Chooser) -> bytes:
    at = choose.integer(0, len(data))
    return data[:at] + b"x" * (MAX_LINE + choose.integer(1, 4096)) + data[at:]


def _long_field(data: bytes, choose: Chooser) -> bytes:
    """Short continuation lines that add up to more than MAX_LINE (an MT940 :86: of 500 MB)."""
    lines = data.split(b"\n")
    at = choose.integer(0, len(lines))
    return b"\n".join([*lines[:at], *[b"y" * 64] * (MAX_LINE // 64 + 64), *lines[at:]])


def _stray_bytes(data: bytes, choose: Chooser) -> bytes:
    at = choose.integer(0, len(data))
    piece = choose.pick(_SPECIAL) * choose.integer(1, 3)
    drop = choose.integer(0, 8)
    return data[:at] + piece + data[at + drop :]


def _cut(data: bytes, choose: Chooser) -> bytes:
    return data[: choose.integer(0, len(data))]


_MUTATIONS: dict[str, Callable[[bytes, Chooser], bytes]] = {
    "amount": _huge_amount,
    "long line": _long_line,
    "long field": _long_field,
    "bytes": _stray_bytes,
    "cut": _cut,
}
# Weighted by repetition: the long ones cost a MiB each, so they are a few in a hundred.
_KINDS = ["amount"] * 12 + ["bytes"] * 12 + ["cut"] * 3 + ["long line", "long field"]


_NAMES = [b"export", b"a\xff\xfe", b"x\x1b[2J", b"r\rFAILED", b"n\nline", b"\xe2\x80\xae"]


def hostile_name(choose: Chooser) -> bytes:
    stem = choose.pick(
        [b"export", b"a\xff\xfe", b"x\x1b[2J", b"r\rFAILED", b"n\nline", b"\xe2\x80\xae"]
    )
    return stem + choose.pick([b".csv", b".xml", b".sta", b".ofx", b""])


class Importer:
    """Imports examples as a scan does, into a real ledger renewed every `per_ledger` examples
    (a year's evaluation after each import grows with the ledger)."""

    def __init__(self, folder: Path, per_ledger: int = 100) -> None:
        self.folder = folder
        self.inbox = folder / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.per_ledger = per_ledger
        self.count = 0
        self.config = self._config()
        self.connection: sqlite3.Connection | None = None

    def _config(self) -> Config:
        path = self.folder / "korwatch.toml"
        path.write_text(
            f'state_dir = "{self.folder / "state"}"\n[email]\nbackend = "file"\n'
            f'dir = "{self.folder / "mail"}"\nsender = "k@example.nl"\n[[business]]\nid = "b"\n'
            f'recipients = ["a@example.nl"]\n  [[business.source]]\n  type = "directory"\n'
            f'  path = "{self.inbox}"\n',
            encoding="utf-8",
        )
        return load_config(path)

    def run(self, parser: str, content: bytes, name: bytes, special: str | None) -> str:
        """'imported', 'refused' or 'unreadable'; raises Crash for anything else."""
        connection = self._ledger()
        path = Path(os.fsdecode(os.fsencode(self.inbox) + b"/" + name))
        _clear(path)
        path.write_bytes(content)
        if special is not None:
            _swap(path, special, self.folder)
        document = DocumentInput(path, os.fsdecode(path), parser, self.inbox)
        business = self.config.businesses[0]
        try:
            result = import_document(
                connection, self.config, business, document, NOW, retry_failed=True
            )
        finally:
            _clear(path)  # the inbox keeps one example at a time
        error = result.error or ""
        if "internal error" in error or not error.isprintable():
            raise Crash(error)
        if special is not None:  # refused before anything was read
            if result.status == "imported" or not error.endswith(_UNREAD):
                raise Crash(f"{special}: {result.status} {error}")
            return "unreadable"
        return "imported" if result.status == "imported" else "refused"

    def _ledger(self) -> sqlite3.Connection:
        if self.connection is None or self.count % self.per_ledger == 0:
            if self.connection is not None:
                self.connection.close()
            (self.folder / "state" / "ledger.sqlite3").unlink(missing_ok=True)
            self.connection = open_ledger(self.config)
        self.count += 1
        return self.connection


class Crash(Exception):
    """An outcome that is neither an import nor a refusal."""


def _clear(path: Path) -> None:
    if os.path.lexists(path):
        path.unlink()


def _swap(path: Path, special: str, folder: Path) -> None:
    """What a hostile world puts at a listed name before it is read."""
    path.unlink()
    if special == "fifo":
        os.mkfifo(path)
    elif special == "device":
        path.symlink_to("/dev/zero")
    elif special == "proc":
        path.symlink_to("/proc/self/status")
    else:
        outside = folder / "outside.secret"
        outside.write_text("PASSWORD=hunter2\n", encoding="utf-8")
        path.symlink_to(outside)
