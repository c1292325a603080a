"""`korwatch check-config`: validate the config file (errors are reported by cli.main)."""

from __future__ import annotations

import argparse

from korwatch.commands.common import OK
from korwatch.config.model import Config
from korwatch.scan import state_dir

NAME = "check-config"
HELP = "validate the config file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(config: Config, args: argparse.Namespace) -> int:
    del args
    files = f" from {len(config.included) + 1} file(s)" if config.included else ""
    print(
        f"{config.path}: OK ({len(config.businesses)} business(es){files}; "
        f"ledger in {state_dir(config)})"
    )
    return OK
