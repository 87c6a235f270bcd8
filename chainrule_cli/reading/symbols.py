"""Derivative symbols in a typed formula: ``∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s``, ``dz/dx*dx/dt``.

``read_formula`` finds each symbol ``∂A/∂B`` or ``dA/dB`` (spaces allowed:
``d z/d x``; ``partial`` may stand for ∂), puts a placeholder variable of the
same length in its place (so a caret still points at the text as typed), reads
the rest with ``equations.read_expression`` and returns the expression with
one symbol per derivative and a table of what each one names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chainrule_cli.errors import InputError
from chainrule_cli.reading.equations import (
    _NAME,
    LETTERS,
    Read,
    _var_names,
    name_of,
    read_expression,
    symbol_for,
)
from chainrule_cli.reading.parsing import read
from chainrule_cli.reading.syntax import to_sympy

_SYMBOL = re.compile(
    rf"(?P<d1>∂|partial\s*|d)\s*(?P<top>{_NAME}|[α-ω])\s*/\s*(?P<d2>∂|partial\s*|d)\s*"
    rf"(?P<bottom>{_NAME}|[α-ω])(?![A-Za-z])"
)


@dataclass(frozen=True)
class Derivative:
    """One derivative symbol as typed: of ``top`` with respect to ``bottom``."""

    top: str
    bottom: str
    partial: bool  # ∂ rather than d
    span: tuple[int, int]


@dataclass(frozen=True)
class Formula:
    """A typed chain-rule formula: the expression (derivative symbols as placeholder
    symbols), what each placeholder names, and the expression read."""

    read: Read
    derivatives: dict[Any, Derivative]

    @property
    def expr(self) -> Any:
        return self.read.expr


def has_derivative_symbol(text: str) -> bool:
    """Whether ``text`` contains a derivative symbol such as ∂z/∂x or dz/dt."""
    return _SYMBOL.search(text) is not None


def _placeholder(index: int, length: int) -> str:
    """A letters-only name ``length`` long, distinct for each index (DdXY + d…)."""
    letters = "abcdfghijklmnopqrstuvwxyz"
    code = letters[index // len(letters) % len(letters)] + letters[index % len(letters)]
    return ("Dd" + code + "d" * length)[: max(length, 4)]


def read_formula(text: str) -> Formula:
    """Read an answer that may contain derivative symbols; see the module docstring."""
    pieces: list[str] = []
    found: dict[str, Derivative] = {}
    by_pair: dict[tuple[str, str, bool], str] = {}
    last = 0
    for match in _SYMBOL.finditer(text):
        top, bottom = name_of(match["top"]), name_of(match["bottom"])
        if top is None or bottom is None:
            continue
        partial = match["d1"] != "d"
        key = (top, bottom, partial)
        length = match.end() - match.start()
        if length < 5:
            continue
        if key not in by_pair:
            by_pair[key] = _placeholder(len(by_pair), 5)
        name = by_pair[key]
        placeholder = name + " " * (length - len(name))
        pieces.append(text[last : match.start()])
        pieces.append(placeholder)
        found[name] = Derivative(top, bottom, partial, (match.start(), match.end()))
        last = match.end()
    pieces.append(text[last:])
    if not found:
        return Formula(read_expression(text), {})
    rewritten = "".join(pieces)
    try:
        reading = read(rewritten, "x", (*LETTERS, *found))
    except InputError as exc:
        raise InputError(exc.message, text, exc.position) from None
    names = _var_names(reading.tree)
    symbols = {n: symbol_for(n) for n in names}
    expr = to_sympy(reading.tree, symbol_for("x"), symbols=symbols)
    plain = tuple(n for n in names if n not in found)
    derivatives = {symbols[n]: d for n, d in found.items() if n in symbols}
    return Formula(Read(text, reading.tree, expr, plain), derivatives)
