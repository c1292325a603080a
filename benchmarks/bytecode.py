"""Byte-compile korwatch before timing it, as `pip install` does for a user's korwatch.

With PYTHONDONTWRITEBYTECODE set (as on the development machines) an editable checkout would
otherwise be compiled from source at every start: about 0.1 s of start-up no user pays."""

from __future__ import annotations

import compileall
import importlib.util


def compile_korwatch() -> None:
    spec = importlib.util.find_spec("korwatch")
    assert spec is not None and spec.submodule_search_locations is not None
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)
