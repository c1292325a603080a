"""Dutch bank CSV/TXT exports (and fintechs): every built-in CSV profile, gathered for the registry.

The framework is in `csvbanks_base` (profiles) with its value readers in `csvbanks_values`; each
bank family has its own `csvbanks_<bank>` module of profiles.
"""

from __future__ import annotations

from korwatch.parsers import (
    csvbanks_abn,
    csvbanks_fintech,
    csvbanks_ing,
    csvbanks_nl,
    csvbanks_refuse,
)
from korwatch.parsers.base import Parser

PARSERS: list[Parser] = [
    *csvbanks_ing.PARSERS,
    *csvbanks_nl.PARSERS,
    *csvbanks_abn.PARSERS,
    *csvbanks_fintech.PARSERS,
    *csvbanks_refuse.PARSERS,
]
