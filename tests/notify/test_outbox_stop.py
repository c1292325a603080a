"""The outbox asks `stop` before each email: a stopping daemon starts no new send."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from korwatch import scan
from korwatch.config.load import load_config
from korwatch.notify.outbox import deliver_due
from korwatch.sources import DocumentInput
from tests.helpers import Payment, ing_csv

NOW = datetime.fromisoformat("2026-11-26T12:00:00+01:00")


def test_a_stop_leaves_the_due_emails_pending_for_the_next_run(tmp_path: Path) -> None:
    config_path = tmp_path / "korwatch.toml"
    config_path.write_text(
        f'state_dir = "state"\n[email]\nbackend = "file"\ndir = "{tmp_path / "mail"}"\n'
        '[[business]]\nid = "studio"\nrecipients = ["a@example.nl"]\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    connection = scan.open_ledger(config)
    export = tmp_path / "ing.csv"
    export.write_text(ing_csv([Payment(date(2026, 3, 1), Decimal("21000.00"))]), "utf-8")
    document = DocumentInput(export, export.name)
    assert scan.import_document(connection, config, config.businesses[0], document, NOW).new == 1

    stopped = deliver_due(connection, config, NOW, stop=lambda: True)
    assert stopped.sent == [] and stopped.failed == []
    assert not (tmp_path / "mail").exists()
    statuses = connection.execute("SELECT status FROM alert_events").fetchall()
    assert ("pending",) in statuses

    later = deliver_due(connection, config, NOW)
    assert len(later.sent) == 1 and len(list((tmp_path / "mail").glob("*.eml"))) == 1
