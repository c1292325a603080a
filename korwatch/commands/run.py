"""`korwatch run`: the daemon; scans and delivers on the configured schedule until SIGTERM.

Logs go to stderr, one line per event. Under systemd (journald sets $JOURNAL_STREAM) the lines
carry no timestamp of their own, since the journal adds one.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from korwatch.config.model import Config
from korwatch.daemon.service import Daemon

NAME = "run"
HELP = "the daemon: scan and deliver on the configured schedule until stopped"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="the least important log lines to show (default: info)",
    )


def setup_logging(level: str) -> None:
    journald = bool(os.environ.get("JOURNAL_STREAM"))
    layout = "%(levelname)s %(message)s" if journald else "%(asctime)s %(levelname)s %(message)s"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(layout))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler's own lines (job added, skipped while running) are noise at every tick.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    # urllib3 logs request lines (URLs with query strings) at debug: keep them out.
    logging.getLogger("urllib3").setLevel(logging.WARNING)


def run(config: Config, args: argparse.Namespace) -> int:
    setup_logging(args.log_level)
    if config.path is None:
        raise ValueError("the daemon needs a config file to reload")
    daemon = Daemon(config, config.path)
    code = daemon.run()
    if daemon.abandoned:
        # The job left running holds a worker thread that Python would wait for at exit, and
        # maybe a chart process that would outlive this one.
        from korwatch.notify.chart import stop_drawing  # noqa: PLC0415  (matplotlib-free)

        stop_drawing()
        logging.shutdown()
        sys.stderr.flush()
        os._exit(code)
    return code
