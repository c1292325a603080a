"""Importing one account through several carriers in the tests: files dropped into the inbox and
scanned, or a bank feed's records stored as a feed source stores a pull."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from contextlib import closing
from datetime import datetime

from korwatch.config.load import load_config
from korwatch.ledger.rows import chunks
from korwatch.models import Transaction
from korwatch.scan import DocumentResult, open_ledger, store_chunks
from tests.conftest import Workspace
from tests.statements import Booking, camt053, feed_records, ing_csv, mt940, ofx

NOW = "2026-11-26T12:00:00+01:00"  # the workspace's clock
FILES: dict[str, tuple[str, Callable[[list[Booking]], str]]] = {
    "ing-csv": ("csv", ing_csv),
    "camt": ("xml", camt053),
    "mt940": ("sta", mt940),
    "ofx": ("ofx", ofx),
}


def deliver(workspace: Workspace, carrier: str, bookings: list[Booking], name: str) -> None:
    """Bring `bookings` into the ledger through `carrier`, as a scan would."""
    if carrier == "feed":
        store_feed(workspace, feed_records(bookings), name)
        return
    suffix, write = FILES[carrier]
    workspace.drop(f"{name}.{suffix}", write(bookings))
    code, _, err = workspace.run("scan")
    assert code == 0, err


def store_feed(
    workspace: Workspace, records: list[Transaction], name: str, when: str = NOW
) -> DocumentResult:
    """Store a feed pull's records as one document, the way a bank-feed source's pull is
    stored: read into ledger rows, then the same store path as any document."""
    config = load_config(workspace.config)
    business = config.businesses[0]
    digest = hashlib.sha256(repr(records).encode()).hexdigest()
    result = DocumentResult(business.id, name, "failed", format="enablebanking")
    now = datetime.fromisoformat(when)
    with closing(open_ledger(config)) as connection:
        store_chunks(connection, config, business, (digest, name), chunks(records), now, result)
    assert result.status == "imported"
    return result


def ledger_rows(workspace: Workspace, year: int = 2026) -> list[dict[str, str]]:
    code, out, err = workspace.run("ledger", "--csv", "--year", str(year))
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def counted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["counted"] == "true"]


def turnover(workspace: Workspace, year: int = 2026) -> str:
    return str(workspace.status(year)["turnover"])
