"""The build ships every package of the tree: pyproject.toml lists its packages by hand (the
templates at the top of the repository install as korwatch.templates), so a new package under
korwatch/ that is not listed would be missing from the wheel, not from the editable checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _packages_in_the_tree() -> set[str]:
    """Every folder under korwatch/ that holds Python code, as a dotted name."""
    folders = {path.parent for path in (REPO / "korwatch").rglob("*.py")}
    return {".".join(folder.relative_to(REPO).parts) for folder in folders}


def test_the_listed_packages_are_the_tree_and_the_templates() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = _packages_in_the_tree()
    assert "korwatch.formats.csv" in found  # the walk reached the nested packages
    # Each language folder of the templates installs as a data package of its own.
    languages = {
        f"korwatch.templates.{d.name}" for d in (REPO / "templates").iterdir() if d.is_dir()
    }
    assert {"korwatch.templates.nl", "korwatch.templates.en"} <= languages
    assert sorted(setuptools["packages"]) == sorted(found | {"korwatch.templates"} | languages)
    assert setuptools["package-dir"] == {"korwatch.templates": "templates"}


def test_every_folder_of_code_is_a_regular_package() -> None:
    # Without __init__.py a folder would be a namespace package: importable from the checkout,
    # easy to forget in the list above, and without the docstring that says what it owns.
    for name in _packages_in_the_tree():
        assert (REPO.joinpath(*name.split(".")) / "__init__.py").is_file(), name
    assert (REPO / "templates" / "__init__.py").is_file()
