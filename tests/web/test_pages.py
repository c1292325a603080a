"""The pages, read through the Flask application: what each shows, in Dutch and English,
sorted and filtered through the query string."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

from korwatch.config.load import load_config
from tests.helpers import Payment, ing_csv
from tests.web.conftest import NOW, Web, add_business


def _rows(page: str) -> list[str]:
    """The business ids of the overview's lines, in order."""
    return re.findall(r'<span class="muted">([a-z0-9-]+)(?: · [^<]*)?</span></td>', page)


def test_the_overview_shows_each_business_with_turnover_share_level_forecast_and_review(
    web: Web,
) -> None:
    page = web.page("/")
    assert "Overzicht 2026" in page and "Fotostudio Wout" in page
    assert "€ 16.500,00" in page and "82,5%" in page
    assert '<span class="badge warning">grens in zicht</span>' in page
    assert "€ 18.250,00" in page  # the run-rate forecast to the year end
    assert "26 november 2026" in page  # the directory source's last new data
    assert '<a href="/review?business=studio&amp;year=2026">3</a>' in page
    english = web.page("/?lang=en")
    assert (
        "Overview 2026" in english and "€16,500.00" in english and "threshold in sight" in english
    )
    assert "Overview 2026" in web.page("/")  # the choice is kept for the session


def test_the_overview_sorts_and_filters_through_the_query_string(web: Web) -> None:
    inbox = add_business(web.workspace, "bakkerij", "Bakkerij Brood")
    (inbox / "ing.csv").write_text(
        ing_csv([Payment(date(2026, 3, 1), D("21000.00"), "Groothandel", description="F-1")]),
        encoding="utf-8",
    )
    assert web.workspace.run("scan")[0] == 0
    assert _rows(web.page("/")) == ["bakkerij", "studio"]  # by level, crossed first
    assert _rows(web.page("/?sort=name&order=asc")) == ["bakkerij", "studio"]
    assert _rows(web.page("/?sort=turnover&order=asc")) == ["studio", "bakkerij"]
    assert _rows(web.page("/?level=warning")) == ["studio"]
    assert _rows(web.page("/?q=brood")) == ["bakkerij"]
    assert _rows(web.page("/?review=1")) == ["bakkerij", "studio"]
    page = web.page("/?sort=nonsense&year=abc")
    assert "Jaar: geen geldig getal." in page and "Overzicht 2026" in page
    assert 'aria-sort="descending"' in web.page("/?sort=turnover&order=desc")


def test_the_business_page_shows_chart_forecast_eligibility_sources_and_queue(web: Web) -> None:
    page = web.page("/business/studio")
    assert "Fotostudio Wout: KOR 2026" in page
    assert '<img src="/business/studio/chart.png?year=2026&amp;lang=nl"' in page
    assert "in het tempo van dit jaar" in page and "Recht op de KOR" in page
    assert "directory " in page and "in orde" in page
    assert "3 bijschrijving(en) wachten op je beslissing" in page
    chart = web.client.get("/business/studio/chart.png?year=2026")
    assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert web.client.get("/business/nobody").status_code == 404


def test_the_business_page_of_a_crossed_year_has_the_to_do_list(web: Web) -> None:
    extra = Payment(date(2026, 9, 14), D("4000.00"), "Klant C", description="Factuur 2026-09")
    web.workspace.drop("ing-2.csv", ing_csv([extra]))
    assert web.workspace.run("scan")[0] == 0
    page = web.page("/business/studio?lang=en")
    assert "The crossing" in page and "KOR beëindigen" in page
    assert "File VAT returns again from quarter 3 of 2026" in page


def test_the_ledger_page_lists_every_record_and_filters_it(web: Web) -> None:
    page = web.page("/business/studio/ledger")
    assert "4 van 4 posten getoond" in page
    assert f'id="r{web.loan}" class="flagged"' in page
    assert "3 van 4" in web.page("/business/studio/ledger?show=flagged")
    assert "1 van 4" in web.page("/business/studio/ledger?show=excluded")  # the debit
    assert "1 van 4" in web.page("/business/studio/ledger?month=5")
    assert "2 van 4" in web.page("/business/studio/ledger?min=5.000&max=5500")
    assert "1 van 4" in web.page("/business/studio/ledger?counterparty=vries")
    assert "2 van 4" in web.page("/business/studio/ledger?q=factuur")
    bad = web.page("/business/studio/ledger?min=veel&month=13")
    assert "Bedrag vanaf: geen bedrag (schrijf bijvoorbeeld 1500 of 1.500,50)." in bad
    assert "Maand: geen geldig getal." in bad and "4 van 4" in bad


def test_the_ledger_csv_download_is_byte_for_byte_what_korwatch_ledger_csv_prints(
    web: Web,
) -> None:
    assert web.workspace.run("decide", web.loan, "--as", "loan", "--by", "selina")[0] == 0
    response = web.client.get("/business/studio/ledger.csv?year=2026")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="korwatch-studio-2026.csv"' in response.headers["Content-Disposition"]
    code, out, _ = web.workspace.run("ledger", "--year", "2026", "--business", "studio", "--csv")
    assert code == 0
    assert response.data == out.encode("utf-8")
    assert b"selina" in response.data


def test_the_review_queue_offers_a_decision_for_each_flagged_credit(web: Web) -> None:
    page = web.page("/review")
    assert page.count('<form method="post" action="/decide"') == 3
    assert '<option value="loan">lening</option>' in page
    assert '<option value="iban">altijd voor IBAN NL02RABO0123456789</option>' in page
    single = web.page(f"/review/{web.loan}")
    assert "Beslis over post" in single and "J. de Vries" in single
    assert web.client.get("/review/99999").status_code == 404


def test_every_page_reads_in_dutch_and_in_english(web: Web) -> None:
    pages = ("/", "/business/studio", "/business/studio/ledger", "/review", f"/review/{web.loan}")
    for language, word in (("nl", "Overzicht"), ("en", "Overview")):
        web.page(f"/?lang={language}")
        for url in pages:
            page = web.page(url)
            assert f'<html lang="{language}">' in page and word in page, url


def test_the_overview_and_the_business_page_show_when_a_bank_consent_ends(web: Web) -> None:
    from datetime import datetime

    from korwatch.ledger.feeds import LedgerFeeds
    from korwatch.scan import open_ledger
    from korwatch.sources.bankfeed import Bank, Consent

    connection = open_ledger(load_config(web.workspace.config))
    now = datetime.fromisoformat(NOW)
    consent = Consent("session-secret-1", datetime.fromisoformat("2026-12-06T12:00:00+01:00"), ())
    LedgerFeeds(connection).save_consent(
        "studio", "enablebanking ING", "enablebanking", Bank("ing", "ING", "NL"), consent, now
    )
    connection.close()
    page = web.page("/?lang=en")
    assert "ING: consent until 6 December 2026 (10 days)" in page
    business = web.page("/business/studio")
    assert "ING (enablebanking): consent until 6 December 2026 (10 days)" in business
    assert "session-secret-1" not in page + business


def test_the_business_page_names_the_days_a_bank_feed_could_not_read(web: Web) -> None:
    from datetime import datetime

    from korwatch.ledger.feeds import LedgerFeeds
    from korwatch.scan import open_ledger
    from korwatch.sources.bankfeed import Bank, Consent, GrantedAccount, HistoryGap

    connection = open_ledger(load_config(web.workspace.config))
    now = datetime.fromisoformat(NOW)
    account = GrantedAccount("account-secret-1", "NL20INGB0001234567")
    consent = Consent("session-1", datetime.fromisoformat("2027-05-01T12:00:00+02:00"), (account,))
    feeds = LedgerFeeds(connection)
    feeds.save_consent("studio", "enablebanking", "enablebanking", Bank("ing", "ING", "NL"),
                       consent, now)  # fmt: skip
    gap = HistoryGap(account.account, date(2026, 6, 13), date(2026, 9, 9), date(2026, 9, 10))
    feeds.record_gap("studio", "enablebanking", gap, now)
    connection.close()
    page = web.page("/business/studio")
    assert (
        "NL20INGB0001234567: betalingen van 13 juni 2026 t/m 9 september 2026 kunnen ontbreken"
        in page
    )
    assert "account-secret-1" not in page
