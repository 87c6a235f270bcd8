"""The rule tree read aloud: the steps that ``solve`` shows, the JSON lists and
the quiz reveals one hint at a time.

Everything here is derived from the rule tree (``rules.py``); nothing is
differentiated again. Steps hold SymPy expressions; the ``render`` package
formats them for the terminal and ``to_json`` for scripts.

Every line must be true as written, so names are given with care:

* the function is y (z when the variable is y);
* the parts of a sum, product or quotient are f, g, h, k, and each part keeps
  its name in its own layers (``Layer g = sin(u)``, ``dg/du``, ``dg/dx``);
* the inner function of each layer is u, v, w, … (never a part's name or the
  variable);
* a constant multiple belongs to its layer: 3sin(x²) is the layer y = 3sin(u),
  whose outer derivative is 3cos(u).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.maths.analysis import final_form, layer_constants, letters, spine, unscaled
from chainrule_cli.maths.rules import (
    PART_NAMES,
    Chain,
    GeneralPower,
    Product,
    Quotient,
    Rule,
    Scaled,
    Sum,
    function_name,
)
from chainrule_cli.printing.mathtext import ordered

if TYPE_CHECKING:
    import sympy


@dataclass
class Layer:
    """One application of the chain rule: output = c·f(u), u = g(x).

    ``letter`` names the inner function (u, v, …; x itself for a trivial layer);
    ``output`` names what the layer produces (y, a part's name f/g, or the
    letter of the layer outside); ``of`` is the function or part the layer
    belongs to (y, or f, g, … inside a product, quotient or sum).
    """

    node: Chain
    letter: str
    output: str
    of: str
    constant: Any  # c (1 when the layer has no constant multiple)
    outer_form: Any  # c·f(u), in the layer's letter
    outer_derivative_form: Any  # c·f′(u), in the layer's letter
    inner: Any  # g(x), as written
    outer_derivative: Any  # c·f′(g(x)), inner kept as written
    inner_derivative: Any  # g′(x), clean
    product: Any  # c·f′(g(x))·g′(x), clean
    outer_derivative_value: Any = field(default=None, repr=False)  # c·f′(g(x)), evaluated

    @property
    def trivial(self) -> bool:
        return self.node.trivial

    @property
    def factors(self) -> list[Any]:
        """The product as the rule builds it: [c·f′(g(x)), g′(x)] (just c·f′ when g′ = 1)."""
        if self.inner_derivative == 1:
            return [self.outer_derivative]
        return [self.outer_derivative, ordered(self.inner_derivative)]

    @property
    def rule(self) -> str:
        return self.node.o.rule

    @property
    def kind(self) -> str:
        return self.node.o.name


@dataclass
class Combination:
    """A sum, constant multiple, product, quotient or general power: where the
    chain rule works inside each part. ``names`` are the parts' names (f, g, …)
    and ``output`` the name of the whole (y, or the part or letter it is)."""

    node: Rule
    kind: str  # sum | constant multiple | product | quotient | general power
    parts: list[Any]  # the parts as written
    formula: str  # the rule in symbols
    derivative: Any  # this node's derivative, clean
    names: list[str] = field(default_factory=list)
    output: str = "y"


Step = Layer | Combination

FORMULAS = {
    "sum": "(f + g)′ = f′ + g′",
    "constant multiple": "(c·f)′ = c·f′",
    "product": "(f·g)′ = f′·g + f·g′",
    "quotient": "(f/g)′ = (f′·g − f·g′)/g²",
    "general power": "(fᵍ)′ = fᵍ·(g′·ln f + g·f′/f)",
}


def formula_for(kind: str, names: list[str]) -> str:
    """The rule's formula in the parts' own names: (g·h)′ = g′·h + g·h′ for parts g and h,
    so that the formula and the "with g = …, h = …" beside it speak of the same
    functions. The general power rule keeps f and g (its exponent is a superscript)."""
    import re

    formula = FORMULAS[kind]
    if kind == "general power" or not names:
        return formula
    letters = {"f": names[0], "g": names[1] if len(names) > 1 else "g"}
    return re.sub(r"(?<![A-Za-z])[fg](?![A-Za-z0-9])", lambda m: letters[m.group()], formula)


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


class _Namer:
    """Hands out the parts' names f, g, h, k, … once each across the whole tree."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, count: int) -> list[str]:
        names = []
        for _ in range(count):
            index = self.used
            self.used += 1
            base = PART_NAMES[index % len(PART_NAMES)]
            names.append(base if index < len(PART_NAMES) else f"{base}{index // len(PART_NAMES)}")
        return names


def explain(tree: Rule) -> list[Step]:
    """The steps in teaching order: outermost rule first, then each part.

    Elementary parts get no steps of their own (their derivative appears where
    they are used), unless the whole expression is elementary.
    """
    names = letters(tree)
    constants = layer_constants(tree)
    top = function_name(tree.variable.name)
    namer = _Namer()
    steps: list[Step] = []

    def visit(node: Rule, output: str, of: str, top_level: bool) -> None:
        if elementary(node) and not top_level:
            return
        _, body = unscaled(node)
        if isinstance(body, Chain):
            steps.append(_layer(body, names, output, of, constants.get(id(body), 1)))
            if not body.trivial:
                visit(body.g, names[id(body)], of, False)
            return
        if isinstance(node, Sum | Scaled | Product | Quotient | GeneralPower):
            parts = list(node.children)
            part_names = namer.take(len(parts))
            steps.append(
                Combination(
                    node=node,
                    kind=node.name,
                    parts=[c.written for c in parts],
                    formula=formula_for(node.name, part_names),
                    derivative=final_form(node),
                    names=part_names,
                    output=output,
                )
            )
            for child, name in zip(parts, part_names, strict=True):
                visit(child, name, name if of == top else of, False)

    visit(tree, top, top, True)
    return steps


def _layer(node: Chain, names: dict[int, str], output: str, of: str, constant: Any) -> Layer:
    import sympy as sp

    letter = sp.Symbol(names[id(node)])
    u = _u()
    c = sp.sympify(constant)
    shown = node.o.shown.xreplace({u: letter})
    derivative_form = node.o.derivative.xreplace({u: letter})
    outer_written = node.outer_derivative_written
    if c != 1:
        shown = sp.Mul(c, shown, evaluate=False)
        derivative_form = c * derivative_form
        outer_written = _times(c, outer_written)
    return Layer(
        node=node,
        letter=str(letter),
        output=output,
        of=of,
        constant=c,
        outer_form=shown,
        outer_derivative_form=derivative_form,
        inner=node.g.written,
        outer_derivative=outer_written,
        inner_derivative=final_form(node.g),
        product=c * final_form(node),
        outer_derivative_value=c * node.outer_derivative,
    )


def _times(c: sympy.Expr, expr: sympy.Expr) -> sympy.Expr:
    """c·expr kept as written: 3·(−sin(x²)) shows as −3sin(x²), 3·2(3x + 1) as 6(3x + 1)."""
    import sympy as sp

    if isinstance(expr, sp.Mul):
        head, *rest = expr.args
        if isinstance(head, sp.Number):
            return sp.Mul(c * head, *rest, evaluate=False)
        if head == -1 and rest:
            return sp.Mul(-c, *rest, evaluate=False)
    if isinstance(expr, sp.Number):
        return c * expr
    return sp.Mul(c, expr, evaluate=False)


def layers(steps: list[Step]) -> list[Layer]:
    return [s for s in steps if isinstance(s, Layer)]


def chain_letters(tree: Rule) -> list[tuple[str, Any]]:
    """The main chain as (name, definition) pairs, innermost first:
    [(u, 3x + 1), (y, u²)] for (3x + 1)²; [(u, x²), (v, eᵘ), (y, sin v)] for
    sin(e^(x²)); [(u, x²), (y, 3·sin u)] for 3sin(x²). Empty when the
    expression is not a chain.
    """
    import sympy as sp

    main = spine(tree)
    real = [layer for layer in main if not layer.trivial]
    if not real:
        return []
    names = letters(tree)
    constants = layer_constants(tree)

    def form(layer: Chain) -> Any:
        shown = layer.o.shown.xreplace({_u(): sp.Symbol(names[id(layer)])})
        c = constants.get(id(layer), 1)
        return shown if c == 1 else sp.Mul(c, shown, evaluate=False)

    pairs: list[tuple[str, Any]] = []
    innermost = real[-1]
    pairs.append((names[id(innermost)], innermost.g.written))
    for outer_layer, inner_layer in zip(real[-2::-1], real[:0:-1], strict=True):
        pairs.append((names[id(outer_layer)], form(inner_layer)))
    pairs.append((function_name(tree.variable.name), form(real[0])))
    return pairs


def _u() -> sympy.Symbol:
    import sympy as sp

    return sp.Symbol("u", real=True)


def to_json(steps: list[Step], values: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    """The chain layers as SymPy strings (parseable by ``sympy.sympify``).

    Every fact the text shows is here: for each layer, the function or part it
    belongs to (``of``), what it produces (``output``), its constant multiple,
    and with a point its values there (``values``, keyed by ``id`` of the layer).
    """
    out = []
    for step in layers(steps):
        item: dict[str, Any] = {
            "rule": step.kind,
            "chain": not step.trivial,
            "letter": step.letter,
            "output": step.output,
            "of": step.of,
            "constant": str(step.constant),
            "outer": _str(step.outer_form),
            "inner": str(step.node.g.expr),
            # c·f′(g(x)) with the inner function kept as written: "2*(3*x + 1)".
            "outer_derivative": _str(step.outer_derivative),
            "inner_derivative": str(step.inner_derivative),
            "product": str(step.product),
            "table": step.rule,
        }
        if values is not None and id(step) in values:
            item["values"] = {key: str(value) for key, value in values[id(step)].items()}
        out.append(item)
    return out


def _str(expr: Any) -> str:
    """SymPy's string of an unevaluated expression, with log_b shown as log(u, b)."""
    return str(expr)
