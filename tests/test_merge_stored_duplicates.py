"""A ledger written before transactions had one identity holds the same payment twice when it
came through two formats. Migration 7 queues the merge; the first command with the config
merges them in one transaction, prints what it merged, and re-evaluates: a level that changes
is corrected as for an edited invoice (issue 13).

The old ledger is made the way the old korwatch made it: key-based dedup only (cross-format
matching off), then the objects of migration 7 removed and the schema version set back to 6.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from korwatch.alerts.standing import standings
from korwatch.config.load import load_config
from korwatch.ledger import insert
from korwatch.ledger.store import MIGRATIONS, SCHEMA_VERSION, connect
from korwatch.notify.compose import compose
from korwatch.notify.render import environment
from korwatch.reporting.samples import sample_payload
from tests.carrier_support import counted, deliver, ledger_rows
from tests.conftest import Workspace
from tests.helpers import SmtpServer, text_and_html
from tests.statements import Booking

# 1,800.00 a month from January to November: 19,800.00, under the threshold.
MONTHLY = [
    Booking(month, date(2026, month, 12), Decimal("1800.00"), "Atelier Zuid",
            "NL91ABNA0417164300", f"Factuur 2026-{month:03d}")
    for month in range(1, 12)
]  # fmt: skip


def written_before_issue_13(workspace: Workspace) -> None:
    """Take migrations 7 and later out of the ledger: what ledgers of schema version 6 look
    like (migration 7 is issue 13's; those after it come back when the ledger is opened)."""
    undo = []
    for script in MIGRATIONS[6:]:
        undo += [f"DROP TABLE {name}" for name in re.findall(r"CREATE TABLE (\w+)", script)]
        undo += [
            f"DROP INDEX IF EXISTS {name}" for name in re.findall(r"CREATE INDEX (\w+)", script)
        ]
        undo += [
            f"ALTER TABLE {table} DROP COLUMN {column}"
            for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", script)
        ]
    path = workspace.root / "state" / "ledger.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("; ".join([*undo, "PRAGMA user_version = 6"]))


@pytest.fixture
def doubled(workspace: Workspace, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """An ING CSV of January-September and a CAMT of August-November, imported by the old
    korwatch: August and September counted twice, the crossing sent in October."""
    with monkeypatch.context() as patch:
        patch.setattr(insert, "CROSS_FORMAT", False)
        deliver(workspace, "ing-csv", MONTHLY[:9], "ing-2026")
        deliver(workspace, "camt", MONTHLY[7:], "camt-2026")
    before = workspace.status()["turnover"]
    assert workspace.status()["crossed"] is True
    assert any("overschreden" in m["Subject"] for m in smtp_server.messages)
    written_before_issue_13(workspace)
    return str(before)


def test_the_first_scan_after_the_upgrade_merges_what_was_counted_twice_and_says_so(
    workspace: Workspace, smtp_server: SmtpServer, doubled: str
) -> None:
    sent = len(smtp_server.messages)
    code, out, err = workspace.run("scan")
    assert code == 0, err

    (line,) = [line for line in out.splitlines() if "counted twice" in line]
    before = f"{Decimal(doubled):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert line.endswith(
        f"studio 2026: 2 transaction(s) were counted twice; turnover EUR {before} -> EUR 19.800,00"
    )
    assert re.search(r"EUR 2\d\.\d{3},\d\d -> EUR 19\.800,00", line)
    status = workspace.status()
    assert status["turnover"] == "19800.00"
    # The crossing was sent: it stands until a person decides (U3), and one email says so.
    assert status["crossed"] is True and "ADVISER_REVIEW" in status["flags"]
    assert len(smtp_server.messages) == sent + 1
    text, _ = text_and_html(smtp_server.messages[-1])
    assert "2 betalingen werden dubbel geteld" in text and "Elke betaling telt nu één keer" in text
    assert "BLIJFT STAAN" in text

    rows = ledger_rows(workspace)
    assert len(counted(rows)) == 11
    for month in ("2026-08-12", "2026-09-12"):
        (row,) = [r for r in rows if r["date"] == month]
        assert "camt-2026.xml" in row["also_in"]


def test_the_merge_runs_once_and_a_second_run_changes_nothing(
    workspace: Workspace, smtp_server: SmtpServer, doubled: str
) -> None:
    code, _, err = workspace.run("status")
    assert code == 0
    assert "were counted twice" in err  # a reading command merges too, and says so on stderr
    assert workspace.run("scan")[0] == 0  # delivers the correction the merge queued
    path = workspace.root / "state" / "ledger.sqlite3"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        stored = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        assert db.execute("SELECT done_at FROM ledger_tasks").fetchone()[0] is not None
        db.execute("UPDATE ledger_tasks SET done_at = NULL")  # as if it had not run
    sent = len(smtp_server.messages)
    code, out, err = workspace.run("scan")
    assert code == 0, err
    assert "counted twice" not in out + err  # nothing more to merge
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == stored
    assert len(smtp_server.messages) == sent
    assert workspace.status()["turnover"] == "19800.00"


def test_a_ledger_without_duplicates_is_left_as_it_was(
    workspace: Workspace, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(workspace, "ing-csv", MONTHLY[:6], "first-half")
    deliver(workspace, "camt", MONTHLY[6:], "second-half")
    before = workspace.status()
    written_before_issue_13(workspace)
    code, out, err = workspace.run("scan")
    assert code == 0, err
    assert "counted twice" not in out
    assert workspace.status() == before


def test_a_decision_on_a_merged_double_stays_with_the_payment(
    workspace: Workspace, smtp_server: SmtpServer, doubled: str
) -> None:
    path = workspace.root / "state" / "ledger.sqlite3"
    with sqlite3.connect(path) as db:
        # The August payment as the CAMT carried it: the double the merge will take away.
        (double,) = db.execute(
            "SELECT r.id FROM records AS r JOIN documents AS d ON d.sha256 = r.document "
            "WHERE r.date = '2026-08-12' AND d.name LIKE '%camt-2026.xml'"
        ).fetchone()
        db.execute(
            "INSERT INTO decisions (business, record, category, note, author, decided_at) "
            "VALUES ('studio', ?, 'loan', 'a loan from Atelier Zuid', 'selina', "
            "'2026-11-20T10:00:00+01:00')",
            (double,),
        )
    assert workspace.run("scan")[0] == 0

    (august,) = [row for row in ledger_rows(workspace) if row["date"] == "2026-08-12"]
    assert (august["decided_by"], august["counted"]) == ("selina", "false")
    assert workspace.status()["turnover"] == "18000.00"  # 19,800 less the loan


@pytest.mark.parametrize(
    ("language", "count", "said"),
    [
        ("nl", 1, "Eén betaling werd dubbel geteld: ze kwam twee keer binnen"),
        ("nl", 3, "3 betalingen werden dubbel geteld: ze kwamen twee keer binnen"),
        ("en", 1, "One payment was counted twice: it had reached korwatch"),
        ("en", 3, "3 payments were counted twice: each had reached korwatch"),
    ],
)
def test_the_correction_of_a_merge_says_one_payment_or_several_in_plain_words(
    language: str, count: int, said: str
) -> None:
    payload = sample_payload("correction", "studio", "Studio Noord")
    payload["cause"] = {
        "merged": {"count": count, "turnover_before": "21310.00", "turnover_after": "18290.00"}
    }
    rendered = compose(environment(), language, payload, None).rendered
    for body in (rendered.text, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", rendered.html))):
        assert said in re.sub(r"\s+", " ", body)
        assert "(s)" not in body


def test_a_business_merged_while_out_of_the_config_comes_back_with_its_merged_figures(
    workspace: Workspace, doubled: str
) -> None:
    """Its stored evaluation, made before the merge, is not read back when it returns."""
    config = load_config(workspace.config)
    connection = connect(workspace.root / "state" / "ledger.sqlite3")  # migrated, not merged
    (found,) = standings(connection, config, config.businesses, 2026)
    connection.close()
    assert found.this.turnover_cents == int(Decimal(doubled) * 100)  # stored, counted twice
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text.replace('id = "studio"', 'id = "elsewhere"'), "utf-8")
    assert workspace.run("scan")[0] == 0  # merges the studio's records, not in the config
    workspace.config.write_text(text, encoding="utf-8")
    stored = workspace.run("status", "--json")
    assert stored[1] == workspace.run("status", "--json", "--recompute")[1]
    assert workspace.status()["turnover"] == "19800.00"
