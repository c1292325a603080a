"""What korwatch's stable codes mean, in Dutch and English: one catalogue for every reader.

Rules, VAT classes, customer markers and flags are named by stable English codes (they are in
`ledger --csv`, `status --json` and `advise --json`); what a person reads is looked up here by
code and language. A code without an entry is shown as it is.

The rules (classify.py, matching.py) write each verdict's reason as an English sentence, built
from the rule that decided, the R2 category and the detail that showed it. `reason_in` gives it
in Dutch by the same rule code: the sentence's parts are recognised by the catalogue below and
put together again in Dutch, so the rule functions stay as they are. A reason the catalogue does
not know stays English (tests/advice/test_reasons.py keeps every reason the rules write known).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from korwatch.tax.user_rules import CATEGORIES
from korwatch.tax.verdict import Classified

# The VAT a debit carries (debits.py: CostVat.code), and the classes themselves.
COSTS: dict[str, tuple[str, str]] = {
    "cost-rule": ("je eigen regel", "your own rule"),
    "own-transfer": ("naar een eigen rekening", "to an own account"),
    "private": ("privé", "private"),
    "tax-payment": ("betaling aan de Belastingdienst", "payment to the Belastingdienst"),
    "kor-supplier": ("leverancier in de KOR (geen btw)", "supplier in the KOR (no VAT)"),
    "wages": ("loon", "wages"),
    "tax": ("belastingen en heffingen", "taxes and levies"),
    "insurance": ("verzekering (vrijgesteld)", "insurance (exempt)"),
    "bank-costs": ("bankkosten en rente (vrijgesteld)", "bank costs and interest (exempt)"),
    "rental": ("huur van auto's en materiaal", "car and equipment rental"),
    "rent": ("huur (meestal vrijgesteld)", "rent (usually exempt)"),
    "horeca": ("horeca (btw niet aftrekbaar)", "restaurants (VAT not deductible)"),
    "postage": ("postzegels (geen btw)", "postage stamps (no VAT)"),
    "accommodation": ("overnachtingen", "accommodation"),
    "card-terminal": ("pinautomaat", "card terminal"),
    "public-transport": ("openbaar vervoer", "public transport"),
    "water": ("drinkwater", "drinking water"),
    "books": ("boeken", "books"),
    "telecom": ("telefoon en internet", "telephone and internet"),
    "equipment": ("apparatuur en kantoor", "equipment and office"),
    "fuel": ("brandstof en laden", "fuel and charging"),
    "parking": ("parkeren", "parking"),
    "energy": ("energie", "energy"),
    "software": ("software en hosting", "software and hosting"),
    "foreign-software": (
        "buitenlandse software (btw verlegd)",
        "foreign software (reverse-charged VAT)",
    ),
    "payment-provider": ("betaalprovider", "payment provider"),
    "groceries": ("boodschappen (vaak privé)", "groceries (often private)"),
    "unrecognised": ("niet herkend", "not recognised"),
    "general": ("21%", "21%"),
    "reduced": ("9%", "9%"),
    "none": ("geen aftrekbare btw", "no deductible VAT"),
    "unknown": ("onbekend", "unknown"),
}

# Who a customer is (customers.py: CustomerKind.marker and kind).
CUSTOMERS: dict[str, tuple[str, str]] = {
    "business": ("zakelijk", "business"),
    "consumer": ("particulier", "consumer"),
    "customer-rule": ("je eigen regel", "your own rule"),
    "vat-number": ("btw-nummer", "VAT number"),
    "kvk-number": ("KvK-nummer", "KvK number"),
    "legal-form": ("rechtsvorm in de naam", "legal form in the name"),
    "non-deducting": ("stichting, vereniging of overheid", "foundation, association or government"),
    "person": ("naam van een persoon", "a person's name"),
    "platform": (
        "via een platform of bank (klant onbekend)",
        "through a platform or bank (customer unknown)",
    ),
    "tikkie": ("via Tikkie", "through Tikkie"),
}

CATALOGUES = (COSTS, CUSTOMERS)


def phrase(code: str, language: str) -> str:
    """The words for `code` in `language` ("nl" or "en"); the code itself when unknown."""
    for catalogue in CATALOGUES:
        found = catalogue.get(code)
        if found is not None:
            return found[0] if language == "nl" else found[1]
    return code


# Flags on an item (verdict.py): the stable names stay in `ledger --csv` and the JSON.
FLAGS: dict[str, tuple[str, str]] = {
    "REVIEW": ("nakijken", "review"),
    "NET_OF_FEES": ("zonder platformkosten", "net of fees"),
    "NET_OF_VAT": ("zonder btw", "net of VAT"),
    "UNPAID": ("onbetaald", "unpaid"),
    "ADVANCE": ("vooruitbetaald", "paid in advance"),
    "ADVISER_REVIEW": ("voor de adviseur", "for the adviser"),
    "COUNTS_IN_OTHER_YEAR": ("telt in een ander jaar", "counts in another year"),
    "PROVISIONAL": ("voorlopig", "provisional"),
}


def flag_in(flag: str, language: str) -> str:
    """A flag for people: Dutch words for "nl"; the stable name itself otherwise."""
    found = FLAGS.get(flag)
    return found[0] if found is not None and language == "nl" else flag


# The Dutch of each R2 category's text (user_rules.CATEGORIES), by category name.
CATEGORY_TEXT: dict[str, str] = {
    "turnover": "een levering belast in Nederland telt mee",
    "zero-rated": "een levering tegen 0 % (export, ICL) telt mee",
    "reverse-charge-domestic": "een binnenlandse verleggingslevering telt mee",
    "exempt-counting": "een vrijgestelde levering van vastgoed, financiële diensten of "
    "verzekeringen telt mee",
    "margin-scheme": "een verkoop onder de margeregeling telt mee tegen de volle prijs",
    "advance-payment": "een vooruitbetaling telt mee op de dag van ontvangst",
    "platform-payout": "een uitbetaling van een platform: de omzet is de bruto verkoop",
    "exempt": "een vrijgestelde levering buiten R2.3 telt niet mee",
    "ancillary": "een bijkomende vrijgestelde handeling telt niet mee",
    "foreign-taxed": "een levering belast in het buitenland telt niet mee",
    "business-asset": "de verkoop van een bedrijfsmiddel telt niet mee",
    "private-use": "privégebruik van zakelijke goederen telt niet mee",
    "purchase": "een aankoop of de terugbetaling ervan is geen omzet",
    "own-transfer": "een overboeking tussen eigen rekeningen is geen omzet",
    "private-deposit": "een privéstorting van de eigenaar is geen omzet",
    "loan": "een lening is geen omzet",
    "tax-refund": "een belastingteruggaaf is geen omzet",
    "supplier-refund": "een terugbetaling van een leverancier is geen omzet",
    "reversal": "een storno (terugboeking) is geen omzet",
    "interest": "ontvangen rente is geen omzet",
    "grant": "een subsidie of bijdrage is geen omzet",
    "insurance": "een verzekeringsuitkering is geen omzet",
    "not-turnover": "geld dat niet de prijs van een levering is",
}
_CATEGORY_BY_TEXT = {category.text: name for name, category in CATEGORIES.items()}

# Whole reasons, as the rules write them.
_SENTENCES: dict[str, str] = {
    "money out (a debit) is not turnover": "geld eruit (een afschrijving) is geen omzet",
    "no rule recognises this credit: counted, to be safe (U20); add a rule if it is not "
    "turnover": "geen regel herkent deze bijschrijving: meegeteld, voor de zekerheid (U20); "
    "voeg een regel toe als het geen omzet is",
    "on the bank basis the payment counts, not the invoice": "op de bankbasis telt de "
    "betaling, niet de factuur",
    "a credit note lowers the turnover of its year (R9.2)": "een creditnota verlaagt de omzet "
    "van haar jaar (R9.2)",
    "an invoice counts on its date (R7.2)": "een factuur telt op haar datum (R7.2)",
    "an invoice counts on its supply date, the earlier date (R7.2, U2)": "een factuur telt op "
    "haar leverdatum, de eerdere datum (R7.2, U2)",
    'a payment no invoice was matched to: not counted (unmatched_payments = "ignore", U20)': (
        'een betaling zonder gevonden factuur: niet meegeteld (unmatched_payments = "ignore", U20)'
    ),
    "a payment no invoice was matched to: counted on the day received as an advance "
    '(R7.1; unmatched_payments = "count", U20); import its invoice or add a rule': (
        "een betaling zonder gevonden factuur: meegeteld op de dag van ontvangst als "
        'vooruitbetaling (R7.1; unmatched_payments = "count", U20); importeer de factuur of '
        "voeg een regel toe"
    ),
    "the invoice counts, not its payment": "de factuur telt, niet de betaling",
    "from the business's own account (own_ibans)": "van een eigen rekening van het bedrijf "
    "(own_ibans)",
    "from the owner's private account (private_ibans)": "van een privérekening van de eigenaar "
    "(private_ibans)",
    "paid by the Belastingdienst (NL86INGB0002445588)": "betaald door de Belastingdienst "
    "(NL86INGB0002445588)",
    "counted as paid out, which is net of fees: set fee_percent in a rule or import the "
    "platform's sales": "meegeteld zoals uitbetaald, dus zonder de kosten: zet fee_percent in "
    "een regel of importeer de verkopen van het platform",
}

# Reasons with a detail in them: (English pattern, Dutch with the same named parts).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(english), dutch)
    for english, dutch in (
        (r'^the word "(?P<word>.+)" in the description shows it \(keywords = true, U20\)$',
         'het woord "{word}" in de omschrijving laat het zien (keywords = true, U20)'),
        (r"^paid out by (?P<platform>.+)$", "uitbetaald door {platform}"),
        (r"^user rule (?P<label>.+)$", "eigen regel {label}"),
        (r"^counted grossed up by (?P<fee>.+) % fees$", "meegeteld met {fee} % kosten erbij"),
        (r"^payment of invoice (?P<number>.+?) of (?P<day>\d{4}-\d\d-\d\d): counts on the "
         r"earlier of invoice and payment date \(R7\.2\)$",
         "betaling van factuur {number} van {day}: telt op de eerdere van factuur- en "
         "betaaldatum (R7.2)"),
        (r"^an invoice paid before its date counts on the day the money came in, "
         r"(?P<day>.+) \(R7\.1\)$",
         "een factuur die vóór haar datum is betaald, telt op de dag dat het geld "
         "binnenkwam, {day} (R7.1)"),
    )
)  # fmt: skip
# A person's decision (decisions.Decision.why) at the end of a category's reason.
_DECIDED = re.compile(
    r'^(?:always for IBAN (?P<iban>\S+), |always for "(?P<name>.*)", )?decided by (?P<author>.+?)'
    r' on (?P<day>\d{4}-\d\d-\d\d)(?: \("(?P<note>.*)"\))?$'
)
# The note on a possible double with another amount (ledger/carriers.py), after any reason.
_REVIEW_NOTE = re.compile(
    r"; the same payment may be in (?P<there>.+?) line (?P<line>\S+) as EUR (?P<amount>\S+): "
    r"both are counted until a person decides$"
)
_PAYMENT = re.compile(r"^payment of invoice (?P<number>.+?): (?P<why>.+)$")
_CATEGORY = re.compile(r"^(?P<text>.+?) \((?P<rule>R\d+(?:\.\d+)?|U\d+)\)(?:: (?P<why>.+))?$")


def reason_in(item: Classified, language: str) -> str:
    """The reason of `item` for a person reading `language`."""
    if language != "nl":
        return item.reason
    return dutch(item.reason, item.rule)


def dutch(reason: str, rule: str = "") -> str:
    """An English reason of rule `rule` in Dutch; unchanged when the catalogue lacks it."""
    head = rule.partition(":")[0]
    translate = _BY_RULE.get(head, _composite)
    main, notes = _review_notes(reason)
    found = translate(main) or _composite(main)
    return reason if found is None else found + notes


def _review_notes(reason: str) -> tuple[str, str]:
    """The reason without the review notes at its end, and those notes in Dutch."""
    notes = ""
    match = _REVIEW_NOTE.search(reason)
    while match is not None:
        there = match.group("there")
        there = "een ander document" if there == "another document" else there
        notes = (
            f"; dezelfde betaling staat mogelijk in {there} regel {match.group('line')} als EUR "
            f"{match.group('amount')}: beide tellen mee tot iemand beslist{notes}"
        )
        reason = reason[: match.start()]
        match = _REVIEW_NOTE.search(reason)
    return reason, notes


def _decided(text: str) -> str | None:
    """Who decided, when, and the note (decisions.Decision.why) in Dutch."""
    match = _DECIDED.match(text)
    if match is None:
        return None
    parts = match.groupdict()
    scope = ""
    if parts["iban"] is not None:
        scope = f"altijd voor IBAN {parts['iban']}, "
    elif parts["name"] is not None:
        scope = f'altijd voor "{parts["name"]}", '
    note = f' ("{parts["note"]}")' if parts["note"] is not None else ""
    return f"{scope}besloten door {parts['author']} op {parts['day']}{note}"


def _sentence(text: str) -> str | None:
    found = _SENTENCES.get(text)
    if found is not None:
        return found
    for pattern, words in _PATTERNS:
        match = pattern.match(text)
        if match is not None:
            parts = match.groupdict()
            if "fee" in parts:  # a Dutch decimal comma: 6,50 %
                parts["fee"] = parts["fee"].replace(".", ",")
            return words.format(**parts)
    return _decided(text)


def _payment(reason: str) -> str | None:
    """ "payment of invoice N: WHY", where WHY is another reason (the invoice's own)."""
    plain = _sentence(reason)
    if plain is not None:
        return plain
    match = _PAYMENT.match(reason)
    if match is None:
        return None
    why = match.group("why")
    translated = _sentence(why) or _composite(why)
    return (
        None
        if translated is None
        else f"betaling van factuur {match.group('number')}: {translated}"
    )


def _composite(reason: str) -> str | None:
    """A category's reason: "TEXT (RULE)", then ": WHY" and "; FEES" when there are any."""
    main, _, fees = reason.partition("; ")
    match = _CATEGORY.match(main)
    if match is None:
        return _sentence(reason)
    name = _CATEGORY_BY_TEXT.get(match.group("text"))
    if name is None:
        return None
    words = f"{CATEGORY_TEXT[name]} ({match.group('rule')})"
    why = match.group("why")
    if why:
        translated = _sentence(why)
        if translated is None:
            return None
        words += f": {translated}"
    if fees:
        translated = _sentence(fees)
        if translated is None:
            return None
        words += f"; {translated}"
    return words


_BY_RULE: dict[str, Callable[[str], str | None]] = {
    "debit": _sentence,
    "credit": _sentence,
    "bank-basis-invoice": _sentence,
    "credit-note": _sentence,
    "invoice": _sentence,
    "unmatched-payment": _sentence,
    "invoice-payment": _payment,
}
