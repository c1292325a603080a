"""What several commands share: exit codes, picking businesses, printing a scan report."""

from __future__ import annotations

import sys

from korwatch.config import BusinessConfig, Config
from korwatch.scan import ScanReport

OK, FAILED, USAGE = 0, 1, 2


def selected(config: Config, business_id: str | None) -> list[BusinessConfig]:
    if business_id is None:
        return list(config.businesses)
    return [config.business(business_id)]


def print_report(report: ScanReport, *, dry_run: bool = False) -> None:
    for document in report.documents:
        if document.status == "imported":
            print(
                f"imported  {document.name} ({document.format}: {document.new} new, "
                f"{document.duplicates} already known)"
            )
        elif document.status == "failed":
            print(f"FAILED    {document.error}", file=sys.stderr)
    for error in report.source_errors:
        print(f"FAILED    {error}", file=sys.stderr)
    verb = "would send" if dry_run else "sent"
    for line in report.delivery.sent:
        print(f"{verb}      {line}")
    for line in report.delivery.failed:
        print(f"NOT SENT  {line}", file=sys.stderr)
    known = sum(1 for d in report.documents if d.status.startswith("known"))
    imported = sum(1 for d in report.documents if d.status == "imported")
    print(
        f"{imported} imported, {len(report.failures)} failed, {known} already seen; "
        f"{len(report.delivery.sent)} email(s) {verb}, "
        f"{len(report.delivery.failed)} waiting for retry"
    )
