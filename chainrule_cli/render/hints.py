"""The hint panels of a quiz: the layers, each rule, each derivative, the products.

Inner functions are shown as written and derivatives as the rule builds them
(``practice.outline``), so one panel never shows the same function in two notations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import panel
from chainrule_cli.render.mathfmt import Math, glue, math_for
from chainrule_cli.render.solution import _d, solution_view

if TYPE_CHECKING:
    from chainrule_cli.maths.solution import Solution


def applied_hint(
    hint: Any, title: str, checker: Any, solution: Solution, console: Console
) -> RenderableType:
    """The hints of a rates problem name the two rates being multiplied."""
    m = math_for(console)
    y, u, t = checker.names
    outer, inner = (m.prose(rate) for rate in checker.rates_text())
    if hint.kind == "applied-chain":
        arrow = f" {m.arrow} "
        body = Text(
            glue(f"{y}{arrow}{u}{arrow}{t}")
            + ": "
            + glue(f"d{y}/d{t} = d{y}/d{u} {m.times} d{u}/d{t}")
        )
        return panel(f"{title}: the chain of quantities", body)
    if hint.kind == "applied-outer":
        return panel(f"{title}: the first rate", Text(outer, style="magenta"), style="magenta")
    if hint.kind == "applied-inner":
        return panel(f"{title}: the second rate (given)", Text(inner, style="cyan"))
    if hint.kind == "applied-multiply":
        return panel(f"{title}: multiply", Text(f"({outer}) {m.times} ({inner})"), style="yellow")
    return panel(
        f"{title}: the full solution", applied_solution(checker, solution, console), style="green"
    )


def applied_solution(checker: Any, solution: Solution, console: Console) -> RenderableType:
    m = math_for(console)
    y, _, t = checker.names
    outer, inner = (m.prose(rate) for rate in checker.rates_text())
    lines = Text()
    lines.append(f"{outer}\n{inner}\n", style="bold")
    lines.append(m.prose(f"d{y}/d{t} = {checker.answer_text()}"), style="bold green")
    return Group(solution_view(solution, console), Text(""), lines)


def hint_panel(
    hint: Any, solution: Solution, console: Console, applied: Any = None
) -> RenderableType:
    """One hint as a panel: what it reveals depends on its kind.

    Inner functions are shown as written and derivatives as the rule builds
    them, so one panel never shows the same function in two notations.
    """
    from chainrule_cli.maths.explain import Layer

    m = math_for(console)
    var = solution.analysis.variable.name
    title = f"Hint {hint.number}/{hint.total}"
    step = hint.step
    if hint.kind.startswith("applied") or (hint.kind == "solution" and applied is not None):
        assert applied is not None
        return applied_hint(hint, title, applied, solution, console)
    if hint.kind == "solution":
        return panel(f"{title}: the full solution", solution_view(solution, console), style="green")
    if hint.kind == "layers":
        return panel(f"{title}: the layers, from the outside in", _layers_body(hint, m))
    if hint.kind == "rule":
        return panel(
            f"{title}: the {_RULE_NAMES.get(step.kind, step.kind)}", rule_body(hint, m, var)
        )
    if hint.kind == "combine":
        return panel(
            f"{title}: put the parts together", _combine_body(hint, m, var), style="yellow"
        )
    assert isinstance(step, Layer)
    out, letter = step.output, step.letter
    of = f" of layer {hint.layer}" if hint.layer else ""
    if hint.kind == "table":
        body = Text(glue(f"({m(step.outer_form)}){m.prime} = {m(step.outer_derivative_form)}"))
        body.append(f"   (straight from the table: {m.prose(step.rule)})", style="dim")
        return panel(f"{title}: a table derivative", body)
    if hint.kind == "identify":
        body = Text()
        body.append("inner  ", style="bold")
        body.append(m.eq(letter, m(step.inner, written=True)) + "\n", style="cyan")
        body.append("outer  ", style="bold")
        body.append(m.eq(out, m(step.outer_form)), style="magenta")
        return panel(f"{title}: the inner and the outer function", body)
    if hint.kind == "outer":
        body = Text()
        lead = _nested_lead(hint, m, var)
        if lead:
            body.append(lead + "\n", style="dim")
        body.append(m.eq(_d(out, letter), m(step.outer_derivative_form)), style="magenta")
        body.append(f"   ({m.prose(step.rule)})\n", style="dim")
        body.append(
            f"inner kept as it is: {m(step.outer_derivative, written=True)}", style="magenta"
        )
        return panel(f"{title}: the outer derivative{of}", body, style="magenta")
    if hint.kind == "inner":
        body = Text(
            f"{_d(letter, var)} = ({m(step.inner, written=True)}){m.prime} = {m(step.inner_derivative)}",
            style="cyan",
        )
        return panel(f"{title}: the inner derivative{of}", body)
    # multiply: the two factors side by side, then what they make
    factors = list(hint.factors) or [step.outer_derivative, step.inner_derivative]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="center")
    grid.add_column(justify="center")
    grid.add_column(justify="center")
    grid.add_row(
        Text("outer derivative", style="dim"), Text(""), Text("inner derivative", style="dim")
    )
    grid.add_row(
        Text(m(factors[0], written=True), style="magenta"),
        Text(m.times, style="bold"),
        Text(m(factors[1], written=True) if len(factors) > 1 else "1", style="cyan"),
    )
    result = Text(f"{_d(out, var)} = {m.product(factors)}")
    _append_tidy(result, hint.tidy, m)
    parts: list[RenderableType] = [grid, result]
    completes = _completes_line(hint, m, var)
    if completes is not None:
        parts.append(completes)
    where = f" (layer {hint.layer})" if hint.layer else ""
    return panel(f"{title}: multiply{where}", Group(*parts), style="yellow")


_RULE_NAMES = {
    "sum": "sum rule",
    "constant multiple": "constant multiple rule",
    "product": "product rule",
    "quotient": "quotient rule",
    "general power": "general power rule",
}


def _part_names(step: Any) -> list[str]:
    names = list(getattr(step, "names", None) or ())
    defaults = ["f", "g", "h", "k"]
    return names + defaults[len(names) :] if len(names) < len(step.parts) else names


def _layers_body(hint: Any, m: Any) -> Text:
    """Each layer, outermost first, with what it does to its inner function."""
    from chainrule_cli.maths.explain import Layer

    body = Text()
    for index, (depth, step, number) in enumerate(hint.rows):
        if index:
            body.append("\n")
        body.append("  " * depth)
        if isinstance(step, Layer):
            body.append(f"layer {number}  ", style="bold")
            body.append(m.eq(step.output, m(step.outer_form)), style="magenta")
            body.append("   inner ")
            body.append(m.eq(step.letter, m(step.inner, written=True)), style="cyan")
            continue
        names = _part_names(step)
        output = getattr(step, "output", "y")
        kind = step.kind if step.kind != "constant multiple" else "constant multiple"
        article = "an" if kind[0] in "aeiou" else "a"
        body.append(f"{output} is {article} {kind}: ", style="bold")
        body.append(
            ", ".join(
                m.eq(name, m(part, written=True))
                for name, part in zip(names, step.parts, strict=False)
            )
        )
    return body


def _nested_lead(hint: Any, m: Any, var: str) -> str:
    """For a layer inside another: why the chain rule is needed again."""
    from chainrule_cli.maths.explain import Layer

    parent = hint.parent
    if not isinstance(parent, Layer):
        return ""
    return (
        f"The inner derivative {_d(parent.letter, var)} = ({m(parent.inner, written=True)}){m.prime} "
        f"needs the chain rule again: layer {hint.layer}."
        if hint.layer
        else f"The inner derivative {_d(parent.letter, var)} needs the chain rule again."
    )


def rule_body(hint: Any, m: Any, var: str) -> Text:
    """A sum, product or quotient rule: the parts, their table derivatives, and which
    parts need the chain rule (worked out in the next hints); never the result."""
    from chainrule_cli.maths.explain import Layer

    step = hint.step
    names = _part_names(step)
    body = Text()
    parent = hint.parent
    if isinstance(parent, Layer):
        body.append(
            f"{_d(parent.letter, var)} = ({m(parent.inner, written=True)}){m.prime}:\n", style="dim"
        )
    body.append(rule_formula(step, m), style="bold")
    node = step.node
    if step.kind == "constant multiple":
        body.append(
            f"   with {m.eq('c', m(node.factor))}, {m.eq(names[0], m(step.parts[0], written=True))}"
        )
    else:
        shown = ", ".join(
            m.eq(name, m(part.written, written=True))
            for name, part in zip(names, hint.parts, strict=False)
        )
        body.append(f"   with {shown}")
    for name, part in zip(names, hint.parts, strict=False):
        body.append("\n")
        if part.derivative is None:
            body.append(
                f"{name}{m.prime} = ({m(part.written, written=True)}){m.prime} needs the chain rule: next",
                style="cyan",
            )
        else:
            body.append(
                f"{name}{m.prime} = ({m(part.written, written=True)}){m.prime} = {m(part.derivative)}",
                style="cyan",
            )
    return body


def _combine_body(hint: Any, m: Any, var: str) -> RenderableType:
    step = hint.step
    output = getattr(step, "output", "y")
    line = Text(f"{_d(output, var)} = {m(hint.result, written=True)}")
    _append_tidy(line, hint.tidy, m)
    parts: list[RenderableType] = [Text(rule_formula(step, m), style="bold"), line]
    completes = _completes_line(hint, m, var)
    if completes is not None:
        parts.append(completes)
    return Group(*parts)


def rule_formula(step: Any, m: Math) -> str:
    """A rule's formula, (f·g)′ = f′·g + f·g′, in one piece (ASCII when it must be)."""
    formula = step.formula if m.unicode else step.formula.replace("′", "'").replace("·", "*")
    return m.prose(formula)


def _append_tidy(text: Text, tidy: Any, m: Any) -> None:
    if tidy is None:
        return
    shown = m(tidy, written=True)
    if not text.plain.endswith(shown):
        text.append(" = ")
        text.append(shown, style="bold")


def _completes_line(hint: Any, m: Any, var: str) -> Text | None:
    """After an inner layer's product: it is the inner derivative of the layer outside."""
    layer = hint.completes
    if layer is None:
        return None
    where = f" of layer {hint.completes_layer}" if hint.completes_layer else ""
    output = getattr(hint.step, "output", layer.letter)
    if output == layer.letter:
        return Text(f"{m.arrow} the inner derivative{where}, worked out", style="dim")
    return Text(
        f"{m.arrow} so {_d(layer.letter, var)} = {_d(output, var)} too: the inner derivative{where}",
        style="dim",
    )
