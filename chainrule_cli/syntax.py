"""The parsed form of math input: a small tree that keeps the input as written.

The parser produces these nodes; the rule tree decomposes them, and
``to_sympy`` turns them into SymPy expressions, either evaluated (for the math)
or unevaluated (so that (3x)² is still (3x)² when shown). Every node carries the
span of input it came from, so a later check (a huge exponent, say) can point a
caret at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sympy

#: Function names a user may type, mapped to the canonical name used everywhere.
FUNCTION_ALIASES: dict[str, str] = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sec": "sec",
    "csc": "csc",
    "cot": "cot",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "exp": "exp",
    "ln": "log",
    "log": "log",
    "sqrt": "sqrt",
    "cbrt": "cbrt",
    "abs": "abs",
}

CONSTANTS = ("pi", "e")


@dataclass(frozen=True)
class Num:
    """A number literal as typed: ``3``, ``0.5``."""

    text: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Var:
    """The variable (x unless ``--var`` says otherwise)."""

    name: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Const:
    """``pi`` or ``e``."""

    name: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Call:
    """A named function applied to one argument; ``name`` is canonical (``log`` for ln)."""

    name: str
    arg: Node
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Pow:
    """``base ^ exponent``."""

    base: Node
    exponent: Node
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Mul:
    """A product, explicit (``*``, ``·``) or implicit (``2x``)."""

    factors: tuple[Node, ...]
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Div:
    """``numerator / denominator``."""

    numerator: Node
    denominator: Node
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Add:
    """A sum; subtraction is addition of a ``Neg``."""

    terms: tuple[Node, ...]
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node
    span: tuple[int, int] = field(default=(0, 0), compare=False)


Node = Num | Var | Const | Call | Pow | Mul | Div | Add | Neg


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``."""
    if isinstance(node, Call):
        return (node.arg,)
    if isinstance(node, Pow):
        return (node.base, node.exponent)
    if isinstance(node, Mul):
        return node.factors
    if isinstance(node, Div):
        return (node.numerator, node.denominator)
    if isinstance(node, Add):
        return node.terms
    if isinstance(node, Neg):
        return (node.operand,)
    return ()


def has_variable(node: Node) -> bool:
    """Whether the variable occurs anywhere below ``node``."""
    if isinstance(node, Var):
        return True
    return any(has_variable(child) for child in children(node))


def depth(node: Node) -> int:
    """The height of the tree (a leaf has depth 1)."""
    return 1 + max((depth(child) for child in children(node)), default=0)


def to_sympy(
    node: Node,
    symbol: sympy.Symbol,
    evaluate: bool = True,
    cache: dict[tuple[int, bool], Any] | None = None,
) -> sympy.Expr:
    """Build the SymPy expression for ``node`` without ever calling ``eval``.

    With ``evaluate=False`` the structure is kept as typed, for display. A
    ``cache`` shared across calls on the subtrees of one tree (as the rule-tree
    builder makes them) keeps the total work linear in the size of the tree.
    """
    import sympy as sp

    memo: dict[tuple[int, bool], Any] = {} if cache is None else cache

    def build(n: Node) -> sp.Expr:
        key = (id(n), evaluate)
        if key not in memo:
            memo[key] = make(n)
        return memo[key]

    def make(n: Node) -> sp.Expr:
        if isinstance(n, Num):
            if "." in n.text:
                return sp.Float(n.text)
            return sp.Integer(n.text)
        if isinstance(n, Var):
            return symbol
        if isinstance(n, Const):
            return sp.pi if n.name == "pi" else sp.E
        if isinstance(n, Call):
            return _call(n.name, build(n.arg), evaluate)
        if isinstance(n, Pow):
            return sp.Pow(build(n.base), build(n.exponent), evaluate=evaluate)
        if isinstance(n, Mul):
            return sp.Mul(*(build(f) for f in n.factors), evaluate=evaluate)
        if isinstance(n, Div):
            den = sp.Pow(build(n.denominator), -1, evaluate=evaluate)
            return sp.Mul(build(n.numerator), den, evaluate=evaluate)
        if isinstance(n, Add):
            return sp.Add(*(build(t) for t in n.terms), evaluate=evaluate)
        if isinstance(n, Neg):
            return sp.Mul(sp.Integer(-1), build(n.operand), evaluate=evaluate)
        raise TypeError(f"not a syntax node: {n!r}")

    if evaluate:
        return build(node)
    with sp.evaluate(False):
        return build(node)


def _call(name: str, arg: sympy.Expr, evaluate: bool) -> sympy.Expr:
    import sympy as sp

    if name == "sqrt":
        return sp.Pow(arg, sp.Rational(1, 2), evaluate=evaluate)
    if name == "cbrt":
        return sp.Pow(arg, sp.Rational(1, 3), evaluate=evaluate)
    if name == "abs":
        return sp.Abs(arg, evaluate=evaluate)
    function = getattr(sp, name)
    return function(arg, evaluate=evaluate)
