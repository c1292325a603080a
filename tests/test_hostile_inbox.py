"""What the inbox can hold that a well-behaved export never would (issue 17: D4, D6, D11, D12):
names that are not UTF-8 or hold control characters, FIFOs and devices, links out of the folder.
Each must fail alone, with its name shown escaped, and never hang the scan or quote what a link
points at. Everything is real: the CLI, the ledger file, the file system, the SMTP server.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.clock import now
from korwatch.config.load import load_config
from korwatch.errors import UnreadableFile
from korwatch.formats.detect import PARSERS
from korwatch.models import Record, Sample
from korwatch.scan import import_document, open_ledger
from korwatch.sources import SourceContext
from korwatch.sources.directory import DirectorySource
from korwatch.sources.opening import opened
from tests.conftest import Workspace
from tests.helpers import Payment, ing_csv

NOW = "2026-11-26T12:00:00+01:00"


def _export(day: int, amount: str) -> str:
    return ing_csv([Payment(date(2026, 3, day), Decimal(amount))])


def _inbox_bytes(workspace: Workspace) -> bytes:
    return os.fsencode(workspace.inbox)


def _set_source_option(workspace: Workspace, line: str) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text + f"  {line}\n", encoding="utf-8")


@pytest.mark.timeout(60)
def test_a_file_name_that_is_not_utf8_does_not_stop_the_files_sorted_after_it(
    workspace: Workspace,
) -> None:
    Path(os.fsdecode(_inbox_bytes(workspace) + b"/a-\xff.csv")).write_text(_export(1, "100.00"))
    workspace.drop("b.csv", _export(2, "50.00"))
    code, out, err = workspace.run("scan")
    assert code == 0, err
    assert "a-\\xff.csv (ing-csv: 1 new" in out  # named, with the bad byte escaped
    assert "b.csv (ing-csv: 1 new" in out
    assert workspace.status()["turnover"] == "150.00"
    assert workspace.run("scan")[0] == 0  # and the next scan is quiet: both are known


@pytest.mark.timeout(60)
def test_a_source_that_fails_on_a_file_names_that_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(sample: Sample) -> Iterator[Record]:
        raise RuntimeError("a reader bug that escapes every handler")
        yield  # pragma: no cover - makes this a generator like the real one

    monkeypatch.setattr(PARSERS["ing-csv"], "parse", broken)
    workspace.drop("x\x1b[2J.csv", _export(1, "100.00"))
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "x\\x1b[2J.csv: RuntimeError: a reader bug" in err
    (health,) = workspace.status()["sources"]
    assert "x\\x1b[2J.csv" in health["last_error"]  # what the "source failing" email says


@pytest.mark.timeout(60)
def test_control_characters_in_a_file_name_never_reach_the_output_raw(
    workspace: Workspace,
) -> None:
    name = "evil\x1b[31m\rFAILED fake\nline\u202e.csv"
    workspace.drop(name, _export(1, "100.00"))
    code, out, err = workspace.run("scan")
    assert code == 0, err
    shown = "evil\\x1b[31m\\rFAILED fake\\nline\\u202e.csv"
    assert shown in out
    _, csv_out, _ = workspace.run("ledger", "--csv")
    _, status_out, _ = workspace.run("status")
    _, json_out, _ = workspace.run("status", "--json")
    for output in (out, err, csv_out, status_out, json_out):
        assert "\x1b" not in output and "\r" not in output and "\u202e" not in output
    assert len(csv_out.splitlines()) == 2  # the header and the one record: no forged line


@pytest.mark.timeout(30)
def test_a_file_swapped_for_a_fifo_after_listing_fails_alone_without_hanging(
    workspace: Workspace,
) -> None:
    listed = workspace.drop("statement.csv", _export(1, "100.00"))
    config = load_config(workspace.config)
    business = config.businesses[0]
    source = business.sources[0]
    assert isinstance(source, DirectorySource)
    context = SourceContext(business.id, workspace.root / "state", now())
    (document,) = list(source.documents(context))  # listed as a regular file
    listed.unlink()
    os.mkfifo(listed)  # and a FIFO in its place before it is read: no writer ever comes
    connection = open_ledger(config)
    result = import_document(connection, config, business, document, now())
    assert result.status == "failed"
    assert result.error == (
        f"{listed}: is a named pipe (FIFO), not a regular file; korwatch reads only files"
    )


@pytest.mark.timeout(60)
def test_a_followed_link_to_a_proc_file_is_not_read(workspace: Workspace) -> None:
    # Files of /proc say they are regular and empty, yet reading some blocks (/proc/kmsg):
    # a file of size 0 is taken as empty without reading it. /proc/version does not block,
    # but shows whether it was read ("not a known export") or not ("the file is empty").
    (workspace.inbox / "kernel.csv").symlink_to("/proc/version")
    _set_source_option(workspace, "follow_symlinks = true")
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "kernel.csv: the file is empty" in err


def test_devices_and_fifos_are_refused_without_being_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, kind in ((Path("/dev/zero"), "a character device"), (fifo, "a named pipe")):
        with pytest.raises(UnreadableFile, match=f"is {kind}"), opened(path):
            pass  # pragma: no cover - never reached


@pytest.mark.timeout(60)
def test_a_link_out_of_the_inbox_is_not_followed_nor_quoted(workspace: Workspace) -> None:
    secret = workspace.root / "secrets.env"
    secret.write_text("Datum;PASSWORD=hunter2-SECRET\n", encoding="utf-8")
    outside = workspace.root / "elsewhere.csv"
    outside.write_text(_export(1, "100.00"), encoding="utf-8")
    (workspace.inbox / "secrets.csv").symlink_to(secret)
    (workspace.inbox / "statement.csv").symlink_to(outside)
    workspace.drop("inside.csv", _export(2, "7.00"))
    (workspace.inbox / "again.csv").symlink_to(workspace.inbox / "inside.csv")  # stays inside
    code, out, err = workspace.run("scan")
    assert code == 1
    assert "hunter2" not in out + err
    assert "secrets.csv: is a symbolic link to a file outside the source folder" in err
    assert "statement.csv: is a symbolic link to a file outside the source folder" in err
    assert workspace.status()["turnover"] == "7.00"  # inside.csv, once (again.csv is known)


@pytest.mark.timeout(60)
def test_follow_symlinks_true_reads_a_link_out_of_the_inbox(workspace: Workspace) -> None:
    outside = workspace.root / "elsewhere.csv"
    outside.write_text(_export(1, "100.00"), encoding="utf-8")
    (workspace.inbox / "statement.csv").symlink_to(outside)
    _set_source_option(workspace, "follow_symlinks = true")
    code, out, err = workspace.run("scan")
    assert code == 0, err
    assert "statement.csv (ing-csv: 1 new" in out
    assert workspace.status()["turnover"] == "100.00"


def test_an_unknown_file_s_content_is_not_quoted_in_its_error(workspace: Workspace) -> None:
    workspace.drop("notes.csv", "Datum;PASSWORD=hunter2-SECRET\nx\n")
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "notes.csv: not a known export; the closest is ING CSV" in err
    assert "hunter2" not in err and "1 other column" in err
    _, out, _ = workspace.run("status", "--json")
    assert "hunter2" not in json.dumps(json.loads(out))


def test_a_changed_bank_export_still_names_its_new_column(workspace: Workspace) -> None:
    header, *rows = _export(1, "100.00").split("\r\n")
    workspace.drop("ing.csv", "\r\n".join([header.replace('"Tag"', '"Nieuw"'), *rows]))
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "missing 'Tag'; unexpected 'Nieuw'" in err


def test_a_regular_file_is_read_through_the_checked_descriptor(workspace: Workspace) -> None:
    path = workspace.drop("a.csv", "x")
    with opened(path, workspace.inbox) as reading:
        path.unlink()
        path.symlink_to("/dev/zero")  # the name now points elsewhere: the reader does not
        assert reading.read_bytes() == b"x"
        assert stat.S_ISREG(os.stat(reading).st_mode)


def test_a_forced_format_does_not_quote_a_file_it_does_not_recognise(
    workspace: Workspace,
) -> None:
    _set_source_option(workspace, 'format = "mt940"')
    workspace.drop("notes.sta", "PASSWORD=hunter2-SECRET\n")
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "notes.sta: line 1: the file does not look like SWIFT MT940" in err
    assert "hunter2" not in err
