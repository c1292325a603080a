"""Many clients in one config: `include` (a file per client) and `[defaults]` (what they share),
each problem named with its file and key; SIGHUP reads every file again."""

from __future__ import annotations

import signal
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.cli import main
from korwatch.config.load import load_config
from korwatch.errors import ConfigError
from korwatch.sources.directory import DirectorySource
from tests.daemon.support import start_daemon, until

MAIN = """
state_dir = "state"
include = ["clients/*.toml"]

[email]
backend = "file"
dir = "mail"

[defaults]
recipients = ["{id}@clients.example.nl", "kantoor@example.nl"]
warn_at = [16000, 19000]
language = "en"

  [[defaults.source]]
  type = "directory"
  path = "exports/{id}"
  settle_seconds = 0
"""


def office(tmp_path: Path, main: str = MAIN, **clients: str) -> Path:
    """The main config and one file per client under clients/."""
    (tmp_path / "clients").mkdir(exist_ok=True)
    for name, text in clients.items():
        (tmp_path / "clients" / f"{name}.toml").write_text(text, encoding="utf-8")
    path = tmp_path / "korwatch.toml"
    path.write_text(main, encoding="utf-8")
    return path


def test_businesses_come_from_every_included_file_and_take_the_defaults(tmp_path: Path) -> None:
    path = office(
        tmp_path,
        bakker='[[business]]\nid = "bakker"\nname = "Bakkerij"\n\n[[business]]\nid = "slager"\n',
        zz_own="""
[[business]]
id = "eigen"
recipients = ["eigen@example.nl"]
language = "nl"
  [[business.source]]
  type = "directory"
  path = "eigen-exports"
""",
    )
    config = load_config(path, environ={})
    assert [b.id for b in config.businesses] == ["bakker", "slager", "eigen"]
    bakker, slager, eigen = config.businesses
    assert bakker.name == "Bakkerij" and slager.name == "slager"
    assert bakker.recipients == ("bakker@clients.example.nl", "kantoor@example.nl")
    assert bakker.warn_at == (Decimal("16000.00"), Decimal("19000.00"))
    assert bakker.language == "en"
    source = bakker.sources[0]
    assert isinstance(source, DirectorySource)
    assert source.path == tmp_path / "exports" / "bakker"  # from the main file's folder
    # A key the business sets replaces the default whole; its own paths are from its file.
    assert eigen.recipients == ("eigen@example.nl",) and eigen.language == "nl"
    assert eigen.warn_at == (Decimal("16000.00"), Decimal("19000.00"))
    own = eigen.sources[0]
    assert isinstance(own, DirectorySource) and own.path == tmp_path / "clients" / "eigen-exports"
    assert config.included == (
        tmp_path / "clients" / "bakker.toml",
        tmp_path / "clients" / "zz_own.toml",
    )


def test_the_single_file_config_works_as_before(tmp_path: Path) -> None:
    path = tmp_path / "korwatch.toml"
    path.write_text(
        '[email]\nbackend = "file"\ndir = "mail"\n'
        '[[business]]\nid = "a"\nrecipients = ["a@x.nl"]\n',
        encoding="utf-8",
    )
    config = load_config(path, environ={})
    assert [b.id for b in config.businesses] == ["a"] and config.included == ()


def test_each_problem_names_its_file_and_key(tmp_path: Path) -> None:
    path = office(
        tmp_path,
        MAIN.replace('backend = "file"', 'backend = "pigeon"'),
        good='[[business]]\nid = "good"\n',
        bad='[[business]]\nid = "bad"\nrecipients = ["nobody"]\ncolour = "red"\n\n'
        '[[business]]\nid = "worse"\nbasis = "cash"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    bad = str(tmp_path / "clients" / "bad.toml")
    assert caught.value.elsewhere == {
        bad: [
            'business[0].recipients[0]: "nobody" is not an email address',
            "business[0].colour: unknown key",
            'business[1].basis: "cash" is not one of "bank", "invoices"',
        ]
    }
    assert caught.value.problems == ['email.backend: "pigeon" is not one of "smtp", "file"']
    lines = str(caught.value).splitlines()
    assert f'{path}: email.backend: "pigeon" is not one of "smtp", "file"' in lines
    assert f'{bad}: business[1].basis: "cash" is not one of "bank", "invoices"' in lines


def test_a_bad_default_is_reported_once_under_defaults(tmp_path: Path) -> None:
    clients = {f"c{n}": f'[[business]]\nid = "c{n}"\n' for n in range(3)}
    main_text = MAIN.replace('language = "en"', 'language = "fr"\nwarn_at_typo = 1')
    with pytest.raises(ConfigError) as caught:
        load_config(office(tmp_path, main_text, **clients), environ={})
    assert caught.value.elsewhere == {}
    assert caught.value.problems == [
        'defaults.language: "fr" is not one of "nl", "en"',
        'defaults.warn_at_typo: unknown key (did you mean "warn_at"?)',
    ]


def test_a_business_or_office_name_with_a_line_break_is_refused_naming_file_and_key(
    tmp_path: Path,
) -> None:
    # A name is printed in one line of `status`, a subject and the digest: a line break in it
    # (written as \\n in TOML) split the status table's line in two.
    path = office(
        tmp_path,
        MAIN + '[office]\nname = "Kantoor\\tDe Boer"\nrecipients = ["k@example.nl"]\n',
        evil='[[business]]\nid = "evil"\nname = "Evil\\r\\nBcc: attacker@example.org"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    evil = str(tmp_path / "clients" / "evil.toml")
    assert caught.value.elsewhere == {
        evil: ["business[0].name: must be one line of text, without line breaks or tabs"]
    }
    assert caught.value.problems == [
        "office.name: must be one line of text, without line breaks or tabs"
    ]


def test_a_bad_default_is_quoted_as_written_with_its_id_pattern(tmp_path: Path) -> None:
    main_text = MAIN.replace('"{id}@clients.example.nl"', '"{id}"')
    with pytest.raises(ConfigError) as caught:
        load_config(office(tmp_path, main_text, a='[[business]]\nid = "a"\n'), environ={})
    assert caught.value.problems == ['defaults.recipients[0]: "{id}" is not an email address']


def test_the_same_id_in_two_files_names_both(tmp_path: Path) -> None:
    path = office(tmp_path, a='[[business]]\nid = "twice"\n', b='[[business]]\nid = "twice"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    first = tmp_path / "clients" / "a.toml"
    assert caught.value.elsewhere == {
        str(tmp_path / "clients" / "b.toml"): [
            f'business[0].id: "twice" is used twice (also in {first})'
        ]
    }


def test_an_included_file_holds_businesses_only_and_is_read_safely(tmp_path: Path) -> None:
    path = office(
        tmp_path,
        broken="[[business]\nid = 1",
        other='include = ["more/*.toml"]\n[email]\nbackend = "file"\n',
        fine='[[business]]\nid = "fine"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    folder = tmp_path / "clients"
    assert caught.value.elsewhere[str(folder / "broken.toml")][0].startswith("not valid TOML")
    assert caught.value.elsewhere[str(folder / "other.toml")] == [
        "include: only the main config file may include other files",
        "business: an included file holds one or more [[business]] tables",
        "email: unknown key",
    ]


def test_an_include_that_names_a_missing_file_is_an_error_a_pattern_may_match_nothing(
    tmp_path: Path,
) -> None:
    text = MAIN.replace('include = ["clients/*.toml"]', 'include = ["clients/*.toml", "x.toml"]')
    with pytest.raises(ConfigError) as caught:
        load_config(office(tmp_path, text), environ={})
    assert caught.value.problems == [
        f"include[1]: {tmp_path / 'x.toml'} does not exist",
        "business: at least one [[business]] is required (in this file or an included one)",
    ]


def test_include_may_name_one_pattern_as_a_plain_string(tmp_path: Path) -> None:
    text = MAIN.replace('include = ["clients/*.toml"]', 'include = "clients/*.toml"')
    path = office(tmp_path, text, bakker='[[business]]\nid = "bakker"\n')
    assert [b.id for b in load_config(path, environ={}).businesses] == ["bakker"]


def test_check_config_names_the_file_and_key_and_counts_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = office(
        tmp_path, a='[[business]]\nid = "a"\n', b='[[business]]\nid = "b"\nwarn_at = "x"\n'
    )
    assert main(["check-config", "-c", str(path)]) == 2
    bad = tmp_path / "clients" / "b.toml"
    assert (
        f"{bad}: business[0].warn_at: must be a list of amounts in euro" in capsys.readouterr().err
    )
    (tmp_path / "clients" / "b.toml").write_text('[[business]]\nid = "b"\n', encoding="utf-8")
    assert main(["check-config", "-c", str(path)]) == 0
    assert "OK (2 business(es) from 3 file(s)" in capsys.readouterr().out


def test_sighup_reads_every_included_file_again(tmp_path: Path) -> None:
    (tmp_path / "exports" / "a").mkdir(parents=True)
    (tmp_path / "exports" / "b").mkdir(parents=True)
    text = MAIN + '\n[schedule]\nscan = "1h"\nwatch = "off"\n'
    path = office(tmp_path, text, a='[[business]]\nid = "a"\n')
    daemon = start_daemon(path, tmp_path / "log")
    try:
        until(lambda: "daemon started: 1 business(es)" in daemon.text(), what="the start")
        (tmp_path / "clients" / "b.toml").write_text('[[business]]\nid = "b"\n', encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        until(lambda: "2 business(es)" in daemon.text(), what="the reload with b")
        (tmp_path / "clients" / "c.toml").write_text('[[business]]\nid = "a"\n', encoding="utf-8")
        daemon.process.send_signal(signal.SIGHUP)
        until(lambda: "reload refused" in daemon.text(), what="the refused reload")
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    c_file = tmp_path / "clients" / "c.toml"
    assert f'{c_file}: business[0].id: "a" is used twice' in daemon.text()
