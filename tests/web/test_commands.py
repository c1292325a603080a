"""`korwatch web-user add`, `korwatch serve` and the pages inside `korwatch run`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import requests

from korwatch.config.load import load_config
from korwatch.web.passwords import verify_password
from tests.conftest import Workspace
from tests.helpers import free_port
from tests.review.support import year_with_loan
from tests.samples import REPO

KORWATCH = str(REPO / ".venv" / "bin" / "korwatch")
NOW = "2026-11-26T12:00:00+01:00"


def _korwatch(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KORWATCH, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def test_web_user_add_prints_a_hash_never_the_password_and_write_adds_it(
    workspace: Workspace,
) -> None:
    config = str(workspace.config)
    shown = _korwatch("web-user", "add", "anna", "--business", "studio", "-c", config,
                      stdin="a long passphrase\n")  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith('[web.users.anna]\npassword = "$argon2id$')
    assert 'businesses = ["studio"]' in shown.stdout and "passphrase" not in shown.stdout
    short = _korwatch("web-user", "add", "anna", "-c", config, stdin="short\n")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    unknown = _korwatch("web-user", "add", "anna", "--business", "x", "-c", config, stdin="")
    assert unknown.returncode == 2 and 'no business with id "x"' in unknown.stderr
    written = _korwatch("web-user", "add", "anna", "--write", "-c", config,
                        stdin="a long passphrase\n")  # fmt: skip
    assert written.returncode == 0 and "added [web.users.anna]" in written.stdout
    user = load_config(workspace.config).web.users["anna"]
    assert user.password_hash is not None and user.businesses is None
    assert verify_password(user.password_hash.reveal(), "a long passphrase")
    again = _korwatch("web-user", "add", "anna", "--write", "-c", config, stdin="x" * 12 + "\n")
    assert again.returncode == 2 and "is in the config already" in again.stderr


def _wait_for_page(url: str, process: subprocess.Popen[str], seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            return requests.get(url, timeout=5).text
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def _start(args: list[str], workspace: Workspace) -> subprocess.Popen[str]:
    environment = dict(os.environ, KORWATCH_NOW=NOW)
    return subprocess.Popen(
        [KORWATCH, *args, "-c", str(workspace.config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip


def test_serve_answers_on_the_loopback_and_stops_on_sigterm(workspace: Workspace) -> None:
    year_with_loan(workspace)
    port = free_port()
    server = _start(["serve", "--port", str(port)], workspace)
    try:
        page = _wait_for_page(f"http://127.0.0.1:{port}/", server)
        assert "Fotostudio Wout" in page and "€ 16.500,00" in page
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(15) == 0
    assert f"the web pages are on http://127.0.0.1:{port}/" in (
        server.stdout.read() if server.stdout else ""
    )


def test_serve_refuses_another_host_without_sign_in(workspace: Workspace) -> None:
    refused = _korwatch("serve", "--host", "0.0.0.0", "-c", str(workspace.config))  # noqa: S104
    assert refused.returncode == 2
    assert "0.0.0.0 can be reached from other machines" in refused.stderr


def test_run_serves_the_pages_with_web_enabled(workspace: Workspace) -> None:
    year_with_loan(workspace)
    port = free_port()
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        text + f'\n[web]\nenabled = true\nport = {port}\n\n[schedule]\nscan = "1h"\n',
        encoding="utf-8",
    )
    daemon = _start(["run"], workspace)
    try:
        page = _wait_for_page(f"http://127.0.0.1:{port}/review", daemon)
        assert re.search(r'<li id="r\d+">', page) and "J. de Vries" in page
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(15) == 0
    assert "web pages on http://127.0.0.1:" in (daemon.stderr.read() if daemon.stderr else "")
    assert Path(workspace.root / "state" / "web-secret").stat().st_mode & 0o077 == 0
