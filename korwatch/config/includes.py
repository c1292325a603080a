"""Many clients in one config: `include` for a file per client, `[defaults]` for what they share.

The main config file may name other files: `include = ["clients/*.toml"]`, glob patterns
relative to the main file's folder (or absolute), matched files read in name order. An
included file holds one or more `[[business]]` tables and nothing else; relative paths in it
are relative to its own folder.

`[defaults]` in the main file holds business keys (any but `id`) that every business, in the
main file or an included one, takes when it does not set that key itself; `[[defaults.source]]`
are the sources of a business that has none of its own. A key the business sets replaces the
default whole (lists and tables are not merged). In a default's strings `{id}` stands for the
business's id: `recipients = ["{id}@clients.example.nl"]`, `path = "/srv/exports/{id}"`
(a relative path there is relative to the main file's folder).

Every problem keeps its file: those of an included file are reported with that file's name and
the key path inside it (`clients/bakker.toml: business[0].recipients[0]: ...`); a bad default is
reported once, under `defaults.` in the main file, not again for each business that takes it.
"""

from __future__ import annotations

import glob
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from korwatch.configtable import Table

SOURCES = "source"
_MAGIC = frozenset("*?[")


@dataclass(frozen=True)
class BusinessEntry:
    """One `[[business]]` table with the defaults it takes filled in, and where it is written."""

    table: Table
    file: Path
    defaulted: frozenset[str]  # the keys it took from [defaults]

    def own_problems(self) -> list[str]:
        """The problems found reading this business, but for those of the defaults it took
        (reported once, under `defaults.`)."""
        prefix = self.table.path + "."
        return [
            problem
            for problem in self.table.problems
            if not (problem.startswith(prefix) and _names(problem[len(prefix) :], self.defaulted))
        ]


@dataclass
class Gathered:
    """Every business of the config, and the problems of each included file."""

    businesses: list[BusinessEntry] = field(default_factory=list)
    problems: dict[Path, list[str]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # the included files read


def gather(root: Table, main: Path) -> Gathered:
    """The businesses of the main file (`root`) and of the files it includes, each with the
    defaults it takes. Problems of the main file go to `root.problems`."""
    found = Gathered()
    defaults = _defaults(root)
    for index, table in enumerate(root.tables("business")):
        found.businesses.append(_entry(table, main, defaults, main.parent, f"business[{index}]"))
    for path in _included(root, main):
        problems = found.problems.setdefault(path, [])
        found.files.append(path)
        data = _read(path, problems)
        if data is None:
            continue
        top = root.child(data, "", problems=problems, base_dir=path.parent)
        if top.has("include"):
            top.raw("include")
            top.problem("include", "only the main config file may include other files")
        for index, table in enumerate(top.tables("business")):
            found.businesses.append(
                _entry(table, path, defaults, main.parent, f"business[{index}]")
            )
        if not top.has("business"):
            problems.append("business: an included file holds one or more [[business]] tables")
        top.finish()
    return found


def check_defaults(root: Table, read_business: Callable[[Table], object]) -> None:
    """Report the problems of `[defaults]` once, by reading them as a business would."""
    defaults = root.data.get("defaults")
    if not isinstance(defaults, dict) or not defaults:
        return
    problems: list[str] = []
    sample = {**_substituted(defaults, _SAMPLE_ID), "id": _SAMPLE_ID}
    read_business(root.child(sample, "defaults", problems=problems))
    # A problem quotes the value read, with the sample id in it: quote it as written ("{id}").
    written = {
        f'"{_substituted(text, _SAMPLE_ID)}"': f'"{text}"'
        for text in _strings(defaults)
        if "{id}" in text
    }
    for problem in problems:
        if _names(problem.removeprefix("defaults."), defaults):
            root.problems.append(_quoted_as_written(problem, written))


_SAMPLE_ID = "example"  # the id a default is checked with


def _quoted_as_written(problem: str, written: Mapping[str, str]) -> str:
    for read, text in written.items():
        problem = problem.replace(read, text)
    return problem


def _strings(value: Any) -> Iterable[str]:
    """Every string in a default's value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _names(key_path: str, names: Iterable[str]) -> bool:
    """Whether a problem's key path (after its table's) is about one of `names`."""
    return any(key_path.startswith((name + ".", name + "[", name + ":")) for name in names)


def _defaults(root: Table) -> dict[str, Any]:
    value = root.raw("defaults")
    if value is None:
        return {}
    if not isinstance(value, dict):
        root.problem("defaults", "must be a table ([defaults])")
        return {}
    if "id" in value:
        root.problem("defaults.id", "a business's id cannot have a default")
    return {key: item for key, item in value.items() if key != "id"}


def _entry(
    table: Table, file: Path, defaults: Mapping[str, Any], main_folder: Path, path: str
) -> BusinessEntry:
    own = table.data
    business_id = own.get("id") if isinstance(own.get("id"), str) else ""
    taken = {key: value for key, value in defaults.items() if key not in own}
    merged = {**_substituted(taken, str(business_id)), **own}
    problems: list[str] = []
    # A default source's relative paths are from the main file's folder (its own: its file's).
    folder = main_folder if SOURCES in taken else None
    entry = table.child(merged, path, problems=problems, base_dir=folder)
    return BusinessEntry(entry, file, frozenset(taken))


def _substituted(value: Any, business_id: str) -> Any:
    """`value` with `{id}` in its strings replaced by the business's id."""
    if isinstance(value, str):
        return value.replace("{id}", business_id)
    if isinstance(value, list):
        return [_substituted(item, business_id) for item in value]
    if isinstance(value, dict):
        return {key: _substituted(item, business_id) for key, item in value.items()}
    return value


def _included(root: Table, main: Path) -> list[Path]:
    """The files `include` names, each once, in order (the main file never)."""
    seen: list[Path] = []
    one = root.raw("include") if isinstance(root.data.get("include"), str) else None
    patterns = (one,) if isinstance(one, str) else root.strings("include")  # one, or a list
    for index, pattern in enumerate(patterns):
        full = str(main.parent / Path(pattern).expanduser())  # an absolute pattern stays so
        matches = sorted(Path(name) for name in glob.glob(full))
        if not matches and not _MAGIC & set(pattern):
            root.problem(f"include[{index}]", f"{full} does not exist")
        for path in matches:
            if path.is_file() and path.resolve() != main.resolve() and path not in seen:
                seen.append(path)
    return seen


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problems.append(f"cannot read the file: {error.strerror}")
    except UnicodeDecodeError:
        problems.append("the file is not UTF-8 text")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"not valid TOML: {error}")
    return None
