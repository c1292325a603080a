"""Merging the duplicates that a ledger written by an earlier korwatch holds: the same bank
transaction stored twice because it came through two formats (or two exports whose lines
differed), before transactions had one identity (identity.py).

The documents are taken in the order they were imported, and each document's transactions are
matched against those of the documents before it exactly as an import matches them today
(carriers.py): a match is moved out of `records` into `carriers` (how = 'merged', keeping its
former id), and the carriers and decisions that pointed at it point at the transaction it
duplicated. A possible double with another amount is marked for review, not merged. Run in the
caller's transaction; running it again finds nothing more to merge.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from korwatch.ledger.carriers import Matcher
from korwatch.ledger.rows import CHUNK

TASK = "merge-stored-duplicates"  # queued by migration 7 (store.MIGRATIONS)
_ROWS = (
    "SELECT dedup_key, date, year, amount_cents, currency, account, counterparty_name, "
    "counterparty_iban, description, reference, bank_id, value_date, reversal, code, line, id "
    "FROM records WHERE business = ? AND document = ? AND kind = 'transaction' "
    "ORDER BY date, id"
)


@dataclass
class Merged:
    """What merging one business's stored duplicates did."""

    per_year: Counter[int] = field(default_factory=Counter)  # records merged away, by year
    reviews: int = 0  # records marked as a possible double with another amount


def years_with_overlap(connection: sqlite3.Connection, business: str) -> list[int]:
    """The years whose transactions came through more than one document: only they can hold
    duplicates."""
    rows = connection.execute(
        "SELECT year FROM records WHERE business = ? AND kind = 'transaction' GROUP BY year "
        "HAVING COUNT(DISTINCT document) > 1 ORDER BY year",
        (business,),
    )
    return [int(row[0]) for row in rows]


def merge_business(connection: sqlite3.Connection, business: str) -> Merged:
    """Merge the business's stored duplicates (see the module docstring)."""
    merged = Merged()
    documents = connection.execute(
        "SELECT r.document, MIN(r.id), COALESCE(d.name, ''), COALESCE(d.format, '') "
        "FROM records AS r LEFT JOIN documents AS d "
        "ON d.sha256 = r.document AND d.business = r.business "
        "WHERE r.business = ? AND r.kind = 'transaction' GROUP BY r.document ORDER BY MIN(r.id)",
        (business,),
    ).fetchall()
    # The carriers table has no index on its record (storing a re-import's carriers is on
    # the import's hot path): the ones this merge may re-point are read once.
    pointing: dict[int, list[int]] = {}
    for carrier, record in connection.execute("SELECT id, record FROM carriers"):
        pointing.setdefault(int(record), []).append(int(carrier))
    for sha256, first_id, name, format_name in documents[1:]:
        matcher = Matcher(connection, business, (sha256, name, format_name), first_id)
        rows = connection.execute(_ROWS, (business, sha256)).fetchall()
        ids = {str(row[0]): (int(row[-1]), int(row[2])) for row in rows}
        for start in range(0, len(rows), CHUNK):
            matcher.sift([tuple(row[:-1]) for row in rows[start : start + CHUNK]])
            _move(connection, matcher, ids, pointing, merged)
        merged.reviews += matcher.finish()
    return merged


def _move(
    connection: sqlite3.Connection,
    matcher: Matcher,
    ids: dict[str, tuple[int, int]],
    pointing: dict[int, list[int]],
    merged: Merged,
) -> None:
    """Move the records the matcher found to be carriers of earlier ones into `carriers`."""
    for kept, document, line, _, key in matcher.carriers:
        duplicate, year = ids[key]
        for carrier in pointing.pop(duplicate, []):
            connection.execute("UPDATE carriers SET record = ? WHERE id = ?", (kept, carrier))
            pointing.setdefault(kept, []).append(carrier)
        connection.execute(
            "INSERT INTO carriers (record, document, line, how, former_id) "
            "VALUES (?, ?, ?, 'merged', ?)",
            (kept, document, line, duplicate),
        )
        # A person's decision on the duplicate now speaks for the transaction it duplicated.
        connection.execute("UPDATE decisions SET record = ? WHERE record = ?", (kept, duplicate))
        connection.execute("DELETE FROM records WHERE id = ?", (duplicate,))
        merged.per_year[year] += 1
    matcher.carriers = []
