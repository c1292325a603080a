"""A person's decisions on credits the rules could not place (U20), as the rules see them.

A decision says what one bank credit is: turnover, or money that is not turnover with its R2
category (a loan, the owner's private money, an insurance payout, ...). A decision "always for
this IBAN" or "always for this name" also decides every other credit from that account or
name. Decisions are stored in the ledger (ledger/decisions.py) and handed to the rules inside
`RuleSettings.decisions`, so classification stays pure.

Order (classify.py): a decision on the record itself comes before every rule (a person looked
at this very credit); an "always" decision comes right after the config's own
`[[business.rule]]`s, which can be narrower (an amount range, a description) and are the
deliberate place for lasting rules, and before everything korwatch guesses (IBAN facts,
keywords, platforms, the counted-to-be-safe default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from korwatch.models import StoredRecord
from korwatch.tax.user_rules import CATEGORIES, Category

SCOPES = ("record", "iban", "name")


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a person can give about a credit: a name, a key to press, words for it."""

    name: str  # what `korwatch decide --as` takes
    category: str  # the R2 category (user_rules.CATEGORIES) it stands for
    key: str  # the key `korwatch review` takes
    nl: str
    en: str

    def label(self, language: str) -> str:
        return self.nl if language == "nl" else self.en


CHOICES: tuple[Choice, ...] = (
    Choice("turnover", "turnover", "t", "omzet", "turnover"),
    Choice("loan", "loan", "l", "lening", "loan"),
    Choice("own-account", "own-transfer", "o", "eigen rekening", "own account"),
    Choice("private-money", "private-deposit", "p", "privégeld", "private money"),
    Choice("refund", "supplier-refund", "r", "terugbetaling", "refund"),
    Choice("tax-refund", "tax-refund", "b", "belastingteruggave", "tax refund"),
    Choice("grant", "grant", "g", "subsidie", "grant"),
    Choice("insurance-payout", "insurance", "i", "verzekeringsuitkering", "insurance payout"),
    Choice("asset-sale", "business-asset", "a", "verkoop bedrijfsmiddel", "asset sale"),
    Choice("interest", "interest", "n", "rente", "interest"),
    Choice("reversal", "reversal", "v", "storno", "reversal"),
    Choice("foreign-taxed", "foreign-taxed", "f", "belast in het buitenland", "taxed abroad"),
    Choice("exempt", "exempt", "e", "vrijgestelde prestatie", "exempt supply"),
    Choice("other", "not-turnover", "x", "ander geld, geen omzet", "other money, not turnover"),
)
_BY_NAME = {choice.name: choice for choice in CHOICES}
_BY_CATEGORY = {choice.category: choice for choice in CHOICES}


def choice_for(name: str) -> Choice | None:
    """The choice named `name`: a choice's own name or any R2 category's name."""
    wanted = name.strip().lower()
    found = _BY_NAME.get(wanted) or _BY_CATEGORY.get(wanted)
    if found is None and wanted in CATEGORIES:
        category = CATEGORIES[wanted]
        found = Choice(wanted, wanted, "", category.name, category.name)
    return found


def choice_of_category(category: str) -> Choice:
    return _BY_CATEGORY.get(category) or Choice(category, category, "", category, category)


def choice_names() -> str:
    """Every name `--as` takes, for a message."""
    return ", ".join(choice.name for choice in CHOICES) + " (or any category of the rules)"


def normalise_name(name: str) -> str:
    """A counterparty name as an "always for this name" decision matches it: any case, any
    spacing."""
    return " ".join(name.casefold().split())


def normalise_iban(iban: str) -> str:
    return "".join(iban.split()).upper()


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision as stored, with who made it, when and why."""

    id: int
    record: int  # the record it was made on
    category: Category
    author: str
    decided_at: str  # ISO 8601
    note: str = ""
    scope: str = "record"  # "record", or "iban" / "name": always for this account or name
    value: str = ""  # the IBAN or name (normalised) an "always" decision applies to

    @property
    def why(self) -> str:
        """Who decided, when, and the note: the end of the verdict's reason."""
        scope = {"iban": f"always for IBAN {self.value}, ", "name": f'always for "{self.value}", '}
        note = f' ("{self.note}")' if self.note else ""
        day = self.decided_at[:10]
        return f"{scope.get(self.scope, '')}decided by {self.author} on {day}{note}"


@dataclass(frozen=True)
class Decisions:
    """The decisions in force for one business: by record, and "always" by IBAN and by name."""

    records: Mapping[int, Decision] = field(default_factory=dict)
    ibans: Mapping[str, Decision] = field(default_factory=dict)
    names: Mapping[str, Decision] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.records or self.ibans or self.names)

    def always_for(self, record: StoredRecord, name_folded: str) -> Decision | None:
        """The "always" decision that covers this credit's account or name, if any."""
        if self.ibans and record.counterparty_iban:
            found = self.ibans.get(normalise_iban(record.counterparty_iban))
            if found is not None:
                return found
        if self.names and name_folded:
            return self.names.get(" ".join(name_folded.split()))
        return None


def in_force(decisions: list[Decision]) -> Decisions:
    """The Decisions of a business from its open decisions, oldest first (later ones win)."""
    records: dict[int, Decision] = {}
    ibans: dict[str, Decision] = {}
    names: dict[str, Decision] = {}
    for decision in decisions:
        records[decision.record] = decision
        if decision.scope == "iban":
            ibans[decision.value] = decision
        elif decision.scope == "name":
            names[decision.value] = decision
    return Decisions(records, ibans, names)
