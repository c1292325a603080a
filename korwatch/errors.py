"""korwatch's error hierarchy. Every message is one full sentence a user can act on."""

from __future__ import annotations


class KorwatchError(Exception):
    """Base of every error korwatch raises on purpose."""


class ConfigError(KorwatchError):
    """The configuration is invalid; `problems` holds every problem of the file `path`, each
    with its key path, and `elsewhere` those of the files it includes, by file name."""

    def __init__(
        self, path: str, problems: list[str], elsewhere: dict[str, list[str]] | None = None
    ) -> None:
        self.path = path
        self.problems = problems
        self.elsewhere = elsewhere or {}
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Every problem as "FILE: key.path: what is wrong"."""
        found = [f"{self.path}: {problem}" for problem in self.problems]
        for path, problems in self.elsewhere.items():
            found += [f"{path}: {problem}" for problem in problems]
        return found


class ParseError(KorwatchError):
    """A file could not be read as the format it claims (or any format).

    `line` is the 1-based line or entry number where the problem is, when known. The caller
    prefixes the file name, so the message itself does not repeat it.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.reason = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class NotTransactionFile(ParseError):
    """A file of a known kind that holds no transactions: a balance export, a broker export,
    an OFX error response, a header-only stub. Refused with a message saying which."""


class UnknownFormat(ParseError):
    """No parser claims the file; the message names the closest known profile."""


class AmbiguousFormat(ParseError):
    """More than one parser claims the file; the message names them."""


class DeliveryError(KorwatchError):
    """An email could not be delivered. `permanent` marks errors a retry will not fix
    (bad login, refused recipient)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        self.permanent = permanent
        super().__init__(message)


class SourceError(KorwatchError):
    """A source (directory, URL, API) could not be read this time."""


class SourceWaiting(KorwatchError):
    """A source that has nothing to do now and says why, e.g. a bank feed whose reads for the
    day are spent, or whose consent must be renewed first. Neither a success nor a failure."""


class UnreadableFile(KorwatchError):
    """A document korwatch will not read: not a regular file, gone, or a link out of its folder.
    The caller prefixes the file name."""


class DecisionError(KorwatchError):
    """A decision on a credit that cannot be made or undone (no such record, not a credit, an
    unknown category, a note too long); the message says which and what to do."""
