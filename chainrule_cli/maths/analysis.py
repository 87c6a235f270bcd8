"""The whole analysis of an expression (``analyse``: parsed once, its rule tree, its
derivative in the clean form an answer key prints), and the questions asked of a rule
tree: its chains and their letters, its spine, its type.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chainrule_cli.limits import attempt
from chainrule_cli.maths.rules import (
    LETTERS,
    Chain,
    Constant,
    Product,
    Quotient,
    Rule,
    Scaled,
    Sum,
    Variable,
    build,
)
from chainrule_cli.reading.ambiguity import Reading
from chainrule_cli.reading.parsing import read, symbol

if TYPE_CHECKING:
    import sympy


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
