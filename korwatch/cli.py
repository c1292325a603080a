"""The `korwatch` command: argument parsing, terminal output and exit codes.

Exit codes: 0 all went well, 1 some item failed (a document, a source, a delivery), 2 usage or
configuration error. Only this module and `korwatch.commands` print or exit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence

from korwatch.commands import FAILED, MODULES, USAGE
from korwatch.config.load import find_config, load_config
from korwatch.errors import ConfigError, KorwatchError


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        default=argparse.SUPPRESS,
        help="the config file (default: $KORWATCH_CONFIG, ./korwatch.toml, "
        "$XDG_CONFIG_HOME/korwatch/korwatch.toml, /etc/korwatch/korwatch.toml)",
    )
    parser = argparse.ArgumentParser(
        prog="korwatch",
        parents=[common],
        description="Watch turnover against the Dutch KOR threshold and email before and "
        "when it is crossed.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in MODULES:
        sub = commands.add_parser(module.NAME, parents=[common], help=module.HELP)
        module.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = next(module for module in MODULES if args.command == module.NAME)
    try:
        config = load_config(find_config(getattr(args, "config", None)))
        code = int(command.run(config, args))
        sys.stdout.flush()  # here, so that a reader gone away is met below, not at exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return USAGE
    except KorwatchError as error:
        print(f"korwatch: {error}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        return 130


def _reader_gone() -> int:
    """The reader of our output left (`korwatch ledger --csv | head -1`): stop quietly, as a
    Unix tool killed by SIGPIPE does, with its exit code (128 + 13). Python's own flush of
    stdout at exit would fail again and print a traceback, so stdout is pointed at /dev/null
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
