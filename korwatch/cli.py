"""The `korwatch` command: argument parsing, terminal output and exit codes.

Exit codes: 0 all went well, 1 some item failed (a document, a source, a delivery), 2 usage or
configuration error. This is the only module that prints or exits.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from korwatch import clock
from korwatch.config import BusinessConfig, Config, find_config, load_config
from korwatch.errors import ConfigError, DeliveryError, KorwatchError
from korwatch.ledger import in_memory_copy
from korwatch.notify.outbox import sender_for
from korwatch.notify.render import build_message, environment, message_id, render
from korwatch.scan import (
    LEDGER_NAME,
    ScanReport,
    import_paths,
    local_today,
    open_ledger,
    scan,
    scan_lock,
    state_dir,
)
from korwatch.status import business_status

OK, FAILED, USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        default=argparse.SUPPRESS,
        help="the config file (default: $KORWATCH_CONFIG, ./korwatch.toml, ...)",
    )
    parser = argparse.ArgumentParser(
        prog="korwatch",
        parents=[common],
        description="Watch turnover against the Dutch KOR threshold and email before and "
        "when it is crossed.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan_cmd = commands.add_parser("scan", parents=[common], help="one pass: pull, import, alert")
    scan_cmd.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would happen; change nothing, send nothing",
    )
    scan_cmd.add_argument("--business", help="only this business")

    status = commands.add_parser("status", parents=[common], help="where each business stands")
    status.add_argument("--year", type=int, help="calendar year (default: this year)")
    status.add_argument("--business", help="only this business")
    status.add_argument("--json", action="store_true", help="machine-readable output")

    imp = commands.add_parser("import", parents=[common], help="import files given by hand")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--business", help="the business the files belong to")
    imp.add_argument("--format", help="force a format instead of detecting it")

    commands.add_parser("check-config", parents=[common], help="validate the config file")

    test = commands.add_parser("test-email", parents=[common], help="send a test email")
    test.add_argument("--to", help="send to this address instead of the recipients")
    test.add_argument("--business", help="only this business")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(find_config(getattr(args, "config", None)))
        return COMMANDS[args.command](config, args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return USAGE
    except KorwatchError as error:
        print(f"korwatch: {error}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        return 130


def _selected(config: Config, business_id: str | None) -> list[BusinessConfig]:
    if business_id is None:
        return list(config.businesses)
    return [config.business(business_id)]


def cmd_scan(config: Config, args: argparse.Namespace) -> int:
    selected = {b.id for b in _selected(config, args.business)}
    now = clock.now()
    with scan_lock(config):
        if args.dry_run:
            report = _dry_run(config, now, selected)
        else:
            connection = open_ledger(config)
            report = scan(connection, config, now, businesses=selected)
    _print_report(report, dry_run=args.dry_run)
    return FAILED if report.failed else OK


def _dry_run(config: Config, now: datetime, selected: set[str]) -> ScanReport:
    """Scan a throwaway copy of the ledger with a sender that only collects the emails."""
    copy = in_memory_copy(state_dir(config) / LEDGER_NAME)
    return scan(copy, config, now, businesses=selected, send=lambda message: None)


def _print_report(report: ScanReport, *, dry_run: bool = False) -> None:
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


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    if args.business is None and len(config.businesses) > 1:
        raise ConfigError(str(config.path), ["import: more than one business; use --business"])
    business = _selected(config, args.business)[0]
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"korwatch: no such file: {', '.join(missing)}", file=sys.stderr)
        return USAGE
    with scan_lock(config):
        connection = open_ledger(config)
        report = import_paths(connection, config, business, args.files, args.format, clock.now())
    _print_report(report)
    return FAILED if report.failed else OK


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    year = args.year or local_today(clock.now()).year
    connection = open_ledger(config)
    items = [
        business_status(connection, config, business, year)
        for business in _selected(config, args.business)
    ]
    if args.json:
        print(json.dumps({"businesses": items}, indent=2, ensure_ascii=False))
    else:
        for item in items:
            _print_status(item)
    return OK


def _print_status(item: dict[str, object]) -> None:
    provisional = " (provisional)" if item["provisional"] else ""
    print(
        f"{item['name']} [{item['id']}] {item['year']}: {str(item['level']).upper()}{provisional}"
    )
    print(f"  turnover {item['turnover']} of {item['threshold']}, headroom {item['headroom']}")
    crossing = item.get("crossing")
    if isinstance(crossing, dict):
        print(
            f"  crossed on {crossing['date']} by {crossing['amount']} "
            f"(invoice {crossing['invoice'] or '?'}, {crossing['counterparty']})"
        )
    for note in item.get("notes") or []:  # type: ignore[attr-defined]
        print(f"  note: {note}")


def cmd_check_config(config: Config, args: argparse.Namespace) -> int:
    print(
        f"{config.path}: OK ({len(config.businesses)} business(es); ledger in {state_dir(config)})"
    )
    return OK


def cmd_test_email(config: Config, args: argparse.Namespace) -> int:
    env = environment(config.templates_dir)
    send = sender_for(config)
    now = clock.now()
    failed = False
    for business in _selected(config, args.business):
        recipients = (args.to,) if args.to else business.recipients
        rendered = render(
            env, "test", business.language, {"business": {"id": business.id, "name": business.name}}
        )
        message = build_message(
            rendered,
            sender=config.email.sender,
            recipients=recipients,
            message_id=message_id(
                int(now.timestamp()), business.id, now.year, "test", config.email.sender
            ),
            when=now,
        )
        try:
            send(message)
            print(f"sent      test email for {business.id} to {', '.join(recipients)}")
        except DeliveryError as error:
            print(f"NOT SENT  test email for {business.id}: {error}", file=sys.stderr)
            failed = True
    return FAILED if failed else OK


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
    "scan": cmd_scan,
    "status": cmd_status,
    "import": cmd_import,
    "check-config": cmd_check_config,
    "test-email": cmd_test_email,
}

if __name__ == "__main__":
    sys.exit(main())
