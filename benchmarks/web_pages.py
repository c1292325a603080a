"""How fast the web pages render with an office's data (target: <= 300 ms each).

    .venv/bin/python benchmarks/web_pages.py [--businesses 1000] [--transactions 5000] [--repeat 7]

Builds a throwaway state: N businesses, each with a year of 60 bank lines (a mix under, near
and over the threshold, a few flagged credits each), and one more business whose year holds
M transactions. Everything is imported the way a scan imports it (`scan.import_document`: rows,
verdicts, alert events), without sending email. Then the Flask application answers through its
test client (the whole request: routing, guard, ledger, evaluation, template, headers; not the
network) and each page is timed:

- the overview of the N businesses: the first request after start (each year's stored
  evaluation read from the ledger, as the scan that imported them left it) and the next ones
  (summaries kept in memory between requests until the ledger changes);
- the ledger page of the M-transaction year (evaluated at every request), its CSV download;
- the review queue of all N businesses, and one business's page (without its chart, which is
  a separate request drawn in a child process).

Figures are the median and the best of `--repeat` requests, against the issue's target of
300 ms per page. A measurement, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from korwatch.alerts.standing import refresh  # noqa: E402
from korwatch.config.load import load_config  # noqa: E402
from korwatch.config.model import Config  # noqa: E402
from korwatch.scan import import_document, open_ledger  # noqa: E402
from korwatch.sources import DocumentInput  # noqa: E402
from korwatch.web.app import create_app  # noqa: E402
from tests.helpers import Payment, ing_csv  # noqa: E402

NOW = "2026-11-26T12:00:00+01:00"
TARGET_MS = 300.0


def _business(number: int) -> list[Payment]:
    """A year of 60 lines: 48 credits (one in 8 flagged: no invoice number), 12 debits."""
    scale = Decimal([150, 330, 420, 520][number % 4])  # under, warning, near, over
    lines: list[Payment] = []
    for index in range(60):
        day = date(2026, 1, 2) + timedelta(days=index * 5)
        if index % 5 == 4:
            lines.append(Payment(day, Decimal("-42.50"), "Leverancier", description="inkoop"))
            continue
        text = "overboeking" if index % 8 == 0 else f"Factuur {number}-{index}"
        lines.append(Payment(day, scale + index, f"Klant {index % 9}", description=text))
    return lines


def _big_year(transactions: int) -> list[Payment]:
    start = date(2026, 1, 1)
    return [
        Payment(
            start + timedelta(days=index * 330 // transactions),
            Decimal(index % 7 * 3 + 4) if index % 3 else Decimal(-(index % 11) - 1),
            f"Klant {index % 97}",
            description=f"Factuur B-{index}" if index % 10 else "storting",
        )
        for index in range(transactions)
    ]


def prepare(root: Path, businesses: int, transactions: int) -> Path:
    inbox = root / "inbox"
    inbox.mkdir()
    tables = [
        f'state_dir = "state"\n[email]\nbackend = "file"\ndir = "{root / "mail"}"\n',
    ]
    for number in range(businesses + 1):
        business_id = "big" if number == businesses else f"client-{number:04d}"
        lines = _big_year(transactions) if number == businesses else _business(number)
        (inbox / f"{business_id}.csv").write_text(ing_csv(lines), encoding="utf-8")
        tables.append(
            f'[[business]]\nid = "{business_id}"\nname = "Client {number}"\n'
            f'recipients = ["office@example.nl"]\n'
        )
    config = root / "korwatch.toml"
    config.write_text("\n".join(tables), encoding="utf-8")
    return config


def import_all(config: Config, inbox: Path) -> None:
    connection = open_ledger(config)
    now = datetime.fromisoformat(NOW)
    for business in config.businesses:
        path = inbox / f"{business.id}.csv"
        document = DocumentInput(path=path, name=path.name, format=None)
        result = import_document(connection, config, business, document, now)
        assert result.status == "imported", result.error
    # What a scan does after its imports: the stored evaluation of each year brought up to date.
    refresh(connection, config, config.businesses, now.year)
    connection.close()


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median and the best wall time of `repeat` runs, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def _get(client: object, url: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
        return response.data

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--businesses", type=int, default=1000)
    parser.add_argument("--transactions", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ["KORWATCH_NOW"] = NOW
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = prepare(root, args.businesses, args.transactions)
        config = load_config(path)
        started = time.perf_counter()
        import_all(config, root / "inbox")
        print(f"imported {args.businesses} businesses and a {args.transactions}-line year "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        client = create_app(lambda: config).test_client()
        pages = [
            ("overview, first request after start", "/", 1),
            (f"overview of {args.businesses} businesses", "/", args.repeat),
            (f"ledger page ({args.transactions} lines)", "/business/big/ledger", args.repeat),
            (f"ledger CSV ({args.transactions} lines)", "/business/big/ledger.csv", args.repeat),
            (f"review queue of {args.businesses} businesses", "/review", args.repeat),
            ("a business's page (its chart is a request of its own)", "/business/client-0001",
             args.repeat),
        ]  # fmt: skip
        print("\n| page | median | best | target | met |\n|---|---|---|---|---|")
        for name, url, repeat in pages:
            median, best = timed(_get(client, url), repeat)
            met = "yes" if median <= TARGET_MS else "no"
            if repeat == 1:
                met = "(not a target)"
            print(f"| {name} | {median:.0f} ms | {best:.0f} ms | {TARGET_MS:.0f} ms | {met} |")


if __name__ == "__main__":
    main()
