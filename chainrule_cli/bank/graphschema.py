"""The graph schema of a bank: problems of the graph types (``kinds.GRAPH_TYPES``).

A tree, implicit or backprop problem has ``function``, ``where`` (a mapping
NAME: EXPR), ``wrt`` and ``at`` (a mapping name: number) instead of
``expression``; ``graph_problem`` checks them and makes the ``Problem``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule_cli.bank.fields import duplicates, number_field, refuse_controls
from chainrule_cli.bank.problem import ONE_VARIABLE_KEYS, Issue, Pairs, Problem, clip


def graph_problem(
    entry: dict[Any, Any],
    path: str,
    line: int | None,
    label: str,
    pid: str | None,
    issues: list[Issue],
) -> tuple[Problem | None, list[Issue]]:
    """A problem of a graph type (``kinds.GRAPH_TYPES``): ``function``, ``where`` (a mapping
    NAME: EXPR), ``wrt`` and ``at`` (a mapping name: number) instead of ``expression``."""
    from chainrule_cli.reading.equations import name_of

    kind = entry["type"]

    def issue(message: str, at_line: int | None = None) -> None:
        issues.append(Issue(path, at_line or line, label, message))

    for key in ONE_VARIABLE_KEYS:
        if key in entry:
            instead = " (write the function line in 'function')" if key == "expression" else ""
            issue(f"{key!r} is not for {kind} problems{instead}")
    if kind == "implicit":
        for key in ("where", "wrt"):
            if key in entry:
                issue(f"{key!r} is not for implicit problems: y = y(x) and dy/dx is asked")
    function = entry.get("function")
    if "function" in entry and not isinstance(function, str):
        issue(f"'function' must be text: put it in quotes, e.g. \"{_FUNCTION_EXAMPLE[kind]}\"")
    elif isinstance(function, str) and len(function) > 500:
        issue(f"'function' is too long ({len(function)} characters; at most 500)")
    difficulty = entry.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
        issue(f"'difficulty' must be 1, 2 or 3, not {clip(difficulty)}")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        issue("'note' must be text")
    wrt = entry.get("wrt")
    if wrt is not None and (not isinstance(wrt, str) or name_of(wrt) is None):
        issue(f"'wrt' must be a variable's name, such as s or t, not {clip(wrt)}")
    name = _node_name if kind == "backprop" else name_of  # a circuit's names: w0, x1, loss
    where = _mapping("where", entry.get("where"), issue, _definition, name)
    point = _mapping("at", entry.get("at"), issue, _coordinate, name)
    refuse_controls(entry, issue)
    if issues:
        return None, issues
    assert isinstance(function, str) and pid is not None
    return (
        Problem(
            id=pid,
            type=kind,
            expression=function,
            difficulty=int(difficulty),
            note=note,
            function=function,
            where=where or (),
            wrt=name_of(wrt) if isinstance(wrt, str) else None,
            point=point,
            source=f"{path}:{line}",
        ),
        [],
    )


_FUNCTION_EXAMPLE = {
    "multivariable": "z = x^2*y + sin(y)",
    "implicit": "x^2 + y^2 = 25",
    "backprop": "f = (x + y)*z",
}
_MAPPING_EXAMPLE = {"where": "{x: s*t, y: s + t^2}", "at": "{s: 1, t: 2}"}


def _mapping(
    key: str,
    value: Any,
    issue: Callable[..., None],
    item: Callable[[str, Any, Callable[[str], None]], str | None],
    read_name: Callable[[str], str | None] | None = None,
) -> Pairs | None:
    """``where`` or ``at``: a mapping of variable names to texts, as (name, text) pairs in
    the order written (None when absent or unusable, with an issue)."""
    from chainrule_cli.reading.equations import name_of

    reading = read_name or name_of
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        issue(f"{key!r} must be a mapping of names to values, e.g. {key}: {_MAPPING_EXAMPLE[key]}")
        return None
    for at_line, message in duplicates(value):
        issue(f"{key!r}: {message}", at_line)
    pairs: list[tuple[str, str]] = []
    for name, raw in value.items():
        canonical = reading(name) if isinstance(name, str) else None
        if canonical is None:
            what = (
                "a node's name (letters and digits)"
                if reading is _node_name
                else ("a variable's name (one letter, or a Greek name)")
            )
            issue(f"{key!r}: {clip(name)} is not {what}")
            continue
        text = item(f"{key}: {canonical}", raw, issue)
        if text is not None:
            pairs.append((canonical, text))
    return tuple(pairs) if len(pairs) == len(value) else None


def _node_name(name: str) -> str | None:
    """A backprop graph's input or node name (``w0``, ``x1``, ``q``), or None."""
    from chainrule_cli.errors import InputError
    from chainrule_cli.reading.circuits import check_name

    try:
        return check_name(name)
    except InputError:
        return None


def _definition(label: str, value: Any, issue: Callable[[str], None]) -> str | None:
    """One ``where`` definition's right side, as text."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        issue(f"'{label}' must be an expression, such as s*t")
        return None
    if isinstance(value, str):
        if not value.strip():
            issue(f"'{label}' is empty: write an expression, such as s*t")
            return None
        return value
    return number_field(label, value, issue)


def _coordinate(label: str, value: Any, issue: Callable[[str], None]) -> str | None:
    """One ``at`` value, as the math parser reads it."""
    return number_field(label, value, issue)
