"""Is the KOR still worth it, on the web (`/business/ID/advice`), and the ledger's reasons in
the page's language."""

from __future__ import annotations

from tests.web.conftest import Web


def test_the_advice_page_weighs_the_kor_in_dutch_and_in_english(web: Web) -> None:
    business = web.page("/business/studio")
    assert 'href="/business/studio/advice?year=2026"' in business
    page = web.page("/business/studio/advice")
    assert "Is de KOR nog de moeite waard?" in page
    assert "Laatste dag om je af te melden per 1 januari 2027: 3 december 2026" in page
    assert "Wat onzeker is" in page and "<script" not in page.split("<body")[1].split("</main")[0]
    english = web.page("/business/studio/advice?lang=en")
    assert "Is the KOR still worth it?" in english
    assert "Last day to deregister for 1 January 2027: 3 December 2026" in english


def test_a_year_not_begun_and_an_unknown_business_are_answered_plainly(web: Web) -> None:
    assert "Dit jaar is nog niet begonnen." in web.page("/business/studio/advice?year=2027")
    web.page("/business/nobody/advice", 404)


def test_the_ledger_page_gives_reasons_and_flags_in_the_pages_language(web: Web) -> None:
    dutch = web.page("/business/studio/ledger")
    assert "geld eruit (een afschrijving) is geen omzet" in dutch or "geen regel herkent" in dutch
    assert "[nakijken]" in dutch
    english = web.page("/business/studio/ledger?lang=en")
    assert "no rule recognises this credit" in english and "[REVIEW]" in english
