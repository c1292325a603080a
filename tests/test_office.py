"""The accountant (`[office]`): every crossing reaches the office (its own email naming the
client, or in copy on the client's), and the portfolio digest ranks every client by risk. Mail
goes through a real SMTP server; the ledger is a real file; only the clock is fixed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from korwatch.cli import main
from korwatch.config.load import load_config
from korwatch.daemon.jobs import office_digest_job, scan_job
from korwatch.daemon.service import Daemon
from korwatch.errors import ConfigError
from tests.conftest import Workspace
from tests.helpers import SmtpServer, clients_config, config_text, text_and_html
from tests.test_edited_invoices import INVOICES, edited, invoice_csv

OFFICE = "boekhouding@kantoor.example.nl"
NOW = "2026-06-30T12:00:00+02:00"


def office_config(
    root: Path, smtp: SmtpServer, clients: dict[str, int | None], office: str
) -> Path:
    email = f'backend = "smtp"\nhost = "127.0.0.1"\nport = {smtp.port}\ntimeout = 5'
    return clients_config(root, clients, email, office)


def _scan(path: Path, monkeypatch: pytest.MonkeyPatch, now: str = NOW) -> None:
    monkeypatch.setenv("KORWATCH_NOW", now)
    monkeypatch.setenv("KORWATCH_CHART_IN_PROCESS", "1")
    assert scan_job(load_config(path), lambda: False) is not None


def test_the_office_gets_each_crossing_as_its_own_email_naming_the_client_once(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = {"bakker": 21000, "slager": 16000}
    path = office_config(tmp_path, smtp_server, clients, f'[office]\nrecipients = ["{OFFICE}"]')
    _scan(path, monkeypatch)
    _scan(path, monkeypatch)  # nothing new: nothing sent again
    sent = {(m["To"], str(m["Subject"])) for m in smtp_server.messages}
    assert len(smtp_server.messages) == 3, sent
    office = [m for m in smtp_server.messages if m["To"] == OFFICE]
    assert len(office) == 1  # the crossing only; the slager's warning is the client's own
    subject = str(office[0]["Subject"])
    assert subject.startswith("Klant Klant bakker over de KOR-grens 2026")
    text, html = text_and_html(office[0])
    assert "klant Klant bakker (bakker)" in text
    assert "bakker@klant.example.nl" in text and "bakker@klant.example.nl" in html
    assert "meld je af voor de KOR" in text  # the client's to-do list, as the client got it
    client = next(m for m in smtp_server.messages if m["To"] == "bakker@klant.example.nl")
    assert client["Cc"] is None and client["Bcc"] is None


@pytest.mark.parametrize("mode", ["cc", "bcc"])
def test_the_office_can_be_in_copy_of_the_clients_crossing_email_instead(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    office = f'[office]\nrecipients = ["{OFFICE}"]\ncrossing = "{mode}"'
    path = office_config(tmp_path, smtp_server, {"bakker": 21000}, office)
    _scan(path, monkeypatch)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    _, recipients = smtp_server.handler.envelopes[0]
    assert recipients == ["bakker@klant.example.nl", OFFICE]
    assert message["Cc"] == (OFFICE if mode == "cc" else None)
    assert message["Bcc"] is None  # never shown to the client


def test_without_an_office_or_with_crossing_none_the_office_gets_nothing(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = f'[office]\nrecipients = ["{OFFICE}"]\ncrossing = "none"'
    path = office_config(tmp_path, smtp_server, {"bakker": 21000}, office)
    _scan(path, monkeypatch)
    assert [m["To"] for m in smtp_server.messages] == ["bakker@klant.example.nl"]


def test_the_portfolio_digest_ranks_every_client_by_risk(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    clients = {
        "rustig": 3000,  # 15 %, no forecast crossing: only its review items
        "storing": None,  # its folder is missing: the source fails
        "prognose": 11000,  # 55 % at the end of June: expected to cross in December
        "warm": 15500,  # 77.5 %
        "heet": 18600,  # 93 %
        "over": 21000,  # crossed
    }
    office = f'[office]\nname = "Kantoor De Boer"\nrecipients = ["{OFFICE}"]\ndigest = "weekly"'
    path = office_config(tmp_path, smtp_server, clients, office)
    _scan(path, monkeypatch)
    before = len(smtp_server.messages)
    office_digest_job(load_config(path))
    office_digest_job(load_config(path))  # the same minute: recorded once
    digests = smtp_server.messages[before:]
    assert len(digests) == 1 and digests[0]["To"] == OFFICE
    subject = str(digests[0]["Subject"])
    assert subject == (
        "KOR-overzicht Kantoor De Boer 30 juni 2026: 1 over de grens, 1 boven 90%, "
        "1 boven 75% (6 klanten)"
    )
    text, html = text_and_html(digests[0])
    order = [text.index(f"({client})") for client in clients]
    assert order == sorted(order, reverse=True)  # listed from "over" down to "rustig"
    assert "verwacht over de grens op" in text.split("(prognose)")[1].split("\n")[1]
    storing = text.split("(storing)")[1].split("\n")[1]
    assert "bron directory" in storing and "1 keer mislukt, sinds 30 juni 2026" in storing
    assert "failing" not in storing and "since" not in storing  # Dutch, not English
    assert "10 posten te beoordelen" in text.split("(rustig)")[1].split("\n")[1]
    assert 'width="100"' in html and 'style="width: 93px;' in html  # a bar per client


def test_the_office_keys_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "korwatch.toml"
    path.write_text(
        '[office]\nname = "K"\ncrossing = "fax"\ndigest = "fortnightly"\nlanguage = "de"\n'
        '[email]\nbackend = "file"\ndir = "mail"\n'
        '[[business]]\nid = "a"\nrecipients = ["a@example.nl"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.problems == [
        "office.recipients: at least one email address is required in [office]",
        'office.language: "de" is not one of "nl", "en"',
        'office.crossing: "fax" is not one of "own", "cc", "bcc", "none"',
        'office.digest: "fortnightly" is neither an interval ("30s", "15m", "1h", "1d") nor a '
        "five-field cron expression",
    ]


def test_the_daemon_schedules_the_portfolio_digest_only_when_asked(tmp_path: Path) -> None:
    base = (
        '[email]\nbackend = "file"\ndir = "mail"\n'
        '[[business]]\nid = "a"\nrecipients = ["a@example.nl"]\n'
    )
    path = tmp_path / "korwatch.toml"
    for office, expected in (
        ("", None),
        (f'[office]\nrecipients = ["{OFFICE}"]\n', None),  # off by default
        (f'[office]\nrecipients = ["{OFFICE}"]\ndigest = true\n', "0 7 * * mon"),
        (f'[office]\nrecipients = ["{OFFICE}"]\ndigest = "daily"\n', "0 7 * * *"),
        (f'[office]\nrecipients = ["{OFFICE}"]\ndigest = "12h"\n', "12h"),
    ):
        path.write_text(office + base, encoding="utf-8")
        config = load_config(path, environ={})
        assert config.office.digest == expected
        daemon = Daemon(config, path)
        daemon._schedule_jobs(first=True)
        assert (daemon.scheduler.get_job("office-digest") is not None) == (expected is not None)


def test_preview_renders_the_portfolio_digest_from_the_ledger(
    tmp_path: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    office = f'[office]\nname = "Kantoor De Boer"\nrecipients = ["{OFFICE}"]\nlanguage = "en"'
    path = office_config(tmp_path, smtp_server, {"a": 21000, "b": 5000}, office)
    _scan(path, monkeypatch)
    capsys.readouterr()
    assert main(["preview", "office-digest", "-c", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "office-digest for the office in en: ledger figures" in err
    assert out.startswith(
        "Subject: KOR overview Kantoor De Boer 30 June 2026: 1 over the threshold"
    )
    assert out.index("(a)") < out.index("(b)")
    ledger = sqlite3.connect(tmp_path / "state" / "ledger.sqlite3")
    digests = "SELECT COUNT(*) FROM alert_events WHERE kind = 'office-digest'"
    assert ledger.execute(digests).fetchone() == (0,)  # a preview records nothing
    ledger.close()


def test_the_digest_counts_every_client_with_a_risk_not_only_those_it_ranks_by(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every client has review items and the two past 75 % are expected to cross too: the
    # summary's "expected to cross" and "items to review" must count them, not only the
    # clients whose most severe risk that is (it said 0 and 0 above a list naming them).
    clients = {"warm": 15500, "heet": 18600, "over": 21000, "rustig": 3000}
    office = f'[office]\nrecipients = ["{OFFICE}"]\ndigest = "weekly"\nlanguage = "en"'
    path = office_config(tmp_path, smtp_server, clients, office)
    _scan(path, monkeypatch)
    before = len(smtp_server.messages)
    office_digest_job(load_config(path))
    text, html = text_and_html(smtp_server.messages[before])
    text = text.replace("\r\n", "\n")
    listed = text.split("\n\n", 3)[2]  # the clients, after the title and the summary

    def summary(label: str) -> int:
        return int(text.split(label, 1)[1].split("\n", 1)[0].strip())

    assert summary("Expected to cross:") == listed.count("expected to cross on") == 2
    assert summary("Clients with items to review:") == listed.count("10 items to review") == 4
    assert summary("Over the threshold:") == 1
    assert "2</strong> expected to cross" not in html  # only the levels are bold
    assert "2 expected to cross, 0 with a quiet or failing source, 4 with items" in html


def test_the_office_copy_of_an_english_clients_crossing_says_the_client_got_it_in_english(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The office reads Dutch, the client English: the alert quoted is the Dutch text, so it
    # cannot say it is the alert "zoals de klant die kreeg".
    path = office_config(
        tmp_path, smtp_server, {"bakker": 21000}, f'[office]\nrecipients = ["{OFFICE}"]'
    )
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Klant bakker"\n', '"Klant bakker"\nlanguage = "en"\n'))
    _scan(path, monkeypatch)
    client = next(m for m in smtp_server.messages if m["To"] == "bakker@klant.example.nl")
    assert "over the KOR threshold" in text_and_html(client)[0]
    office = next(m for m in smtp_server.messages if m["To"] == OFFICE)
    for part in text_and_html(office):
        assert "zoals de klant die kreeg" not in part
        assert "de klant kreeg haar in het Engels" in part
    assert "in het Engels.\r\n\r\n-----" in text_and_html(office)[0]  # the quote set apart


def _invoice_office(tmp_path: Path, smtp: SmtpServer) -> Workspace:
    """A client on the invoice basis (crossing withdrawn when no longer reached) and an office."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    extra = 'basis = "invoices"\n[business.uncertain]\ncredit_note_after_crossing = "recompute"'
    config = tmp_path / "korwatch.toml"
    text = config_text(inbox, smtp_port=smtp.port, extra_business=extra)
    config.write_text(text + f'\n[office]\nrecipients = ["{OFFICE}"]\n', encoding="utf-8")
    return Workspace(tmp_path, inbox, config)


def test_a_crossing_withdrawn_before_it_was_sent_is_not_sent_to_the_office_either(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    # One scan reads an invoice export that crosses and then the export that lowers the
    # crossing invoice: the client's crossing is withdrawn before it goes out; the office's
    # copy of it must go too (it went out alone, telling the office of a crossing that was not).
    workspace = _invoice_office(tmp_path, smtp_server)
    workspace.drop("a.csv", invoice_csv(INVOICES))
    workspace.drop("b.csv", invoice_csv(edited("2026-050", net="500.00")))
    code, _, err = workspace.run("scan")
    assert code == 0, err
    assert workspace.status()["crossed"] is False
    subjects = [(m["To"], str(m["Subject"])) for m in smtp_server.messages]
    assert not [s for s in subjects if "KOR-grens 2026" in s[1]], subjects
    assert OFFICE not in {to for to, _ in subjects}


def test_a_crossing_corrected_before_it_was_sent_reaches_the_office_corrected(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    # The second export raises an earlier invoice: the crossing moves to 1 September, by
    # invoice 2026-040, before anything is sent; the office's copy says so, as the client's does.
    workspace = _invoice_office(tmp_path, smtp_server)
    workspace.drop("a.csv", invoice_csv(INVOICES))
    workspace.drop("b.csv", invoice_csv(edited("2026-030", net="3000.00")))
    assert workspace.run("scan")[0] == 0
    subjects = {m["To"]: str(m["Subject"]) for m in smtp_server.messages}
    assert "2026-040" in subjects["selina@example.nl"]
    assert subjects[OFFICE] == "Klant Fotostudio Wout over de KOR-grens 2026 door factuur 2026-040"
    text, _ = text_and_html(next(m for m in smtp_server.messages if m["To"] == OFFICE))
    assert "is op 1 september 2026 boven de KOR-grens" in text


@pytest.mark.parametrize("mode", ["own", "cc", "bcc"])
def test_the_correction_of_a_crossing_the_office_was_told_of_reaches_the_office_too(
    tmp_path: Path, smtp_server: SmtpServer, mode: str
) -> None:
    # The office was told the client crossed; when a later export withdraws that crossing, the
    # office must hear it as the client does (it acted on the crossing: a deregistration).
    workspace = _invoice_office(tmp_path, smtp_server)
    workspace.config.write_text(
        workspace.config.read_text(encoding="utf-8") + f'crossing = "{mode}"\n', encoding="utf-8"
    )
    workspace.drop("a.csv", invoice_csv(INVOICES))
    assert workspace.run("scan")[0] == 0
    before = len(smtp_server.messages)
    workspace.drop("b.csv", invoice_csv(edited("2026-050", net="500.00")))
    assert workspace.run("scan")[0] == 0
    corrections = smtp_server.messages[before:]
    assert len(corrections) == 1 and "de overschrijding vervalt" in corrections[0]["Subject"]
    _, recipients = smtp_server.handler.envelopes[before]
    assert recipients == ["selina@example.nl", OFFICE]
    assert corrections[0]["Cc"] == (OFFICE if mode == "cc" else None)
    assert corrections[0]["Bcc"] is None


def test_an_office_without_a_name_gets_a_digest_that_does_not_call_it_korwatch(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = f'[office]\nrecipients = ["{OFFICE}"]\ndigest = "weekly"'
    path = office_config(tmp_path, smtp_server, {"bakker": 21000}, office)
    _scan(path, monkeypatch)
    before = len(smtp_server.messages)
    office_digest_job(load_config(path))
    digest = smtp_server.messages[before]
    assert str(digest["Subject"]).startswith("KOR-overzicht 30 juni 2026: 1 over de grens")
    for part in text_and_html(digest):
        assert "korwatch voor korwatch" not in part and "KOR-overzicht korwatch" not in part
        assert "Automatisch verstuurd door korwatch." in part.replace("\r\n", " ")
