"""The systemd units pass `systemd-analyze verify` and comment every directive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UNITS = ("korwatch.service", "korwatch-scan.service", "korwatch-scan.timer")


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: point it at this environment's korwatch.
    korwatch = Path(sys.executable).parent / "korwatch"
    for name in UNITS:
        text = (REPO / "systemd" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("/usr/local/bin/korwatch", str(korwatch)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_every_directive_has_its_own_comment() -> None:
    for name in UNITS:
        lines = (REPO / "systemd" / name).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "=" in line and not line.startswith("#"):
                assert lines[number - 1].startswith("#"), f"{name}:{number + 1}: {line}"


def test_the_service_has_the_promised_hardening_and_notify_settings() -> None:
    text = (REPO / "systemd" / "korwatch.service").read_text(encoding="utf-8")
    for directive in (
        "Type=notify",
        "WatchdogSec=",
        "StateDirectory=korwatch",
        "ConfigurationDirectory=korwatch",
        "LoadCredential=smtp-password:",
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "RestartPreventExitStatus=2",
    ):
        assert f"\n{directive}" in text, directive
