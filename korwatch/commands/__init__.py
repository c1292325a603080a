"""The subcommands of `korwatch`, one module each, in one plain registry.

Each module has `NAME`, `HELP`, `add_arguments(parser)` and `run(config, args) -> int`.
Together with cli.py this package is the only code that prints to the terminal.
"""

from __future__ import annotations

from types import ModuleType

from korwatch.commands import (
    advise,
    check_config,
    connect,
    decide,
    import_files,
    ledger,
    preview,
    report,
    review,
    run,
    scan,
    serve,
    status,
    test_email,
    web_user,
    whatif,
)
from korwatch.commands.common import FAILED, OK, USAGE

__all__ = ["FAILED", "MODULES", "OK", "USAGE"]

MODULES: tuple[ModuleType, ...] = (
    scan,
    run,
    status,
    import_files,
    check_config,
    connect,
    test_email,
    report,
    preview,
    ledger,
    whatif,
    decide,
    review,
    serve,
    web_user,
    advise,
)
