"""What an OFX file turned out to be: statements, error responses, investment statements.

The reader reports the aggregates it opens and closes; this decides, per transaction response
(`STMTTRNRS`, `CCSTMTTRNRS`) and for the file as a whole, whether to refuse it. A response whose
STATUS is an error and that carries no statement is refused at once, quoting the bank's MESSAGE:
the file is then incomplete. A file without any bank or credit-card statement is refused with
what it holds instead (an error response, an investment statement, something else).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from korwatch.errors import NotTransactionFile, ParseError

_RESPONSES = ("STMTTRNRS", "CCSTMTTRNRS", "INVSTMTTRNRS")
# OFX status codes below 2000 are informational (0 = success, 1 = client is up to date).
_FIRST_ERROR_CODE = 2000


@dataclass
class Status:
    values: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        severity = self.values.get("SEVERITY", "").upper()
        code = self.values.get("CODE", "0")
        if severity:
            return severity == "ERROR"
        return not code.isdigit() or int(code) >= _FIRST_ERROR_CODE

    def describe(self, what: str) -> str:
        code = self.values.get("CODE", "?")
        message = self.values.get("MESSAGE", "")
        quoted = f": {message!r}" if message else " (no MESSAGE given)"
        return f"{what} (STATUS code {code}){quoted}"


@dataclass
class Outcome:
    seen_ofx: bool = False
    statements: int = 0
    investments: int = 0
    status: Status = field(default_factory=Status)
    signon: Status | None = None
    response_has_statement: bool = False
    failures: list[str] = field(default_factory=list)

    def opened(self, name: str, line: int) -> None:
        if name == "OFX":
            self.seen_ofx = True
        elif name == "STATUS":
            self.status = Status()
        elif name in _RESPONSES:
            self.response_has_statement = False
            self.status = Status()  # not the sign-on's
        elif name == "INVSTMTRS":
            self.investments += 1
        elif name in ("STMTRS", "CCSTMTRS"):
            self.response_has_statement = True

    def status_value(self, name: str, value: str) -> None:
        self.status.values.setdefault(name, value)

    def closed(self, name: str, parent: str, line: int) -> None:
        if name == "STATUS" and parent == "SONRS":
            self.signon = self.status
        elif name in _RESPONSES[:2] and self.status.failed and not self.response_has_statement:
            raise NotTransactionFile(
                self.status.describe("the bank answered with an error instead of a statement"),
                line=line,
            )

    def finish(self) -> None:
        if not self.seen_ofx:
            raise ParseError("the file has no <OFX> element, so it is not an OFX statement")
        if self.statements:
            return
        if self.signon is not None and self.signon.failed:
            raise NotTransactionFile(
                self.signon.describe("the bank refused the sign-on and sent no statement")
            )
        if self.investments:
            raise NotTransactionFile(
                "this is an OFX investment (brokerage) statement (INVSTMTRS), not a bank or "
                "credit-card statement; export the bank account's statement instead"
            )
        raise NotTransactionFile(
            "the OFX file holds no bank or credit-card statement (no STMTRS or CCSTMTRS)"
        )
