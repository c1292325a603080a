"""`korwatch review` on a terminal (a real pty): one credit at a time, a key per category, an
optional note; a capital letter decides alike every credit from the same IBAN; `u` undoes."""

from __future__ import annotations

import os
import pty
import select
import time
from pathlib import Path

from tests.conftest import Workspace
from tests.review.support import row_of, year_with_loan
from tests.samples import REPO

NOW = "2026-11-26T12:00:00+01:00"


class Terminal:
    """`korwatch ARGS` on a pseudo-terminal: type keys, wait for what it prints."""

    def __init__(self, *args: str) -> None:
        korwatch = Path(REPO / ".venv" / "bin" / "korwatch")
        environment = dict(os.environ, KORWATCH_NOW=NOW, NO_COLOR="1", TERM="xterm")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the command on the pty
            os.execve(str(korwatch), [str(korwatch), *args], environment)  # noqa: S606
        self.screen = b""
        self.mark = 0

    def type(self, keys: str) -> None:
        self.mark = len(self.screen)
        os.write(self.fd, keys.encode())

    def expect(self, text: str, seconds: float = 60.0) -> str:
        """Wait until `text` is printed after the last keys typed; what was printed since."""
        deadline = time.monotonic() + seconds
        while text.encode() not in self.screen[self.mark :]:
            assert time.monotonic() < deadline, self.screen[self.mark :].decode(errors="replace")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the pty
                    chunk = b""
                assert chunk, f"ended without printing {text!r}"
                self.screen += chunk
        return self.screen[self.mark :].decode(errors="replace")

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_review_decides_one_credit_per_key_with_a_note_and_undoes(workspace: Workspace) -> None:
    loan = year_with_loan(workspace)
    terminal = Terminal("review", "-c", str(workspace.config), "--by", "selina")
    assert "Klant A" in terminal.expect("> ")
    terminal.type("t")
    terminal.expect("note (Enter: none): ")
    terminal.type("factuur 2026-01\r")
    assert "Klant B" in terminal.expect("> ")  # Klant A decided; the next credit
    terminal.type("u")
    assert "undone: record" in terminal.expect("> ")  # Klant A's decision taken back
    terminal.type("s")
    assert "J. de Vries" in terminal.expect("> ")
    terminal.type("L")
    assert "loan (always for this IBAN / name)" in terminal.expect("note (Enter: none): ")
    terminal.type("van oom Jan\r")
    out = terminal.expect("decided, ")
    assert f"decided: record {loan}; turnover 2026 now 11500.00 (ok)" in out
    assert "1 decided, 1 skipped" in terminal.expect("skipped")
    assert terminal.wait() == 0
    row = row_of(workspace, "5000.00")
    assert (row["category"], row["decided_by"], row["decision_note"]) == (
        "loan",
        "selina",
        "van oom Jan",
    )
    assert row["decided_for"] == "iban NL02RABO0123456789"
    assert row_of(workspace, "6000.00")["decided_by"] == ""  # undone


def test_q_stops_the_review_and_leaves_the_rest_waiting(workspace: Workspace) -> None:
    year_with_loan(workspace)
    terminal = Terminal("review", "-c", str(workspace.config))
    terminal.expect("> ")
    terminal.type("q")
    assert "0 decided, 0 skipped" in terminal.expect("skipped")
    assert terminal.wait() == 0
    assert workspace.status()["review_items"] == 3


def test_review_without_a_terminal_lists_the_queue_with_record_numbers(
    workspace: Workspace,
) -> None:
    loan = year_with_loan(workspace)
    code, out, _ = workspace.run("review")
    assert code == 0
    assert f"studio\trecord {loan}\t2026-05-04" in out
    assert "3 credit(s) to review; decide each with: korwatch decide RECORD --as CATEGORY" in out
