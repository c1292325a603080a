"""The words of the web pages in Dutch and English (`WORDS[lang][key]`), and messages with
values (`say`: "key|value|value" as stored in a flash message or a form problem)."""

from __future__ import annotations

from korwatch.notify.render import format_amount

_PAIRS: dict[str, tuple[str, str]] = {
    # The frame and the overview.
    "menu": ("Menu", "Menu"),
    "overview": ("Overzicht", "Overview"),
    "review_queue": ("Te beoordelen", "Review queue"),
    "other_language": ("English", "Nederlands"),
    "sign_in": ("Inloggen", "Sign in"),
    "sign_out": ("Uitloggen", "Sign out"),
    "not_advice": (
        "Dit is geen belastingadvies; korwatch past de regels van de Belastingdienst toe zoals "
        "beschreven in zijn documentatie.",
        "This is not tax advice; korwatch applies the Belastingdienst's rules as described in "
        "its documentation.",
    ),
    "businesses": ("ondernemingen", "businesses"),
    "business": ("Onderneming", "Business"),
    "level_crossed": ("grens overschreden", "threshold crossed"),
    "level_warning": ("grens in zicht", "threshold in sight"),
    "level_ok": ("onder de grens", "under the threshold"),
    "credits_to_review": ("bijschrijvingen te beoordelen", "credits to review"),
    "search": ("Zoeken", "Search"),
    "level": ("Stand", "Level"),
    "all": ("alle", "all"),
    "only_review": ("alleen met te beoordelen posten", "only with credits to review"),
    "year": ("Jaar", "Year"),
    "show": ("Tonen", "Show"),
    "turnover": ("Omzet", "Turnover"),
    "share": ("Deel van de grens", "Share of the threshold"),
    "forecast": ("Verwachting", "Forecast"),
    "last_data": ("Laatste gegevens", "Last data"),
    "to_review": ("Te beoordelen", "To review"),
    "provisional": ("voorlopig", "provisional"),
    "crosses_on": ("over de grens op", "crosses on"),
    "failing": ("mislukt", "failing"),
    "nothing_yet": ("nog niets", "nothing yet"),
    "no_sources_read": ("nog geen bron gelezen", "no source read yet"),
    "no_businesses_match": ("Geen onderneming past bij deze keuze.", "No business matches."),
    # A business.
    "ledger": ("Grootboek", "Ledger"),
    "basis_bank": (
        "Omzet geteld op bankbasis (bijschrijvingen)",
        "Turnover counted on the bank basis (credits)",
    ),
    "basis_invoices": ("Omzet geteld op factuurbasis", "Turnover counted on the invoice basis"),
    "threshold": ("KOR-grens", "KOR threshold"),
    "over_threshold": ("Boven de grens", "Over the threshold"),
    "headroom": ("Ruimte tot de grens", "Headroom"),
    "provisional_note": (
        "Voorlopig: gebaseerd op bijschrijvingen. Openstaande facturen zijn niet te zien en niet "
        "elke bijschrijving is omzet.",
        "Provisional: based on bank credits. Unpaid invoices are invisible and not every credit "
        "is turnover.",
    ),
    "assumed_threshold": (
        "Voor dit jaar is geen grens bekend; € 20.000 is aangenomen. Stel [thresholds] in.",
        "No threshold is known for this year; EUR 20,000 is assumed. Set [thresholds].",
    ),
    "adviser_review_note": (
        "Een eerder gemelde overschrijding staat niet meer in de cijfers (een creditnota of een "
        "beslissing haalde omzet weg). Ze blijft staan: laat een adviseur ernaar kijken (U3).",
        "A crossing reported earlier no longer shows in the figures (a credit note or a decision "
        "took turnover away). It stands: ask an adviser to look at it (U3).",
    ),
    "credits_wait": (
        "bijschrijving(en) wachten op je beslissing",
        "credit(s) wait for your decision",
    ),
    "through_the_year": ("Omzet door het jaar", "Turnover through the year"),
    "chart_alt": (
        "Grafiek: cumulatieve omzet tegen de KOR-grens; de maandcijfers staan in de tabel ernaast.",
        "Chart: cumulative turnover against the KOR threshold; the monthly figures are in the "
        "table beside it.",
    ),
    "end_of_month": ("Eind van de maand", "End of month"),
    "turnover_so_far": ("Omzet tot dan", "Turnover so far"),
    "year_end_about": ("Eind van het jaar ongeveer", "Year end about"),
    "method_run-rate": ("in het tempo van dit jaar", "at this year's pace"),
    "method_last-year-profile": ("met het verloop van vorig jaar", "with last year's pattern"),
    "method_closed-year": ("het jaar is voorbij", "the year is over"),
    "crossing_expected": ("Overschrijding verwacht", "Crossing expected"),
    "no_crossing_expected": ("geen", "none"),
    "as_of": ("Stand van", "As of"),
    "forecast_is_estimate": (
        "Een schatting, geen uitkomst.",
        "An estimate, not an outcome.",
    ),
    "no_forecast": ("Geen verwachting voor dit jaar.", "No forecast for this year."),
    "eligibility": ("Recht op de KOR", "KOR eligibility"),
    "kor_this_year": ("KOR dit jaar", "KOR this year"),
    "kor_next_year": ("KOR volgend jaar", "KOR next year"),
    "available": ("mogelijk", "available"),
    "not_available": ("niet mogelijk", "not available"),
    "unknown": ("onbekend", "unknown"),
    "apply_by": ("Aanmelden uiterlijk", "Apply by"),
    "earliest_start": ("Op zijn vroegst vanaf", "Earliest start"),
    "sources": ("Bronnen", "Sources"),
    "source": ("Bron", "Source"),
    "last_read": ("Laatst gelezen", "Last read"),
    "last_new_data": ("Laatst nieuwe gegevens", "Last new data"),
    "state": ("Toestand", "State"),
    "never": ("nooit", "never"),
    "source_ok": ("in orde", "fine"),
    "document_failed": ("Niet te lezen:", "Could not be read:"),
    "needs_consent": (
        "toestemming nodig: korwatch connect",
        "needs consent: korwatch connect",
    ),
    "consent_until": ("toestemming tot", "consent until"),
    "days": ("dagen", "days"),
    "pending": ("nog niet geboekt:", "pending:"),
    # A bank feed's history gap (status: history_gaps), as `status` and the email say it.
    "gap_of": ("betalingen van", "payments of"),
    "gap_to": ("t/m", "to"),
    "gap_missing": (
        "kunnen ontbreken: importeer een export van precies die dagen (korwatch import)",
        "may be missing: import an export of exactly those days (korwatch import)",
    ),
    "not_delivered": ("Niet afgeleverd", "Not delivered"),
    "decisions": ("Beslissingen", "Decisions"),
    "ledger_summary": ("Samenvatting", "Ledger summary"),
    "counts": ("Telt", "Counts"),
    "rule": ("Regel", "Rule"),
    "why": ("Waarom", "Why"),
    "item_count": ("Posten", "Items"),
    "amount": ("Bedrag", "Amount"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "no_items_yet": ("Nog geen posten in dit jaar.", "No items in this year yet."),
    "whole_ledger": ("Het hele grootboek van dit jaar", "The whole ledger of this year"),
    "advice": ("Is de KOR nog de moeite waard?", "Is the KOR still worth it?"),
    "advice_not_begun": ("Dit jaar is nog niet begonnen.", "This year has not begun."),
    "other_years": ("Andere jaren", "Other years"),
    "no_other_years": ("Geen andere jaren.", "No other years."),
    # The ledger.
    "counted": ("Geteld", "Counted"),
    "excluded_credits": ("niet getelde bijschrijvingen", "credits not counted"),
    "of": ("van", "of"),
    "records_shown": ("posten getoond", "records shown"),
    "download_csv": ("CSV downloaden", "Download CSV"),
    "show_what": ("Welke", "Which"),
    "show_all": ("alle", "all"),
    "show_counted": ("geteld", "counted"),
    "show_excluded": ("niet geteld", "excluded"),
    "show_flagged": ("te beoordelen", "flagged"),
    "show_decided": ("beslist", "decided"),
    "month": ("Maand", "Month"),
    "counterparty": ("Tegenpartij", "Counterparty"),
    "description": ("omschrijving", "description"),
    "amount_from": ("Bedrag vanaf", "Amount from"),
    "amount_to": ("Bedrag tot en met", "Amount up to"),
    "text": ("Tekst", "Text"),
    "clear_filters": ("alles tonen", "show all"),
    "record": ("Post", "Record"),
    "date": ("Datum", "Date"),
    "cumulative": ("Opgeteld", "Cumulative"),
    "no_records_match": ("Geen post past bij deze keuze.", "No record matches."),
    "page": ("Pagina", "Page"),
    # Review and decisions.
    "review_intro": (
        "Bijschrijvingen die geen regel herkent tellen voor de zekerheid mee (U20). Zeg wat ze "
        "zijn: omzet, of geen omzet en wat dan wel.",
        "Credits no rule recognises are counted, to be safe (U20). Say what they are: turnover, "
        "or not turnover and what instead.",
    ),
    "it_is": ("Dit is", "This is"),
    "choose": ("kies…", "choose…"),
    "choice_turnover": ("omzet", "turnover"),
    "not_turnover": ("geen omzet", "not turnover"),
    "for_what": ("Geldt voor", "Applies to"),
    "only_this_credit": ("alleen deze bijschrijving", "this credit only"),
    "always_for_iban": ("altijd voor IBAN", "always for IBAN"),
    "always_for_name": ("altijd voor naam", "always for name"),
    "always_for": ("altijd voor", "always for"),
    "note": ("Toelichting", "Note"),
    "note_hint": ("waarom (optioneel)", "why (optional)"),
    "decide": ("Beslissen", "Decide"),
    "decide_credit": ("Beslis over post", "Decide record"),
    "decided_as": ("Nu beslist als", "Now decided as"),
    "decision": ("Beslissing", "Decision"),
    "by": ("Door", "By"),
    "when": ("Wanneer", "When"),
    "undo": ("Terugdraaien", "Undo"),
    "undone_by": ("teruggedraaid door", "undone by"),
    "no_decisions": ("Nog geen beslissingen.", "No decisions yet."),
    "recent_decisions": ("Laatste beslissingen", "Recent decisions"),
    "nothing_to_review": ("Niets te beoordelen.", "Nothing to review."),
    "more_waiting": ("meer wachten; kies een onderneming.", "more waiting; pick a business."),
    "on": ("op", "on"),
    "invoice": ("factuur", "invoice"),
    "unknown_counterparty": ("(onbekende tegenpartij)", "(unknown counterparty)"),
    "user_name": ("Gebruikersnaam", "User name"),
    "password": ("Wachtwoord", "Password"),
    # Messages.
    "decided_now": (
        "Beslist: post {0} telt zo. Omzet {1} nu {2} ({3}).",
        "Decided: record {0} counts so. Turnover {1} now {2} ({3}).",
    ),
    "decided": ("Beslist: post {0}.", "Decided: record {0}."),
    "undone_now": (
        "Teruggedraaid: post {0} volgt weer de regels. Omzet {1} nu {2} ({3}).",
        "Undone: record {0} follows its rules again. Turnover {1} now {2} ({3}).",
    ),
    "undone": ("Teruggedraaid: post {0}.", "Undone: record {0}."),
    "choose_what_it_is": (
        "Kies wat de bijschrijving is (omzet, of wat voor geld het wel is).",
        "Choose what the credit is (turnover, or what money it is instead).",
    ),
    "too_long": ("{0} is te lang.", "{0} is too long."),
    "bad_choice": (
        "{0}: kies een van de getoonde mogelijkheden.",
        "{0}: pick one of the options shown.",
    ),
    "bad_number": ("{0}: geen geldig getal.", "{0}: not a valid number."),
    "bad_amount": (
        "{0}: geen bedrag (schrijf bijvoorbeeld 1500 of 1.500,50).",
        "{0}: not an amount (write, say, 1500 or 1,500.50).",
    ),
    "no_sign_in_needed": ("Inloggen is hier niet nodig.", "No sign-in is needed here."),
    "wrong_login": ("Gebruikersnaam of wachtwoord klopt niet.", "Wrong user name or password."),
    "too_many": (
        "Te vaak mislukt; probeer het over een kwartier opnieuw.",
        "Too many failed attempts; try again in 15 minutes.",
    ),
    "error_400": ("Niet aangenomen", "Refused"),
    "error_403": ("Geen toegang", "No access"),
    "error_404": ("Niet gevonden", "Not found"),
    "error_503": ("Even niet beschikbaar", "Not available right now"),
    "csrf_refused": (
        "Het formulier is verlopen of kwam niet van deze site. Laad de pagina opnieuw en "
        "probeer het nog eens.",
        "The form has expired or did not come from this site. Reload the page and try again.",
    ),
    "not_allowed": (
        "Deze pagina's zijn alleen op deze computer te zien, of na inloggen.",
        "These pages can be seen on this machine only, or after signing in.",
    ),
    "no_such_business": (
        "Die onderneming bestaat niet of is niet voor jou.",
        "No such business for you.",
    ),
    "no_such_credit": (
        "Die post bestaat niet, is geen bijschrijving of is niet voor jou.",
        "No such record, not a credit, or not yours to see.",
    ),
    "chart_failed": ("De grafiek kon niet worden getekend.", "The chart could not be drawn."),
    "to_overview": ("Naar het overzicht", "To the overview"),
    # Field names in messages.
    "field_year": ("Jaar", "Year"),
    "field_month": ("Maand", "Month"),
    "field_min": ("Bedrag vanaf", "Amount from"),
    "field_max": ("Bedrag tot en met", "Amount up to"),
    "field_note": ("Toelichting", "Note"),
    "field_record": ("Post", "Record"),
    "field_page": ("Pagina", "Page"),
}
LANGUAGE_INDEX = {"nl": 0, "en": 1}
WORDS: dict[str, dict[str, str]] = {
    language: {key: pair[index] for key, pair in _PAIRS.items()}
    for language, index in LANGUAGE_INDEX.items()
}


def say(message: str, language: str) -> str:
    """A message in the language: a key of WORDS, "key:field" (a form problem) or
    "key|value|..." (values put in its {0}, {1}, ...); anything else as it is (an error
    korwatch raised, which names what is wrong)."""
    words = WORDS[language]
    if ":" in message and "|" not in message:
        key, _, name = message.partition(":")
        if key in words:
            return words[key].format(words.get(f"field_{name}", name))
    key, *values = message.split("|")
    if key not in words:
        return message
    shown = [_level(value, words) for value in values]
    return words[key].format(*shown)


def _level(value: str, words: dict[str, str]) -> str:
    """A value as shown: a level in words, an amount as money."""
    if f"level_{value}" in words:
        return words[f"level_{value}"]
    if value.replace(".", "", 1).lstrip("-").isdigit() and "." in value:
        return format_amount(value, "nl" if words is WORDS["nl"] else "en")
    return value
