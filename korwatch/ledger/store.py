"""The ledger: one SQLite file holding every imported document, record and alert event.

SQLite in WAL mode; the schema version lives in `PRAGMA user_version` and migrations run in
order on open. Money is stored as integer cents. Each document is imported in one transaction,
together with the alert events its records cause, so a crash leaves the ledger as it was before
the document or as after it, never in between.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from korwatch.models import StoredRecord

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE documents (
        sha256      TEXT NOT NULL,
        business    TEXT NOT NULL,
        name        TEXT NOT NULL,
        format      TEXT,
        status      TEXT NOT NULL CHECK (status IN ('imported', 'failed')),
        error       TEXT,
        records     INTEGER NOT NULL DEFAULT 0,
        duplicates  INTEGER NOT NULL DEFAULT 0,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (sha256, business)
    );
    CREATE TABLE records (
        id                INTEGER PRIMARY KEY,
        business          TEXT NOT NULL,
        dedup_key         TEXT NOT NULL,
        document          TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('transaction', 'invoice')),
        date              TEXT NOT NULL,
        year              INTEGER NOT NULL,
        amount_cents      INTEGER NOT NULL,
        currency          TEXT NOT NULL,
        account           TEXT NOT NULL DEFAULT '',
        counterparty_name TEXT NOT NULL DEFAULT '',
        counterparty_iban TEXT NOT NULL DEFAULT '',
        description       TEXT NOT NULL DEFAULT '',
        reference         TEXT NOT NULL DEFAULT '',
        bank_id           TEXT NOT NULL DEFAULT '',
        value_date        TEXT,
        reversal          INTEGER NOT NULL DEFAULT 0,
        code              TEXT NOT NULL DEFAULT '',
        line              INTEGER NOT NULL DEFAULT 0,
        vat_cents         INTEGER,
        gross_cents       INTEGER,
        credit_note       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (business, dedup_key)
    );
    CREATE INDEX records_by_year ON records (business, year, date, id);
    CREATE TABLE alert_events (
        id              INTEGER PRIMARY KEY,
        business        TEXT NOT NULL,
        year            INTEGER NOT NULL,
        level           TEXT NOT NULL,
        kind            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        payload         TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'superseded')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        sent_at         TEXT,
        UNIQUE (business, year, level)
    );
    CREATE INDEX alert_events_due ON alert_events (status, next_attempt_at);
    """,
    # 2: source health (korwatch/alerts/health.py): last success, last error, failures in a row.
    """
    CREATE TABLE source_health (
        business        TEXT NOT NULL,
        source          TEXT NOT NULL,
        first_seen_at   TEXT NOT NULL,
        last_success_at TEXT,
        last_new_at     TEXT,
        last_error      TEXT,
        last_error_at   TEXT,
        failures        INTEGER NOT NULL DEFAULT 0,
        failing_since   TEXT,
        PRIMARY KEY (business, source)
    );
    """,
    # 3: "any invoice stored?" is asked at every evaluation; without an index it read the
    # whole records table.
    "CREATE INDEX records_invoices ON records (business) WHERE kind = 'invoice'",
    # 4: bank feeds (ledger/feeds.py): each source's consent, the accounts it grants, the reads
    # spent per account (the bank's daily budget survives a restart), a provider's tokens.
    """
    CREATE TABLE feed_consents (
        business     TEXT NOT NULL,
        source       TEXT NOT NULL,
        provider     TEXT NOT NULL,
        bank         TEXT NOT NULL,
        country      TEXT NOT NULL DEFAULT '',
        session      TEXT NOT NULL,
        valid_until  TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('authorized', 'needs-consent')),
        reason       TEXT,
        state_since  TEXT NOT NULL,
        connected_at TEXT NOT NULL,
        not_before   TEXT,
        PRIMARY KEY (business, source)
    );
    CREATE TABLE feed_accounts (
        business      TEXT NOT NULL,
        source        TEXT NOT NULL,
        account       TEXT NOT NULL,
        remote_id     TEXT NOT NULL,
        name          TEXT NOT NULL DEFAULT '',
        currency      TEXT NOT NULL DEFAULT 'EUR',
        pending_count INTEGER NOT NULL DEFAULT 0,
        pending_cents INTEGER NOT NULL DEFAULT 0,
        pending_at    TEXT,
        PRIMARY KEY (business, source, account)
    );
    CREATE TABLE feed_reads (
        business TEXT NOT NULL,
        source   TEXT NOT NULL,
        account  TEXT NOT NULL,
        read_at  TEXT NOT NULL
    );
    CREATE INDEX feed_reads_by_account ON feed_reads (business, source, account, read_at);
    CREATE TABLE feed_tokens (
        provider      TEXT NOT NULL,
        client        TEXT NOT NULL,
        access        TEXT NOT NULL,
        access_until  TEXT NOT NULL,
        refresh       TEXT NOT NULL,
        refresh_until TEXT NOT NULL,
        PRIMARY KEY (provider, client)
    );
    """,
    # 5: an alert that cannot be built (rendered) is 'failed': reported once, never retried.
    # SQLite cannot change a CHECK constraint in place, so the table is made anew.
    """
    CREATE TABLE alert_events_new (
        id              INTEGER PRIMARY KEY,
        business        TEXT NOT NULL,
        year            INTEGER NOT NULL,
        level           TEXT NOT NULL,
        kind            TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        payload         TEXT NOT NULL,
        status          TEXT NOT NULL
                        CHECK (status IN ('pending', 'sent', 'superseded', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error      TEXT,
        sent_at         TEXT,
        UNIQUE (business, year, level)
    );
    INSERT INTO alert_events_new SELECT id, business, year, level, kind, created_at, payload,
        status, attempts, next_attempt_at, last_error, sent_at FROM alert_events;
    DROP TABLE alert_events;
    ALTER TABLE alert_events_new RENAME TO alert_events;
    CREATE INDEX alert_events_due ON alert_events (status, next_attempt_at)
    """,
    # 6: a person's decisions on credits (ledger/decisions.py): who, when, why; undoing one
    # marks it undone (the history stays). scope 'iban' or 'name' also decides every other
    # credit from that account or name ("always").
    """
    CREATE TABLE decisions (
        id         INTEGER PRIMARY KEY,
        business   TEXT NOT NULL,
        record     INTEGER NOT NULL REFERENCES records (id),
        scope      TEXT NOT NULL DEFAULT 'record' CHECK (scope IN ('record', 'iban', 'name')),
        value      TEXT NOT NULL DEFAULT '',
        category   TEXT NOT NULL,
        note       TEXT NOT NULL DEFAULT '',
        author     TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        undone_at  TEXT,
        undone_by  TEXT
    );
    CREATE INDEX decisions_in_force ON decisions (business, id) WHERE undone_at IS NULL;
    CREATE INDEX decisions_by_record ON decisions (record);
    """,
    # 7: one transaction whatever carried it (ledger/carriers.py, identity.py): the documents
    # that carried a stored record again; a review note on a record that may be another's
    # double with another amount; the replaced versions of edited invoices (versions.py); and
    # the merge of the duplicates that ledgers written before stored (ledger/merge.py), queued
    # here and run by the first scan or command with the config (it re-evaluates the years
    # and corrects alerts already sent, which needs the config's rules and thresholds).
    """
    ALTER TABLE records ADD COLUMN review TEXT NOT NULL DEFAULT '';
    CREATE TABLE carriers (
        id        INTEGER PRIMARY KEY,
        record    INTEGER NOT NULL,
        document  TEXT NOT NULL,
        line      INTEGER NOT NULL DEFAULT 0,
        how       TEXT NOT NULL CHECK (how IN ('same-line', 'same-transaction', 'merged')),
        former_id INTEGER
    );
    CREATE TABLE record_versions (
        id                INTEGER PRIMARY KEY,
        record            INTEGER NOT NULL,
        replaced_by       TEXT NOT NULL,
        document          TEXT NOT NULL,
        date              TEXT NOT NULL,
        year              INTEGER NOT NULL,
        amount_cents      INTEGER NOT NULL,
        vat_cents         INTEGER,
        gross_cents       INTEGER,
        credit_note       INTEGER NOT NULL DEFAULT 0,
        currency          TEXT NOT NULL,
        counterparty_name TEXT NOT NULL DEFAULT '',
        value_date        TEXT,
        line              INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX record_versions_by_record ON record_versions (record);
    CREATE TABLE ledger_tasks (
        name    TEXT PRIMARY KEY,
        done_at TEXT
    );
    INSERT INTO ledger_tasks (name) VALUES ('merge-stored-duplicates')
    """,
    # 8: the autumn advice (scan.py) is weighed at most once a day per business and year, until
    # its email is queued: weighing it reads the whole year with its debits.
    """
    CREATE TABLE advice_checks (
        business   TEXT NOT NULL,
        year       INTEGER NOT NULL,
        checked_on TEXT NOT NULL,
        PRIMARY KEY (business, year)
    );
    """,
    # 9: days of an account a bank feed could not read (the bank served a shorter history than
    # the gap since the last booked date), shown until a file export covers them.
    """
    CREATE TABLE feed_gaps (
        business    TEXT NOT NULL,
        source      TEXT NOT NULL,
        account     TEXT NOT NULL,
        first_day   TEXT NOT NULL,
        last_day    TEXT NOT NULL,
        served_from TEXT,
        found_at    TEXT NOT NULL,
        PRIMARY KEY (business, source, account, first_day)
    )
    """,
    # 10: the stored evaluation of each (business, year) (alerts/standing.py): `summary` and
    # `detail` are JSON, NULL once stale; `fingerprint` hashes the config that decided them;
    # `generation` goes up at each invalidation, so an evaluation that raced one is not kept.
    # And a business's documents by status: `status` asks each business for its failed ones,
    # which read the whole documents table without it (10,000 businesses: 3 s).
    """
    CREATE INDEX documents_by_business ON documents (business, status);
    CREATE TABLE evaluations (
        business     TEXT NOT NULL,
        year         INTEGER NOT NULL,
        generation   INTEGER NOT NULL DEFAULT 0,
        fingerprint  TEXT NOT NULL DEFAULT '',
        summary      TEXT,
        detail       TEXT,
        evaluated_at TEXT,
        PRIMARY KEY (business, year)
    ) WITHOUT ROWID
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create or migrate) the ledger at `path`, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    _owner_only(path)
    # 16 KiB pages store a 100,000-record import ~10 % faster than the default 4 KiB (fewer
    # page splits). Only a new, empty file takes it (before WAL); a ledger keeps its own.
    connection.execute("PRAGMA page_size=16384")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")
    # A page cache of 16 MB keeps the dedup index of a big ledger in memory while a document is
    # inserted, and stays within the memory budget of a 100,000-record import (150 MB).
    connection.execute("PRAGMA cache_size=-16384")
    connection.execute("PRAGMA temp_store=MEMORY")
    _migrate(connection, path)
    return connection


def _owner_only(path: Path) -> None:
    """Take group and other access away from the ledger (and its -wal and -shm files, which
    SQLite creates later with the database's mode): it holds bank consents and tokens."""
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            pass  # not there (yet), or not ours: sqlite3 reports what matters


def file_of(connection: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database; None for one in memory."""
    for _number, name, file in connection.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def in_memory_copy(path: Path) -> sqlite3.Connection:
    """A private, migrated in-memory copy of the ledger at `path` (for --dry-run)."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    if path.exists():
        with sqlite3.connect(path) as source:
            source.backup(copy)
    _migrate(copy, path)
    return copy


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"{path}: the ledger has schema version {version}, newer than this korwatch "
            f"understands ({SCHEMA_VERSION}); upgrade korwatch"
        )
    for number in range(version, SCHEMA_VERSION):
        with transaction(connection):
            for statement in _statements(MIGRATIONS[number]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")


def _statements(script: str) -> Iterator[str]:
    for statement in script.split(";"):
        if statement.strip():
            yield statement


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE) so it never deadlocks later."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def document_status(connection: sqlite3.Connection, business: str, sha256: str) -> str | None:
    row = connection.execute(
        "SELECT status FROM documents WHERE sha256 = ? AND business = ?", (sha256, business)
    ).fetchone()
    return None if row is None else str(row[0])


def record_document(
    connection: sqlite3.Connection,
    business: str,
    sha256: str,
    name: str,
    *,
    format_name: str | None,
    status: str,
    error: str | None,
    records: int,
    duplicates: int,
    when: str,
) -> None:
    connection.execute(
        "INSERT OR REPLACE INTO documents (sha256, business, name, format, status, error, "
        "records, duplicates, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sha256, business, name, format_name, status, error, records, duplicates, when),
    )


_SELECT = (
    "SELECT id, kind, date, amount_cents, currency, account, counterparty_name, "
    "counterparty_iban, description, reference, reversal, code, document, "
    "vat_cents, gross_cents, credit_note, value_date, review FROM records "
)


def records_for_years(
    connection: sqlite3.Connection,
    business: str,
    years: Iterable[int],
    *,
    without_debits: bool = False,
) -> list[StoredRecord]:
    """Every record of these years, in booking order (date, then import order).

    `without_debits` leaves out money going out, which never counts (rules: "debit"); the
    evaluation after each import uses it, roughly halving its time and memory.
    """
    where, params = _of_years(business, years)
    if len(params) == 1:  # no year asked for: only the business
        return []
    names = dict(
        connection.execute("SELECT sha256, name FROM documents WHERE business = ?", (business,))
    )
    rows = connection.execute(
        _SELECT
        + where
        + (" AND (kind = 'invoice' OR amount_cents > 0)" if without_debits else "")
        + " ORDER BY date, id",
        params,
    )
    # Built positionally: this runs over every record of a year at each evaluation.
    to_date = date.fromisoformat
    return [
        StoredRecord(
            row[0],
            row[1],
            to_date(row[2]),
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            bool(row[10]),
            row[11],
            row[12],
            names.get(row[12], ""),
            row[13],
            row[14],
            bool(row[15]),
            None if row[16] is None else to_date(row[16]),
            row[17],
        )
        for row in rows
    ]


def record_by_id(connection: sqlite3.Connection, record_id: int) -> tuple[str, StoredRecord] | None:
    """The business and the record with this id (the id `ledger` and the web pages show)."""
    row = connection.execute(
        "SELECT business, year FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None:
        return None
    business = str(row[0])
    found = records_where(connection, business, "id = ?", (record_id,))
    return business, found[0]


def records_where(
    connection: sqlite3.Connection, business: str, condition: str, params: tuple[object, ...]
) -> list[StoredRecord]:
    """The business's records that meet `condition` (SQL over the records table, written by
    korwatch, never by a user), in booking order."""
    names = dict(
        connection.execute("SELECT sha256, name FROM documents WHERE business = ?", (business,))
    )
    rows = connection.execute(
        _SELECT + f"WHERE business = ? AND ({condition}) ORDER BY date, id", (business, *params)
    )
    return [_stored(row, names) for row in rows]


def debits_between(
    connection: sqlite3.Connection, business: str, first: date, last: date
) -> list[StoredRecord]:
    """The bank debits dated `first` through `last`, in booking order."""
    return records_where(
        connection,
        business,
        "year BETWEEN ? AND ? AND date BETWEEN ? AND ? AND kind = 'transaction' "
        "AND amount_cents < 0",
        (first.year, last.year, first.isoformat(), last.isoformat()),
    )


def _stored(row: tuple[Any, ...], names: dict[str, str]) -> StoredRecord:
    to_date = date.fromisoformat
    return StoredRecord(
        row[0], row[1], to_date(row[2]), row[3], row[4], row[5], row[6], row[7], row[8],
        row[9], bool(row[10]), row[11], row[12], names.get(row[12], ""), row[13], row[14],
        bool(row[15]), None if row[16] is None else to_date(row[16]),
    )  # fmt: skip


def years_with_records(connection: sqlite3.Connection, business: str) -> list[int]:
    rows = connection.execute(
        "SELECT DISTINCT year FROM records WHERE business = ? ORDER BY year", (business,)
    )
    return [int(row[0]) for row in rows]


def year_counts(
    connection: sqlite3.Connection, business: str, years: Iterable[int]
) -> dict[int, int]:
    """How many records (of any kind) the ledger holds in each of these years."""
    where, params = _of_years(business, years)
    rows = connection.execute(f"SELECT year, COUNT(*) FROM records {where} GROUP BY year", params)
    return {int(year): int(count) for year, count in rows}


def credits_cents(connection: sqlite3.Connection, business: str, years: Iterable[int]) -> int:
    """The sum of every positive amount (credits, invoices) stored in these years.

    A sum past SQLite's 64-bit integer (many amounts near the largest a file may hold) is
    given as that integer's maximum: the callers compare it with a threshold, which it is over.
    """
    where, params = _of_years(business, years)
    try:
        row = connection.execute(
            f"SELECT COALESCE(SUM(amount_cents), 0) FROM records {where} AND amount_cents > 0",
            params,
        ).fetchone()
    except sqlite3.OperationalError as error:
        if "integer overflow" not in str(error):
            raise
        return _LARGEST_INTEGER
    return int(row[0])


_LARGEST_INTEGER = (1 << 63) - 1


def _of_years(business: str, years: Iterable[int]) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause selecting a business's records of these years, and its parameters."""
    wanted = sorted(set(years))
    marks = ", ".join("?" for _ in wanted)
    return f"WHERE business = ? AND year IN ({marks})", (business, *wanted)


def change_stamps(connection: sqlite3.Connection) -> dict[str, tuple[int, ...]]:
    """Per business, numbers that change whenever what its years evaluate to can change: its
    imported documents (records come only with them), its decisions and its alert events (a
    reported crossing stands). Three grouped queries over small tables, whatever the records."""
    stamps: dict[str, list[int]] = {}
    for position, query in (
        (0, "SELECT business, COUNT(*), MAX(rowid) FROM documents GROUP BY business"),
        (2, "SELECT business, COUNT(*), MAX(id), COUNT(undone_at) FROM decisions GROUP BY 1"),
        (5, "SELECT business, COUNT(*), MAX(id) FROM alert_events GROUP BY business"),
    ):
        for business, *numbers in connection.execute(query):
            stamp = stamps.setdefault(business, [0] * 7)
            stamp[position : position + len(numbers)] = [int(n or 0) for n in numbers]
    return {business: tuple(stamp) for business, stamp in stamps.items()}


def has_invoices(connection: sqlite3.Connection, business: str) -> bool:
    """Whether any invoice is stored for the business (then adjacent years matter, T12)."""
    row = connection.execute(
        "SELECT 1 FROM records WHERE business = ? AND kind = 'invoice' LIMIT 1", (business,)
    ).fetchone()
    return row is not None


def failed_documents(connection: sqlite3.Connection, business: str) -> list[tuple[str, str]]:
    rows = connection.execute(
        "SELECT name, COALESCE(error, '') FROM documents WHERE business = ? AND status = 'failed' "
        "ORDER BY imported_at",
        (business,),
    )
    return [(str(name), str(error)) for name, error in rows]


def pending_tasks(connection: sqlite3.Connection) -> set[str]:
    """The ledger tasks a migration queued that have not run yet (see MIGRATIONS, 7)."""
    rows = connection.execute("SELECT name FROM ledger_tasks WHERE done_at IS NULL")
    return {str(row[0]) for row in rows}


def finish_task(connection: sqlite3.Connection, name: str, when: str) -> None:
    connection.execute("UPDATE ledger_tasks SET done_at = ? WHERE name = ?", (when, name))
