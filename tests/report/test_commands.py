"""`report`, `preview`, `status` and the --quiet/--json output of scan and import, via the CLI."""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest

from korwatch.notify.chart import PNG_SIGNATURE
from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, ing_csv, text_and_html

D = Decimal
PAYMENTS = [
    Payment(date(2026, 2, 10), D("7500.00"), "Bakkerij Jansen", description="Factuur 2026-001"),
    Payment(date(2026, 3, 3), D("-120.50"), "KPN", description="Abonnement"),
    Payment(date(2026, 4, 2), D("950.00"), "Eigen spaarrekening", "NL20INGB0001234567", "Sparen"),
    Payment(date(2026, 5, 12), D("6000.00"), "Bureau Noord", description="Factuur 2026-014"),
    Payment(date(2026, 8, 31), D("4000.00"), "Gemeente Utrecht", description="Factuur 2026-030"),
    Payment(date(2026, 9, 14), D("2700.00"), "Studio Oost", description="Factuur 2026-042"),
]


def _crossed(workspace: Workspace) -> None:
    workspace.drop("ing-2026.csv", ing_csv(PAYMENTS))
    code, _, err = workspace.run("scan", "--quiet")
    assert code == 0, err


def test_report_writes_a_standalone_page_with_summary_chart_crossing_and_exclusions(
    workspace: Workspace,
) -> None:
    _crossed(workspace)
    out = workspace.root / "report.html"
    code, stdout, err = workspace.run("report", "--year", "2026", "--out", str(out))
    assert code == 0, err
    assert f"wrote     {out}" in stdout
    page = out.read_text(encoding="utf-8")
    assert "KOR 2026" in page and "grens overschreden" in page
    assert "€ 20.200,00" in page  # the turnover, Dutch notation
    assert "14 september 2026" in page and "2026-042" in page and "KOR beëindigen" in page
    assert "Eigen spaarrekening" in page and "own_ibans" in page  # an excluded item, and why
    assert "KPN" not in page  # debits are summed, not listed
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert data and base64.b64decode(data.group(1)).startswith(PNG_SIGNATURE)
    assert not re.search(r"(src|href)=\"(?!data:)", page)  # nothing loaded from elsewhere


def test_report_in_english_on_request(workspace: Workspace) -> None:
    _crossed(workspace)
    out = workspace.root / "report.html"
    assert workspace.run("report", "--lang", "en", "--out", str(out))[0] == 0
    page = out.read_text(encoding="utf-8")
    assert "threshold crossed" in page and "€20,200.00" in page and "14 September 2026" in page


def test_preview_renders_the_business_s_own_crossing_as_a_full_email(workspace: Workspace) -> None:
    _crossed(workspace)
    out = workspace.root / "crossed.eml"
    code, _, err = workspace.run("preview", "crossed", "--out", str(out))
    assert code == 0, err
    assert "stored event figures" in err
    message = message_from_bytes(out.read_bytes(), policy=policy.default)
    assert "overschreden door factuur 2026-042" in str(message["Subject"])
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]


def test_preview_without_figures_uses_samples_and_says_so(workspace: Workspace) -> None:
    code, out, err = workspace.run("preview", "warning", "--lang", "en")
    assert code == 0, err
    assert "sample figures" in err
    assert out.startswith("Subject: KOR 2026: 76.5% of the threshold reached")


def test_preview_html_embeds_the_chart_so_a_browser_shows_it(workspace: Workspace) -> None:
    out = workspace.root / "digest.html"
    assert workspace.run("preview", "digest", "--out", str(out))[0] == 0
    assert 'src="data:image/png;base64,' in out.read_text(encoding="utf-8")


def test_status_is_a_table_with_dutch_amounts_and_no_colour_when_piped(
    workspace: Workspace,
) -> None:
    _crossed(workspace)
    code, out, _ = workspace.run("status", "--year", "2026")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split() == [
        "BUSINESS",
        "YEAR",
        "TURNOVER",
        "THRESHOLD",
        "HEADROOM",
        "USED",
        "LEVEL",
    ]
    assert "€ 20.200,00" in row and "101,0%" in row and "CROSSED (provisional)" in row
    assert "\x1b[" not in out


def test_quiet_scan_prints_nothing_when_all_went_well(workspace: Workspace) -> None:
    workspace.drop("ing-2026.csv", ing_csv(PAYMENTS[:2]))
    assert workspace.run("scan", "--quiet") == (0, "", "")


def test_quiet_scan_still_prints_errors(workspace: Workspace) -> None:
    workspace.drop("junk.csv", "not,a,bank\n1,2,3\n")
    code, out, err = workspace.run("scan", "-q")
    assert code == 1 and out == "" and "FAILED" in err and "junk.csv" in err


def test_scan_and_import_json_are_one_object_for_scripts(workspace: Workspace) -> None:
    path = workspace.drop("ing-2026.csv", ing_csv(PAYMENTS))
    code, out, _ = workspace.run("import", str(path), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["failed"] is False
    assert result["documents"][0]["status"] == "imported" and result["documents"][0]["new"] == 6
    assert len(result["emails"]["sent"]) == 1
    code, out, _ = workspace.run("scan", "--json")
    assert json.loads(out)["documents"][0]["status"] == "known"


def test_a_warning_email_carries_headroom_forecast_and_the_chart(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("ing-2026.csv", ing_csv(PAYMENTS[:5]))  # 7500 + 6000 + 4000 by 31 August
    code, _, err = workspace.run("scan", now="2026-09-01T09:00:00+02:00")
    assert code == 0, err
    (message,) = smtp_server.messages
    text, html = text_and_html(message)
    assert "Nog ruimte:           € 2.500,00" in text
    assert "Verwachte omzet eind 2026: € " in text and "Verwachte overschrijding: " in text
    assert "Verwachte omzet eind 2026" in html and 'src="cid:' in html


@pytest.mark.parametrize("kind", ["warning", "crossed", "digest"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_figures_of_an_email_stand_in_one_column(
    workspace: Workspace, kind: str, lang: str
) -> None:
    # "Omzet {{ year }}:" is six characters longer in the template than in the email: its
    # amount stood left of the threshold's below it.
    code, out, err = workspace.run("preview", kind, "--sample", "--lang", lang)
    assert code == 0, err
    lines = out.splitlines()
    first = next(
        i for i, line in enumerate(lines) if line.startswith(("Omzet 2026:", "Turnover 2026:"))
    )
    block = [line for line in lines[first : first + 3] if re.match(r"^[A-Z][^:]*: +€", line)]
    assert len(block) >= 2, lines[first : first + 3]
    assert len({line.index("€") for line in block}) == 1, block
