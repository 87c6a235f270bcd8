"""The quiz screens: the problem header, hint panels, guided prompts, verdicts, the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import panel
from chainrule_cli.render.mathfmt import math_for
from chainrule_cli.render.solution import _d, combination_row, solution_view

if TYPE_CHECKING:
    from chainrule_cli.solution import Solution


# -- the quiz -----------------------------------------------------------------------------
def problem_header(
    problem: Any, number: int, total: int | None, expression: Any, variable: str, console: Console
) -> RenderableType:
    """Problem 3/10 · trig · difficulty 2, the function, and the question."""
    m = math_for(console)
    of = f"/{total}" if total else ""
    dot = "·" if m.unicode else "-"
    head = Rule(
        Text(
            f"Problem {number}{of} {dot} {problem.type} {dot} difficulty {problem.difficulty}",
            style="bold",
        ),
        align="left",
        characters="─" if m.unicode else "-",
    )
    if problem.applied:
        question = Text("  " + (problem.question or ""), style="bold")
        if problem.unit:
            question.append(f"  (answer in {problem.unit})", style="dim")
        return Group(Text(""), head, question)
    body = Text("  y = ", style="bold") + Text(m(expression, written=True), style="bold cyan")
    if problem.at is not None:
        question = Text(f"  Find the slope dy/d{variable} at {variable} = {problem.at}.")
    else:
        question = Text(f"  Find dy/d{variable}.")
    return Group(Text(""), head, body, question)


def quiz_help(console: Console) -> Text:
    return Text(
        "  Type your answer, or h for a hint, g to be guided step by step, s to skip, q to quit.",
        style="dim",
    )


def applied_hint(
    hint: Any, title: str, checker: Any, solution: Solution, console: Console
) -> RenderableType:
    """The hints of a rates problem name the two rates being multiplied."""
    m = math_for(console)
    y, u, t = checker.names
    outer, inner = checker.rates_text()
    if hint.kind == "applied-chain":
        arrow = f" {m.arrow} "
        body = Text(f"{y}{arrow}{u}{arrow}{t}: d{y}/d{t} = d{y}/d{u} {m.times} d{u}/d{t}")
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
    y, _, t = checker.names
    outer, inner = checker.rates_text()
    lines = Text()
    lines.append(f"{outer}\n{inner}\n", style="bold")
    lines.append(f"d{y}/d{t} = {checker.answer_text()}", style="bold green")
    return Group(solution_view(solution, console), Text(""), lines)


def hint_panel(
    hint: Any, solution: Solution, console: Console, applied: Any = None
) -> RenderableType:
    """One hint as a panel: what it reveals depends on its kind."""
    from chainrule_cli.explain import Layer

    m = math_for(console)
    var = solution.analysis.variable.name
    title = f"Hint {hint.number}/{hint.total}"
    step = hint.step
    if hint.kind.startswith("applied") or (hint.kind == "solution" and applied is not None):
        assert applied is not None
        return applied_hint(hint, title, applied, solution, console)
    if hint.kind == "solution":
        return panel(f"{title}: the full solution", solution_view(solution, console), style="green")
    if hint.kind == "rule":
        _, name, body = combination_row(step, m)
        return panel(f"{title}: {name.lower()}", body)
    assert isinstance(step, Layer)
    out, letter = step.output, step.letter
    if hint.kind == "table":
        body = Text(
            f"({m(step.outer_form)}){m.prime} = {m(step.outer_derivative_form)}   (straight from the table: {step.rule})"
        )
        return panel(f"{title}: a table derivative", body)
    if hint.kind == "identify":
        body = Text()
        body.append("inner  ", style="bold")
        body.append(f"{letter} = {m(step.inner, written=True)}\n", style="cyan")
        body.append("outer  ", style="bold")
        body.append(f"{out} = {m(step.outer_form)}", style="magenta")
        return panel(f"{title}: the inner and the outer function", body)
    if hint.kind == "outer":
        body = Text()
        body.append(f"{_d(out, letter)} = {m(step.outer_derivative_form)}", style="magenta")
        body.append(f"   ({step.rule})\n", style="dim")
        body.append(
            f"inner kept as it is: {m(step.outer_derivative, written=True)}", style="magenta"
        )
        return panel(f"{title}: the outer derivative", body, style="magenta")
    if hint.kind == "inner":
        body = Text(
            f"{_d(letter, var)} = ({m(step.inner, written=True)}){m.prime} = {m(step.inner_derivative)}",
            style="cyan",
        )
        return panel(f"{title}: the inner derivative", body)
    # multiply: the two factors side by side
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="center")
    grid.add_column(justify="center")
    grid.add_column(justify="center")
    grid.add_row(
        Text("outer derivative", style="dim"), Text(""), Text("inner derivative", style="dim")
    )
    grid.add_row(
        Text(m(step.outer_derivative, written=True), style="magenta"),
        Text(m.times, style="bold"),
        Text(m(step.inner_derivative), style="cyan"),
    )
    return panel(f"{title}: multiply", grid, style="yellow")


def tries_text(tries_left: int) -> Text:
    if tries_left <= 0:
        return Text("")
    plural = "tries" if tries_left != 1 else "try"
    return Text(
        f"  {tries_left} {plural} left: answer again, or h for a hint, g to be guided.", style="dim"
    )


def right_answer(round_: Any, console: Console) -> str:
    """The right answer of a round, for the summary: derivative, slope or applied rate."""
    m = math_for(console)
    if round_.problem.applied:
        return str(round_.checker.answer_text())
    if round_.problem.at is not None:
        return f"{m(round_.solution.slope)} (slope at {round_.problem.at})"
    return m(round_.checker.analysis.clean)


def correct_text(round_: Any, console: Console) -> RenderableType:
    m = math_for(console)
    verdict_text = Text(f"{m.check} Correct", style="bold green")
    if round_.problem.applied:
        verdict_text.append(" — " + round_.checker.answer_text())
        return verdict_text
    why = round_.checker.analysis.clean if round_.problem.at is None else None
    if why is not None:
        verdict_text.append(" — " + m(why))
        layers = [s for s in round_.solution.steps if hasattr(s, "letter") and not s.trivial]
        if layers and layers[0].node is round_.solution.analysis.tree:
            verdict_text.append(
                f": outer derivative {m(layers[0].outer_derivative, written=True)} {m.times} inner derivative {m(layers[0].inner_derivative)}",
                style="dim",
            )
    else:
        verdict_text.append(f" — the slope is {m(round_.solution.slope)}")
    parts: list[RenderableType] = [verdict_text]
    if round_.problem.note:
        parts.append(Text(f"  Note: {round_.problem.note}", style="italic"))
    return Group(*parts)


def guided_prompt(step: str, walk: Any, console: Console) -> str:
    m = math_for(console)
    layer = walk.layer
    x = walk.x.name
    outer_name = f"{layer.output} = {m(layer.outer_form)}"
    prompts = {
        "inner": f"Step 1 of 4. The inner function: {layer.letter} = ",
        "outer": f"Step 2 of 4. The outer function is {outer_name}. Its derivative d{layer.output}/d{layer.letter} = ",
        "inner_derivative": f"Step 3 of 4. The inner derivative d{layer.letter}/d{x} = ",
        "product": (
            f"Step 4 of 4. Multiply them and put in {x} = {walk.round.problem.at}: slope = "
            if walk.round.problem.at is not None
            else f"Step 4 of 4. Multiply them: dy/d{x} = "
        ),
    }
    return prompts[step]


def guided_result(result: Any, step: str, console: Console) -> Text:
    m = math_for(console)
    names = {
        "inner": "the inner function",
        "outer": "the outer derivative",
        "inner_derivative": "the inner derivative",
        "product": "the product",
    }
    if result.ok:
        return Text(f"  {m.check} Right: that is {names[step]}.", style="green")
    text = Text(f"  {m.cross} This step went wrong ({names[step]}): {result.message}", style="red")
    if result.expected is not None and step != "product":
        text.append(f" It is {m(result.expected)}.", style="bold")
    return text


def quiz_summary(summary: Any, console: Console, fill_note: str = "") -> RenderableType:
    m = math_for(console)
    parts: list[RenderableType] = [Text("")]
    if not summary.attempted:
        parts.append(Text("No problems answered this time."))
        return Group(*parts)
    out = Table(
        title="Your quiz", box=box.SIMPLE_HEAD if m.unicode else box.ASCII, title_justify="left"
    )
    for column in ("type", "right", "hints used", "score"):
        out.add_column(column, justify="left" if column == "type" else "right")
    for line in summary.lines:
        out.add_row(
            line.type, f"{line.right}/{line.attempted}", str(line.hints), f"{line.credit:.2f}"
        )
    right = sum(line.right for line in summary.lines)
    out.add_row(
        Text("all", style="bold"),
        Text(f"{right}/{summary.attempted}", style="bold"),
        str(sum(line.hints for line in summary.lines)),
        Text(f"{summary.score:.2f}", style="bold"),
    )
    parts.append(out)
    if summary.missed:
        missed = Table(
            title="To review", box=box.SIMPLE_HEAD if m.unicode else box.ASCII, title_justify="left"
        )
        missed.add_column("problem")
        missed.add_column("y")
        missed.add_column("right answer", overflow="fold")
        for r in summary.missed:
            missed.add_row(
                r.problem.id,
                m(r.solution.analysis.tree.written, written=True),
                right_answer(r, console),
            )
        parts.append(missed)
    if fill_note:
        parts.append(Text(fill_note, style="dim"))
    return Group(*parts)
