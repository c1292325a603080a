"""`korwatch test-email [--to ADDRESS]`: send a test email through the configured backend."""

from __future__ import annotations

import argparse
import sys

from korwatch import clock
from korwatch.commands.common import FAILED, OK, USAGE, selected
from korwatch.config.model import Config
from korwatch.errors import DeliveryError
from korwatch.notify.outbox import sender_for
from korwatch.notify.render import build_message, environment, message_id, render

NAME = "test-email"
HELP = "send a test email"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", help="send to this address instead of the recipients")
    parser.add_argument("--business", help="only this business")


def run(config: Config, args: argparse.Namespace) -> int:
    if args.to is not None and ("@" not in args.to or any(c in args.to for c in "\r\n,<>")):
        print(f"korwatch: --to {args.to!r} is not one email address", file=sys.stderr)
        return USAGE
    env = environment(config.templates_dir)
    send = sender_for(config)
    now = clock.now()
    failed = False
    for business in selected(config, args.business):
        recipients = (args.to,) if args.to else business.recipients
        context = {"business": {"id": business.id, "name": business.name}}
        message = build_message(
            render(env, "test", business.language, context),
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
