"""Every email kind renders in Dutch and English, strictly, and says the same in text and HTML."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import jinja2
import pytest

from korwatch.notify.chart import PNG_SIGNATURE
from korwatch.notify.compose import compose, email_for
from korwatch.notify.render import environment, message_id
from korwatch.reporting.samples import KINDS, sample_payload
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

LANGUAGES = ("nl", "en")
WHEN = datetime(2026, 9, 15, 7, 0, tzinfo=UTC)
# Money as the emails write it: "€ 21.000,00" (nl) or "€21,000.00" (en); dates as "14 september
# 2026" (nl) or "14 September 2026" (en).
MONEY = {
    "nl": re.compile(r"-?€ \d{1,3}(?:\.\d{3})*,\d\d"),
    "en": re.compile(r"-?€\d{1,3}(?:,\d{3})*\.\d\d"),
}
DATE = re.compile(r"\b\d{1,2} [A-Za-z]+ 20\d\d\b")


def _email(kind: str, language: str) -> EmailMessage:
    payload = sample_payload(kind, "studio", "Fotostudio Wout")
    message = email_for(
        environment(),
        language,
        payload,
        sender="korwatch@example.nl",
        recipients=("selina@example.nl",),
        message_id=message_id(7, "studio", 2026, kind, "korwatch@example.nl"),
        when=WHEN,
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def test_the_packaged_templates_are_exactly_the_known_kinds_in_both_languages() -> None:
    root = Path(__file__).resolve().parents[2] / "templates"
    for language in LANGUAGES:
        names = {p.name for p in (root / language).iterdir() if not p.name.startswith("_")}
        expected = {
            f"{kind}.{suffix}" for kind in KINDS for suffix in ("subject.txt", "txt", "html")
        }
        assert names == expected | {"report.html"}  # the `korwatch report` page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_strictly_with_a_subject_text_and_html(kind: str, language: str) -> None:
    composed = compose(
        environment(), language, sample_payload(kind, "studio", "Fotostudio Wout"), None
    )
    rendered = composed.rendered
    assert rendered.subject and "\n" not in rendered.subject
    assert "Fotostudio Wout" in rendered.subject
    assert rendered.text.strip() and rendered.html.lstrip().startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in rendered.html
    assert "{{" not in rendered.text + rendered.html  # nothing left unrendered


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_required_figure_is_an_error_not_a_blank(kind: str) -> None:
    payload = sample_payload(kind, "studio", "Fotostudio Wout")
    del payload["business"]
    with pytest.raises(jinja2.UndefinedError):
        compose(environment(), "nl", payload, None)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_the_text_part_holds_the_same_figures_and_dates_as_the_html_part(
    kind: str, language: str
) -> None:
    text, html = _parts(_email(kind, language))
    for pattern in (MONEY[language], DATE):
        assert set(pattern.findall(html)) == set(pattern.findall(text)), pattern.pattern


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["warning", "crossed", "digest"])
def test_chart_emails_are_alternative_text_then_related_html_with_an_inline_png(
    kind: str, language: str
) -> None:
    message = _email(kind, language)
    assert message.get_content_type() == "multipart/alternative"
    for header in ("Date", "Message-ID", "From", "To", "Subject"):
        assert message[header]
    text, related = list(message.iter_parts())
    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
    assert related.get_content_type() == "multipart/related"
    html, image = list(related.iter_parts())
    assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
    assert image.get_content_type() == "image/png"
    assert image.get_content_disposition() == "inline"
    png = image.get_content()
    assert png.startswith(PNG_SIGNATURE) and 10_000 < len(png) < 300_000
    cid = str(image["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in str(html.get_content())


@pytest.mark.parametrize("kind", ["eligibility", "source-stale", "source-failing", "test"])
def test_emails_without_a_chart_are_plain_alternative_text_and_html(kind: str) -> None:
    message = _email(kind, "nl")
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_images_blocked_the_html_still_has_alt_text_and_the_monthly_table(
    language: str,
) -> None:
    _, html = _parts(_email("crossed", language))
    assert re.search(r'<img [^>]*alt="[^"]{40,}"', html)
    months = (
        ("september 2026", "€ 21.000,00") if language == "nl" else ("September 2026", "€21,000.00")
    )
    row = html[html.index(f">{months[0]}</td>") :][:200]
    assert months[1] in row


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_emails_load_nothing_from_outside_and_track_nothing(kind: str, language: str) -> None:
    _, html = _parts(_email(kind, language))
    assert not re.search(r"(src|href)=\"(?!cid:)", html)
    assert "http://" not in html and "https://" not in html


def test_an_older_crossing_event_without_a_series_still_renders_without_a_chart() -> None:
    payload = sample_payload("crossed", "studio", "Fotostudio Wout")
    del payload["cumulative"], payload["warn_levels"]
    composed = compose(environment(), "nl", payload, None)
    assert composed.chart is None
    assert "<img" not in composed.rendered.html
    assert "kwartaal 3 van 2026" in composed.rendered.text


def test_subjects_carry_the_news() -> None:
    subjects = {
        kind: compose(
            environment(), "nl", sample_payload(kind, "s", "Studio"), None
        ).rendered.subject
        for kind in KINDS
    }
    assert subjects["crossed"].startswith(
        "KOR-grens 2026 overschreden door factuur 2026-042: meld je direct af"
    )
    assert subjects["warning"].startswith("KOR 2026: 76,5% van de grens bereikt, nog € 4.700,00")
    assert subjects["eligibility"].startswith(
        "KOR 2027: geen KOR dit jaar, omzet 2026 was € 21.000,00"
    )
    assert "36 dagen" in subjects["source-stale"]
    assert "moneybird" in subjects["source-failing"]


def test_a_crossing_without_an_invoice_number_names_the_date_in_the_subject() -> None:
    payload = sample_payload("crossed", "s", "Studio")
    payload["item"]["invoice"] = ""
    subject = compose(environment(), "nl", payload, None).rendered.subject
    assert "overschreden op 14 september 2026: meld je direct af" in subject


def test_a_user_template_in_templates_dir_overrides_the_packaged_one(tmp_path: Path) -> None:
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "warning.subject.txt").write_text(
        "Eigen onderwerp {{ turnover | eur(lang) }}"
    )
    payload = sample_payload("warning", "s", "Studio")
    rendered = compose(environment(tmp_path), "nl", payload, None).rendered
    assert rendered.subject == "Eigen onderwerp € 15.300,00"
    assert "nadert de KOR-grens" in rendered.text  # the other parts are still the packaged ones


def test_the_warning_shows_headroom_and_the_forecast() -> None:
    text = compose(environment(), "nl", sample_payload("warning", "s", "S"), None).rendered.text
    assert "Nog ruimte:           € 4.700,00" in text
    assert "Verwachte omzet eind 2026: € 27.400,00" in text
    assert "Verwachte overschrijding: 5 oktober 2026" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_digest_built_from_the_status_data_renders_like_the_daemon_records_it(
    workspace: Workspace, language: str
) -> None:
    """The daemon's digest payload is `status` data plus sources and the ISO week."""
    workspace.drop("ing.csv", ing_csv([Payment(date(2026, 3, 1), Decimal("16000.00"), "Klant")]))
    assert workspace.run("scan")[0] == 0
    payload = {
        **workspace.status(),
        "business": {"id": "studio", "name": "Fotostudio Wout"},
        "kind": "digest",
        "week": "2026-W48",
        "sources": [{"source": "directory inbox", "last_success_at": None, "last_error": "boom"}],
        "detected_at": "2026-11-26T11:00:00+00:00",
    }
    rendered = compose(environment(), language, payload, None).rendered
    assert "week 48" in rendered.subject and "Fotostudio Wout" in rendered.subject
    assert "directory inbox" in rendered.text and "boom" in rendered.html
    assert ("€ 4.000,00" if language == "nl" else "€4,000.00") in rendered.text  # headroom


def test_a_crossed_digest_says_how_far_over_instead_of_a_negative_headroom() -> None:
    text = compose(environment(), "nl", sample_payload("digest", "s", "S"), None).rendered.text
    assert "Boven de grens:     € 1.500,00" in text and "-€" not in text
