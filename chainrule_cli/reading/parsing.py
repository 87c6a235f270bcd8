"""Read math the way people type it and textbooks print it, safely: text → syntax tree → SymPy.

A hand-written tokenizer and recursive-descent parser, not SymPy's
``parse_expr`` (which runs Python ``eval`` on its input), and no LaTeX library:
nothing the user types is ever evaluated as code. Every token is checked
against a whitelist, and the tree is turned into SymPy by calling constructors.

What it reads (the README's notation table lists it all):

* implicit multiplication (``2x``, ``2(3x+1)``, ``2x cos(x^2)``); a run of letters
  is split into known names (``2xsin(x^2)`` is 2·x·sin(x²), never 2·s·i·n·x³);
* ``^`` and ``**``; superscripts (``x²``, ``sin²x``, ``x⁻¹``); ``√``, ``∛``, ``∜``;
  ``π``; ``·``, ``×``, ``−``, ``÷``; ``|x|``; brackets ``()``, ``[]``, ``{}``;
* functions with or without brackets (``sin 3x``; ``cos x^2 * 2x`` is
  cos(x²)·2x: a bare argument stops at an explicit operator or another function);
* ``sin^2(x)`` is (sin x)²; ``sin^-1 x``, ``sin^(-1)(x)``, ``sin^{-1}x`` and ``sin⁻¹x``
  are arcsin, as in every calculus text; any other negative power on a function
  name is refused;
* ``ln`` and ``log`` are the natural log; ``log10(u)``, ``log_10(u)``, ``log_2 u``,
  ``log_b(u)`` and ``lg u`` (base 10) have a base;
* Greek letters as the variable, as symbols or names (``θ``, ``theta``);
* LaTeX as pasted from notes: ``\\frac{a}{b}``, ``\\sqrt[n]{u}``, ``\\sin``, ``\\cdot``,
  ``\\left( … \\right)``, ``e^{…}``, ``\\log_{2}``, ``\\pi``, ``\\theta``, ``\\operatorname{asec}``;
* no scientific notation: ``2e-3x`` is 2e − 3x, as a learner means it.

Where the left-to-right reading may not be what the student meant (``e^2x``,
``1/3x``, ``sin 1/x``), the reading follows the documented rule and ``read``
returns a note that says what it was read as, with a "did you mean …?"
(``ambiguity.AMBIGUITIES`` is the table of these patterns; ``printing.notes``
writes the notes).

Limits (input length, nesting, number and exponent sizes) are checked on the
tree before SymPy sees it, so ``9^9^9`` is refused at once instead of hanging.

The tokens come from ``tokens.py`` (the whitelist, LaTeX commands, name
splitting), the size limits from ``sizes.py`` and the recursive descent from
``grammar.py``; this module is the entry point (``read``, ``parse``,
``parse_number``) and reads a left side such as ``y =`` or ``dy/dx =``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chainrule_cli.errors import InputError
from chainrule_cli.reading.ambiguity import Ambiguity, Reading
from chainrule_cli.reading.grammar import Parser
from chainrule_cli.reading.sizes import MAX_DEPTH, check_limits, estimate
from chainrule_cli.reading.syntax import (
    CONSTANTS,
    FUNCTION_ALIASES,
    Add,
    Call,
    Const,
    Div,
    Mul,
    Neg,
    Node,
    Num,
    Pow,
    Var,
    has_variable,
    to_sympy,
    variable_name,
)
from chainrule_cli.reading.tokens import tokenize

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500


def check_variable(variable: str) -> str:
    """The canonical variable name (``θ`` → ``theta``), or InputError for a bad one."""
    name = variable_name(variable)
    if (
        not name.isascii()
        or not name.isalpha()
        or name in FUNCTION_ALIASES
        or name in CONSTANTS
        or len(name) > 12
    ):
        raise InputError(
            f"the variable must be a letter or a Greek letter's name, not {variable[:20]!r}"
        )
    return name


def read(text: str, variable: str = "x", others: tuple[str, ...] = ()) -> Reading:
    """Parse ``text`` into a syntax tree with its ambiguity notes, or raise ``InputError``.

    ``others`` are more variable names, for several variables (``reading/equations.py``);
    ``to_sympy(..., symbols=…)`` then gives each its own symbol.
    """
    name = check_variable(variable)
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"input too long ({len(text)} characters; at most {MAX_LENGTH})", text, MAX_LENGTH
        )
    left, start = left_side(text, name)
    tokens = tokenize(" " * start + text[start:], name, others)
    parser = Parser(text, tokens, name, others)
    try:
        tree = parser.parse()
    except RecursionError:
        raise InputError(f"nested too deeply (at most {MAX_DEPTH} levels)", text, 0) from None
    check_limits(tree, text)
    tree = _without_idle_powers(tree, parser.ambiguities, parser.fraction_exponent)
    notes = [*parser.ambiguities, *_scientific_notes(text, name, others)]
    return Reading(text, tree, name, notes, left)


#: A number typed as a calculator writes 10⁻⁹: 1e-9, 2.5e3, 6.02e+23 (digits, e, digits).
_SCIENTIFIC = re.compile(r"(?<![\w.])(\d+\.?\d*|\.\d+)e([+-]?)(\d+)(?![\w.(^])")


def _scientific_notes(text: str, variable: str, others: tuple[str, ...]) -> list[Ambiguity]:
    """A note for each number in calculator notation (``1e-9``): the letter e is the
    number e, so it is read as e − 9; "did you mean 10⁻⁹?" says how to write that."""
    found: list[Ambiguity] = []
    for match in _SCIENTIFIC.finditer(text):
        mantissa, sign, digits = match.groups()
        snippet, span = match.group(), match.span()
        try:
            read = Parser(snippet, tokenize(snippet, variable, others), variable, others).parse()
        except InputError:
            continue
        power: Node = Num(digits, span)
        if sign == "-":
            power = Neg(power, span)
        ten = Pow(Num("10", span), power, span)
        meant: Node = (
            ten if mantissa in ("1", "1.", "1.0") else Mul((Num(mantissa, span), ten), span)
        )
        found.append(Ambiguity("scientific_notation", read, meant))
    return found


def _without_idle_powers(node: Node, notes: list[Ambiguity], noted: set[int]) -> Node:
    """The tree with the powers 1 and 0 of the variable's functions worked out, each noted.

    ``(2x−7)^1`` is read as 2x − 7 and ``cos^0 x`` as 1, with a note that says so
    (the rule tree has no layer for a power that does nothing).
    """
    import dataclasses

    if isinstance(node, Num | Var | Const):
        return node
    changes: dict[str, object] = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        new: object
        if isinstance(value, tuple) and item.name != "span":
            new = tuple(_without_idle_powers(v, notes, noted) for v in value)
        elif isinstance(value, Num | Var | Const | Call | Pow | Mul | Div | Add | Neg):
            new = _without_idle_powers(value, notes, noted)
        else:
            continue
        if new is not value and new != value:
            changes[item.name] = new
    out = dataclasses.replace(node, **changes) if changes else node  # type: ignore[arg-type]
    power = _idle_power(out)
    if power is not None and isinstance(out, Pow):
        if power == 1:
            if id(node) not in noted:
                notes.append(Ambiguity("power_one", out, out.base))
            return out.base
        notes.append(Ambiguity("power_zero", out, Num("1", out.span)))
        return Num("1", out.span)
    return out


def _idle_power(node: Node) -> int | None:
    """1 or 0 for a power of the variable's function that does nothing (``^1``, ``^(2-1)``,
    ``^1.0``, ``^0``), else None. The exponent is a constant whose size is already checked."""
    if not isinstance(node, Pow) or has_variable(node.exponent) or not has_variable(node.base):
        return None
    if isinstance(node.exponent, Num) and node.exponent.text not in ("0", "1", "1.0", "0.0"):
        return None  # x^2, x^0.5: the common case, decided without SymPy
    approx = estimate(node.exponent, "")
    if approx is None or min(abs(approx), abs(approx - 1)) > 1e-9:
        return None  # in floating point already neither 0 nor 1: no exact look needed
    import sympy as sp

    value = to_sympy(node.exponent, sp.Symbol("x", real=True))
    return int(value) if value in (0, 1) else None


# -- a left side: "y = …", "dy/dx = …", "f'(x) = …" ------------------------------------
_PRIMES = "'′ʹ’"


def left_side(text: str, variable: str = "x") -> tuple[str | None, int]:
    """What a left side before ``=`` names, and where the maths after it starts.

    Students write ``y = …``, ``f(x) = …``, ``g(t) = …`` (the function: "function")
    and ``y' = …``, ``y′ = …``, ``dy/dx = …``, ``f'(x) = …``, ``d/dx(…) = …`` (its
    derivative: "derivative"). Without an ``=``: (None, 0). A left side in another
    variable (``dx/dy``, ``f'(t)`` when the variable is x) or naming nothing
    known is refused with an ``InputError`` at the left side. (A later
    ``--where`` may give ``z = x^2*y`` a dependent variable: it would start here.)
    """
    import re

    if "=" not in text:
        return None, 0
    equals = text.index("=")
    lhs, start = text[:equals].strip(), equals + 1
    at = len(text[:equals]) - len(text[:equals].lstrip())
    if not lhs:
        raise InputError("nothing before '=': write the function, or y = …", text, equals)
    if "=" in text[start:]:
        raise InputError("one '=' at most, as in y = (3x+1)^2", text, text.index("=", start))
    if not text[start:].strip():
        raise InputError("nothing after '=': write the expression after it", text, equals)
    compact = re.sub(r"\s+", "", lhs)
    if compact == variable:  # x = 1: an equation for x, not a function of it
        raise InputError("type an expression, not an equation (no '=')", text, equals)
    v = re.escape(variable)
    p = f"[{_PRIMES}]"
    if re.fullmatch(r"[a-zA-Z]", compact) and compact != variable:
        return "function", start  # y = …, z = …
    if re.fullmatch(rf"[a-zA-Z]\({v}\)", compact):
        return "function", start  # f(x) = …, g(t) = …
    if re.fullmatch(rf"[a-zA-Z]{p}(\({v}\))?", compact) and compact[0] != variable:
        return "derivative", start  # y' = …, y′ = …, f'(x) = …
    if re.fullmatch(rf"d[a-zA-Z]?/d{v}(\(.*\)|\[.*\])?", compact):
        return "derivative", start  # dy/dx = …, d/dx = …, d/dx(sin(x^2)) = …
    other = re.fullmatch(rf"(?:[a-zA-Z]{p}?\((\w+)\)|d[a-zA-Z]?/d(\w+).*)", compact)
    if other is not None:
        named = other.group(1) or other.group(2)
        raise InputError(
            f"the left side {lhs!r} is in {named}, but the variable is {variable}: "
            f"write {_example(variable)} = …, or give --var {named}",
            text,
            at,
        )
    raise InputError(
        f"cannot read the left side {lhs!r}: write y = …, f({variable}) = … "
        f"or {_example(variable)} = …, or the expression alone",
        text,
        at,
    )


def refuse_derivative_side(text: str, variable: str = "x") -> None:
    """InputError for a function to differentiate written as a derivative (``y' = 2x``)."""
    left, start = left_side(text, check_variable(variable))
    if left == "derivative":
        lhs = text[: start - 1].strip()
        raise InputError(
            f"{lhs} = … names a derivative: give the function to differentiate, as in y = …",
            text,
            len(text) - len(text.lstrip()),
        )


def _example(variable: str) -> str:
    return f"dy/d{variable}"


def parse(text: str, variable: str = "x") -> Node:
    """Parse ``text`` into a syntax tree, or raise ``InputError`` with a position."""
    return read(text, variable).tree


def parse_number(text: str) -> sympy.Expr:
    """Parse a point such as ``1``, ``-0.5``, ``pi/4`` or ``sqrt(2)``: no variable allowed.

    A decimal is read exactly (0.0098 is 49/5000), so values at it stay exact.
    """
    import sympy as sp

    tree = parse(text, variable="x")
    if has_variable(tree):
        raise InputError("a point must be a number, not an expression in x", text, 0)
    value = to_sympy(tree, sp.Symbol("x", real=True))
    if not value.is_real or not value.is_finite:
        raise InputError(f"{text!r} is not a real number", text, 0)
    return value


def symbol(variable: str = "x") -> sympy.Symbol:
    """The SymPy symbol for the variable: always real, so |x|² = x² and ln|x|′ = 1/x."""
    import sympy as sp

    return sp.Symbol(variable_name(variable), real=True)


def parse_sympy(text: str, variable: str = "x") -> sympy.Expr:
    """Parse straight to an evaluated SymPy expression (for answers)."""
    return to_sympy(parse(text, variable), symbol(variable))
