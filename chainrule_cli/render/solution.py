"""The worked solution that ``solve`` prints (and the quiz shows as its last hint),
and the verdict line of ``check``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from chainrule_cli.render.fit import Hanging, WorkRow, WorkTable
from chainrule_cli.render.mathfmt import Math, glue, math_for

if TYPE_CHECKING:
    from chainrule_cli.maths.explain import Combination, Layer, Step
    from chainrule_cli.maths.points import NumberCheck
    from chainrule_cli.maths.solution import Solution
    from chainrule_cli.practice.outline import Outline


# -- solve -------------------------------------------------------------------------
def chain_diagram(pairs: Sequence[tuple[str, Any]], variable: str, m: Math) -> Text:
    """x → u = 3x + 1 → y = u²"""
    text = Text(variable, style="bold")
    for name, definition in pairs:
        text.append(f" {m.arrow} ")
        text.append(glue(f"{name} = "), style="bold")
        text.append(m(definition, written=True), style="cyan")
    return text


def _d(top: str, bottom: str) -> str:
    return f"d{top}/d{bottom}"


def layer_rows(layer: Layer, m: Math, variable: str) -> list[tuple[str, str, Text]]:
    """The four steps of one layer: identify, outer derivative, inner derivative, multiply."""
    out, letter = layer.output, layer.letter
    if layer.trivial:
        text = Text(f"({m(layer.outer_form)}){m.prime} = {m(layer.outer_derivative_form)}")
        text.append(f"   no chain needed: the inside is just {variable}", style="dim")
        return [("", "Table rule", text)]
    identify = Text()
    identify.append("inner ")
    identify.append(m.eq(letter, m(layer.inner, written=True)), style="cyan")
    identify.append(", outer ")
    identify.append(m.eq(out, m(layer.outer_form)), style="magenta")
    outer = Text()
    outer.append(f"{_d(out, letter)} = {m(layer.outer_derivative_form)}", style="magenta")
    outer.append(f" {m.arrow} ")
    outer.append(m(layer.outer_derivative, written=True), style="magenta")
    outer.append("  " + glue("(inner kept as it is)"), style="dim")
    inner = Text(f"{_d(letter, variable)} = {m(layer.inner_derivative)}", style="cyan")
    multiply = Text(f"{_d(out, variable)} = ")
    written = m.product(layer.factors)
    multiply.append(written)
    if written != m(layer.product):
        multiply.append(" = ")
        multiply.append(m(layer.product), style="bold")
    return [
        ("1", "Identify", identify),
        ("2", "Outer derivative", outer),
        ("3", "Inner derivative", inner),
        ("4", "Multiply", multiply),
    ]


#: A product of more parts than this, or an assembled form larger than this many
#: nodes, is not written out term by term (x·x·…·x).
MAX_ASSEMBLED_PARTS = 4
MAX_ASSEMBLED_SIZE = 300


def _size(expr: Any) -> int:
    """The number of nodes in an expression, counting no further than the limit."""
    from sympy import preorder_traversal

    count = 0
    for _ in preorder_traversal(expr):
        count += 1
        if count > MAX_ASSEMBLED_SIZE:
            break
    return count


def combination_row(
    step: Combination, m: Math, variable: str = "x", outline: Outline | None = None
) -> tuple[str, str, Text]:
    titles = {
        "sum": "Sum rule",
        "constant multiple": "Constant multiple",
        "product": "Product rule",
        "quotient": "Quotient rule",
        "general power": "General power",
    }
    formula = step.formula if m.unicode else step.formula.replace("′", "'").replace("·", "*")
    text = Text(formula)
    parts = ", ".join(
        m.eq(n, m(p, written=True)) for n, p in zip(step.names, step.parts, strict=False)
    )
    if step.kind == "constant multiple" and step.names:
        c = getattr(step.node, "factor", None)
        parts = f"{m.eq('c', m(c))}, {m.eq(step.names[0], m(step.parts[0], written=True))}"
    text.append(f" with {parts}", style="dim")
    clean = m(step.derivative)
    if (
        outline is not None
        and step.kind in ("product", "quotient")
        and len(step.parts) <= MAX_ASSEMBLED_PARTS
        and _size(outline.built(step)) <= MAX_ASSEMBLED_SIZE
    ):
        # Assembled as the quiz's hints assemble it: each part's derivative in its place.
        derivatives = ", ".join(
            m.eq(f"{n}{m.prime}", m(outline.part_derivative(c), written=True))
            for n, c in zip(step.names, step.node.children, strict=False)
        )
        text.append(f"\n{derivatives}", style="cyan")
        built = m(outline.built(step), written=True)
        text.append(f"\n{m.arrow} d{step.output}/d{variable} = {built}")
        if built != clean:
            text.append(" = ")
            text.append(clean, style="bold")
        return ("", titles[step.kind], text)
    text.append(f"\n{m.arrow} d{step.output}/d{variable} = {clean}")
    return ("", titles[step.kind], text)


def steps_table(steps: Sequence[Step], m: Math, variable: str) -> WorkTable:
    """The steps as a table (#, Step, Work), or one block per step when a formula
    would not fit the Work column (``render.fit.WorkTable``)."""
    from chainrule_cli.maths.explain import Layer
    from chainrule_cli.practice.outline import Outline

    outline = Outline(list(steps))

    rows: list[WorkRow] = []
    for index, step in enumerate(steps):
        if isinstance(step, Layer):
            if not step.trivial:
                title = Text(f"Layer {step.output} = {m(step.outer_form)}", style="bold yellow")
                rows.append(("", title, Text("")))
            rows.extend(layer_rows(step, m, variable))
        else:
            rows.append(combination_row(step, m, variable, outline))
        if index < len(steps) - 1:
            rows.append(None)
    return WorkTable(rows, m.unicode)


def point_text(solution: Solution, m: Math) -> str:
    """The point as the learner typed it when it was a decimal (1.56), else exact (π/4)."""
    if solution.at_text is not None:
        return solution.at_text.replace("-", "−") if m.unicode else solution.at_text
    return m(solution.at)


def rates_diagram(solution: Solution, m: Math) -> Text | None:
    """The chapter's gear-ratio picture: x = 1 ──×3──▶ u = 4 ──×8──▶ y = 16."""
    pairs, values = solution.pairs, solution.values
    if solution.at is None or not pairs or len(values) != len(pairs) - 1:
        return None
    ordered = list(reversed(values))  # innermost layer first
    arrow_body = "──" if m.unicode else "--"
    head = "▶" if m.unicode else ">"
    text = Text(m.eq(solution.analysis.variable.name, point_text(solution, m)), style="bold")
    rates = [ordered[0].inner_derivative] + [v.outer_derivative for v in ordered]
    points = [v.inner for v in ordered] + [solution.y_at]
    for (name, _), rate, point in zip(pairs, rates, points, strict=True):
        text.append(" ")
        text.append(f"{arrow_body}{m.times}{m.factor(rate)}{arrow_body}{head}", style="yellow")
        text.append(" ")
        text.append(m.eq(name, m(point)), style="bold")
    product = f" {m.times} ".join(m.factor(r) for r in rates)
    text.append(f"\ntotal rate {m.glued(f'{product} = {m(solution.slope)}')}", style="dim")
    return text


def solution_view(solution: Solution, console: Console) -> RenderableType:
    """Everything ``solve`` shows: the chain, the steps, the derivative, the point, the check."""

    m = math_for(console)
    analysis, steps = solution.analysis, solution.steps
    var = analysis.variable.name
    parts: list[RenderableType] = []
    y = solution.name
    heading = Text(glue(f"{y} = "), style="bold") + Text(
        m(analysis.tree.written, written=True), style="bold cyan"
    )
    kind = analysis.type
    if kind:
        heading.append(f"   ({kind})", style="dim")
    parts.append(heading)
    for note in solution.notes:
        parts.append(Hanging(Text(f"note: {m.prose(note)}", style="yellow"), indent=2))
    if solution.pairs:
        parts.append(Text("\nThe chain  ", style="bold") + chain_diagram(solution.pairs, var, m))
    parts.append(Text(""))
    parts.append(steps_table(steps, m, var))
    derivative = Text(glue(f"{_d(y, var)} = "), style="bold") + Text(
        m(analysis.clean), style="bold green"
    )
    parts.append(Hanging(derivative))
    if solution.at is not None and solution.slope is not None:
        parts.append(Text(""))
        parts.append(Text(f"At {var} = {point_text(solution, m)}", style="bold underline"))
        for v in solution.values:
            out, letter = v.layer.output, v.layer.letter
            product = f"{m.factor(v.outer_derivative)} {m.times} {m.factor(v.inner_derivative)}"
            parts.append(
                Hanging(
                    Text(
                        f"{m.eq(letter, m(v.inner))},  "
                        f"{m.eq(_d(out, letter), m(v.outer_derivative))},  "
                        f"{m.eq(_d(letter, var), m(v.inner_derivative))},  "
                        + m.glued(f"{_d(out, var)} = {product} = {m(v.product)}")
                    ),
                    indent=2,
                )
            )
        rates = rates_diagram(solution, m)
        if rates is not None:
            parts.append(Hanging(rates, indent=2))
        numeric = float(solution.slope)
        slope_text = Text(glue("slope = "), style="bold") + Text(
            m(solution.slope), style="bold green"
        )
        if m(solution.slope) != m.number(numeric):
            slope_text.append(glue(f" {m.approx} {m.number(numeric)}"))
        parts.append(Hanging(slope_text, indent=2))
    if solution.check is not None:
        parts.append(Text(""))
        if solution.at is None:  # the point was chosen here: one line, at that point
            parts.append(number_check_line(solution.check, var, m, y))
        else:
            parts.append(Hanging(number_check_text(solution.check, var, m, y), hang=0))
    return Group(*parts)


#: A slope at least this large (in size) makes a function steep at the point.
STEEP_SLOPE = 10.0


def number_check_text(check: NumberCheck, variable: str, m: Math, name: str = "y") -> Text:
    """x from 0.99 to 1.01 moves y from … to …: a rate of about 24 ≈ the slope 24 ✓.

    A central difference, with its step; ✓ only when the two printed numbers agree.
    The printed quotient is worth the printed rate (the change gets the figures it
    needs); where y does not change to the printed figures (a flat point) no quotient
    is printed: the rate is 0 to that precision.
    """
    from chainrule_cli.maths.points import CHECK_FIGURES, figures

    text = Text.assemble(("Check with numbers: ", "bold"))  # the heading bold, not the sentence
    h = check.step
    change = check.y_plus - check.y_minus
    moves = f"{variable} from {m.number(check.x0 - h)} to {m.number(check.x0 + h)} "
    slope = f"the slope is {m.number(check.expected, check.shown)}\u00a0"
    flat = check.agrees and figures(check.rate) == "0"
    if flat and m.number(check.y_minus) == m.number(check.y_plus):
        text.append(
            moves + f"leaves {name} at {m.number(check.y_minus)}: {name} does not change to "
            f"6 figures, so the rate is 0 to this precision; " + slope
        )
    else:
        digits = quotient_figures(change, 2 * h, check.rate, check.shown)
        text.append(
            moves + f"moves {name} from {m.number(check.y_minus)} to {m.number(check.y_plus)} "
            f"(change {m.number(change)}), a rate of about {m.number(change, digits)}/"
            f"{m.number(2 * h)} {m.approx} {m.number(check.rate, check.shown)}; " + slope
        )
    if check.agrees:
        text.append(m.check, style="bold green")
    else:
        text.append(glue(f"{m.cross} (the numbers disagree)"), style="bold red")
    why = refined_why(check)
    if why is not None and check.coarse is not None:
        step, rate = check.coarse
        text.append(
            f"\n  (with a step of {m.number(step)} the rate is {m.number(rate, CHECK_FIGURES)}: "
            f"{why}, so the step is {m.number(h)})",
            style="dim",
        )
    return text


def number_check_line(check: NumberCheck, variable: str, m: Math, name: str = "y") -> Group:
    """Check with numbers at x = 1: rise/run = 0.48/0.02 ≈ 24 = the slope ✓.

    The short check under ``solve`` without a point: one line at the point the
    check chose, saying which. The same central difference as
    ``number_check_text``, its quotient worth the printed rate; at a flat point,
    y stays put. A second line says why the run is small, only when a first,
    larger one had to be refined.
    """
    from chainrule_cli.maths.points import CHECK_FIGURES, figures

    text = Text.assemble((f"Check with numbers at {variable} = {m.number(check.x0)}: ", "bold"))
    change = check.y_plus - check.y_minus
    rate = m.number(check.rate, check.shown)
    flat = check.agrees and figures(check.rate) == "0"
    if flat and m.number(check.y_minus) == m.number(check.y_plus):
        text.append(f"{name} stays at {m.number(check.y_minus)} to 6 figures, ")
        rate = glue("a rate of 0")
    else:
        digits = quotient_figures(change, 2 * check.step, check.rate, check.shown)
        text.append(f"rise/run = {m.number(change, digits)}/{m.number(2 * check.step)} ")
        rate = glue(f"{m.approx} {rate}")
    if check.agrees:
        text.append(glue(f"{rate} = the slope "))
        text.append(m.check, style="bold green")
    else:
        slope = m.number(check.expected, check.shown)
        text.append(f"{rate}, but " + glue(f"the slope is {slope} "))
        text.append(m.cross, style="bold red")
    lines: list[RenderableType] = [Hanging(text, hang=0)]
    why = refined_why(check)
    if why is not None and check.coarse is not None:
        run, coarse_rate = 2 * check.coarse[0], m.number(check.coarse[1], CHECK_FIGURES)
        note = Text(f"(a run of {m.number(run)} gave {coarse_rate}: {why})", style="dim")
        lines.append(Hanging(note, indent=2))
    return Group(*lines)


def refined_why(check: NumberCheck) -> str | None:
    """Why a first, larger step was refined (None when it was not): its rate was not
    yet the slope to the printed figures."""
    from chainrule_cli.maths.points import figures

    if check.coarse is None:
        return None
    if figures(check.expected) == "0":
        return "not yet 0"
    if abs(check.expected) >= STEEP_SLOPE:
        return "too coarse for this steep function"
    return "not yet close enough"


def quotient_figures(change: float, width: float, rate: float, shown: int) -> int:
    """The fewest figures (at least 6) for the change so that the printed quotient
    change/width is the printed rate, to ``shown`` figures (``points.figures``)."""
    from chainrule_cli.maths.points import figures

    shown_width = float(f"{width:.6g}")
    for digits in range(6, 18):
        quotient = float(f"{change:.{digits}g}") / shown_width
        if figures(quotient, shown) == figures(rate, shown):
            return digits
    return 17


# -- checking ----------------------------------------------------------------------------
def verdict(
    correct: bool,
    feedback: str,
    read_as: str,
    console: Console,
    notes: Sequence[str] = (),
) -> RenderableType:
    """✓ Correct / ✗ Not quite, the feedback, how the answer was read and any ambiguity note."""
    m = math_for(console)
    if correct:
        head = Text(f"{m.check} Correct", style="bold green")
    else:
        head = Text(f"{m.cross} Not quite", style="bold red")
    if feedback:
        shown = m.prose(feedback)
        head.append(f": {shown}" if not correct else f" — {shown}")
    lines: list[RenderableType] = [
        Hanging(head, hang=0),
        Hanging(Text(f"read as {m.glued(read_as)}", style="dim"), indent=2),
    ]
    lines.extend(
        Hanging(Text(f"note: {m.prose(note)}", style="yellow"), indent=2) for note in notes
    )
    return Group(*lines)
