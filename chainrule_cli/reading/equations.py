"""Reading maths in several variables: function lines, ``--where`` definitions, points.

The single-variable parser (``parsing.read``) does the reading; this module gives
it every letter as a variable name and maps each to its own real SymPy symbol.

* ``read_expression("x^2*y + sin(y)")``: an expression and the names it uses;
* ``read_function_line("z = x^2*y")``: the dependent variable and its expression
  (the function line of ``solve --where``);
* ``read_definition("x = s*t")``: one ``--where`` definition (same form);
* ``read_equation("x^2 + y^2 = 25")``: both sides of an equation (``--implicit``);
* ``read_point("s=1,t=2")``: ``--at`` as name=value pairs (a plain number: name None).

Errors are ``InputError`` with the caret at the place in the text as typed.
Derivative symbols (``∂z/∂x``, ``dz/dx``, ``d z/d x``) are read in ``symbols.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import InputError
from chainrule_cli.reading.syntax import GREEK, GREEK_LETTERS, Node, Var, children

if TYPE_CHECKING:
    import sympy

    from chainrule_cli.reading.ambiguity import Ambiguity

#: Names that may be variables: one Latin letter (not e, which is Euler's number),
#: or a Greek letter's name.
LETTERS: tuple[str, ...] = tuple(
    c for c in "abcdfghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
) + tuple(sorted(set(GREEK.values())))

_NAME = r"(?:[A-Za-z]|" + "|".join(sorted(set(GREEK.values()), key=len, reverse=True)) + ")"


def name_of(text: str) -> str | None:
    """The canonical variable name ``text`` is (``θ`` → theta), or None if it is none."""
    stripped = text.strip()
    stripped = GREEK.get(stripped, stripped)
    if stripped == "e" or not re.fullmatch(_NAME, stripped):
        return None
    return stripped


def symbol_for(name: str) -> sympy.Symbol:
    """The real SymPy symbol of a variable name (the same one everywhere)."""
    import sympy as sp

    return sp.Symbol(name, real=True)


def shown_name(name: str, unicode: bool = True) -> str:
    """A variable name as shown: theta → θ in unicode."""
    return GREEK_LETTERS.get(name, name) if unicode else name


@dataclass(frozen=True)
class Read:
    """An expression in several variables: the syntax tree, the SymPy expression,
    the names it uses (in order of first appearance) and the text it came from."""

    text: str
    tree: Node
    expr: Any
    names: tuple[str, ...]
    #: The ambiguity notes met while reading (``printing.notes`` writes them).
    ambiguities: tuple[Ambiguity, ...] = ()
    #: The expression as typed (unevaluated), for showing it back.
    written: Any = None


def _var_names(node: Node) -> list[str]:
    """The variable names in ``node``, in order of first appearance (left to right)."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            if n.name not in out:
                out.append(n.name)
        else:
            stack.extend(reversed(children(n)))
    return out


def read_expression(text: str, offset: int = 0, whole: str | None = None) -> Read:
    """Read ``text`` with every letter a variable; ``offset`` places it in ``whole``
    (the line as typed) for the caret of an error."""
    from chainrule_cli.reading.parsing import read
    from chainrule_cli.reading.syntax import to_sympy

    line = whole if whole is not None else text
    try:
        reading = read(" " * offset + text, "x", LETTERS)
    except InputError as exc:
        raise InputError(exc.message, line, exc.position) from None
    names = _var_names(reading.tree)
    symbols = {name: symbol_for(name) for name in names}
    expr = to_sympy(reading.tree, symbol_for("x"), symbols=symbols)
    written = to_sympy(reading.tree, symbol_for("x"), evaluate=False, symbols=symbols)
    return Read(text, reading.tree, expr, tuple(names), tuple(reading.ambiguities), written)


def _split(text: str, what: str) -> tuple[str, str, int]:
    """``left = right``: the two sides and where the right one starts."""
    if text.count("=") != 1:
        if "=" not in text:
            raise InputError(f"{what} needs an '=', as in {_EXAMPLES[what]}", text, len(text))
        second = text.index("=", text.index("=") + 1)
        raise InputError(f"one '=' only, as in {_EXAMPLES[what]}", text, second)
    equals = text.index("=")
    left, right = text[:equals], text[equals + 1 :]
    if not left.strip():
        raise InputError(f"nothing before '=': write {_EXAMPLES[what]}", text, equals)
    if not right.strip():
        raise InputError(f"nothing after '=': write {_EXAMPLES[what]}", text, equals)
    return left, right, equals + 1


_EXAMPLES = {
    "the function line": "z = x^2*y",
    "a --where definition": "x = s*t",
    "an equation": "x^2 + y^2 = 25",
}


def _defined(text: str, what: str) -> tuple[str, Read]:
    left, right, start = _split(text, what)
    name = name_of(left)
    if name is None:
        at = len(left) - len(left.lstrip())
        raise InputError(
            f"the left side must be one variable's name, as in {_EXAMPLES[what]}", text, at
        )
    body = read_expression(right, start, text)
    if name in body.names:
        at = start + right.index(right.lstrip()[0]) if right.strip() else start
        raise InputError(f"{name} is defined in terms of itself", text, at)
    return name, body


def read_function_line(text: str) -> tuple[str, Read]:
    """``z = x^2*y + sin(y)`` → ("z", the right side read)."""
    return _defined(text, "the function line")


def read_definition(text: str) -> tuple[str, Read]:
    """``x = s*t`` (one ``--where``) → ("x", the right side read)."""
    return _defined(text, "a --where definition")


def read_equation(text: str) -> tuple[Read, Read]:
    """``x^2 + y^2 = 25`` → both sides read."""
    left, right, start = _split(text, "an equation")
    return read_expression(left, 0, text), read_expression(right, start, text)


def read_point(text: str) -> dict[str | None, Any]:
    """``--at``: ``s=1,t=2`` → {"s": 1, "t": 2}; a plain number ``2`` → {None: 2}.

    Values are exact (``0.5`` is 1/2) and may be ``pi/4`` or ``sqrt(2)``.
    """
    from chainrule_cli.reading.parsing import parse_number

    if "=" not in text:
        try:
            return {None: parse_number(text)}
        except InputError as exc:
            raise InputError(exc.message, text, exc.position) from None
    out: dict[str | None, Any] = {}
    position = 0
    for part in text.split(","):
        if "=" not in part:
            raise InputError("write the point as name=value pairs: s=1,t=2", text, position)
        left, right = part.split("=", 1)
        name = name_of(left)
        if name is None:
            at = position + len(left) - len(left.lstrip())
            raise InputError(f"{left.strip()!r} is not a variable's name", text, at)
        if name in out:
            raise InputError(f"{name} is given twice", text, position)
        start = position + len(left) + 1
        try:
            out[name] = parse_number(right)
        except InputError as exc:
            raise InputError(
                exc.message, text, start + (exc.position or 0) if exc.position else start
            ) from None
        position += len(part) + 1
    return out
