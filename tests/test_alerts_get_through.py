"""Nothing one business's file holds may stop another business's alert (issue 17, D1).

A record dated far outside the years korwatch can reason about (9999-12-31) is refused with
the line named; an alert that still cannot be built (an event stored by an older korwatch) is
marked failed with its reason while the other alerts go out; `status --year 9999` is a usage
error. Real parts: the CLI in-process, a real ledger file, a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, ing_csv

NOW = "2026-11-26T12:00:00+01:00"


def _add_bakery(workspace: Workspace, tmp_path: Path) -> Path:
    """A second business with its own inbox and recipient."""
    inbox = tmp_path / "bakery"
    inbox.mkdir()
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        f"""{text}
[[business]]
id = "bakery"
name = "Bakkerij Jansen"
recipients = ["bakker@example.nl"]
  [[business.source]]
  type = "directory"
  path = "{inbox}"
  settle_seconds = 0
""",
        encoding="utf-8",
    )
    return inbox


def test_a_year_9999_credit_does_not_stop_other_alerts(
    workspace: Workspace, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    bakery = _add_bakery(workspace, tmp_path)
    workspace.drop(
        "far-future.csv",
        ing_csv(
            [
                Payment(date(2026, 3, 1), Decimal("100.00"), "Klant A"),
                Payment(date(9999, 12, 31), Decimal("25000.00"), "Klant B"),
            ]
        ),
    )
    (bakery / "ing.csv").write_text(
        ing_csv([Payment(date(2026, 10, 1), Decimal("21000.00"), "Hotel Noord")]),
        encoding="utf-8",
    )
    code, _, err = workspace.run("scan", now=NOW)
    assert code == 1
    # The file is refused whole, naming the line (the 9999 payment is the header's next line:
    # the export lists the newest first) and the years korwatch accepts.
    assert "far-future.csv: line 2: the date 9999-12-31 is outside" in err
    assert "2000-01-01 to 2027-12-31" in err
    assert "Traceback" not in err
    assert [str(m["To"]) for m in smtp_server.messages] == ["bakker@example.nl"]
    assert "overschreden" in str(smtp_server.messages[0]["Subject"])
    assert workspace.status()["turnover"] == "0.00"  # nothing of the refused file was stored


def _store_event(
    ledger: Path, business: str, year: int, level: str, payload: dict[str, object]
) -> None:
    with closing(sqlite3.connect(ledger)) as connection, connection:
        connection.execute(
            "INSERT INTO alert_events (business, year, level, kind, created_at, payload, status, "
            "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (business, year, level, payload["kind"], NOW[:19], json.dumps(payload), NOW[:19]),
        )


def test_an_alert_that_cannot_be_built_is_marked_failed_and_the_others_go_out(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.run("status", now=NOW)  # creates the ledger
    ledger = workspace.root / "state" / "ledger.sqlite3"
    business = {"id": "studio", "name": "Fotostudio Wout"}
    item = {"date": "9999-12-31", "amount": "25000.00", "invoice": "", "counterparty": "B",
            "description": "", "source": "old.csv"}  # fmt: skip
    # Stored by a korwatch that still accepted such dates: its to-do list (apply by 3 December
    # of the year after) cannot be computed.
    _store_event(ledger, "studio", 9999, "crossed", {
        "kind": "crossed", "business": business, "year": 9999, "threshold": "20000.00",
        "turnover": "25000.00", "headroom": "0.00", "level_amount": "20000.00", "before": "0.00",
        "after": "25000.00", "item": item, "provisional": True, "detected_at": NOW,
    })  # fmt: skip
    _store_event(ledger, "studio", 2026, "source-failing:x", {
        "kind": "source-failing", "business": business, "source": "http https://bank.example",
        "since": "2026-11-20", "failures": 3, "error": "HTTP 503",
    })  # fmt: skip
    code, _, err = workspace.run("scan", now=NOW)
    assert code == 1
    subjects = [str(m["Subject"]) for m in smtp_server.messages]
    assert any("bank.example" in s for s in subjects), (subjects, err)  # the good alert went out
    assert "cannot be built" in err and "year 10000 is out of range" in err
    with closing(sqlite3.connect(ledger)) as connection:
        status, error = connection.execute(
            "SELECT status, last_error FROM alert_events WHERE year = 9999"
        ).fetchone()
    assert status == "failed"
    assert "year 10000 is out of range" in error
    undelivered = workspace.status()["undelivered"]
    assert [(u["kind"], u["next_attempt_at"]) for u in undelivered] == [("crossed", None)]
    # The user hears of it by email at the next delivery (as of a refused email), and the
    # failed alert is not tried again.
    code, _, err = workspace.run("scan", now="2026-11-27T12:00:00+01:00")
    assert code == 0, err
    news = [str(m["Subject"]) for m in smtp_server.messages[len(subjects) :]]
    assert news == ["korwatch: een e-mail kon niet worden afgeleverd (Fotostudio Wout)"]
    text = smtp_server.messages[-1].get_body(preferencelist=("plain",))
    assert text is not None and "kon niet worden opgemaakt" in text.get_content()
    code, _, err = workspace.run("scan", now="2026-11-28T12:00:00+01:00")
    assert code == 0, err
    assert len(smtp_server.messages) == len(subjects) + 1


def test_status_for_a_year_out_of_range_is_a_usage_error(workspace: Workspace) -> None:
    for command in ("status", "ledger"):
        code, _, err = workspace.run(command, "--year", "9999", now=NOW)
        assert code == 2
        assert "--year 9999 is outside the years korwatch knows (2000 to 2027)" in err
        assert "Traceback" not in err
    code, _, err = workspace.run("whatif", "1000", "--date", "9999-12-31", now=NOW)
    assert code == 2 and "--date 9999-12-31 is outside 2000-01-01 to 2027-12-31" in err
    code, _, _ = workspace.run("status", "--year", "2027", now=NOW)
    assert code == 0
