"""A person's decisions on credits, stored in the ledger's `decisions` table (migration 4).

A decision is never changed or deleted: undoing it, or deciding the same credit again, marks it
undone (when, by whom), so the ledger keeps the whole history of who decided what, when and why.
The decisions in force go to the rules as `tax.decisions.Decisions` (`in_force`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from korwatch.tax.decisions import Decision, Decisions, in_force
from korwatch.tax.user_rules import CATEGORIES

_COLUMNS = "id, record, category, author, decided_at, note, scope, value"


@dataclass(frozen=True)
class StoredDecision:
    """A decision row as listed (in force or undone), for the history of a credit."""

    decision: Decision
    business: str
    undone_at: str | None
    undone_by: str | None


def add(
    connection: sqlite3.Connection,
    business: str,
    record: int,
    category: str,
    *,
    author: str,
    when: str,
    note: str = "",
    scope: str = "record",
    value: str = "",
) -> int:
    """Store a decision (in the caller's transaction); one on the same credit, or an "always"
    one for the same account or name, is replaced (marked undone). The new decision's id."""
    replaced = "record = ?" + (" OR (scope = ? AND value = ?)" if scope != "record" else "")
    params: tuple[object, ...] = (record, scope, value) if scope != "record" else (record,)
    connection.execute(
        f"UPDATE decisions SET undone_at = ?, undone_by = ? WHERE business = ? "
        f"AND undone_at IS NULL AND ({replaced})",
        (when, author, business, *params),
    )
    cursor = connection.execute(
        "INSERT INTO decisions (business, record, scope, value, category, note, author, "
        "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (business, record, scope, value, category, note, author, when),
    )
    return int(cursor.lastrowid or 0)


def undo(
    connection: sqlite3.Connection, business: str, decision_id: int, *, author: str, when: str
) -> bool:
    """Mark a decision in force undone; False when there is none with that id."""
    cursor = connection.execute(
        "UPDATE decisions SET undone_at = ?, undone_by = ? "
        "WHERE id = ? AND business = ? AND undone_at IS NULL",
        (when, author, decision_id, business),
    )
    return cursor.rowcount == 1


def decisions_in_force(connection: sqlite3.Connection, business: str) -> Decisions:
    """What the rules apply for the business: its open decisions, oldest first."""
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE business = ? AND undone_at IS NULL ORDER BY id",
        (business,),
    ).fetchall()
    if not rows:
        return Decisions()
    return in_force([_decision(row) for row in rows])


def in_force_for_record(
    connection: sqlite3.Connection, business: str, record: int
) -> Decision | None:
    row = connection.execute(
        f"SELECT {_COLUMNS} FROM decisions WHERE business = ? AND record = ? "
        "AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        (business, record),
    ).fetchone()
    return None if row is None else _decision(row)


def history(
    connection: sqlite3.Connection,
    business: str | None,
    record: int | None = None,
    limit: int = 200,
) -> list[StoredDecision]:
    """The decisions of a business (every business: None; one credit, if given), newest
    first, undone ones too."""
    where, params = "1", ()  # type: tuple[str, tuple[object, ...]]
    if business is not None:
        where, params = "business = ?", (business,)
    if record is not None:
        where, params = f"{where} AND record = ?", (*params, record)
    rows = connection.execute(
        f"SELECT {_COLUMNS}, business, undone_at, undone_by FROM decisions WHERE {where} "
        "ORDER BY id DESC LIMIT ?",
        (*params, limit),
    )
    return [StoredDecision(_decision(row), row[8], row[9], row[10]) for row in rows]


def decision_by_id(connection: sqlite3.Connection, decision_id: int) -> StoredDecision | None:
    row = connection.execute(
        f"SELECT {_COLUMNS}, business, undone_at, undone_by FROM decisions WHERE id = ?",
        (decision_id,),
    ).fetchone()
    return None if row is None else StoredDecision(_decision(row), row[8], row[9], row[10])


def _decision(row: tuple[object, ...]) -> Decision:
    category = CATEGORIES.get(str(row[2])) or CATEGORIES["not-turnover"]
    return Decision(
        id=int(row[0]),  # type: ignore[call-overload]
        record=int(row[1]),  # type: ignore[call-overload]
        category=category,
        author=str(row[3]),
        decided_at=str(row[4]),
        note=str(row[5]),
        scope=str(row[6]),
        value=str(row[7]),
    )
