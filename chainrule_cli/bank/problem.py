"""One problem, the bank it belongs to, and the issues found in a bank.

``Problem``, ``Bank`` and ``Issue`` are plain data shared by loading
(``bank.load``), checking (``bank.check``) and validating (``bank.validate``);
``clip`` and ``short`` quote a value in a message, bounded however big it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEYS = (
    "id",
    "type",
    "expression",
    "difficulty",
    "at",
    "note",
    "question",
    "variable",
    "rate",
    "unit",
    "chain",
    "function",
    "where",
    "wrt",
)
KEY_SET = frozenset(KEYS)
APPLIED_KEYS = ("question", "variable", "rate", "unit", "chain")
#: Keys of the graph types (``kinds.GRAPH_TYPES``) only; ``at`` is a mapping for them.
GRAPH_KEYS = ("function", "where", "wrt")
#: Keys of the one-variable types only.
ONE_VARIABLE_KEYS = ("expression", *APPLIED_KEYS)
REQUIRED = ("id", "type", "expression")
#: What a graph type needs instead of ``expression``.
GRAPH_REQUIRED = ("id", "type", "function")

#: All the bank files of one load together: a bigger bank is refused with a message.
MAX_BANK_BYTES = 5 * 1024 * 1024
#: The largest |at| or |rate|: beyond it, exact evaluation at the point is not worth trusting.
POINT_LIMIT = 10**6
#: The longest id, and the longest text for a point or a rate.
MAX_ID = 100
MAX_NUMBER_TEXT = 100
#: Seconds for checking one problem, and for validating a whole bank.
CHECK_LIMIT = 5.0
VALIDATE_BUDGET = 30.0


#: A mapping kept in a frozen problem: (name, text) pairs in the order written.
Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Problem:
    """One problem: find the derivative of ``expression`` (or its value at ``at``).

    A graph type (``multivariable``, ``implicit``, ``backprop``) has a ``function``
    line instead (``z = x^2*y + sin(y)``, ``x^2 + y^2 = 25``), its ``where``
    definitions and its point as (name, text) pairs, and ``wrt``; its
    ``expression`` is the function line too, so that lists and records can show it.
    """

    id: str
    type: str
    expression: str
    difficulty: int = 1
    at: str | None = None
    note: str | None = None
    # Applied problems only: y = expression in ``variable``, whose own rate is ``rate``.
    question: str | None = None
    variable: str = "x"
    rate: str | None = None
    unit: str | None = None
    chain: tuple[str, ...] | None = None
    # Graph types only: the function line, NAME = EXPR definitions, the variable to
    # differentiate by, and the point (name, value) (``at`` stays None for them).
    function: str | None = None
    where: Pairs = ()
    wrt: str | None = None
    point: Pairs | None = None
    source: str = field(default="", compare=False)  # "file:line", for messages
    generated: bool = field(default=False, compare=False)

    @property
    def applied(self) -> bool:
        return self.type == "applied"

    @property
    def graph(self) -> bool:
        """A graph type: a function line with ``where``, ``wrt`` and a point mapping."""
        return self.function is not None

    @property
    def point_text(self) -> str | None:
        """The point as written: ``1`` or, for a graph type, ``s=1, t=2``."""
        if self.point is not None:
            return ", ".join(f"{name}={value}" for name, value in self.point)
        return self.at

    def where_lines(self) -> list[str]:
        """The definitions as ``--where`` lines: ``x = s*t``."""
        return [f"{name} = {text}" for name, text in self.where]

    def to_dict(self) -> dict[str, Any]:
        """The problem in the bank schema (``at`` omitted when absent)."""
        if self.graph:
            return self._graph_dict()
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "expression": self.expression,
            "difficulty": self.difficulty,
        }
        if self.at is not None:
            data["at"] = _yaml_number(self.at)
        if self.applied:
            data["question"] = self.question
            data["variable"] = self.variable
            data["rate"] = _yaml_number(self.rate or "")
            if self.unit:
                data["unit"] = self.unit
            if self.chain:
                data["chain"] = list(self.chain)
        if self.note:
            data["note"] = self.note
        return data

    def _graph_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type, "function": self.function}
        if self.where:
            data["where"] = dict(self.where)
        if self.wrt is not None:
            data["wrt"] = self.wrt
        if self.point is not None:
            data["at"] = {name: _yaml_number(text) for name, text in self.point}
        data["difficulty"] = self.difficulty
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a bank, located."""

    path: str
    line: int | None
    problem_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" {short(self.problem_id)}:" if self.problem_id else ""
        return f"{where}:{who} {self.message}"


@dataclass
class Bank:
    """Problems loaded from one or more files, and what was wrong with them."""

    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: Problems written in the files that could not be loaded: a schema error, an id used before.
    rejected: int = 0

    def select(
        self,
        types: Sequence[str] = (),
        difficulty: int | None = None,
    ) -> list[Problem]:
        return [
            p
            for p in self.problems
            if (not types or p.type in types) and (difficulty is None or p.difficulty == difficulty)
        ]


# -- quoting values in messages ---------------------------------------------------------------
def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, with "…" when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(value: object, limit: int = 40) -> str:
    """A value quoted for a message, never longer than about ``limit`` characters.

    Like ``repr`` (strings in quotes, control characters escaped), but bounded
    however big the value: long text is cut, huge numbers are described by
    their size, and lists and mappings show their first items only.
    """
    return short(_bounded_repr(value, limit + 1, 3), limit)


def _bounded_repr(value: object, room: int, depth: int) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 200:
            return f"<a number of about {int(value.bit_length() * 0.30103)} digits>"
        return repr(value)
    if isinstance(value, str | bytes):
        return repr(value[:room])
    if isinstance(value, float | datetime.date):
        return repr(value)
    if isinstance(value, dict | list | tuple | set | frozenset):
        if depth <= 0:
            return "{…}" if isinstance(value, dict) else "[…]"
        if isinstance(value, dict):
            items: Iterable[Any] = value.items()
            opening, closing = "{", "}"
        else:
            items = value
            opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        parts: list[str] = []
        used = 0
        for item in items:
            if used > room:
                parts.append("…")
                break
            if isinstance(value, dict):
                key, val = item
                part = (
                    f"{_bounded_repr(key, room, depth - 1)}: {_bounded_repr(val, room, depth - 1)}"
                )
            else:
                part = _bounded_repr(item, room, depth - 1)
            parts.append(part)
            used += len(part) + 2
        return opening + ", ".join(parts) + closing
    return f"<{type(value).__name__}>"


#: How a point or a rate out of range is described.
OUT_OF_RANGE = f"lies outside -{POINT_LIMIT:,} to {POINT_LIMIT:,}, the range a bank may use"


def in_file_order(issues: Iterable[Issue], files: Sequence[Path]) -> list[Issue]:
    """Issues by file (in the order the bank's files were read) and line; issues about a
    folder or a skipped file first, and issues on one line in the order they were found."""
    order = {str(path): index for index, path in enumerate(files)}
    return sorted(issues, key=lambda i: (order.get(i.path, -1), i.line or 0))


def counts(problems: Sequence[Problem]) -> dict[str, dict[int, int]]:
    """Problems per type and difficulty, for the summary table."""
    table: dict[str, dict[int, int]] = {}
    for p in problems:
        table.setdefault(p.type, {1: 0, 2: 0, 3: 0})[p.difficulty] += 1
    return table


def dump(problems: Sequence[Problem], unicode: bool = True) -> str:
    """Problems as a bank file (stable, so the same problems give the same bytes).

    Without ``unicode``, characters beyond ASCII are written as YAML escapes
    (``"\\u03C0"``), which read back the same: for an output that cannot carry them.
    """
    import yaml

    return yaml.safe_dump(
        {"problems": [p.to_dict() for p in problems]},
        sort_keys=False,
        allow_unicode=unicode,
        width=100,
    )


def _yaml_number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
