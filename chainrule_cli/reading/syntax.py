"""The parsed form of math input: a small tree that keeps the input as written.

The parser produces these nodes; the rule tree decomposes them, and
``to_sympy`` turns them into SymPy expressions, either evaluated (for the math)
or unevaluated (so that (3x)² is still (3x)² when shown). Every node carries the
span of input it came from, so a later check (a huge exponent, say) can point a
caret at the right place.

Decimals are exact: ``0.0098`` becomes the rational 49/5000 in the evaluated
form (so a slope at a decimal point is an exact fraction, never a float that
SymPy turns into a product of prime powers), and stays ``0.0098`` in the
written form that is shown back to the learner.
"""

from __future__ import annotations

import functools
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
    "cosec": "csc",
    "cot": "cot",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arcsec": "asec",
    "arccsc": "acsc",
    "arccosec": "acsc",
    "arccot": "acot",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "asec": "asec",
    "acsc": "acsc",
    "acot": "acot",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "sech": "sech",
    "csch": "csch",
    "coth": "coth",
    "arsinh": "asinh",
    "arcosh": "acosh",
    "artanh": "atanh",
    "arcsinh": "asinh",
    "arccosh": "acosh",
    "arctanh": "atanh",
    "asinh": "asinh",
    "acosh": "acosh",
    "atanh": "atanh",
    "exp": "exp",
    "ln": "log",
    "log": "log",
    "lg": "log",  # ISO 80000-2: lg is the base-10 logarithm (the parser adds the base)
    "sqrt": "sqrt",
    "cbrt": "cbrt",
    "abs": "abs",
    "Abs": "abs",
}

#: The inverse of each function that has one: ``sin^-1`` is arcsin, as in every calculus text.
INVERSES: dict[str, str] = {
    "sin": "asin",
    "cos": "acos",
    "tan": "atan",
    "sec": "asec",
    "csc": "acsc",
    "cot": "acot",
    "sinh": "asinh",
    "cosh": "acosh",
    "tanh": "atanh",
}

CONSTANTS = ("pi", "e")

#: Greek letters, as symbols and as names: ``θ`` and ``theta`` are the same variable.
GREEK: dict[str, str] = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ϵ": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ϑ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
#: name → the letter, for showing a Greek variable in unicode.
GREEK_LETTERS: dict[str, str] = {
    name: letter for letter, name in GREEK.items() if letter not in "ϵϑϕ"
}


def variable_name(name: str) -> str:
    """The canonical name of a variable: ``θ`` → ``theta``; other names unchanged."""
    stripped = name.strip().lstrip("\\")
    return GREEK.get(stripped, stripped)


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
    """A named function applied to one argument; ``name`` is canonical (``log`` for ln).

    ``base`` is set only for a logarithm with a base other than e (``log_2 x``,
    ``log10(x)``, ``lg x``); it is a constant subtree.
    """

    name: str
    arg: Node
    span: tuple[int, int] = field(default=(0, 0), compare=False)
    base: Node | None = None


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


@dataclass(frozen=True)
class Gate:
    """A gate of a computation graph that SymPy has no function for, by the
    circuit reader only (``reading/circuits.py``): ``sigmoid`` (σ) and ``relu``
    of one argument, ``max`` and ``min`` of two or more."""

    name: str
    args: tuple[Node, ...]
    span: tuple[int, int] = field(default=(0, 0), compare=False)


Node = Num | Var | Const | Call | Pow | Mul | Div | Add | Neg | Gate


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``."""
    if isinstance(node, Call):
        return (node.arg,) if node.base is None else (node.arg, node.base)
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
    if isinstance(node, Gate):
        return node.args
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
    symbols: dict[str, Any] | None = None,
) -> sympy.Expr:
    """Build the SymPy expression for ``node`` without ever calling ``eval``.

    With ``evaluate=False`` the structure is kept as typed, for display. A
    ``cache`` shared across calls on the subtrees of one tree (as the rule-tree
    builder makes them) keeps the total work linear in the size of the tree.
    ``symbols`` maps variable names to their symbols when there are several.
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
                # Exact for the math, as typed for display.
                return sp.Rational(n.text) if evaluate else sp.Float(n.text, _digits(n.text))
            return sp.Integer(n.text)
        if isinstance(n, Var):
            return symbol if symbols is None else symbols.get(n.name, symbol)
        if isinstance(n, Const):
            return sp.pi if n.name == "pi" else sp.E
        if isinstance(n, Call):
            if n.base is not None:
                return log_base(build(n.arg), build(n.base), evaluate)
            return _call(n.name, build(n.arg), evaluate)
        if isinstance(n, Pow):
            power = sp.Pow(build(n.base), build(n.exponent), evaluate=evaluate)
            return _real_number(power) if evaluate else power
        if isinstance(n, Mul):
            return sp.Mul(*(build(f) for f in n.factors), evaluate=evaluate)
        if isinstance(n, Div):
            den = sp.Pow(build(n.denominator), -1, evaluate=evaluate)
            return sp.Mul(build(n.numerator), den, evaluate=evaluate)
        if isinstance(n, Add):
            return sp.Add(*(build(t) for t in n.terms), evaluate=evaluate)
        if isinstance(n, Neg):
            return sp.Mul(sp.Integer(-1), build(n.operand), evaluate=evaluate)
        if isinstance(n, Gate):
            return _gate(n.name, [build(a) for a in n.args], evaluate)
        raise TypeError(f"not a syntax node: {n!r}")

    # Every constructor is told ``evaluate`` itself: no ``sympy.evaluate(False)``
    # block, which empties SymPy's whole cache on the way in and out.
    return build(node)


def replace_unevaluated(expr: sympy.Expr, mapping: dict[Any, Any]) -> sympy.Expr:
    """``expr.xreplace(mapping)`` with the rebuilt nodes left unevaluated.

    The same as ``xreplace`` inside ``with sympy.evaluate(False)``, without that
    block's cost: it empties SymPy's cache when entered and again when left.
    """
    if expr in mapping:
        return mapping[expr]
    if not expr.args:
        return expr
    args = [replace_unevaluated(a, mapping) for a in expr.args]
    if all(new is old for new, old in zip(args, expr.args, strict=True)):
        return expr
    if expr.is_Add:  # a rebuilt sum keeps the order it printed in: (x²)² − 1, not −1 + (x²)²
        order = expr.as_ordered_terms()
        args = [replace_unevaluated(a, mapping) for a in order]
    return expr.func(*args, evaluate=False)


def _call(name: str, arg: sympy.Expr, evaluate: bool) -> sympy.Expr:
    import sympy as sp

    if name == "sqrt":
        return sp.Pow(arg, sp.Rational(1, 2), evaluate=evaluate)
    if name == "cbrt":
        root = sp.Pow(arg, sp.Rational(1, 3), evaluate=evaluate)
        return _real_number(root) if evaluate else root
    if name == "abs":
        return sp.Abs(arg, evaluate=evaluate)
    function = getattr(sp, name)
    return function(arg, evaluate=evaluate)


def _gate(name: str, args: list[sympy.Expr], evaluate: bool) -> sympy.Expr:
    """σ(u) = 1/(1 + e^(−u)), relu(u) = max(0, u), max and min, as SymPy writes them."""
    import sympy as sp

    if name == "sigmoid":
        return sp.Pow(1 + sp.exp(-args[0], evaluate=evaluate), -1, evaluate=evaluate)
    if name == "relu":
        return sp.Max(sp.Integer(0), args[0], evaluate=evaluate)
    return (sp.Max if name == "max" else sp.Min)(*args, evaluate=evaluate)


def _real_number(power: sympy.Expr) -> sympy.Expr:
    """An evaluated constant odd root as its real value: ∛(−27) is −3, (−8)^(2/3) is 4.

    The rule is ``roots.real_branch``. A root of the variable stays u^(p/q) in
    the tree (it is read real where it is evaluated), and the written,
    unevaluated tree keeps the root as typed.
    """
    if power.free_symbols:
        return power
    from chainrule_cli.reading.roots import real_branch

    return real_branch(power)


def _digits(literal: str) -> int:
    """Enough precision to show a typed decimal exactly as typed."""
    return max(15, sum(c.isdigit() for c in literal) + 2)


def log_base(arg: sympy.Expr, base: sympy.Expr, evaluate: bool) -> sympy.Expr:
    """log_b(u): ln(u)/ln(b) for the math; a ``LogBase`` that prints as log_b(u) for display."""
    import sympy as sp

    if evaluate:
        return sp.log(arg) / sp.log(base)
    return log_base_class()(arg, base)


@functools.cache
def log_base_class() -> Any:
    """The display-only function log_b(u) (SymPy itself always rewrites it as ln u/ln b).

    It appears only in written (unevaluated) trees; ``doit`` and the string form
    give back SymPy's ``log(u, b)``, so ``--json`` stays readable by ``sympify``.
    """
    import sympy as sp

    class LogBase(sp.Function):
        nargs = 2

        @classmethod
        def eval(cls, arg: Any, base: Any) -> None:
            return None

        def doit(self, **hints: Any) -> Any:
            arg, base = (a.doit(**hints) for a in self.args)
            return sp.log(arg) / sp.log(base)

        def _eval_rewrite_as_log(self, arg: Any, base: Any, **kwargs: Any) -> Any:
            return sp.log(arg) / sp.log(base)

        def _sympystr(self, printer: Any) -> str:
            return f"log({printer.doprint(self.args[0])}, {printer.doprint(self.args[1])})"

    return LogBase
