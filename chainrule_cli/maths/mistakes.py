"""The typical chain-rule mistakes, built from the rule tree, and what to say about each.

Each mistake is a whole derivative with one wrong step (``Rule.derive`` with a
twist at one node): the outer derivative without the inner one, the outer
derivative taken at x, only the inner derivative, the two added, the power not
lowered, the product rule skipped, … A wrong answer that equals one of them
(compared numerically, like every answer) is named by it, and the sentence
quotes this problem's own functions, the same forms the worked solution shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.maths.analysis import Analysis, real_chains, unscaled
from chainrule_cli.maths.explain import Combination, Layer, Step, layers
from chainrule_cli.maths.rules import Chain, GeneralPower, Product, Rule, Sum
from chainrule_cli.printing.mathtext import show

if TYPE_CHECKING:
    import sympy

#: Every mistake code, in the order they are tried (an earlier match wins).
MISTAKES = (
    "forgot_inner_derivative",
    "inner_not_substituted",
    "only_inner_derivative",
    "added_instead_of_multiplied",
    "sign_error",
    "power_not_reduced",
    "product_rule_missed",
    "product_of_derivatives",
    "forgot_ln_base",
    "power_rule_on_exponential",
    "constant_factor",
    "arcsec_convention",
)


@dataclass
class Mistake:
    code: str
    derivative: Any  # the whole derivative with this one mistake
    node: Rule | None  # where the mistake was made: a chain layer or a product (None: everywhere)
    #: A second slip made together with the first (only "forgot_inner_derivative" so far).
    also: str | None = None
    #: For product_rule_missed: the index of the factor that was differentiated.
    factor: int | None = None


def mistakes(analysis: Analysis) -> list[Mistake]:
    """Derivatives with one typical mistake each, built from the rule tree.

    Listed in the order they are tried: a match earlier in the list wins.
    """
    import sympy as sp

    tree = analysis.tree
    correct = tree.derivative
    x = analysis.variable
    u = sp.Symbol("u", real=True)
    out: list[Mistake] = []

    def at_node(target: Rule, change: Callable[[Any, Any], Any]) -> Any:
        return tree.derive(lambda node, d: change(node, d) if node is target else None)

    chain_layers = real_chains(tree)
    # Forgetting g′ at one layer, at several (every subset when there are few), or in a
    # polynomial part of an inner function that a book would call u (√(4(x² − 6x) + 3)).
    for group in _groups(chain_layers):
        targets = {id(layer) for layer in group}

        def forgot_at(n: Any, d: Any, targets: set[int] = targets) -> Any:
            return n.outer_derivative if id(n) in targets else None

        forgot = tree.derive(forgot_at)
        out.append(Mistake("forgot_inner_derivative", forgot, group[-1]))
    for layer in chain_layers:
        for part in layer.g.walk():
            if isinstance(part, Sum) and part is not layer.g:
                out.append(
                    Mistake(
                        "forgot_inner_derivative",
                        at_node(part, lambda n, ds: sp.Integer(1)),
                        layer,
                    )
                )
    for layer in chain_layers:
        out.append(
            Mistake("inner_not_substituted", at_node(layer, lambda n, d: n.o.at(x) * d), layer)
        )
        out.append(Mistake("only_inner_derivative", at_node(layer, lambda n, d: d), layer))
        out.append(
            Mistake(
                "added_instead_of_multiplied",
                at_node(layer, lambda n, d: n.outer_derivative + d),
                layer,
            )
        )
    # The outer derivative taken at x, at one layer or at every layer of a sum.
    for group in _groups(chain_layers, singles=False):
        targets = {id(layer) for layer in group}

        def taken_at_x(n: Any, d: Any, targets: set[int] = targets) -> Any:
            return n.o.at(x) * d if id(n) in targets else None

        at_x = tree.derive(taken_at_x)
        out.append(Mistake("inner_not_substituted", at_x, group[0]))
    out.append(Mistake("sign_error", -correct, None))
    for layer in chain_layers:
        n = layer.o.exponent
        if n is not None:

            def not_reduced(node: Any, d: Any, n: Any = n) -> Any:
                return n * node.g.expr**n * d

            out.append(Mistake("power_not_reduced", at_node(layer, not_reduced), layer))
    # One factor of the outer derivative taken at x: (sec 4x)′ → 4·sec(x)·tan(4x).
    for layer in chain_layers:
        pieces = sp.Mul.make_args(layer.o.derivative)
        varying = [i for i, piece in enumerate(pieces) if piece.has(u)]
        if len(varying) < 2:
            continue
        for i in varying:

            def one_at_x(node: Any, d: Any, i: int = i, pieces: Any = pieces) -> Any:
                mixed = [
                    p.xreplace({u: x}) if j == i else p.xreplace({u: node.g.expr})
                    for j, p in enumerate(pieces)
                ]
                return sp.Mul(*mixed) * d

            out.append(Mistake("inner_not_substituted", at_node(layer, one_at_x), layer))
    for product in (n for n in tree.walk() if isinstance(n, Product)):
        for i in range(len(product.factors)):

            def only(node: Any, ds: Any, i: int = i) -> Any:
                return ds[i]

            def one_term(node: Any, ds: Any, i: int = i) -> Any:
                others = (f.expr for j, f in enumerate(node.factors) if j != i)
                return sp.Mul(ds[i], *others)

            out.append(Mistake("product_rule_missed", at_node(product, only), product, factor=i))
            out.append(
                Mistake("product_rule_missed", at_node(product, one_term), product, factor=i)
            )
        out.append(
            Mistake(
                "product_of_derivatives", at_node(product, lambda node, ds: sp.Mul(*ds)), product
            )
        )
    # log_b and b^u without their ln b: right up to that constant (x itself too: 2ˣ).
    every_layer = [n for n in tree.walk() if isinstance(n, Chain)]
    for layer in every_layer:
        if layer.o.name in ("log_base", "exponential"):

            def no_ln(node: Any, d: Any) -> Any:
                # (log_b u)′ taken as 1/u, (bᵘ)′ as bᵘ: the ln b left out.
                plain = 1 / u if node.o.name == "log_base" else node.o.form
                return plain.xreplace({u: node.g.expr}) * d

            out.append(Mistake("forgot_ln_base", at_node(layer, no_ln), layer))
    # The power rule used on eᵘ or bᵘ: u·e^(u − 1), with or without the inner derivative.
    for layer in every_layer:
        if layer.o.name in ("exp", "exponential"):

            def power_rule(node: Any, d: Any, inner: bool = True) -> Any:
                base = node.o.form.xreplace({u: 1})
                g = node.g.expr
                return g * base ** (g - 1) * (d if inner else 1)

            out.append(Mistake("power_rule_on_exponential", at_node(layer, power_rule), layer))
            if not layer.trivial:
                out.append(
                    Mistake(
                        "power_rule_on_exponential",
                        at_node(layer, lambda n, d: power_rule(n, d, inner=False)),
                        layer,
                        also="forgot_inner_derivative",
                    )
                )
    # The product rule inside a general power uᵛ (logarithmic differentiation).
    for power in (n for n in tree.walk() if isinstance(n, GeneralPower)):
        assert power.base is not None and power.exponent is not None
        b, e = power.base.expr, power.exponent.expr

        def base_term_only(node: Any, ds: Any, b: Any = b, e: Any = e) -> Any:
            return node.expr * e * ds[0] / b

        def exponent_term_only(node: Any, ds: Any, b: Any = b) -> Any:
            return node.expr * ds[1] * sp.log(b)

        out.append(Mistake("product_rule_missed", at_node(power, base_term_only), power, factor=1))
        out.append(
            Mistake("product_rule_missed", at_node(power, exponent_term_only), power, factor=0)
        )
    # arcsec/arccsc by the other convention (Stewart's): 1/(u·√(u² − 1)), without |u|,
    # at any layer (arcsec x itself too).
    for layer in (n for n in tree.walk() if isinstance(n, Chain)):
        if layer.o.name in ("asec", "acsc"):

            def other_convention(node: Any, d: Any) -> Any:
                plain = node.o.derivative.xreplace({sp.Abs(u): u})
                return plain.xreplace({u: node.g.expr}) * d

            out.append(Mistake("arcsec_convention", at_node(layer, other_convention), layer))
    # Two slips at once, tried last: f′(x) alone (not at the inner function, no g′).
    for layer in chain_layers:
        out.append(
            Mistake(
                "inner_not_substituted",
                at_node(layer, lambda n, d: n.o.at(x)),
                layer,
                also="forgot_inner_derivative",
            )
        )
    return out


#: Every subset of the layers is tried when there are at most this many.
SUBSET_LAYERS = 4


def _groups(layers: list[Chain], singles: bool = True) -> list[list[Chain]]:
    """The sets of layers a slip may be made at: each layer alone, every subset of a few
    layers, or (for long chains) all of them and all but the outermost."""
    import itertools

    if len(layers) <= SUBSET_LAYERS:
        sizes = range(1 if singles else 2, len(layers) + 1)
        if not singles and len(layers) == 1:
            return []
        return [list(g) for size in sizes for g in itertools.combinations(layers, size)]
    groups = [[layer] for layer in layers] if singles else []
    return [*groups, layers, layers[1:]]


def constant_inner_derivatives(analysis: Analysis) -> list[tuple[Chain, Any]]:
    """The layers whose inner derivative is a constant other than ±1 (3 in sin(3x))."""
    found = []
    for layer in real_chains(analysis.tree):
        d = layer.inner_derivative
        if d.is_number and d not in (1, -1) and d != 0:
            found.append((layer, d))
    return found


def feedback_for(
    code: str | None,
    mistake: Mistake | None,
    analysis: Analysis,
    unicode: bool,
    steps: list[Step],
    ratio: float | None = None,
    coefficients: tuple[Any, Any] | None = None,
) -> str:
    """The sentence shown for a mistake, naming this problem's functions.

    ``steps`` is the problem's explanation (``explain``), shared with the solution
    shown to the learner, so the feedback quotes the very same forms.
    """
    m: Callable[..., str] = lambda e, written=False: show(e, unicode=unicode, ordered=not written)  # noqa: E731
    prime = "′" if unicode else "'"
    times = "·" if unicode else "*"
    found = layers(steps)
    by_node = {id(s.node): s for s in found}
    node = mistake.node if mistake is not None else None
    layer: Layer | None = by_node.get(id(node)) if node is not None else None
    if layer is None:
        real = [s for s in found if not s.trivial]
        layer = real[0] if real else None
    inner = m(layer.inner, written=True) if layer else ""
    inner_d = m(layer.inner_derivative) if layer else ""
    outer_d = m(layer.outer_derivative, written=True) if layer else ""
    if code in ("product_rule_missed", "product_of_derivatives") and node is not None:
        names, parts = _product_parts(node, steps, m)
        rule = "(f·g)′ = f′·g + f·g′" if unicode else "(f*g)' = f'*g + f*g'"
        whole = times.join(names)
        if code == "product_of_derivatives":
            return (
                f"the derivative of a product is not the product of the derivatives. "
                f"Here {whole} has {parts}, and {rule}."
            )
        which = names[mistake.factor] if mistake and mistake.factor is not None else "one factor"
        return (
            f"this is a product {whole} with {parts}: use the product rule {rule}. "
            f"You differentiated only {which}."
        )
    if code == "forgot_inner_derivative" and layer:
        return (
            "you differentiated the outer function but forgot to multiply by the inner "
            f"derivative ({inner}){prime} = {inner_d}."
        )
    if code == "inner_not_substituted" and layer:
        at_x = m(layer.node.o.at(analysis.variable))
        sentence = (
            f"evaluate the outer derivative at the inner function, not at {analysis.variable}: "
            f"{m(layer.outer_derivative_form)} with {layer.letter} = {inner} is {outer_d}"
        )
        if mistake is not None and mistake.also == "forgot_inner_derivative":
            sentence += (
                f", not {at_x}. Then multiply by the inner derivative ({inner}){prime} = {inner_d}."
            )
        else:
            sentence += f": every {layer.letter} becomes {inner}."
        return sentence
    if code == "only_inner_derivative" and layer:
        return (
            f"that is only the inner derivative ({inner}){prime} = {inner_d}; multiply it by the "
            f"outer derivative {outer_d}."
        )
    if code == "added_instead_of_multiplied" and layer:
        return (
            "you added the outer and inner derivatives; the chain rule multiplies them: "
            f"{outer_d}{times}{inner_d}."
        )
    if code == "sign_error":
        minus_rule = next(
            (s.rule for s in found if s.kind in ("cos", "cot", "csc", "acos", "acot", "acsc")),
            None,
        )
        hint = f" Check the table: {minus_rule}." if minus_rule else " Check each minus sign."
        return "right size, wrong sign: your answer is the negative of the derivative." + hint
    if code == "power_not_reduced" and layer:
        return (
            f"lower the power by one: (u{_sup('n', unicode)}){prime} = n·u{_sup('n-1', unicode)}, "
            f"so the outer derivative is {outer_d}."
        )
    if code == "forgot_ln_base" and layer:
        return (
            f"the factor ln {m(_base(layer.node))} is missing: {_rule(layer, unicode)}, "
            f"so the outer derivative is {outer_d}."
        )
    if code == "power_rule_on_exponential" and layer:
        power = "(uⁿ)′ = n·uⁿ⁻¹" if unicode else "(u^n)' = n*u^(n-1)"
        sentence = (
            f"the power rule {power} is for a constant power; in {m(layer.node.written, True)} "
            f"the variable is in the exponent. Use {_rule(layer, unicode)}: the outer "
            f"derivative is {outer_d}"
        )
        if mistake is not None and mistake.also == "forgot_inner_derivative":
            return f"{sentence}, times the inner derivative ({inner}){prime} = {inner_d}."
        return f"{sentence}."
    if code == "constant_factor":
        return _constant_factor_text(ratio, coefficients, m)
    if code == "arcsec_convention" and isinstance(node, Chain):
        return _convention_text(node, m(node.g.written, written=True), unicode)
    if layer:
        return (
            f"that is not the derivative. Take the chain apart: inner {layer.letter} = {inner}, "
            f"outer {layer.output} = {m(layer.outer_form)}; then multiply the outer derivative "
            "(inner kept) by the inner derivative."
        )
    return "that is not the derivative."


def _base(node: Chain) -> Any:
    """b in bᵘ or log_b u (e for eᵘ)."""
    import sympy as sp

    if node.o.name == "log_base":
        return node.o.display.args[1]
    return node.o.form.xreplace({sp.Symbol("u", real=True): 1})


def _rule(layer: Layer, unicode: bool) -> str:
    """The layer's table row with this problem's base: (2ᵘ)′ = 2ᵘ·ln 2."""
    base = _base(layer.node)
    rule = layer.rule
    if layer.kind == "exponential":
        rule = rule.replace("a", show(base, unicode=unicode))
    elif layer.kind == "log_base":
        rule = rule.replace("b", show(base, unicode=unicode))
    if not unicode:
        rule = rule.replace("′", "'").replace("·", "*").replace("ᵘ", "^u").replace("eᵘ", "e^u")
    return rule


def _convention_text(node: Chain, inner: str, unicode: bool) -> str:
    """1/(u·√(u² − 1)) for arcsec u: another book's convention, right only where u > 1."""
    secant = node.o.name == "asec"
    name = "arcsec" if secant else "arccsc"
    values = "[0, π]" if secant else "[−π/2, π/2]"
    minus = "−" if unicode else "-"
    sign = "" if secant else minus
    times = "·" if unicode else "*"
    bar, root = ("|u|", "√(u² − 1)") if unicode else ("abs(u)", "sqrt(u^2 - 1)")
    if not unicode:
        values = values.replace("π", "pi").replace("−", "-")
    return (
        f"right where {inner} > 1, but not where {inner} < {minus}1. Here {name} takes values "
        f"in {values} (as in OpenStax and SymPy), and the derivative of {name} u is "
        f"{sign}1/({bar}{times}{root}). Books that give {name} other values (Stewart) "
        f"write {sign}1/(u{times}{root}), without the absolute value."
    )


def _constant_factor_text(
    ratio: float | None, coefficients: tuple[Any, Any] | None, m: Callable[..., str]
) -> str:
    """Right up to a constant: say by how much; a rounded constant is close, not exact."""
    if ratio is not None and abs(ratio - 1) < 0.01:
        if coefficients is not None:
            yours, exact = coefficients
            shown = m(exact)
            decimal = f"{float(exact):.10g}"
            # 2 is just 2; an irrational or fractional constant also gets its decimal.
            approx = "" if shown == decimal else f" ≈ {decimal}"
            return (
                f"close, but not exact: your constant {m(yours)} is not {shown}{approx}. "
                "Keep the constant exact (or give every digit)."
            )
        return (
            f"close, but not exact: your answer is {ratio:.8g} times the derivative. "
            "Keep the constants exact."
        )
    factor = f" (yours is {ratio:.4g} times the derivative)" if ratio is not None else ""
    return (
        f"right up to a constant factor{factor}: check the constants, such as the "
        "coefficient of the inner derivative or the 1/2 of a square root."
    )


def _product_parts(node: Rule, steps: list[Step], m: Callable[..., str]) -> tuple[list[str], str]:
    """The names and "f = …, g = …" of a product, as the worked solution names them."""
    for step in steps:
        if isinstance(step, Combination) and unscaled(step.node)[1] is node:
            names = step.names
            parts = ", ".join(
                f"{n} = {m(p, written=True)}" for n, p in zip(names, step.parts, strict=False)
            )
            return names, parts
    factors = getattr(node, "factors", ())
    names = ["f", "g", "h", "k"][: len(factors)]
    parts = ", ".join(
        f"{n} = {m(f.written, written=True)}" for n, f in zip(names, factors, strict=False)
    )
    return names, parts


def _sup(text: str, unicode: bool) -> str:
    if not unicode:
        return "^" + ("(n-1)" if text == "n-1" else text)
    return {"n": "ⁿ", "n-1": "ⁿ⁻¹"}[text]


def coefficient(expr: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr:
    """The constant factor in front of an expression: 500000·ln(21/20) in 500000·ln(21/20)·(21/20)^x."""
    return expr.as_independent(variable, as_Add=False)[0]
