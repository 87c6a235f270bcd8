"""The first problem of a quiz on screen before SymPy is loaded.

Loading SymPy takes a few hundred milliseconds; the first problem needs none
of it when it was proven valid before (``valcache``, so the check before it is
a lookup) and its text can be printed from the parser's tree (``written``).
Then the quiz shows it at once, starts loading SymPy on a background thread
and reads the first answer while it loads: the answer is checked when both
are there. The screen is the same as when everything is loaded first.

``cli/play.py`` uses these pieces in ``play``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import Key, LineReader

T = TypeVar("T")


def peek(items: Iterable[T]) -> tuple[T | None, Iterable[T]]:
    """The first item, and all the items (the first one included), or (None, nothing)."""
    iterator = iter(items)
    for first in iterator:
        return first, itertools.chain([first], iterator)
    return None, ()


def interrupted() -> Iterator[Any]:
    """Items that end in Ctrl-C at once: a quiz interrupted before its first problem."""
    raise KeyboardInterrupt
    yield  # pragma: no cover - makes this a generator


def early_text(problem: Problem, unicode: bool) -> str | None:
    """The problem's expression as the quiz shows it, when it can be shown without SymPy.

    None when the problem still has to be checked (never proven valid by this
    version) or only SymPy can print it. An applied problem shows its question,
    not its expression: its text is "".
    """
    from chainrule_cli.bank import valcache
    from chainrule_cli.printing.written import problem_text

    if problem.graph:  # a tree or an equation: its header needs its engine
        return None
    if not problem.generated and not valcache.shared().proven(problem):
        return None
    if problem.applied:
        return ""
    return problem_text(problem.expression, problem.variable, unicode)


class Primed:
    """A quiz's line reader whose first line was read already, while SymPy loaded.

    The first call returns that line (or raises the Ctrl-C that came instead);
    later calls read as the reader does. ``forget`` drops the line unused.
    """

    def __init__(self, reader: LineReader, line: str | None, interrupt: bool = False) -> None:
        self.reader = reader
        self._line = line
        self._interrupt = interrupt
        self._waiting = True

    def __call__(
        self,
        prompt: str,
        math: MathField | None = None,
        keys: Sequence[Key] = (),
        default: str = "",
    ) -> str | None:
        if self._waiting:
            self._waiting = False
            if self._interrupt:
                raise KeyboardInterrupt
            return self._line
        return self.reader(prompt, math, keys, default)

    def forget(self) -> None:
        self._waiting = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.reader, name)
