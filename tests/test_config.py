"""The config file: every problem at once with its key path, unknown keys rejected, secrets by
reference (environment, .env file, systemd credentials) and never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from korwatch.cli import main
from korwatch.config.load import load_config
from korwatch.errors import ConfigError

GOOD = """
[email]
backend = "smtp"
sender = "korwatch@example.nl"
username = "kw"
password = "${SMTP_PASSWORD}"

[[business]]
id = "studio"
recipients = ["a@example.nl"]
  [[business.source]]
  type = "directory"
  path = "/tmp"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "korwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_reported_at_once_with_its_key_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[email]
backend = "pigeon"
port = "25"
sendr = "x@example.nl"

[[business]]
id = "a b"
recipients = ["not-an-address"]
warn_at = [15000, "lots"]
basis = "cash"
  [[business.source]]
  type = "dir"
  [[business.source]]
  type = "directory"
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    problems = caught.value.problems
    expected = [
        'email.backend: "pigeon" is not one of "smtp", "file"',
        'email.port: must be a whole number, not the string "25"',
        'email.sendr: unknown key (did you mean "sender"?)',
        "business[0].id:",
        'business[0].recipients[0]: "not-an-address" is not an email address',
        "business[0].warn_at[1]:",
        'business[0].basis: "cash" is not one of "bank", "invoices"',
        'business[0].source[0].type: unknown source type "dir"',
        "business[0].source[1].path: is required",
    ]
    for fragment in expected:
        assert any(problem.startswith(fragment) for problem in problems), (fragment, problems)
    assert str(path) in str(caught.value)


def test_a_secret_comes_from_the_environment_and_never_shows_in_a_repr(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), environ={"SMTP_PASSWORD": "hunter2"})
    assert config.email.password is not None
    assert config.email.password.reveal() == "hunter2"
    assert "hunter2" not in repr(config)


def test_a_secret_comes_from_the_explicit_env_file(tmp_path: Path) -> None:
    (tmp_path / "secrets.env").write_text("SMTP_PASSWORD=from-dotenv\n", encoding="utf-8")
    config = load_config(write(tmp_path, 'env_file = "secrets.env"\n' + GOOD), environ={})
    assert config.email.password is not None
    assert config.email.password.reveal() == "from-dotenv"


def test_a_secret_comes_from_the_systemd_credentials_directory(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "smtp").write_text("from-systemd\n", encoding="utf-8")
    text = GOOD.replace("${SMTP_PASSWORD}", "${credential:smtp}")
    config = load_config(write(tmp_path, text), environ={"CREDENTIALS_DIRECTORY": str(credentials)})
    assert config.email.password is not None
    assert config.email.password.reveal() == "from-systemd"


def test_a_missing_secret_is_named_without_guessing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, GOOD), environ={})
    assert caught.value.problems == [
        "email.password: ${SMTP_PASSWORD} is not set (not in the environment nor in env_file)"
    ]


def test_check_config_exits_2_and_lists_problems_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD.replace('id = "studio"', 'id = "studio"\ncolour = "red"'))
    assert main(["check-config", "-c", str(path)]) == 2
    err = capsys.readouterr().err
    assert "business[0].colour: unknown key" in err
    assert "email.password: ${SMTP_PASSWORD} is not set" in err


def test_check_config_accepts_the_shipped_example(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[1] / "config" / "korwatch.example.toml"
    assert main(["check-config", "-c", str(example)]) == 0
    assert "OK (1 business(es)" in capsys.readouterr().out


def test_an_invalid_toml_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[email\nbackend = 1"), environ={})
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("not valid TOML")


def test_a_secret_of_the_wrong_type_is_never_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        GOOD.replace('"${SMTP_PASSWORD}"', "73519246")
        .replace("[email]", "[watch]\nheartbeat_url = 4711.0815\n\n[email]")
        .replace('path = "/tmp"', 'path = "/tmp"\n  [[business.source]]\n  type = "http"\n'
                 '  url = "https://bank.example/export.csv"\n  token = [31337, "s3cr3t"]')
    )  # fmt: skip
    assert main(["check-config", "-c", str(write(tmp_path, text))]) == 2
    err = capsys.readouterr().err
    assert "email.password: must be a string" in err
    assert "watch.heartbeat_url: must be a string" in err
    assert "business[0].source[1].token: must be a string" in err
    for secret in ("73519246", "4711", "0815", "31337", "s3cr3t"):
        assert secret not in err, err
