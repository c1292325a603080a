"""`korwatch preview KIND [--business ID] [--lang nl|en] [--out FILE]`: an email, not sent.

The business's own figures when the ledger has them (the latest stored event of that kind, or
the figures as they stand), else realistic sample figures; stderr says which. FILE.eml is the
whole message as it would be sent, FILE.html its HTML part with the chart embedded so a browser
shows it, FILE.txt the subject and plain-text part. Without --out the text goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from korwatch import clock
from korwatch.commands.common import OK, USAGE, ledger_for, selected
from korwatch.config.model import Config
from korwatch.errors import ConfigError
from korwatch.notify.compose import compose, email_for
from korwatch.notify.render import environment, message_id
from korwatch.reporting.preview import preview_payload
from korwatch.reporting.samples import KINDS

NAME = "preview"
HELP = "render an email with real or sample figures, without sending it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    parser.add_argument("--business", help="the business (needed when there are several)")
    parser.add_argument("--lang", choices=("nl", "en"), help="default: the business's language")
    parser.add_argument("--out", type=Path, metavar="FILE", help="FILE.eml, FILE.html or FILE.txt")
    parser.add_argument("--sample", action="store_true", help="use sample figures")


def run(config: Config, args: argparse.Namespace) -> int:
    office = args.kind == "office-digest"  # about every client: no business to choose
    if args.business is None and len(config.businesses) > 1 and not office:
        raise ConfigError(str(config.path), ["preview: more than one business; use --business"])
    business = selected(config, args.business)[0]
    now = clock.now()
    to_office = args.kind.startswith("office-")
    language = args.lang or (config.office.language if to_office else business.language)
    recipients = config.office.recipients if to_office else business.recipients
    if args.sample:
        from korwatch.reporting.samples import sample_payload  # noqa: PLC0415

        name = config.office.name if office else business.name
        payload, origin = sample_payload(args.kind, business.id, name), "sample"
    else:
        payload, origin = preview_payload(ledger_for(config), config, business, args.kind, now)
    whom = "the office" if office else business.id
    print(f"preview   {args.kind} for {whom} in {language}: {origin} figures", file=sys.stderr)
    env = environment(config.templates_dir)
    suffix = args.out.suffix.lower() if args.out else ""
    if suffix == ".eml":
        message = email_for(
            env,
            language,
            payload,
            sender=config.email.sender,
            recipients=recipients or business.recipients,
            message_id=message_id(
                0, business.id, now.year, f"preview-{args.kind}", config.email.sender
            ),
            when=now,
        )
        return _write(args.out, message.as_bytes())
    rendered = compose(env, language, payload, None).rendered
    if suffix in (".html", ".htm"):
        return _write(args.out, rendered.html.encode("utf-8"))
    text = f"Subject: {rendered.subject}\n\n{rendered.text}"
    if args.out is None:
        print(text, end="")
        return OK
    return _write(args.out, text.encode("utf-8"))


def _write(path: Path, content: bytes) -> int:
    try:
        path.write_bytes(content)
    except OSError as error:
        print(f"korwatch: cannot write {path}: {error.strerror}", file=sys.stderr)
        return USAGE
    print(f"wrote     {path}", file=sys.stderr)
    return OK
