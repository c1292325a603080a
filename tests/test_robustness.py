"""A bug in one reader must not stop the scan: the file is recorded as failed with a clear
line, the other files are imported, and nothing already stored changes.

The bug is injected by replacing one parser's `parse` (a real parser cannot be made to have a
bug on purpose); everything else is real: the CLI, the ledger file, the SMTP server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.formats.detect import PARSERS
from korwatch.ledger import store as ledger
from korwatch.models import Record, Sample
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv


def test_an_internal_error_in_a_reader_fails_only_that_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    camt = PARSERS["camt"]

    def broken(sample: Sample) -> Iterator[Record]:
        raise IndexError("list index out of range")
        yield  # pragma: no cover - makes this a generator like the real one

    monkeypatch.setattr(camt, "parse", broken)
    workspace.drop("good.csv", ing_csv([Payment(date(2026, 3, 1), Decimal("100.00"))]))
    workspace.drop(
        "statement.xml",
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        "<BkToCstmrStmt></BkToCstmrStmt></Document>",
    )
    code, out, err = workspace.run("scan")
    assert code == 1
    assert "good.csv" in out
    assert "statement.xml: korwatch could not read this file (internal error IndexError" in err
    assert workspace.status()["turnover"] == "100.00"


def test_a_new_ledger_has_16_kib_pages_and_an_older_one_keeps_its_own(tmp_path: Path) -> None:
    older = tmp_path / "older.sqlite3"
    with closing(sqlite3.connect(older)) as connection:  # a ledger made with 4 KiB pages
        connection.execute("PRAGMA page_size=4096")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
    for path, size in ((tmp_path / "new.sqlite3", 16384), (older, 4096)):
        with closing(ledger.connect(path)) as connection:
            assert connection.execute("PRAGMA page_size").fetchone()[0] == size
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            assert version == ledger.SCHEMA_VERSION
