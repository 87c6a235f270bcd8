"""The rule tree read aloud: the steps that ``solve`` shows, the JSON lists and
the quiz reveals one hint at a time.

Everything here is derived from the rule tree (``rules.py``); nothing is
differentiated again. Steps hold SymPy expressions; the ``render`` package formats them
for the terminal and ``to_json`` for scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.rules import (
    Chain,
    GeneralPower,
    Product,
    Quotient,
    Rule,
    Scaled,
    Sum,
    clean_form,
    letters,
    spine,
)

if TYPE_CHECKING:
    import sympy


@dataclass
class Layer:
    """One application of the chain rule: y = f(u), u = g(x).

    ``letter`` names the inner function (u, v, …; x itself for a trivial layer).
    """

    node: Chain
    letter: str
    output: str  # what the layer produces: y at the top, the next letter inside
    outer_form: Any  # f(u), in the layer's letter
    outer_derivative_form: Any  # f′(u), in the layer's letter
    inner: Any  # g(x), as written
    outer_derivative: Any  # f′(g(x)), inner kept as written
    inner_derivative: Any  # g′(x), clean
    product: Any  # the same, clean

    @property
    def trivial(self) -> bool:
        return self.node.trivial

    @property
    def factors(self) -> list[Any]:
        """The product as the rule builds it: [f′(g(x)), g′(x)] (just f′ when g′ = 1)."""
        if self.inner_derivative == 1:
            return [self.outer_derivative]
        return [self.outer_derivative, self.inner_derivative]

    @property
    def rule(self) -> str:
        return self.node.o.rule

    @property
    def kind(self) -> str:
        return self.node.o.name


@dataclass
class Combination:
    """A sum, constant multiple, product, quotient or general power: where the
    chain rule works inside each part."""

    node: Rule
    kind: str  # sum | constant multiple | product | quotient | general power
    parts: list[Any]  # the parts as written
    formula: str  # the rule in symbols
    derivative: Any  # this node's derivative, clean


Step = Layer | Combination

FORMULAS = {
    "sum": "(f + g)′ = f′ + g′",
    "constant multiple": "(c·f)′ = c·f′",
    "product": "(f·g)′ = f′·g + f·g′",
    "quotient": "(f/g)′ = (f′·g − f·g′)/g²",
    "general power": "(uᵛ)′ = uᵛ·(v′·ln u + v·u′/u)",
}


def elementary(node: Rule) -> bool:
    """No chain rule, product or quotient anywhere inside: x², 3x + 1, sin x.

    Such a part is differentiated straight from the table; showing its sum and
    constant-multiple steps would bury the chain in noise.
    """
    for part in node.walk():
        if isinstance(part, Chain) and not part.trivial:
            return False
        if isinstance(part, Product | Quotient | GeneralPower):
            return False
    return True


def explain(tree: Rule) -> list[Step]:
    """The steps in teaching order: outermost rule first, then each part.

    Elementary parts get no steps of their own (their derivative appears where
    they are used), unless the whole expression is elementary.
    """
    names = letters(tree)
    outputs = {id(layer): "y" for layer in spine(tree)[:1]}
    steps: list[Step] = []

    def visit(node: Rule, top: bool) -> None:
        if elementary(node) and not top:
            return
        if isinstance(node, Chain):
            steps.append(_layer(node, names, outputs))
            if not node.trivial:
                if isinstance(node.inner, Chain) and not node.inner.trivial:
                    outputs[id(node.inner)] = names[id(node)]
                visit(node.g, False)
            return
        if isinstance(node, Sum | Scaled | Product | Quotient | GeneralPower):
            steps.append(
                Combination(
                    node=node,
                    kind=node.name,
                    parts=[c.written for c in node.children],
                    formula=FORMULAS[node.name],
                    derivative=clean_form(node.derivative),
                )
            )
            if isinstance(node, Scaled) and isinstance(node.body, Chain):
                outputs.setdefault(id(node.body), "y")
            for child in node.children:
                visit(child, False)

    visit(tree, True)
    return steps


def _layer(node: Chain, names: dict[int, str], outputs: dict[int, str]) -> Layer:
    import sympy as sp

    letter = sp.Symbol(names[id(node)])
    outer_written = node.outer_derivative_written
    inner_derivative = clean_form(node.inner_derivative)
    return Layer(
        node=node,
        letter=str(letter),
        output=outputs.get(id(node), "f"),
        outer_form=node.o.form.xreplace({_u(): letter}),
        outer_derivative_form=node.o.derivative.xreplace({_u(): letter}),
        inner=node.g.written,
        outer_derivative=outer_written,
        inner_derivative=inner_derivative,
        product=clean_form(node.derivative),
    )


def layers(steps: list[Step]) -> list[Layer]:
    return [s for s in steps if isinstance(s, Layer)]


def chain_letters(tree: Rule) -> list[tuple[str, Any]]:
    """The main chain as (name, definition) pairs, innermost first:
    [(u, 3x + 1), (y, u²)] for (3x + 1)²; [(u, x²), (v, eᵘ), (y, sin v)] for
    sin(e^(x²)). Empty when the expression is not a chain.
    """
    import sympy as sp

    main = spine(tree)
    real = [layer for layer in main if not layer.trivial]
    if not real:
        return []
    names = letters(tree)
    pairs: list[tuple[str, Any]] = []
    innermost = real[-1]
    pairs.append((names[id(innermost)], innermost.g.written))
    for outer_layer, inner_layer in zip(real[-2::-1], real[:0:-1], strict=True):
        letter = sp.Symbol(names[id(inner_layer)])
        pairs.append((names[id(outer_layer)], inner_layer.o.form.xreplace({_u(): letter})))
    top = real[0]
    top_form = top.o.form.xreplace({_u(): sp.Symbol(names[id(top)])})
    if isinstance(tree, Scaled) and tree.body is top:
        top_form = sp.Mul(tree.factor, top_form, evaluate=False)
    pairs.append(("y", top_form))
    return pairs


def _u() -> sympy.Symbol:
    import sympy as sp

    return sp.Symbol("u", real=True)


def to_json(steps: list[Step]) -> list[dict[str, Any]]:
    """The chain layers as SymPy strings (parseable by ``sympy.sympify``)."""
    out = []
    for step in layers(steps):
        out.append(
            {
                "rule": step.kind,
                "chain": not step.trivial,
                "letter": step.letter,
                "outer": str(step.outer_form),
                "inner": str(step.node.g.expr),
                # f′(g(x)) with the inner function kept as written: "2*(3*x + 1)".
                "outer_derivative": str(step.outer_derivative),
                "inner_derivative": str(step.inner_derivative),
                "product": str(step.product),
                "table": step.rule,
            }
        )
    return out
