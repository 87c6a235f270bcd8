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
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

from chainrule_cli.errors import InputError, TooLarge
from chainrule_cli.limits import attempt
from chainrule_cli.reading import syntax
from chainrule_cli.reading.ambiguity import Reading
from chainrule_cli.reading.parsing import read, symbol
from chainrule_cli.reading.roots import odd_root_bases, real_branch

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


# -- reading the tree ------------------------------------------------------------------
def chains(tree: Rule) -> list[Chain]:
    """Every chain layer, outermost first (pre-order)."""
    return [n for n in tree.walk() if isinstance(n, Chain)]


def real_chains(tree: Rule) -> list[Chain]:
    """The layers whose inner function is more than x: where the chain rule does work."""
    return [c for c in chains(tree) if not c.trivial]


def letters(tree: Rule) -> dict[int, str]:
    """The letter naming each layer's inner function, innermost first: u, v, w, …

    Keyed by ``id`` of the chain node. Trivial layers (inner = x) use x itself.
    """
    variable = tree.variable.name
    pool = [letter for letter in LETTERS if letter != variable]
    names: dict[int, str] = {}
    for node in tree.post_order():
        if isinstance(node, Chain):
            if node.trivial:
                names[id(node)] = variable
            else:
                names[id(node)] = pool[
                    len([v for v in names.values() if v != variable]) % len(pool)
                ]
    return names


def unscaled(node: Rule) -> tuple[Any, Rule]:
    """(c, body) for a constant multiple c·body, nested ones folded (−3·f is −1·(3·f));
    (1, node) for anything else."""
    import sympy as sp

    constant: Any = sp.Integer(1)
    while isinstance(node, Scaled) and node.body is not None:
        constant = constant * node.factor
        node = node.body
    return constant, node


def layer_constants(tree: Rule) -> dict[int, Any]:
    """The constant carried by each chain layer written c·f(u) (keyed by ``id``).

    3sin(x²) is the layer y = 3sin(u): its outer derivative is 3cos(u), not cos(u).
    """
    out: dict[int, Any] = {}

    def visit(node: Rule) -> None:
        constant, body = unscaled(node)
        if isinstance(body, Chain) and body is not node:
            out[id(body)] = constant
        for child in body.children:
            visit(child)

    visit(tree)
    return out


def spine(tree: Rule) -> list[Chain]:
    """The main chain, outermost layer first: x → u → v → y.

    Follows the root down (through constant multiples, which belong to their
    layer) while each layer is a chain with more than x inside.
    """
    layers: list[Chain] = []
    _, node = unscaled(tree)
    while isinstance(node, Chain):
        layers.append(node)
        if node.trivial:
            break
        _, node = unscaled(node.g)
    return layers


def is_quadratic(rule: Rule) -> bool:
    """A polynomial of degree 2 in x: the 'quadratic inside' type."""
    import sympy as sp

    expr = rule.expr
    if not expr.is_polynomial(rule.variable):
        return False
    return bool(sp.Poly(expr, rule.variable).degree() == 2)


def classify(tree: Rule) -> str | None:
    """The bank type of the first real chain layer (outermost first), or None."""
    for layer in real_chains(tree):
        kind = layer.o.type
        if kind is not None:
            return kind
        if is_quadratic(layer.g):
            return "quadratic-inside"
    return None


def admissible_types(tree: Rule) -> set[str]:
    """Every type a problem with this expression may be filed under."""
    if not real_chains(tree):
        return set()
    kinds = {c.o.type for c in chains(tree)} - {None}
    if any(is_quadratic(c.g) for c in real_chains(tree)):
        kinds.add("quadratic-inside")
    return {k for k in kinds if k is not None}


# -- the whole analysis -----------------------------------------------------------------
@dataclass
class Analysis:
    """An expression, its rule tree and derivative: what ``solve`` reports."""

    text: str
    tree: Rule
    variable: Any
    #: The text as the parser read it, with its ambiguity notes (so nothing parses it twice).
    reading: Reading

    @cached_property
    def clean(self) -> sympy.Expr:
        """The derivative as an answer key prints it (``final_form``), computed when first shown;
        the plain factored form when that is slow."""
        plain = lambda: clean_form(self.tree.derivative, inner_sums(self.tree))  # noqa: E731
        found = attempt(2.0, lambda: final_form(self.tree), None)
        return found if found is not None else plain()

    @property
    def expr(self) -> sympy.Expr:
        return self.tree.expr

    @property
    def derivative(self) -> sympy.Expr:
        return self.tree.derivative

    @property
    def type(self) -> str | None:
        return classify(self.tree)


def clean_form(expr: sympy.Expr, keep: tuple[sympy.Expr, ...] = ()) -> sympy.Expr:
    """A readable form for people: common factors pulled out, nothing rewritten.

    ``factor_terms(together(…))`` gives 6(3x + 1) and 2x·cos(x²) and puts a
    quotient over one denominator, but never applies an identity (sin²x stays
    sin²x, where ``simplify`` might say sin 2x and surprise the learner). The
    inner functions in ``keep`` (``inner_sums``) are held whole while it works:
    left to itself it would turn √(x/2 + 1) into √2·√(x + 2)/2, rewriting what
    the learner wrote. It is bounded in time; when it is slow the plain form is
    shown.
    """
    import sympy as sp

    def tidy() -> sympy.Expr:
        held = {inner: sp.Dummy() for inner in keep}
        out = sp.factor_terms(sp.together(expr.xreplace(held) if held else expr))
        return out.xreplace({d: inner for inner, d in held.items()}) if held else out

    return attempt(1.0, tidy, expr)


def final_form(tree: Rule) -> sympy.Expr:
    """The derivative as an answer key prints it, assembled on the rule tree's structure.

    * a chain layer is f′(g(x))·g′(x), with g′ kept as one factor (4(2x³ + 2x − 1)³·(6x² + 2)),
      its numbers moved into a fraction in front (√(x² + 2x) → (x + 1)/√(x² + 2x));
    * a product is the sum f′·g + f·g′, each term clean (5x²·cos(5x) + 2x·sin(5x));
    * a quotient is one fraction in lowest terms: common factors of the top and the bottom
      cancelled and a polynomial factor collected (2(2x + 1)²·(x − 4)/(x − 1)³);
    * sin u/cos u is tan u and cos u/sin u is cot u (−tan x for ln(cos x)).

    No identity is applied beyond the last, so what the learner wrote is kept.
    """
    import sympy as sp

    x = tree.variable
    keep = inner_sums(tree)

    def collected(e: Any) -> Any:
        """Polynomial sums in a product collected: 3(x − 1) − (2x + 1) → x − 4."""
        if isinstance(e, sp.Mul):
            return sp.Mul(*[collected(f) for f in e.args])
        if isinstance(e, sp.Pow):
            return sp.Pow(collected(e.base), e.exp)
        if isinstance(e, sp.Add) and e not in keep and e.is_polynomial(x):
            return sp.factor_terms(sp.expand(e))
        return e

    def walk(node: Rule) -> Any:
        if isinstance(node, Constant):
            return sp.Integer(0)
        if isinstance(node, Variable):
            return sp.Integer(1)
        if isinstance(node, Sum):
            return sp.Add(*[walk(t) for t in node.terms])
        if isinstance(node, Scaled):
            assert node.body is not None
            return node.factor * walk(node.body)
        if isinstance(node, Chain):
            if node.trivial:
                return clean_form(node.derivative, keep)
            outer = clean_form(node.outer_derivative, keep)
            inner = walk(node.g)
            if isinstance(inner, sp.Add):
                content, rest = inner.primitive()
                coefficient, body = outer.as_coeff_Mul()
                if content != 1 and not coefficient.is_Integer:
                    return sp.Mul(coefficient * content, body, rest)
                return sp.Mul(outer, inner)
            return outer * inner
        if isinstance(node, Product):
            parts = [walk(f) for f in node.factors]
            return sp.Add(
                *[
                    sp.Mul(d, *[f.expr for j, f in enumerate(node.factors) if j != i])
                    for i, d in enumerate(parts)
                ]
            )
        if isinstance(node, Quotient):
            f, g = node.numerator, node.denominator
            assert f is not None and g is not None
            whole = clean_form((walk(f) * g.expr - f.expr * walk(g)) / g.expr**2, keep)
            top, bottom = sp.fraction(whole)
            return collected(top) / bottom
        return clean_form(node.derivative, keep)

    return _trig_ratios(walk(tree))


def _trig_ratios(expr: sympy.Expr) -> sympy.Expr:
    """sin(u)ⁿ/cos(u)ⁿ as tan(u)ⁿ and cos(u)ⁿ/sin(u)ⁿ as cot(u)ⁿ, in every product."""
    import sympy as sp

    def ratio(mul: Any) -> Any:
        powers = mul.as_powers_dict()
        changed = False
        for f in list(powers):
            if not isinstance(f, sp.sin):
                continue
            c = sp.cos(f.args[0])
            p, q = powers.get(f, 0), powers.get(c, 0)
            if p != 0 and p == -q:
                name = sp.tan if p > 0 else sp.cot
                del powers[f], powers[c]
                powers[name(f.args[0])] = abs(p)
                changed = True
        if not changed:
            return mul
        return sp.Mul(*[b**e for b, e in powers.items()])

    return expr.replace(lambda e: isinstance(e, sp.Mul), ratio)


def inner_sums(rule: Rule) -> tuple[sympy.Expr, ...]:
    """The inner functions below ``rule`` that are sums (x/2 + 1): ``clean_form`` keeps them."""
    import sympy as sp

    found = (n.g.expr for n in rule.walk() if isinstance(n, Chain) and n.inner is not None)
    return tuple(dict.fromkeys(g for g in found if isinstance(g, sp.Add)))


@functools.lru_cache(maxsize=512)
def analyse(text: str, variable: str = "x") -> Analysis:
    """Parse ``text`` and build its rule tree.

    Cached: the generator, the bank check, the quiz's solution and its checker
    all ask for the same expression, and a rule tree is never changed once built.
    """
    x = symbol(variable)
    reading = read(text, variable)
    return Analysis(text=text, tree=build(reading.tree, x), variable=x, reading=reading)


# -- values at a point ------------------------------------------------------------------
#: Values beyond 10^this are too large to compute exactly (an integer of 10^300
#: has 301 digits; 10^(2x) at x = 10^6 would have two million).
MAX_VALUE_DIGITS = 300


def real_value(expr: sympy.Expr, variable: sympy.Symbol, at: sympy.Expr) -> sympy.Expr | None:
    """expr at x = at, exactly, or None where it is undefined or not real.

    The one bounded path for exact values: the size of the value is estimated
    in floating point first (mpmath has no exponent limit), so 10^(2x) at a huge
    point is refused with ``TooLarge`` before SymPy builds a two-million-digit
    integer; the exact substitution then runs under a time limit. Odd roots
    of negative numbers are real (``roots.real_branch``): x^(1/3) at −27 is −3.
    """
    import sympy as sp

    if not _real_root_bases(expr, variable, at):
        return None
    expr = real_branch(expr)
    approx = attempt(1.0, lambda: expr.evalf(20, subs={variable: at}), None)
    if approx is None:  # failed or too slow: a tower such as e^(e^(e^(e^x))) at 2?
        _refuse_if_huge(expr, variable, at)
        return None
    if not approx.is_number or approx.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re, im = approx.as_real_imag()
    if not (re.is_Number and im.is_Number):
        return None
    if abs(im) > 1e-12 * max(1, abs(re)):
        return None
    if re != 0 and abs(re) > sp.Float(10) ** MAX_VALUE_DIGITS:
        import mpmath

        # In mpmath: SymPy's floor(log(re, 10)) of 10^(10^702) runs for minutes.
        _too_large(variable, at, mpmath.log10(abs(re._to_mpmath(60))))
    value = attempt(2.0, lambda: expr.xreplace({variable: at}), None)
    if value is None or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return value


def _real_root_bases(expr: sympy.Expr, variable: sympy.Symbol, at: Any) -> bool:
    """Whether every odd root's base is real at ``at`` (the real reading needs a real u)."""

    def at_point(base: Any) -> Any:
        return attempt(1.0, lambda: base.evalf(20, subs={variable: at}), None)

    for base in odd_root_bases(expr):
        if base.is_extended_real:
            continue
        value = at_point(base)
        if value is None or not value.is_number:
            continue  # undecided here: the value itself is checked below
        re, im = value.as_real_imag()
        if im.is_Number and abs(im) > 1e-12 * max(1, abs(re)):
            return False
    return True


def _refuse_if_huge(expr: sympy.Expr, variable: sympy.Symbol, at: Any) -> None:
    """Raise ``TooLarge`` when the value at ``at`` has over MAX_VALUE_DIGITS digits.

    Asked only when SymPy could not evaluate in time: its adaptive precision
    chases 20 digits of e^(e^(e^(e²))) for minutes, while 53 bits of mpmath
    (``numeric.log10_size``) say at once that it has about 10^702 digits.
    """
    from chainrule_cli.maths.numeric import log10_size

    size = attempt(0.5, lambda: log10_size(expr, variable, at), None)
    if size is not None and size > MAX_VALUE_DIGITS:
        _too_large(variable, at, size)


def _too_large(variable: sympy.Symbol, at: Any, size: Any) -> NoReturn:
    """Refuse a value of about 10^size (size: log₁₀ of it, as an mpmath number)."""
    raise TooLarge(
        f"the value at {variable} = {_short(at)} is about 10^{_digits_text(size)}: "
        "too large to work with"
    )


def _digits_text(size: Any) -> str:
    """1234 for 10^1234; (2.5×10^702) for a number of digits that itself has 703 digits."""
    import mpmath

    if size < 10**15:
        return str(int(size))
    mantissa, _, exponent = mpmath.nstr(size, 2, min_fixed=0, max_fixed=0).partition("e")
    return f"({mantissa}×10^{int(exponent)})"


def _short(value: Any) -> str:
    from chainrule_cli.printing.mathtext import show

    text = show(value)
    return text if len(text) <= 30 else text[:29] + "…"


def nice_value(value: sympy.Expr) -> sympy.Expr:
    """A number in a clean exact form, never rewritten by an identity.

    SymPy already evaluates x ↦ a to 2√3/3 or 20000·ln 10; ``factor_terms``
    only pulls out common factors. (``simplify`` would combine 20000·ln 10 into
    ln(10^20000), an integer too long to print.)
    """
    import sympy as sp

    return attempt(1.0, lambda: sp.factor_terms(value), value)
