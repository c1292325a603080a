"""Screenshots of the crossed email and the report page, taken with headless Chromium.

    python benchmarks/screenshots.py [--out benchmarks/screenshots]

Builds a throwaway workspace (config, ledger, the end-to-end scenario's two ING exports: a
warning in June, a crossing by invoice 2026-042 on 14 September), runs the real CLI (`import`,
`preview crossed --out crossed.html`, `report --out report.html`) with the clock fixed at
26 November 2026, and photographs both pages in Dutch and English. The report's section "Is the
KOR still worth it?" is photographed on its own (the page with the other sections hidden) for a
photographer in the KOR (tests/advice/ledgers.py: staying pays) and, after the crossing above,
as what the crossing changes in euros. Chromium is not a Python
dependency: install it (Debian: `apt-get install chromium`) or set CHROMIUM=/path/to/binary.
Exit code 3 when it is missing. Not part of the test run: look at the PNGs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from korwatch.cli import main  # noqa: E402
from tests.advice.ledgers import photographer_csv  # noqa: E402
from tests.helpers import Payment, ing_csv  # noqa: E402

NOW = "2026-11-26T12:00:00+01:00"
D = Decimal
PAYMENTS = [
    Payment(date(2026, 2, 10), D("7500.00"), "Bakkerij Jansen", description="Factuur 2026-001"),
    Payment(date(2026, 3, 3), D("-120.50"), "KPN", description="Abonnement"),
    Payment(date(2026, 4, 2), D("950.00"), "Eigen spaarrekening", "NL20INGB0001234567", "Sparen"),
    Payment(date(2026, 5, 12), D("6000.00"), "Bureau Noord", description="Factuur 2026-014"),
    Payment(date(2026, 6, 20), D("1800.00"), "Atelier Zuid", description="factuurnr. 2026-021"),
    Payment(date(2026, 8, 31), D("3000.00"), "Gemeente Utrecht", description="Factuur 2026-030"),
    Payment(date(2026, 9, 14), D("2700.00"), "Studio Oost", description="Factuur 2026-042"),
    Payment(date(2026, 9, 20), D("500.00"), "Klant X", description="Factuur 2026-043"),
    Payment(date(2026, 9, 14), D("-1210.00"), "Kamera Express", "NL03RABO0000000777", "lens"),
    Payment(date(2026, 10, 1), D("-60.50"), "KPN B.V.", "NL08ABNA0000000222", "mobiel"),
    Payment(date(2026, 10, 3), D("-242.00"), "Hendriks", "NL68ABNA0000000888", "order 77"),
]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium() -> str | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def workspace(root: Path, export: str | None = None) -> Path:
    """A config and one ING export (`export`, default the crossing scenario) in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    config = root / "korwatch.toml"
    config.write_text(
        f'state_dir = "{root / "state"}"\n\n[email]\nbackend = "file"\ndir = "{root / "mail"}"\n'
        'sender = "korwatch@example.nl"\n\n[[business]]\nid = "studio"\n'
        'name = "Fotostudio Wout"\nrecipients = ["selina@example.nl"]\n'
        'own_ibans = ["NL20INGB0001234567"]\n',
        encoding="utf-8",
    )
    (root / "ing-2026.csv").write_text(export or ing_csv(PAYMENTS), encoding="utf-8")
    return config


def section_only(page: Path, section: str) -> Path:
    """A copy of a report page showing its title and one section (by id), nothing else."""
    hide = f"<style>main > :not(h1):not(#{section}) {{ display: none; }}</style></head>"
    copy = page.with_name(f"{page.stem}-{section}.html")
    copy.write_text(page.read_text(encoding="utf-8").replace("</head>", hide, 1), "utf-8")
    return copy


def cli(config: Path, *args: str) -> None:
    os.environ["KORWATCH_NOW"] = NOW
    code = main(
        [*args, "-q", "-c", str(config)] if args[0] == "import" else [*args, "-c", str(config)]
    )
    if code != 0:
        raise SystemExit(f"korwatch {' '.join(args)} failed with exit code {code}")


def shoot(browser: str, page: Path, png: Path, size: str, profile: Path) -> None:
    command = [
        browser,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={size}",
        f"--screenshot={png}",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def run(out: Path) -> int:
    browser = chromium()
    if browser is None:
        print(
            "screenshots: Chromium was not found; install it (Debian: apt-get install chromium) "
            "or set CHROMIUM=/path/to/chromium",
            file=sys.stderr,
        )
        return 3
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="korwatch-shots-") as folder:
        root = Path(folder)
        config = workspace(root)
        cli(config, "import", str(root / "ing-2026.csv"))
        photographer = workspace(root / "photographer", photographer_csv())
        cli(photographer, "import", str(root / "photographer" / "ing-2026.csv"))
        for language in ("nl", "en"):
            email, report = root / f"crossed-{language}.html", root / f"report-{language}.html"
            cli(config, "preview", "crossed", "--lang", language, "--out", str(email))
            cli(config, "report", "--year", "2026", "--lang", language, "--out", str(report))
            shoot(browser, email, out / f"crossed-email-{language}.png", "720,2400", root / "p1")
            shoot(browser, report, out / f"report-{language}.png", "1000,2600", root / "p2")
            euros = section_only(report, "advice")
            shoot(
                browser,
                euros,
                out / f"report-crossing-euros-{language}.png",
                "1000,700",
                root / "p3",
            )
            advice = root / "photographer" / f"report-{language}.html"
            cli(photographer, "report", "--year", "2026", "--lang", language, "--out", str(advice))
            page = section_only(advice, "advice")
            shoot(browser, page, out / f"report-advice-{language}.png", "1000,1500", root / "p4")
    for png in sorted(out.glob("*.png")):
        print(f"wrote {png} ({png.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "screenshots")
    sys.exit(run(parser.parse_args().out))
