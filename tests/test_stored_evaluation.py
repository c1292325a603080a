"""The stored evaluation equals a full re-evaluation: after every import of the worked scenarios
T1-T15 of kor-rules.md, after randomised imports, and after a change of the rules.

Each record of a scenario is imported as its own file (an ING CSV for a payment, the invoice
CSV for an invoice) through the real import into a real ledger file; after each import the
status of every year read from the stored evaluations must print the same bytes as the status
evaluated in full (`status --recompute`). Before each import the summaries are stored, so an
import that forgot to invalidate one shows as a difference. T8 and T9 are date rules without
records (tests/rules/test_scenarios.py): there is nothing to store for them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from korwatch.alerts import standing as standing_module
from korwatch.alerts.standing import fingerprint, standings
from korwatch.config.load import load_config
from korwatch.config.model import Config
from korwatch.ledger import store as ledger
from korwatch.reporting.status import statuses
from korwatch.scan import import_paths
from tests import test_edited_invoices as edited_invoices
from tests.conftest import Workspace
from tests.helpers import OWN_IBAN, Payment, config_text, ing_csv
from tests.review.support import year_with_loan
from tests.rules import test_scenarios as scenarios

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()
YEARS = (2025, 2026, 2027)
INVOICE_HEADER = "invoice_number,invoice_date,customer,net,vat,gross,type,supply_date"


@dataclass(frozen=True)
class Bill:
    """One invoice (or credit note) row of the invoice CSV."""

    day: str
    net: str
    number: str
    customer: str = "Klant BV"
    vat: str = "0.00"
    credit_note: bool = False
    supply: str = ""

    def csv(self) -> str:
        gross = Decimal(self.net) + Decimal(self.vat)
        kind = "credit_note" if self.credit_note else "invoice"
        return "\n".join(
            [
                INVOICE_HEADER,
                f"{self.number},{self.day},{self.customer},{self.net},{self.vat},{gross},"
                f"{kind},{self.supply}",
            ]
        )


def pay(day: str, amount: str, name: str = "Klant BV", **extra: str) -> Payment:
    return Payment(date.fromisoformat(day), Decimal(amount), name, **extra)


Step = Payment | Bill | tuple[Payment, str]  # a payment into another own account: (payment, IBAN)


class Office:
    """A config with one business and a real ledger file, importing one record at a time."""

    def __init__(self, root: Path, business: str) -> None:
        self.root = root
        self.write_config(business)
        self.connection = ledger.connect(root / "ledger.sqlite3")
        self.files = 0

    def write_config(self, business: str) -> None:
        (self.root / "korwatch.toml").write_text(
            f'[email]\nbackend = "file"\ndir = "mail"\n\n[[business]]\nid = "b"\n'
            f'recipients = ["b@example.nl"]\nown_ibans = ["{OWN_IBAN}"]\n{business}\n',
            encoding="utf-8",
        )
        self.config: Config = load_config(self.root / "korwatch.toml", environ={})

    def add(self, step: Step) -> None:
        self.files += 1
        path = self.root / f"step{self.files}.csv"
        if isinstance(step, Bill):
            path.write_text(step.csv() + "\n", encoding="utf-8")
        elif isinstance(step, tuple):
            path.write_text(ing_csv([step[0]], account=step[1]), encoding="utf-8")
        else:
            path.write_text(ing_csv([step]), encoding="utf-8")
        business = self.config.businesses[0]
        import_paths(self.connection, self.config, business, [path], None, NOW, lambda _m: None)

    def status(self, year: int, *, recompute: bool = False) -> str:
        items = statuses(
            self.connection, self.config, self.config.businesses, year, TODAY, recompute=recompute
        )
        return json.dumps({"businesses": items}, indent=2, ensure_ascii=False)

    def assert_stored_equals_full(self) -> None:
        for year in YEARS:
            stored = self.status(year)
            assert stored == self.status(year, recompute=True), f"year {year}"


MakeOffice = Callable[[str], Office]


@pytest.fixture(autouse=True)
def _charts_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emails the imports send draw their chart in this process (the figures are tested
    here, not the chart process)."""
    monkeypatch.setenv("KORWATCH_CHART_IN_PROCESS", "1")


@pytest.fixture
def office(tmp_path: Path) -> Iterator[MakeOffice]:
    """Makes the Office of a business (the keys of its [[business]] table), closed after."""
    made: list[Office] = []

    def make(business: str) -> Office:
        made.append(Office(tmp_path, business))
        return made[-1]

    yield make
    for one in made:
        one.connection.close()


def business_keys(rules: str) -> str:
    """A scenario's rule keys (tests/rules/test_scenarios.py, written for one business table)
    as they stand in a config file's [[business]]."""
    for table in ("[[rule]]", "[vat]", "[eu_kor]", "[uncertain]"):
        inner = table.strip("[]")
        rules = rules.replace(table, table.replace(inner, f"business.{inner}"))
    return rules


T3_RULES = business_keys(scenarios.T3_RULES)
T4_RULES = business_keys(scenarios.T4_RULES)
# Without last year's Union turnover (the scenario's previous_year_turnover is set below).
T11_RULES = business_keys(scenarios.T11_RULES.split("[eu_kor]")[0])
T13_RULES = 'private_ibans = ["NL44RABO0123456789"]\n' + business_keys(scenarios.T13_RULES)
T15_RULES = business_keys(scenarios.T15_RULES)
INVOICES = 'basis = "invoices"'
T12_STEPS: list[Step] = [
    Bill("2026-12-01", "19200.00", "INV-W"),
    pay("2026-12-02", "19200.00", description="INV-W"),
    Bill("2026-12-18", "1500.00", "INV-X"),
    pay("2027-01-08", "1500.00", description="betaling INV-X"),
]

SCENARIOS: dict[str, tuple[str, list[Step]]] = {
    "T1": (
        INVOICES,
        [
            Bill("2026-02-10", "7500.00", "INV-1"),
            Bill("2026-05-12", "9000.00", "INV-2"),
            Bill("2026-08-31", "3000.00", "INV-3"),
            Bill("2026-09-14", "1200.00", "INV-4"),
        ],
    ),
    "T2": (
        INVOICES,
        [
            Bill("2026-01-05", "15000.00", "INV-A"),
            Bill("2026-06-01", "4999.99", "INV-B"),
            Bill("2026-07-01", "0.01", "INV-C"),
            Bill("2026-07-02", "50.00", "INV-D"),
        ],
    ),
    "T3": (
        T3_RULES,
        [
            pay("2026-01-15", "12000.00", "Consument"),
            pay("2026-03-01", "6000.00", "Beratung GmbH"),
            pay("2026-04-10", "4500.00", "Autohandel", description="verkoop bestelbus"),
            pay("2026-05-05", "300.00", "Eigenaar", description="privegebruik"),
            pay("2026-06-01", "2000.00", "Fysio Noord"),
            pay("2026-07-01", "5000.00", "Oom Kees"),
            pay("2026-09-01", "7500.00", "Consument"),
        ],
    ),
    "T4": (
        T4_RULES,
        [
            pay("2026-02-01", "4000.00", "US Customer"),
            pay("2026-03-15", "5000.00", "Handel BVBA"),
            pay("2026-06-30", "3000.00", "Winkel", description="huur H1"),
            pay("2026-09-10", "7500.00", "Consument"),
            pay("2026-10-05", "800.00", "Aannemer", description="btw verlegd"),
        ],
    ),
    "T5": (
        '[[business.rule]]\ncounterparty = "Koper"\ncategory = "margin-scheme"\n',
        [
            pay("2026-03-01", "9000.00", "Koper A"),
            pay("2026-06-01", "8000.00", "Koper B"),
            pay("2026-09-01", "4000.00", "Koper C"),
        ],
    ),
    "T6": (
        INVOICES,
        [
            Bill("2026-09-15", "19750.00", "2026-100"),
            pay("2026-09-16", "500.00", "Klant Y", description="voorschot opdracht november"),
            Bill("2026-11-20", "1500.00", "2026-120", "Klant Y"),
        ],
    ),
    "T7": (
        INVOICES,
        [Bill("2025-06-01", "21000.00", "2025-1"), Bill("2026-06-01", "18000.00", "2026-1")],
    ),
    "T10": (
        "",
        [
            pay("2026-06-30", "11000.00", "Ontwerp klant"),
            (pay("2026-08-31", "8500.00", "Webshop klanten"), "NL44INGB0007654321"),
            (pay("2026-09-05", "700.00", "Webshop klant"), "NL44INGB0007654321"),
        ],
    ),
    "T11": (
        T11_RULES + "[business.eu_kor]\nprevious_year_turnover = 80000\n",
        [
            pay("2026-03-01", "18000.00", "Klant NL"),
            pay("2026-04-01", "9000.00", "Client Belgique"),
            pay("2026-05-01", "12000.00", "Kunde Deutschland"),
            pay("2026-07-01", "35000.00", "Client France"),
            pay("2026-08-01", "25000.00", "Cliente Italia"),
            pay("2026-11-10", "1500.00", "Client France"),
        ],
    ),
    "T11-last-year-from-the-ledger": (
        T11_RULES + "[business.eu_kor]\n",
        [pay("2025-05-01", "99000.00", "Client France"), pay("2026-03-01", "2000.00", "Klant")],
    ),
    "T12-invoices": (INVOICES, T12_STEPS),
    "T12-bank": ("", T12_STEPS),
    "T13": (
        T13_RULES,
        [
            pay("2026-02-03", "2000.00", "J. de Vries", iban="NL44RABO0123456789"),
            pay("2026-03-12", "5000.00", "Qredits", description="uitbetaling lening"),
            pay("2026-04-30", "1150.00", "Belastingdienst", iban="NL86INGB0002445588"),
            pay("2026-05-15", "96.80", "Drukkerij", description="restitutie dubbele betaling"),
            pay("2026-06-01", "970.00", "Stripe Payments Europe"),
            pay("2026-06-20", "2420.00", "Klant", description="factuur 2026-009"),
        ],
    ),
    "T14": (
        INVOICES,
        [
            Bill("2026-10-01", "19600.00", "INV-8"),
            Bill("2026-10-10", "900.00", "INV-9"),
            Bill("2026-10-20", "-600.00", "CN-9", credit_note=True),
        ],
    ),
    "T15": (
        T15_RULES,
        [
            pay("2026-07-01", "18150.00", "Gasten", description="kamer"),
            pay("2026-07-02", "5450.00", "Gasten", description="ontbijt"),
            pay("2025-07-01", "18150.00", "Gasten", description="kamer"),
            pay("2025-07-02", "5450.00", "Gasten", description="ontbijt"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_stored_evaluation_equals_a_full_one_after_every_import_of_a_scenario(
    office: MakeOffice, name: str
) -> None:
    business, steps = SCENARIOS[name]
    place = office(business)
    place.assert_stored_equals_full()
    for step in steps:
        place.add(step)
        place.assert_stored_equals_full()


def test_a_changed_rule_evaluates_the_business_again_once(
    office: MakeOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = office(INVOICES)
    for step in SCENARIOS["T14"][1]:
        place.add(step)
    assert json.loads(place.status(2026))["businesses"][0]["crossed"] is True
    calls = _count_evaluations(monkeypatch)
    place.status(2026)
    assert calls == []  # read from the ledger: nothing evaluated
    place.write_config(
        INVOICES + '\n[business.uncertain]\ncredit_note_after_crossing = "recompute"'
    )
    changed = place.status(2026)
    assert json.loads(changed)["businesses"][0]["crossed"] is False
    assert len(calls) == 2  # this year and last year, once
    assert place.status(2026) == changed and len(calls) == 2
    assert changed == place.status(2026, recompute=True)


def test_an_import_evaluates_only_the_business_it_changed(
    office: MakeOffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    place = office(INVOICES)
    place.add(Bill("2026-03-01", "5000.00", "A-1"))
    place.status(2026)
    calls = _count_evaluations(monkeypatch)
    place.add(Bill("2026-04-01", "5000.00", "A-2"))  # the import refreshes what it made stale
    assert sorted(calls) == [2025, 2026]
    place.status(2026)
    assert sorted(calls) == [2025, 2026]


def _count_evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The years evaluated in full from here on (a spy on the real evaluation)."""
    calls: list[int] = []
    real = standing_module.evaluate_year

    def counting(connection: sqlite3.Connection, config: Config, business: Any, year: int) -> Any:
        calls.append(year)
        return real(connection, config, business, year)

    monkeypatch.setattr(standing_module, "evaluate_year", counting)
    return calls


def test_the_fingerprint_is_the_same_in_every_process(office: MakeOffice) -> None:
    """Sets (own IBANs) iterate in a different order per process: the fingerprint must not
    depend on it, or every `korwatch status` would evaluate everything again."""
    place = office(
        'private_ibans = ["NL44RABO0123456789", "NL91ABNA0417164300", "NL36INGB0007654321"]\n'
        + T3_RULES
    )
    business = place.config.businesses[0]
    here = fingerprint(place.config, business, 2026)
    script = (
        "import sys\n"
        "from korwatch.config.load import load_config\n"
        "from korwatch.alerts.standing import fingerprint\n"
        "config = load_config(__import__('pathlib').Path(sys.argv[1]), environ={})\n"
        "print(fingerprint(config, config.businesses[0], 2026))\n"
    )
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(place.root / "korwatch.toml")],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.stdout.strip() == here


def test_a_reader_that_cannot_write_still_gets_the_evaluation(office: MakeOffice) -> None:
    place = office(INVOICES)
    place.add(Bill("2026-03-01", "5000.00", "A-1"))
    expected = place.status(2026, recompute=True)
    reader = sqlite3.connect(f"file:{place.root / 'ledger.sqlite3'}?mode=ro", uri=True)
    reader.isolation_level = None
    found = standings(reader, place.config, place.config.businesses, 2026)
    assert found[0].this.turnover_cents == 500000
    assert place.status(2026) == expected


# Randomised imports: documents of a few payments and invoices over three years.
_DAYS = st.dates(date(2025, 11, 1), date(2027, 2, 28))
_NAMES = st.sampled_from(["Klant BV", "Klant Y", "Stripe Payments", "Oom Kees", "Consument"])
_WORDS = st.sampled_from(["", "factuur A-1", "betaling A-2", "lening", "voorschot", "rente"])
_PAYMENT = st.builds(
    Payment,
    day=_DAYS,
    amount=st.integers(-300_000, 1_500_000).filter(bool).map(lambda c: Decimal(c) / 100),
    name=_NAMES,
    description=_WORDS,
)
_BILL = st.builds(
    lambda day, cents, number, credit: Bill(
        day.isoformat(),
        str(Decimal(-cents if credit else cents) / 100),
        number,
        credit_note=credit,
    ),
    _DAYS,
    st.integers(1, 1_200_000),
    st.sampled_from(["A-1", "A-2", "A-3", "CN-1"]),
    st.booleans(),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    basis=st.sampled_from(["bank", "invoices"]),
    documents=st.lists(st.one_of(_PAYMENT, _BILL), min_size=1, max_size=7),
)
def test_the_stored_evaluation_equals_a_full_one_after_random_imports(
    basis: str, documents: Sequence[Step]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        place = Office(Path(folder), f'basis = "{basis}"')
        try:
            place.assert_stored_equals_full()
            for document in documents:
                place.add(document)
                place.assert_stored_equals_full()
        finally:
            place.connection.close()


def test_status_recompute_prints_the_same_bytes_as_the_stored_evaluation(
    workspace: Any,
) -> None:
    workspace.drop(
        "ing.csv",
        ing_csv(
            [
                Payment(date(2026, 1, 1) + timedelta(days=day), Decimal("500.00"), "Klant")
                for day in range(0, 300, 7)
            ]
        ),
    )
    assert workspace.run("scan")[0] == 0
    stored = workspace.run("status", "--json")
    recomputed = workspace.run("status", "--json", "--recompute")
    assert stored[0] == recomputed[0] == 0
    assert stored[1] == recomputed[1]
    assert json.loads(stored[1])["businesses"][0]["crossed"] is True


def _same_as_recomputed(workspace: Any) -> dict[str, Any]:
    stored = workspace.run("status", "--json")
    recomputed = workspace.run("status", "--json", "--recompute")
    assert stored[0] == recomputed[0] == 0, stored[2] + recomputed[2]
    assert stored[1] == recomputed[1]
    return dict(json.loads(stored[1])["businesses"][0])


def test_decisions_and_their_undoing_keep_the_stored_evaluation_equal_to_a_full_one(
    workspace: Any,
) -> None:
    record = year_with_loan(workspace)
    assert _same_as_recomputed(workspace)["turnover"] == "16500.00"
    assert workspace.run("decide", record, "--as", "loan", "--by", "selina")[0] == 0
    assert _same_as_recomputed(workspace)["turnover"] == "11500.00"
    always = ("decide", record, "--as", "turnover", "--always", "iban", "--by", "selina")
    assert workspace.run(*always)[0] == 0
    assert _same_as_recomputed(workspace)["turnover"] == "16500.00"
    assert workspace.run("decide", record, "--undo", "--by", "wout")[0] == 0
    after = _same_as_recomputed(workspace)
    assert (after["turnover"], after["review_items"]) == ("16500.00", 3)


def test_edited_invoices_and_an_old_version_coming_back_keep_it_equal_to_a_full_one(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "korwatch.toml"
    text = config_text(inbox, mail_dir=tmp_path / "mail", extra_business='basis = "invoices"')
    config.write_text(text, encoding="utf-8")
    workspace = Workspace(tmp_path, inbox, config)
    steps = [
        ("facturen-1.csv", edited_invoices.INVOICES, "20500.00"),
        ("facturen-2.csv", edited_invoices.edited("2026-030", net="3000.00"), "22500.00"),
        ("facturen-3.csv", edited_invoices.INVOICES[::-1], "20500.00"),  # the old one back
    ]
    for name, rows, turnover in steps:
        workspace.drop(name, edited_invoices.invoice_csv(rows))
        assert workspace.run("scan")[0] == 0
        assert _same_as_recomputed(workspace)["turnover"] == turnover
