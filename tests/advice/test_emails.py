"""The autumn email and the crossed email's euros, through a real SMTP server, in nl and en.

The exports are dropped into the inbox of a directory source and `korwatch scan` runs with the
clock fixed; what arrives at the aiosmtpd server on 127.0.0.1 is what a user would read.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date

import pytest

from tests.advice.ledgers import (
    builder_csv,
    consultant_csv,
    crossing_csv,
    hairdresser_csv,
    photographer_csv,
)
from tests.conftest import Workspace
from tests.helpers import SmtpServer, text_and_html

SEPTEMBER_30 = date(2026, 9, 30)  # the exports end the day before the autumn check
SUMUP_IS_CONSUMERS = """  [[business.advice.customer]]
  counterparty = "SumUp"
  kind = "consumer\""""
SPACES_IS_21 = """  [[business.advice.cost]]
  counterparty = "Spaces"
  vat = "general\""""


def _configure(workspace: Workspace, extra: str) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    marker = 'own_ibans = ["NL20INGB0001234567"]\n'
    workspace.config.write_text(text.replace(marker, marker + extra + "\n"), encoding="utf-8")


def _autumn(server: SmtpServer) -> list[tuple[str, str, str]]:
    """The autumn emails received: (subject, text, html)."""
    found = []
    for message in server.messages:
        text, html = text_and_html(message)
        if "moeite waard?" in text or "still worth it?" in text:
            found.append((str(message["Subject"]), text, html))
    return found


def test_the_autumn_email_goes_out_once_from_1_october_in_dutch(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """The hairdresser: staying pays by thousands, far beyond EUR 500. Nothing on 30 September;
    one email on 1 October saying so, with the last day to deregister for 1 January (3 December);
    nothing more on 2 October or in November."""
    _configure(workspace, SUMUP_IS_CONSUMERS)
    workspace.drop("ing-2026.csv", hairdresser_csv(SEPTEMBER_30))
    assert workspace.run("scan", now="2026-09-30T12:00:00+02:00")[0] == 0
    assert _autumn(smtp_server) == []
    assert workspace.run("scan", now="2026-10-01T09:00:00+02:00")[0] == 0
    emails = _autumn(smtp_server)
    assert len(emails) == 1
    subject, text, html = emails[0]
    _, answer, _ = workspace.run("advise", "--json", now="2026-10-01T09:00:00+02:00")
    verdict = json.loads(answer)["businesses"][0]["verdict"]
    assert verdict["choice"] == "stay"
    euros = f"{-float(verdict['difference']['high']):,.0f}".replace(",", ".")
    assert subject == f"KOR: blijven loont, ongeveer € {euros} tegenover afmelden (Fotostudio Wout)"
    assert "In de KOR blijven loont: afmelden per 1 januari 2027 kost in 2027" in text
    assert "Niets te doen: de KOR loopt vanzelf door" in text
    assert "uiterlijk 3 december 2026" in text and "uiterlijk 3 december 2026" in html
    assert "particulier" in text  # the customers: 100 % consumers by the user's rule
    for now in ("2026-10-02T09:00:00+02:00", "2026-11-20T09:00:00+01:00"):
        assert workspace.run("scan", now=now)[0] == 0
    assert len(_autumn(smtp_server)) == 1


def test_the_autumn_email_in_english_says_leaving_pays_and_by_when(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """The consultant saves about EUR 400 a year outside the KOR; with notify_difference = 300
    that is worth an email, in English."""
    extra = 'language = "en"\n  [business.advice]\n  notify_difference = 300\n' + SPACES_IS_21
    _configure(workspace, extra)
    workspace.drop("ing-2026.csv", consultant_csv(SEPTEMBER_30))
    assert workspace.run("scan", now="2026-10-01T09:00:00+02:00")[0] == 0
    emails = _autumn(smtp_server)
    assert len(emails) == 1
    subject, text, html = emails[0]
    assert subject.startswith("KOR: leaving from 1 January 2027 would save about €")
    assert subject.endswith("; deregister by 3 December 2026 (Fotostudio Wout)")
    assert "To leave from 1 January 2027: deregister from the KOR in Mijn Belastingdienst" in text
    assert "VAT businesses deduct themselves" in text and "VAT businesses deduct" in html
    assert "What would turn it around" in html


def test_a_difference_under_the_threshold_sends_nothing_and_is_weighed_again_the_next_day(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """The photographer without the camera: staying pays about EUR 400, under EUR 500: no email
    on 1 October, weighed once that day. Lowering the threshold to 300 the same day changes
    nothing (already weighed today); the next day the email goes out."""
    _configure(workspace, 'language = "en"\n  [business.advice]\n  notify_difference = 500')
    workspace.drop("ing-2026.csv", photographer_csv(SEPTEMBER_30))
    assert workspace.run("scan", now="2026-10-01T09:00:00+02:00")[0] == 0
    assert _autumn(smtp_server) == []
    database = workspace.root / "state" / "ledger.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT business, year, checked_on FROM advice_checks")
        assert rows.fetchall() == [("studio", 2026, "2026-10-01")]
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text.replace("= 500", "= 300"), encoding="utf-8")
    assert workspace.run("scan", now="2026-10-01T18:00:00+02:00")[0] == 0
    assert _autumn(smtp_server) == []
    assert workspace.run("scan", now="2026-10-02T09:00:00+02:00")[0] == 0
    emails = _autumn(smtp_server)
    assert len(emails) == 1 and emails[0][0].startswith("KOR: staying pays, about €")


def test_the_autumn_email_is_off_with_its_switch(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, SUMUP_IS_CONSUMERS + "\n  [business.advice]\n  autumn_email = false")
    workspace.drop("ing-2026.csv", hairdresser_csv(SEPTEMBER_30))
    assert workspace.run("scan", now="2026-10-01T09:00:00+02:00")[0] == 0
    assert _autumn(smtp_server) == []


@pytest.mark.parametrize(
    ("language", "subject_word", "heading", "deductible", "amounts"),
    [
        ("nl", "overschreden", "Wat de overschrijding in euro",
         "ongeveer € 221 op 2 aankopen sinds 14 september 2026; nog 1 betaling (€ 242,00) die "
         "korwatch niet kan plaatsen: tot € 42 meer", ("€ 105,00", "€ 86,78")),
        ("en", "crossed", "What the crossing changes in euros",
         "about €221 on 2 purchases since 14 September 2026; 1 more payment (€242.00) korwatch "
         "cannot place: up to €42 more", ("€105.00", "€86.78")),
    ],
)  # fmt: skip
def test_the_crossed_email_says_what_the_crossing_changes_in_euros(
    workspace: Workspace,
    smtp_server: SmtpServer,
    language: str,
    subject_word: str,
    heading: str,
    deductible: str,
    amounts: tuple[str, str],
) -> None:
    """tests/advice/ledgers.crossing_csv: since 14 September 2026, Kamera Express 1,210.00 (VAT
    210.00, on the crossing day itself) and KPN 60.50 (10.50): about EUR 221 on 2 purchases;
    Hendriks 242.00 unplaced, up to 42.00 more. Later credit: Klant X 500.00: VAT 105.00 on top
    or 86.78 inside."""
    _configure(workspace, f'language = "{language}"')
    workspace.drop("ing-2026.csv", crossing_csv())
    assert workspace.run("scan", now="2026-11-26T12:00:00+01:00")[0] == 0
    crossed = [m for m in smtp_server.messages if subject_word in str(m["Subject"])]
    assert len(crossed) == 1
    text, html = text_and_html(crossed[0])
    for part in (text, html):
        assert heading in part and deductible in part and "Klant X" in part
        assert amounts[0] in part and amounts[1] in part


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("nl", "Subject: KOR: blijven loont, minstens € 337 tegenover afmelden"),
        ("en", "Subject: KOR: staying pays, at least €337 against leaving"),
    ],
)
def test_a_range_in_the_subject_is_its_nearer_end_said_as_at_least(
    workspace: Workspace, language: str, subject: str
) -> None:
    """The hairdresser without the rule that SumUp's payers are consumers: they may be
    businesses or consumers, so staying pays between EUR 337 and EUR 3,293 (the scenario's
    figures); the subject says "at least" the nearer end, not "about" it."""
    _configure(workspace, f'language = "{language}"')
    workspace.drop("ing-2026.csv", hairdresser_csv())
    now = "2026-11-26T12:00:00+01:00"
    assert workspace.run("scan", now=now)[0] == 0
    out = workspace.root / "advice.txt"
    assert workspace.run("preview", "advice", "--out", str(out), now=now)[0] == 0
    assert out.read_text(encoding="utf-8").startswith(subject)


def test_the_preview_of_an_email_never_sent_without_a_verdict_shows_the_sample(
    workspace: Workspace,
) -> None:
    """The builder's verdict is uncertain: no autumn email goes out for it, so its preview is
    the sample email (whose subject is a verdict), not one that names a choice nobody made."""
    workspace.drop("ing-2026.csv", builder_csv())
    now = "2026-11-26T12:00:00+01:00"
    assert workspace.run("scan", now=now)[0] == 0
    _, answer, _ = workspace.run("advise", "--json", now=now)
    assert json.loads(answer)["businesses"][0]["verdict"]["choice"] == "uncertain"
    out = workspace.root / "advice.txt"
    code, said, err = workspace.run("preview", "advice", "--out", str(out), now=now)
    assert code == 0 and "sample figures" in said + err
    assert "buiten de KOR blijven loont" not in out.read_text(encoding="utf-8")
