"""A year's ledger as rows: every item with its verdict, reason and decision, and as CSV.

`korwatch ledger` (lines and `--csv`) and the web ledger page (its CSV download is this same
text, byte for byte) both come through here. Text from bank files is kept from becoming a
spreadsheet formula.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from korwatch.ledger.carriers import also_in
from korwatch.ledger.versions import OldVersion, history
from korwatch.models import money
from korwatch.names import shown
from korwatch.tax.reasons import reason_in
from korwatch.tax.thresholds import YearState
from korwatch.tax.verdict import Classified

COLUMNS = (
    "business",
    "date",
    "effective_date",
    "amount",
    "counted",
    "counted_amount",
    "cumulative",
    "rule",
    "category",
    "reason",
    "invoice",
    "counterparty",
    "iban",
    "description",
    "source",
    "flags",
    "uncertain",
    # Added with decisions (issue 15), at the end so that scripts reading by position go on.
    "record",
    "decided_for",
    "decided_by",
    "decided_at",
    "decision_note",
    # Added with one identity per transaction (issue 13): the other documents that carried it.
    "also_in",
    # The reason in the business's language (issue 16), last; rule codes and `reason` stay English.
    "reason_translated",
)
# A cell starting with one of these is a formula to a spreadsheet (OWASP's list), unless it is
# a plain number such as "-12.50", which must stay a number.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
ELSEWHERE = {"en": " (counts in {year})", "nl": " (telt in {year})"}


def walk(state: YearState) -> Iterator[tuple[Classified, bool, int]]:
    """Each item in counting order, whether it counts in the year, and the counted total up
    to and with it."""
    total = 0
    for item in state.items:
        counted = item.counts and item.effective_date.year == state.year
        if counted:
            total += item.amount_cents
        yield item, counted, total


@dataclass(frozen=True)
class Extras:
    """What the ledger knows about the items beyond their verdicts: the other documents that
    carried each one, and the replaced versions of edited invoices."""

    also_in: dict[int, list[str]] = field(default_factory=dict)
    history: dict[int, list[OldVersion]] = field(default_factory=dict)

    @classmethod
    def read(cls, connection: sqlite3.Connection, business: str, state: YearState) -> Extras:
        years = sorted({item.record.date.year for item in state.items} | {state.year})
        invoices = [item.record.id for item in state.items if item.record.kind == "invoice"]
        return cls(also_in(connection, business, years), history(connection, business, invoices))


def rows(
    business_id: str, state: YearState, extras: Extras | None = None, language: str = "en"
) -> Iterator[dict[str, str]]:
    """One row per item, in counting order, with the running counted total; after an edited
    invoice, a row per replaced version (not counted). The reason also in `language`."""
    extras = extras or Extras()
    for item, counted, total in walk(state):
        yield row(business_id, item, counted, total, extras, language)
        for old in extras.history.get(item.record.id, []):
            number = item.invoice or item.record.reference
            yield _replaced_row(business_id, number, old, total, language)


def row(
    business_id: str,
    item: Classified,
    counted: bool,
    total: int,
    extras: Extras | None = None,
    language: str = "en",
) -> dict[str, str]:
    """One item as a row; `total` is the counted turnover of the year up to and with it; the
    reason also in `language` (reason_translated)."""
    record = item.record
    reason, translated = item.reason, reason_in(item, language)
    if item.counts and not counted:
        reason += ELSEWHERE["en"].format(year=item.effective_date.year)
        translated += ELSEWHERE.get(language, ELSEWHERE["en"]).format(year=item.effective_date.year)
    decision = item.decision
    carried = extras.also_in.get(record.id, []) if extras is not None else []
    return {
        "business": business_id,
        "date": record.date.isoformat(),
        "effective_date": item.effective_date.isoformat(),
        "amount": money(record.amount_cents),
        "counted": "true" if counted else "false",
        "counted_amount": money(item.amount_cents if counted else 0),
        "cumulative": money(total),
        "rule": item.rule,
        "category": item.category,
        "reason": reason,
        "invoice": item.invoice,
        "counterparty": record.counterparty_name,
        "iban": record.counterparty_iban,
        "description": record.description,
        "source": record.document_name,
        "flags": " ".join(item.flags),
        "uncertain": " ".join(item.uncertain),
        "record": str(record.id),
        "decided_for": "" if decision is None else _decided_for(decision.scope, decision.value),
        "decided_by": "" if decision is None else decision.author,
        "decided_at": "" if decision is None else decision.decided_at,
        "decision_note": "" if decision is None else decision.note,
        "also_in": "; ".join(carried),
        "reason_translated": translated,
    }


_REPLACED = {
    "en": "an earlier version of invoice {number}, replaced by {by}",
    "nl": "een eerdere versie van factuur {number}, vervangen door {by}",
}
_IMPORTED = {"en": " imported {when}", "nl": " ingelezen {when}"}


def _replaced_row(
    business_id: str, number: str, old: OldVersion, total: int, language: str = "en"
) -> dict[str, str]:
    """A replaced version of an edited invoice (not counted), after the version that counts."""
    version = old.version
    when = old.replaced_at[:10]

    def reason(words: str) -> str:
        text = _REPLACED[words].format(number=number, by=old.replaced_by)
        return text + (_IMPORTED[words].format(when=when) if when else "")

    return {
        **dict.fromkeys(COLUMNS, ""),
        "business": business_id,
        "date": version.date,
        "effective_date": version.date,
        "amount": money(version.net_cents),
        "counted": "false",
        "counted_amount": money(0),
        "cumulative": money(total),
        "rule": "replaced",
        "reason": reason("en"),
        "reason_translated": reason(language if language in _REPLACED else "en"),
        "invoice": number,
        "counterparty": version.customer,
        "source": old.document_name,
    }


def _decided_for(scope: str, value: str) -> str:
    return "this credit" if scope == "record" else f"{scope} {value}"


def write_csv(
    stream: TextIO,
    states: Iterable[tuple[str, YearState, Extras]],
    languages: Mapping[str, str] | None = None,
) -> None:
    """The header and every row of each (business id, year state, its Extras), as
    `ledger --csv` prints; `languages` by business id words reason_translated (English when
    not given)."""
    # Every field quoted: a CR or LF inside one stays inside its row in any spreadsheet.
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for business_id, state, extras in states:
        language = (languages or {}).get(business_id, "en")
        for found in rows(business_id, state, extras, language):
            writer.writerow(safe(found))


def safe(found: dict[str, str]) -> list[str]:
    """Text from bank files and file names cannot become a spreadsheet formula or a new row:
    control characters are escaped and a formula is prefixed with ', in every cell."""
    return [_cell(shown(found[name])) for name in COLUMNS]


def _cell(text: str) -> str:
    if text.startswith(_FORMULA) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
