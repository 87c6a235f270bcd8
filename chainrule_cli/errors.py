"""Exceptions the core raises; the CLI maps each to one line and an exit code."""

from __future__ import annotations


class ChainruleError(Exception):
    """Base class: a problem the user can fix, reported in one line."""


class InputError(ChainruleError):
    """Math input that cannot be read, with the place where reading failed."""

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def caret_lines(self) -> list[str]:
        """The input and a caret under the failing character (empty if unknown)."""
        if self.position is None or not self.text or "\n" in self.text:
            return []
        shown = self.text if len(self.text) <= 120 else self.text[:117] + "..."
        pos = min(self.position, len(shown))
        return ["  " + shown, "  " + " " * pos + "^"]


class DomainError(ChainruleError):
    """A point outside the domain of the function or of its derivative."""


class TooComplex(ChainruleError):
    """The computer-algebra work did not finish in its time limit."""


class BankError(ChainruleError):
    """A problem bank that cannot be loaded at all (not one bad problem)."""


class StoreError(ChainruleError):
    """The progress store cannot be opened or written."""


class TooLarge(ChainruleError):
    """A value too large to compute with exactly (said as such, never as "outside the domain")."""
