"""The expression tree every printer reads: from the parser's syntax tree or from SymPy.

Two builders make it: ``from_syntax`` (here, without SymPy: the quiz's first
screen) mirrors the unevaluated tree ``syntax.to_sympy(..., evaluate=False)``
builds (a ``Neg`` is −1·u, a ``Div`` is u·v⁻¹, √u is u^½); ``sympy_nodes.from_sympy``
reads any SymPy expression. Whatever needs SymPy's algebra (is this exponent
negative? what is −n? how does a decimal read?) is answered once, by the
builder, and kept on the node, so ``layout`` never asks SymPy anything.

On the syntax path only the simple numbers met in banks are answered (n, −n,
a/b, −a/b, π, e); for anything else, and for numbers too long to print
exactly, ``from_syntax`` raises ``Unsupported`` and the caller uses SymPy.
"""

from __future__ import annotations

from typing import Union

from chainrule_cli.printing.slotted import Slotted
from chainrule_cli.reading import syntax

#: Integers longer than this are shown in scientific form (and never converted
#: to text in full: Python refuses to print integers of more than 4300 digits).
MAX_INT_DIGITS = 40
#: The most digits of a decimal shown from the syntax tree: SymPy keeps a decimal of up
#: to 13 digits in 15 (53 bits), exactly the double that ``float`` reads.
MAX_DECIMAL_DIGITS = 13


class Unsupported(Exception):
    """A form the syntax path does not answer for: SymPy must print it."""


class Int(Slotted):
    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value


class Float(Slotted):
    """A decimal, with the text it is shown as (signed: "-2.5", "1.5e-7")."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Rational(Slotted):
    """p/q in lowest terms; ``shown`` is |p/q| as the learner typed it (1.05), if they did."""

    __slots__ = ("p", "q", "shown")

    def __init__(self, p: int, q: int, shown: str | None = None) -> None:
        self.p = p
        self.q = q
        self.shown = shown


class Symbol(Slotted):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Constant(Slotted):
    __slots__ = ("name",)  # "E", "pi", "oo" or "-oo"

    def __init__(self, name: str) -> None:
        self.name = name


class Function(Slotted):
    __slots__ = ("args", "name")  # name: SymPy's class name (sin, log, asin, …)

    def __init__(self, name: str, args: tuple[Expr, ...]) -> None:
        self.name = name
        self.args = args


class Abs(Slotted):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr) -> None:
        self.arg = arg


class Exp(Slotted):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr) -> None:
        self.arg = arg


class LogBase(Slotted):
    __slots__ = ("arg", "base")

    def __init__(self, arg: Expr, base: Expr) -> None:
        self.arg = arg
        self.base = base


class Add(Slotted):
    """A sum; ``ordered``: its terms are in textbook order, so it may lead with a positive one."""

    __slots__ = ("args", "ordered")

    def __init__(self, args: tuple[Expr, ...], ordered: bool = False) -> None:
        self.args = args
        self.ordered = ordered


class Mul(Slotted):
    __slots__ = ("args",)

    def __init__(self, args: tuple[Expr, ...]) -> None:
        self.args = args


class Pow(Slotted):
    """base^exp; ``flipped`` is −exp when exp is a negative number (else None)."""

    __slots__ = ("base", "exp", "flipped")

    def __init__(self, base: Expr, exp: Expr, flipped: Expr | None = None) -> None:
        self.base = base
        self.exp = exp
        self.flipped = flipped


class Other(Slotted):
    """Anything else SymPy can hold, shown as SymPy writes it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


Number = Int | Float | Rational
Expr = Union[  # noqa: UP007
    Int, Float, Rational, Symbol, Constant, Function, Abs, Exp, LogBase, Add, Mul, Pow, Other
]
MINUS_ONE = Int(-1)
ONE = Int(1)


def is_negative_number(e: Expr) -> bool:
    """A number node below zero."""
    if isinstance(e, Int):
        return e.value < 0
    if isinstance(e, Float):
        return e.text.startswith("-")
    if isinstance(e, Rational):
        return e.p < 0
    return False


def negated(e: Number) -> Number:
    """−e for a number node."""
    if isinstance(e, Int):
        return Int(-e.value)
    if isinstance(e, Float):
        return Float(e.text[1:] if e.text.startswith("-") else "-" + e.text)
    return Rational(-e.p, e.q, e.shown)


def is_ratio(e: Expr, p: int, q: int) -> bool:
    """e is the rational number p/q (½ and ⅓ are √ and ∛)."""
    return isinstance(e, Rational) and e.p == p and e.q == q


def small_int(e: Expr) -> bool:
    """An exponent written as a superscript digit or two: 1 < n < 100."""
    return isinstance(e, Int) and 1 < e.value < 100


# -- the syntax path ---------------------------------------------------------------------------
def from_syntax(node: syntax.Node, variable: str | None) -> Expr:
    """The unevaluated SymPy tree of ``node``, as ``syntax.to_sympy(evaluate=False)`` builds it.

    ``variable`` names the one variable; None keeps every variable's own name and
    reads the gates of a computation graph (σ, relu, max, min) as functions.
    Raises ``Unsupported`` for what only SymPy can say.
    """

    def build(n: syntax.Node) -> Expr:
        if isinstance(n, syntax.Num):
            return _number(n.text)
        if isinstance(n, syntax.Var):
            return Symbol(variable or syntax.variable_name(n.name))
        if isinstance(n, syntax.Gate) and variable is None:
            return Function(n.name, tuple(build(a) for a in n.args))
        if isinstance(n, syntax.Const):
            return Constant("pi" if n.name == "pi" else "E")
        if isinstance(n, syntax.Call):
            arg = build(n.arg)
            if n.base is not None:
                return LogBase(arg, build(n.base))
            if n.name == "sqrt":
                return Pow(arg, Rational(1, 2))
            if n.name == "cbrt":
                return Pow(arg, Rational(1, 3))
            if n.name == "abs":
                return Abs(arg)
            if n.name == "exp":
                return Exp(arg)
            return Function(n.name, (arg,))
        if isinstance(n, syntax.Pow):
            return power(build(n.base), build(n.exponent))
        if isinstance(n, syntax.Mul):
            return Mul(tuple(build(f) for f in n.factors))
        if isinstance(n, syntax.Div):
            return Mul((build(n.numerator), Pow(build(n.denominator), MINUS_ONE, ONE)))
        if isinstance(n, syntax.Add):
            return Add(tuple(build(t) for t in n.terms))
        if isinstance(n, syntax.Neg):
            return Mul((MINUS_ONE, build(n.operand)))
        raise Unsupported(type(n).__name__)

    return build(node)


def power(base: Expr, exp: Expr) -> Pow:
    """base^exp, with −exp kept when exp is a negative number."""
    return Pow(base, exp, _minus(exp) if _is_number(exp) and _is_negative(exp) else None)


def _typed_decimal(value: float) -> str:
    """A typed decimal with every digit typed (2.0000001, 123456.5, 0.00001), as SymPy's
    path shows it: the shortest text that reads back as the same double is the text
    typed (at most 13 digits), written without an exponent."""
    text = repr(value)
    if "e" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


def _number(text: str) -> Number:
    if "." not in text:
        value = int(text)
        if len(str(value)) > MAX_INT_DIGITS:
            raise Unsupported("a long integer")
        return Int(value)
    if sum(c.isdigit() for c in text) > MAX_DECIMAL_DIGITS:
        raise Unsupported("a long decimal")
    return Float(_typed_decimal(float(text)))


def _is_number(e: Expr) -> bool:
    """No variable inside (SymPy's ``is_number``)."""
    if isinstance(e, Symbol):
        return False
    if isinstance(e, Int | Float | Rational | Constant):
        return True
    if isinstance(e, Abs | Exp):
        return _is_number(e.arg)
    if isinstance(e, LogBase):
        return _is_number(e.arg) and _is_number(e.base)
    if isinstance(e, Pow):
        return _is_number(e.base) and _is_number(e.exp)
    if isinstance(e, Function | Add | Mul):
        return all(_is_number(a) for a in e.args)
    return False


def _fraction(e: Expr) -> tuple[int, int] | None:
    """(a, b) for the exponent a/b as the parser builds it (a ≥ 0, b > 0); else None."""
    if (
        isinstance(e, Mul)
        and len(e.args) == 2
        and isinstance(e.args[0], Int)
        and isinstance(e.args[1], Pow)
        and isinstance(e.args[1].base, Int)
        and e.args[1].exp == MINUS_ONE
    ):
        a, b = e.args[0].value, e.args[1].base.value
        if b <= 0 or a < 0:
            raise Unsupported("a fraction over zero")
        return a, b
    return None


def _negated_operand(e: Expr) -> Expr | None:
    """u for −1·u where u is a number or a fraction a/b: SymPy's −(−1·u) is u itself."""
    if isinstance(e, Mul) and len(e.args) == 2 and e.args[0] == MINUS_ONE:
        inner = e.args[1]
        if isinstance(inner, Int | Float) or _fraction(inner) is not None:
            return inner
    return None


def _is_negative(e: Expr) -> bool:
    """SymPy's ``is_negative`` for a constant (``is_number``) exponent."""
    if isinstance(e, Int | Float | Rational):
        return is_negative_number(e)
    if isinstance(e, Constant):
        return False
    if _fraction(e) is not None:
        return False
    inner = _negated_operand(e)
    if inner is not None:
        if isinstance(inner, Int):
            return inner.value > 0
        if isinstance(inner, Float):
            return float(inner.text) > 0
        fraction = _fraction(inner)
        return fraction is not None and fraction[0] > 0
    if (
        isinstance(e, Pow)
        and isinstance(e.base, Int)
        and e.base.value > 0
        and isinstance(e.exp, Int)
    ):
        return False
    raise Unsupported("the sign of this number")


def _minus(e: Expr) -> Expr:
    """SymPy's −e for a negative exponent e."""
    inner = _negated_operand(e)
    if inner is not None:
        return inner
    raise Unsupported("minus this number")
