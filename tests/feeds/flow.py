"""Playing the person at the bank: `korwatch connect` runs as a process, the test opens the
link it prints (the fake bank's consent page), and the browser follows the redirect to the
listener korwatch started on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime

import requests

from tests.conftest import Workspace
from tests.samples import REPO


@dataclass
class Connected:
    code: int
    out: str
    err: str
    page: str  # what the browser showed after the redirect


def connect(
    workspace: Workspace,
    now: str,
    *args: str,
    fakes: list[object] = (),  # type: ignore[assignment]
    browse: bool = True,
    stdin: str = "",
) -> Connected:
    """Run `korwatch connect studio ARGS` with the clock at `now`, acting as the browser."""
    for fake in fakes:
        fake.now = datetime.fromisoformat(now)  # type: ignore[attr-defined]
        fake.today = fake.now.date()  # type: ignore[attr-defined]
    env = {**os.environ, "KORWATCH_NOW": now, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "korwatch.cli", "connect", "studio", *args,
         "-c", str(workspace.config)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, cwd=REPO, text=True,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    lines: list[str] = []
    page = ""
    for line in process.stdout:
        lines.append(line)
        if browse and line.strip().startswith("http"):
            page = requests.get(line.strip(), timeout=30).text  # the redirect reaches korwatch
            browse = False
            break
    if stdin:
        process.stdin.write(stdin)
    process.stdin.close()
    lines += process.stdout.readlines()
    code = process.wait(timeout=120)
    reader.join()
    return Connected(code, "".join(lines), "".join(errors), page)
