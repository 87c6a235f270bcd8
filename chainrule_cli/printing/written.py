"""A problem as written, on one line, without SymPy: the quiz's first screen.

The quiz shows each problem as typed (``mathtext.show`` of the unevaluated
SymPy tree, ``ordered=False``). Importing SymPy takes a few hundred
milliseconds, and the first problem should be on screen before that: this
entry point prints the parser's own syntax tree through the same printer
(``nodes.from_syntax`` mirrors the unevaluated SymPy tree; ``layout`` and
``text`` are shared). Where only SymPy can say how a number reads (an unusual
constant exponent, a number too long to print exactly), ``show`` returns None
and the caller uses SymPy. The tests check the two paths agree on every
shipped problem.
"""

from __future__ import annotations

from chainrule_cli.printing.layout import Layout
from chainrule_cli.printing.nodes import MAX_DECIMAL_DIGITS, Unsupported, from_syntax
from chainrule_cli.printing.text import to_text
from chainrule_cli.reading import syntax

__all__ = [
    "MAX_DECIMAL_DIGITS",
    "Unsupported",
    "as_read",
    "circuit_as_read",
    "graph_problem_as_read",
    "point_text",
    "problem_text",
    "several_as_read",
    "several_text",
    "show",
    "variable_of",
]


def show(tree: syntax.Node, variable: str = "x", unicode: bool = True) -> str | None:
    """``tree`` as ``mathtext.show`` prints it unevaluated (``ordered=False``), or None
    when only SymPy can say (an unusual constant exponent, a very long number)."""
    try:
        node = from_syntax(tree, syntax.variable_name(variable))
        return to_text(Layout(unicode).box(node), unicode)
    except (Unsupported, RecursionError, ValueError):
        return None


def several_text(tree: syntax.Node, unicode: bool = True) -> str | None:
    """A tree in several variables as read: every variable by its own name, a computation
    graph's gates as functions (σ(w·x + b)); or None when SymPy is needed."""
    try:
        return to_text(Layout(unicode).box(from_syntax(tree, None)), unicode)
    except (Unsupported, RecursionError, ValueError):
        return None


def several_as_read(text: str, unicode: bool = True) -> str | None:
    """A line in several variables as read, every letter a variable: z = x²·y,
    x² + y² = 25, 2x·y·(−sin(t)); or None when it does not read (∂z/∂x, a typo)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.equations import LETTERS
    from chainrule_cli.reading.parsing import read

    sides = text.split("=")
    if len(sides) > 2:
        return None
    shown: list[str] = []
    for side in sides:
        try:
            tree = read(side, "x", LETTERS).tree
        except (ChainruleError, RecursionError):
            return None
        written = several_text(tree, unicode)
        if written is None:
            return None
        shown.append(written)
    return " = ".join(shown)


def circuit_as_read(text: str, unicode: bool = True) -> str | None:
    """A backprop problem's function line as read (L = (v1·h1 + v2·h2 − y)², f = σ(w·x)):
    every name in it a variable (w0, loss), its gates as functions; or None."""
    import re

    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.circuits import GATES, parse_expression, split_equation
    from chainrule_cli.reading.syntax import CONSTANTS, FUNCTION_ALIASES

    try:
        left, start = split_equation(text, output=True)
        words = dict.fromkeys(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text[start:]))
        names = [w for w in words if w not in GATES and w not in FUNCTION_ALIASES]
        names = [w for w in names if w not in CONSTANTS]
        tree = parse_expression(text, start, names)
    except (ChainruleError, RecursionError):
        return None
    shown = several_text(tree, unicode)
    if shown is None:
        return None
    return shown if left is None else f"{left} = {shown}"


def graph_problem_as_read(text: str, kind: str, unicode: bool = True) -> str | None:
    """A graph type's function line as read: a computation graph's for backprop, else
    one in several one-letter variables (z = x²·y, x² + y² = 25)."""
    if kind == "backprop":
        return circuit_as_read(text, unicode)
    return several_as_read(text, unicode)


def problem_text(expression: str, variable: str = "x", unicode: bool = True) -> str | None:
    """A problem's expression as the quiz shows it, or None (unreadable, or SymPy needed)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    try:
        tree = parse(expression, variable)
    except (ChainruleError, RecursionError):
        return None
    return show(tree, variable, unicode)


def as_read(text: str, variable: str = "x", unicode: bool = True) -> str | None:
    """``text`` as the quiz read it ("read as …"): the parsed reading printed by the one
    printer (SymPy's tree when the syntax path cannot say, its decimals as typed), or
    None when it does not parse (any more)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    try:
        tree = parse(text, variable)
    except (ChainruleError, RecursionError):
        return None
    shown = show(tree, variable, unicode)
    if shown is not None:
        return shown
    from chainrule_cli.printing.mathtext import decimals_as_typed
    from chainrule_cli.printing.mathtext import show as sympy_show
    from chainrule_cli.reading.parsing import symbol
    from chainrule_cli.reading.syntax import to_sympy

    try:
        with decimals_as_typed(text, variable=variable):
            return sympy_show(
                to_sympy(tree, symbol(variable), evaluate=False), unicode, ordered=False
            )
    except (ChainruleError, RecursionError, ValueError):
        return None


def variable_of(expression: str) -> str:
    """The variable a stored problem is in: x when it reads in x, else the first
    letter it reads in (r for 4/3 pi r^3), else x."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    letters = sorted({c for c in expression if c.isascii() and c.isalpha()} - {"x", "e"})
    for letter in ("x", *letters):
        try:
            parse(expression, letter)
        except (ChainruleError, RecursionError):
            continue
        return letter
    return "x"


def point_text(at: str, variable: str = "x", unicode: bool = True) -> str:
    """A problem's point as read (π for pi, π/4 for pi/4), or as written when it does not parse."""
    return as_read(at, variable, unicode) or at
