"""`korwatch serve [--host H] [--port P]`: the web dashboard and review queue.

On `[web] host:port` (default 127.0.0.1:8015) until Ctrl-C or SIGTERM. `korwatch run` serves the
same pages when `[web] enabled = true`. Another host than the loopback needs sign-in: users
(`korwatch web-user add NAME`) or a trusted proxy header; otherwise it refuses to start.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from korwatch.commands.common import OK, USAGE
from korwatch.commands.run import setup_logging
from korwatch.config.model import Config
from korwatch.config.web import is_loopback
from korwatch.web.server import WebServer

NAME = "serve"
HELP = "the web dashboard: every business, its ledger, and the review queue"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="listen on this address (default: [web] host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen on this port (default: [web] port, 8015)")
    parser.add_argument(
        "--log-level", default="info", choices=("debug", "info", "warning", "error")
    )


def run(config: Config, args: argparse.Namespace) -> int:
    setup_logging(args.log_level)
    host = args.host or config.web.host
    if not is_loopback(host) and not config.web.passwords and not config.web.proxy_header:
        print(
            f"korwatch: {host} can be reached from other machines: add [web.users.NAME] "
            "(korwatch web-user add NAME) or [web] proxy_header first, or serve on 127.0.0.1",
            file=sys.stderr,
        )
        return USAGE
    server = WebServer(lambda: config, host, args.port)

    def stop(number: int, frame: FrameType | None) -> None:
        raise SystemExit(0)  # in the serving loop: waitress finishes the requests in hand

    signal.signal(signal.SIGTERM, stop)
    print(f"korwatch: the web pages are on {server.url} (Ctrl-C stops)", flush=True)
    server.run()  # returns on SIGTERM or Ctrl-C
    server.close()
    return OK
