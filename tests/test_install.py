"""`pip install .` into a fresh virtual environment (not editable) gives a working `korwatch`
that finds its packaged templates (issue 2, point 7)."""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        check=True,
        timeout=600,
    )
    shutil.rmtree(source)  # the installed korwatch must not need the source tree
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
    assert "KOR beëindigen" in body.get_content()  # type: ignore[attr-defined]
