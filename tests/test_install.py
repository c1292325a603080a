"""`pip install .` into a fresh virtual environment (not editable) gives a working `korwatch`
that renders its emails from the templates installed with it (issue 2, point 7; issue 11), and
the build prints no setuptools deprecation."""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTALLED_MARK = "(rendered from the installed korwatch/templates/nl/crossed.txt)"


def test_a_normal_install_runs_the_example_scan_and_renders_its_templates(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Build from a copy so the install cannot see the checkout's editable metadata.
    source = tmp_path / "src"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "example-output", "*.egg-info", "build", "__pycache__", ".*cache"
        ),
    )
    # -v: pip shows the build backend's own output, where setuptools prints its deprecations.
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-v", str(source)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    pip_output = install.stdout + install.stderr
    assert install.returncode == 0, pip_output[-3000:]
    assert "running bdist_wheel" in pip_output  # the backend's output is there to be read
    assert "SetuptoolsDeprecationWarning" not in pip_output
    assert "project.license" not in pip_output
    assert "absent from the `packages` configuration" not in pip_output  # templates/nl, /en
    shutil.rmtree(source)  # the installed korwatch must not need the source tree
    crossed = _installed_templates(venv) / "nl" / "crossed.txt"
    # A line added to the installed copy only: the email below must carry it.
    crossed.write_text(crossed.read_text("utf-8") + "\n" + INSTALLED_MARK + "\n", "utf-8")
    work = tmp_path / "work"
    shutil.copytree(REPO / "examples", work / "examples")
    result = subprocess.run(
        [str(venv / "bin" / "korwatch"), "-c", "examples/korwatch.toml", "scan"],
        check=False,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "KORWATCH_NOW": "2026-11-26T12:00:00+01:00",
        },
    )
    assert result.returncode == 0, result.stderr
    mails = sorted((work / "example-output" / "mail").glob("*.eml"))
    assert len(mails) == 1
    message = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
    assert "overschreden door factuur 2026-042" in str(message["Subject"])
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()  # type: ignore[attr-defined]
    assert "KOR beëindigen" in text
    assert INSTALLED_MARK in text  # rendered from the installed templates


def _installed_templates(venv: Path) -> Path:
    """Where the venv's korwatch.templates is: a folder in its site-packages with the emails."""
    found = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import korwatch.templates as t; print(t.__path__[0])",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=venv,  # not the checkout, whose templates/ must not be the one found
    )
    folder = Path(found.stdout.strip())
    assert folder.is_relative_to(venv)
    assert folder.parent.name == "korwatch" and folder.parent.parent.name == "site-packages"
    assert (folder / "nl" / "crossed.txt").is_file()
    assert (folder / "en" / "crossed.html").is_file()
    return folder
