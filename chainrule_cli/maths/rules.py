"""The rule tree: an expression taken apart the way the chain rule teaches it.

One tree is built per expression and everything else reads it: the steps that
``solve`` shows, the JSON, the quiz's hints, the checker's expected answer and
the "buggy" derivatives that name a mistake. There is no second derivative
engine: ``sympy.diff`` appears only in the tests, as the oracle.

A ``Chain`` node is one layer, y = f(u) with u = g(x). Its outer function comes
from ``DERIVATIVES``, a table as in a textbook (so tan′ is sec², not
1 + tan²), and its inner function is a subtree. Sums, constant multiples,
products and quotients are nodes of their own, so the chain rule is applied
inside each part with the right rule named.

This module builds the tree (``build``); ``analysis.py`` reads it (``analyse``,
``chains``, ``classify``) and ``values.py`` works out exact values at a point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import InputError
from chainrule_cli.reading import syntax

if TYPE_CHECKING:
    import sympy

TRIG = (
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "asin",
    "acos",
    "atan",
    "asec",
    "acsc",
    "acot",
)
#: Letters for the layers, innermost first (x → u → v → w …). The names of the
#: parts of a product or sum (f, g, h, k) and of the function (y) are not among them.
LETTERS = ("u", "v", "w", "s", "r", "q", "p", "m", "j", "l")
#: Names for the parts of a product, quotient or sum, in order.
PART_NAMES = ("f", "g", "h", "k", "F", "G", "H", "K")


def function_name(variable: str) -> str:
    """What the function is called: y, unless the variable is y (then z)."""
    return "y" if variable != "y" else "z"


def _u() -> sympy.Symbol:
    import sympy as sp

    return sp.Symbol("u", real=True)


def _table() -> dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], str]]:
    """name → (f(u), f′(u), the rule in words), as in a table of derivatives."""
    import sympy as sp

    return {
        "sin": (sp.sin, sp.cos, "(sin u)′ = cos u"),
        "cos": (sp.cos, lambda u: -sp.sin(u), "(cos u)′ = −sin u"),
        "tan": (sp.tan, lambda u: sp.sec(u) ** 2, "(tan u)′ = sec²u"),
        "sec": (sp.sec, lambda u: sp.sec(u) * sp.tan(u), "(sec u)′ = sec u·tan u"),
        "csc": (sp.csc, lambda u: -sp.csc(u) * sp.cot(u), "(csc u)′ = −csc u·cot u"),
        "cot": (sp.cot, lambda u: -(sp.csc(u) ** 2), "(cot u)′ = −csc²u"),
        "asin": (sp.asin, lambda u: 1 / sp.sqrt(1 - u**2), "(arcsin u)′ = 1/√(1 − u²)"),
        "acos": (sp.acos, lambda u: -1 / sp.sqrt(1 - u**2), "(arccos u)′ = −1/√(1 − u²)"),
        "atan": (sp.atan, lambda u: 1 / (1 + u**2), "(arctan u)′ = 1/(1 + u²)"),
        "asec": (
            sp.asec,
            lambda u: 1 / (sp.Abs(u) * sp.sqrt(u**2 - 1)),
            "(arcsec u)′ = 1/(|u|·√(u² − 1))",
        ),
        "acsc": (
            sp.acsc,
            lambda u: -1 / (sp.Abs(u) * sp.sqrt(u**2 - 1)),
            "(arccsc u)′ = −1/(|u|·√(u² − 1))",
        ),
        "acot": (sp.acot, lambda u: -1 / (1 + u**2), "(arccot u)′ = −1/(1 + u²)"),
        "sinh": (sp.sinh, sp.cosh, "(sinh u)′ = cosh u"),
        "cosh": (sp.cosh, sp.sinh, "(cosh u)′ = sinh u"),
        "tanh": (sp.tanh, lambda u: sp.sech(u) ** 2, "(tanh u)′ = sech²u"),
        "sech": (sp.sech, lambda u: -sp.sech(u) * sp.tanh(u), "(sech u)′ = −sech u·tanh u"),
        "csch": (sp.csch, lambda u: -sp.csch(u) * sp.coth(u), "(csch u)′ = −csch u·coth u"),
        "coth": (sp.coth, lambda u: -(sp.csch(u) ** 2), "(coth u)′ = −csch²u"),
        "asinh": (sp.asinh, lambda u: 1 / sp.sqrt(u**2 + 1), "(arsinh u)′ = 1/√(u² + 1)"),
        "acosh": (sp.acosh, lambda u: 1 / sp.sqrt(u**2 - 1), "(arcosh u)′ = 1/√(u² − 1)"),
        "atanh": (sp.atanh, lambda u: 1 / (1 - u**2), "(artanh u)′ = 1/(1 − u²)"),
        "exp": (sp.exp, sp.exp, "(eᵘ)′ = eᵘ"),
        "log": (sp.log, lambda u: 1 / u, "(ln u)′ = 1/u"),
        "ln_abs": (lambda u: sp.log(sp.Abs(u)), lambda u: 1 / u, "(ln|u|)′ = 1/u"),
        "sqrt": (sp.sqrt, lambda u: 1 / (2 * sp.sqrt(u)), "(√u)′ = 1/(2√u)"),
        "cbrt": (sp.cbrt, lambda u: 1 / (3 * u ** sp.Rational(2, 3)), "(∛u)′ = 1/(3∛u²)"),
        "abs": (sp.Abs, lambda u: u / sp.Abs(u), "(|u|)′ = u/|u|"),
    }


@dataclass(frozen=True)
class Outer:
    """The outer function of one layer, f(u), with its derivative from the table.

    ``name`` is the table entry (``sin``, ``log``, …) or ``power`` (uⁿ, n a
    constant) or ``exponential`` (aᵘ, a a constant other than e).
    """

    name: str
    form: Any  # f(u) in the placeholder u, a sympy expression
    derivative: Any  # f′(u) in u
    rule: str  # the table row, in words
    #: f(u) as shown, where SymPy would rewrite it (log₂u, not ln u/ln 2); else None.
    display: Any = None

    @staticmethod
    def function(name: str) -> Outer:
        f, df, rule = _table()[name]
        u = _u()
        return Outer(name, f(u), df(u), rule)

    @staticmethod
    def power(n: sympy.Expr) -> Outer:
        u = _u()
        import sympy as sp

        n_minus_1 = n - 1
        rule = "power rule: (uⁿ)′ = n·uⁿ⁻¹"
        return Outer("power", sp.Pow(u, n), n * sp.Pow(u, n_minus_1), rule)

    @staticmethod
    def exponential(base: sympy.Expr) -> Outer:
        import sympy as sp

        u = _u()
        if base == sp.E:
            return Outer.function("exp")
        return Outer(
            "exponential", sp.Pow(base, u), sp.Pow(base, u) * sp.log(base), "(aᵘ)′ = aᵘ·ln a"
        )

    @staticmethod
    def log_base(base: sympy.Expr) -> Outer:
        """log_b(u) = ln u/ln b, shown as log_b(u)."""
        import sympy as sp

        from chainrule_cli.reading.syntax import log_base_class

        u = _u()
        return Outer(
            "log_base",
            sp.log(u) / sp.log(base),
            1 / (u * sp.log(base)),
            "(log_b u)′ = 1/(u·ln b)",
            log_base_class()(u, base),
        )

    @property
    def shown(self) -> Any:
        """f(u) for display."""
        return self.display if self.display is not None else self.form

    def at(self, inner: sympy.Expr, evaluate: bool = True) -> sympy.Expr:
        """f′(inner): the outer derivative with the inner function kept as it is."""
        return _substitute(self.derivative, inner, evaluate)

    def of(self, inner: sympy.Expr, evaluate: bool = True) -> sympy.Expr:
        """f(inner)."""
        return _substitute(self.form, inner, evaluate)

    @property
    def exponent(self) -> sympy.Expr | None:
        """n for a power layer (√ is the power 1/2, ∛ the power 1/3), else None."""
        import sympy as sp

        if self.name == "power":
            return self.form.exp
        return {"sqrt": sp.Rational(1, 2), "cbrt": sp.Rational(1, 3)}.get(self.name)

    @property
    def type(self) -> str | None:
        """Which of the bank's types a layer with this outer function belongs to."""
        import sympy as sp

        if self.name == "power":
            n = self.form.exp
            if isinstance(n, sp.Rational) and not isinstance(n, sp.Integer):
                return "root"
            return "power"
        if self.name in ("sqrt", "cbrt"):
            return "root"
        if self.name in ("exp", "exponential"):
            return "exponential"
        if self.name in TRIG:
            return "trig"
        if self.name in ("log", "ln_abs", "log_base"):
            return "log"
        return None


def _substitute(expr: sympy.Expr, inner: sympy.Expr, evaluate: bool) -> sympy.Expr:
    if evaluate:
        return expr.xreplace({_u(): inner})
    return syntax.replace_unevaluated(expr, {_u(): inner})


# -- the tree ----------------------------------------------------------------
#: A "twist" replaces one node's derivative, to build a typical mistake. It is
#: called with a chain layer and its inner derivative, a product or sum and its
#: parts' derivatives, or a general power and (base′, exponent′); it returns the
#: wrong derivative, or None to keep the right one.
Twist = Callable[["Rule", Any], Any]


@dataclass(frozen=True, eq=False)
class Rule:
    """A node of the rule tree. ``written`` keeps the input as typed; ``expr`` is evaluated."""

    written: Any
    expr: Any
    variable: Any

    name = "rule"

    @property
    def children(self) -> tuple[Rule, ...]:
        return ()

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        """The derivative; a ``twist`` swaps in a wrong step at chosen layers."""
        raise NotImplementedError

    @cached_property
    def derivative(self) -> sympy.Expr:
        return self.derive()

    def walk(self) -> Iterator[Rule]:
        """Pre-order: this node, then its children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def post_order(self) -> Iterator[Rule]:
        for child in self.children:
            yield from child.post_order()
        yield self


@dataclass(frozen=True, eq=False)
class Constant(Rule):
    name = "constant"

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        import sympy as sp

        return sp.Integer(0)


@dataclass(frozen=True, eq=False)
class Variable(Rule):
    name = "variable"

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        import sympy as sp

        return sp.Integer(1)


@dataclass(frozen=True, eq=False)
class Sum(Rule):
    """Sum rule: differentiate term by term."""

    terms: tuple[Rule, ...] = ()
    name = "sum"

    @property
    def children(self) -> tuple[Rule, ...]:
        return self.terms

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        import sympy as sp

        derivatives = [t.derive(twist) for t in self.terms]
        if twist is not None:
            replaced = twist(self, derivatives)
            if replaced is not None:
                return replaced
        return sp.Add(*derivatives)


@dataclass(frozen=True, eq=False)
class Scaled(Rule):
    """Constant multiple rule: (c·f)′ = c·f′."""

    factor: Any = None  # the constant, evaluated
    body: Rule | None = None
    name = "constant multiple"

    @property
    def children(self) -> tuple[Rule, ...]:
        return (self.body,) if self.body is not None else ()

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        assert self.body is not None
        return self.factor * self.body.derive(twist)


@dataclass(frozen=True, eq=False)
class Product(Rule):
    """Product rule: (fg)′ = f′g + fg′ (for more factors, one term per factor)."""

    factors: tuple[Rule, ...] = ()
    name = "product"

    @property
    def children(self) -> tuple[Rule, ...]:
        return self.factors

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        import sympy as sp

        derivatives = [factor.derive(twist) for factor in self.factors]
        if twist is not None:
            replaced = twist(self, derivatives)
            if replaced is not None:
                return replaced
        terms = []
        for i, derivative in enumerate(derivatives):
            others = [f.expr for j, f in enumerate(self.factors) if j != i]
            terms.append(sp.Mul(derivative, *others))
        return sp.Add(*terms)


@dataclass(frozen=True, eq=False)
class Quotient(Rule):
    """Quotient rule: (f/g)′ = (f′g − fg′)/g²."""

    numerator: Rule | None = None
    denominator: Rule | None = None
    name = "quotient"

    @property
    def children(self) -> tuple[Rule, ...]:
        return tuple(c for c in (self.numerator, self.denominator) if c is not None)

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        assert self.numerator is not None and self.denominator is not None
        f, g = self.numerator, self.denominator
        return (f.derive(twist) * g.expr - f.expr * g.derive(twist)) / g.expr**2


@dataclass(frozen=True, eq=False)
class GeneralPower(Rule):
    """u^v with the variable in both: (uᵛ)′ = uᵛ·(v′·ln u + v·u′/u)."""

    base: Rule | None = None
    exponent: Rule | None = None
    name = "general power"

    @property
    def children(self) -> tuple[Rule, ...]:
        return tuple(c for c in (self.base, self.exponent) if c is not None)

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        import sympy as sp

        assert self.base is not None and self.exponent is not None
        u, v = self.base, self.exponent
        du, dv = u.derive(twist), v.derive(twist)
        if twist is not None:
            replaced = twist(self, (du, dv))
            if replaced is not None:
                return replaced
        return self.expr * (dv * sp.log(u.expr) + v.expr * du / u.expr)


@dataclass(frozen=True, eq=False)
class Chain(Rule):
    """One layer y = f(u), u = g(x): y′ = f′(g(x))·g′(x)."""

    outer: Outer | None = None
    inner: Rule | None = None
    name = "chain"

    @property
    def children(self) -> tuple[Rule, ...]:
        return (self.inner,) if self.inner is not None else ()

    @property
    def trivial(self) -> bool:
        """True when the inner function is just x (no chain rule needed)."""
        return isinstance(self.inner, Variable)

    @property
    def o(self) -> Outer:
        assert self.outer is not None
        return self.outer

    @property
    def g(self) -> Rule:
        assert self.inner is not None
        return self.inner

    @property
    def outer_derivative(self) -> sympy.Expr:
        """f′(g(x)), evaluated."""
        return self.o.at(self.g.expr)

    @property
    def outer_derivative_written(self) -> sympy.Expr:
        """f′(g(x)) with g kept as typed: 2(3x + 1), not 6x + 2."""
        return self.o.at(self.g.written, evaluate=False)

    @property
    def inner_derivative(self) -> sympy.Expr:
        return self.g.derivative

    def derive(self, twist: Twist | None = None) -> sympy.Expr:
        inner_derivative = self.g.derive(twist)
        if twist is not None:
            replaced = twist(self, inner_derivative)
            if replaced is not None:
                return replaced
        return self.outer_derivative * inner_derivative


# -- building the tree from the syntax tree ---------------------------------------------
def build(node: syntax.Node, variable: sympy.Symbol, cache: dict[Any, Any] | None = None) -> Rule:
    """Decompose a syntax tree into a rule tree.

    ``cache`` shares the SymPy conversions of subtrees between the levels of the
    recursion (each subtree is converted once).
    """
    import sympy as sp

    memo: dict[Any, Any] = {} if cache is None else cache

    def sym(n: syntax.Node, evaluate: bool = True) -> sympy.Expr:
        return syntax.to_sympy(n, variable, evaluate, memo)

    def sub(n: syntax.Node) -> Rule:
        return build(n, variable, memo)

    written = sym(node, evaluate=False)
    expr = sym(node)
    base = {"written": written, "expr": expr, "variable": variable}

    if not syntax.has_variable(node):
        return Constant(**base)
    if isinstance(node, syntax.Var):
        return Variable(**base)
    if isinstance(node, syntax.Add):
        return Sum(**base, terms=tuple(sub(t) for t in node.terms))
    if isinstance(node, syntax.Neg):
        return Scaled(**base, factor=sp.Integer(-1), body=sub(node.operand))
    if isinstance(node, syntax.Mul):
        constants = [f for f in node.factors if not syntax.has_variable(f)]
        varying = [f for f in node.factors if syntax.has_variable(f)]
        if len(varying) == 1:
            body = sub(varying[0])
        else:
            body_node = syntax.Mul(tuple(varying), node.span)
            body = Product(
                written=sym(body_node, evaluate=False),
                expr=sym(body_node),
                variable=variable,
                factors=tuple(sub(f) for f in varying),
            )
        if not constants:
            return body
        factor = sp.Mul(*(sym(c) for c in constants))
        return Scaled(**base, factor=factor, body=body)
    if isinstance(node, syntax.Div):
        num, den = node.numerator, node.denominator
        if not syntax.has_variable(den):
            factor = 1 / sym(den)
            return Scaled(**base, factor=factor, body=sub(num))
        if not syntax.has_variable(num):
            reciprocal = _chain(Outer.power(sp.Integer(-1)), sub(den), variable)
            numerator = sym(num)
            if numerator == 1:
                return Chain(**base, outer=reciprocal.outer, inner=reciprocal.inner)
            return Scaled(**base, factor=numerator, body=reciprocal)
        return Quotient(**base, numerator=sub(num), denominator=sub(den))
    if isinstance(node, syntax.Pow):
        base_node, exp_node = node.base, node.exponent
        if not syntax.has_variable(exp_node):
            n = sym(exp_node)
            return Chain(**base, outer=Outer.power(n), inner=sub(base_node))
        if not syntax.has_variable(base_node):
            a = sym(base_node)
            if a.is_positive is False or a == 1:
                raise InputError(
                    f"the base of a variable exponent must be a positive number other than 1, not {a}"
                )
            return Chain(**base, outer=Outer.exponential(a), inner=sub(exp_node))
        return GeneralPower(**base, base=sub(base_node), exponent=sub(exp_node))
    if isinstance(node, syntax.Call):
        if node.base is not None:
            return Chain(**base, outer=Outer.log_base(sym(node.base)), inner=sub(node.arg))
        if node.name == "log" and isinstance(node.arg, syntax.Call) and node.arg.name == "abs":
            return Chain(**base, outer=Outer.function("ln_abs"), inner=sub(node.arg.arg))
        return Chain(**base, outer=Outer.function(node.name), inner=sub(node.arg))
    raise TypeError(f"cannot decompose {node!r}")


def _chain(outer: Outer, inner: Rule, variable: sympy.Symbol) -> Chain:
    return Chain(
        written=outer.of(inner.written, evaluate=False),
        expr=outer.of(inner.expr),
        variable=variable,
        outer=outer,
        inner=inner,
    )
