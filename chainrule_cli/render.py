"""Every rich renderable lives here: steps tables, chain diagrams, hint panels,
verdicts and summaries. The core hands over SymPy expressions and plain data;
this module decides how they look. Nothing else imports rich.

Output adapts to the terminal: unicode math (x², √, ·) where the console's
encoding allows it, ASCII otherwise; rich itself honours ``NO_COLOR`` and
``TERM=dumb``, and wraps at the terminal's width (80 columns is the design size).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chainrule_cli.mathtext import show, show_product

if TYPE_CHECKING:
    from chainrule_cli.explain import Combination, Layer, Step
    from chainrule_cli.rules import NumberCheck
    from chainrule_cli.solution import Solution


def make_console(stderr: bool = False, width: int | None = None) -> Console:
    """A console for stdout or stderr; ``COLUMNS`` and ``NO_COLOR`` are honoured by rich."""
    return Console(
        stderr=stderr,
        width=width,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def supports_unicode(console: Console) -> bool:
    """Whether math can use x², √ and ·: the output encoding must be UTF-something."""
    if os.environ.get("CHAINRULE_ASCII"):
        return False
    encoding = (console.encoding or "").lower()
    return encoding.startswith("utf")


class Math:
    """Formats math for one console (unicode or ASCII)."""

    def __init__(self, unicode: bool) -> None:
        self.unicode = unicode
        self.arrow = "→" if unicode else "->"
        self.times = "×" if unicode else "*"
        self.check = "✓" if unicode else "ok"
        self.cross = "✗" if unicode else "x"
        self.approx = "≈" if unicode else "~"
        self.prime = "′" if unicode else "'"

    def __call__(self, expr: Any, written: bool = False) -> str:
        return show(expr, unicode=self.unicode, ordered=not written)

    def number(self, value: float) -> str:
        text = f"{value:.6g}"
        return text.replace("-", "−") if self.unicode else text


def math_for(console: Console) -> Math:
    return Math(supports_unicode(console))


# -- errors ------------------------------------------------------------------------
def error(message: str, caret_lines: Sequence[str] = ()) -> None:
    """One clear line on stderr, and the input with a caret for math input."""
    console = make_console(stderr=True)
    console.print(Text("error: ", style="bold red") + Text(message), soft_wrap=True)
    for line in caret_lines:
        console.print(Text(line, style="red" if line.strip() == "^" else ""), soft_wrap=True)


def dim(text: str) -> Text:
    """A quiet line of explanation."""
    return Text(text, style="dim")


def warn(message: str) -> None:
    """A one-line notice on stderr that does not stop the command."""
    console = make_console(stderr=True)
    console.print(Text("note: ", style="bold yellow") + Text(message), soft_wrap=True)


# -- solve -------------------------------------------------------------------------
def chain_diagram(pairs: Sequence[tuple[str, Any]], variable: str, m: Math) -> Text:
    """x → u = 3x + 1 → y = u²"""
    text = Text(variable, style="bold")
    for name, definition in pairs:
        text.append(f" {m.arrow} ")
        text.append(f"{name} = ", style="bold")
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
    identify.append(f"{letter} = {m(layer.inner, written=True)}", style="cyan")
    identify.append(", outer ")
    identify.append(f"{out} = {m(layer.outer_form)}", style="magenta")
    outer = Text()
    outer.append(f"{_d(out, letter)} = {m(layer.outer_derivative_form)}", style="magenta")
    outer.append(f" {m.arrow} ")
    outer.append(m(layer.outer_derivative, written=True), style="magenta")
    outer.append("  (inner kept as it is)", style="dim")
    inner = Text(f"{_d(letter, variable)} = {m(layer.inner_derivative)}", style="cyan")
    multiply = Text()
    written = show_product(layer.factors, m.unicode)
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


def combination_row(step: Combination, m: Math) -> tuple[str, str, Text]:
    titles = {
        "sum": "Sum rule",
        "constant multiple": "Constant multiple",
        "product": "Product rule",
        "quotient": "Quotient rule",
        "general power": "General power",
    }
    formula = step.formula if m.unicode else step.formula.replace("′", "'").replace("·", "*")
    text = Text(formula)
    names = ("f", "g", "h", "k")
    if step.kind in ("product", "quotient", "general power"):
        labels = ("u", "v") if step.kind == "general power" else names
        parts = ", ".join(
            f"{n} = {m(p, written=True)}" for n, p in zip(labels, step.parts, strict=False)
        )
        text.append(f" with {parts}", style="dim")
    elif step.kind == "constant multiple":
        text.append(f" with f = {m(step.parts[0], written=True)}", style="dim")
    text.append(f"\n{m.arrow} {m(step.derivative)}")
    return ("", titles[step.kind], text)


def steps_table(steps: Sequence[Step], m: Math, variable: str) -> Table:
    from chainrule_cli.explain import Layer

    table = Table(
        box=box.SIMPLE_HEAD if m.unicode else box.ASCII,
        expand=False,
        show_lines=False,
        show_edge=False,
    )
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column("Step", style="bold", no_wrap=True)
    table.add_column("Work", overflow="fold")
    for index, step in enumerate(steps):
        if isinstance(step, Layer):
            if not step.trivial:
                title = Text(f"Layer {step.output} = {m(step.outer_form)}", style="bold yellow")
                table.add_row("", title, Text(""))
            rows = layer_rows(step, m, variable)
        else:
            rows = [combination_row(step, m)]
        for row in rows:
            table.add_row(*row)
        if index < len(steps) - 1:
            table.add_section()
    return table


def rates_diagram(solution: Solution, m: Math) -> Text | None:
    """The chapter's gear-ratio picture: x = 1 ──×3──▶ u = 4 ──×8──▶ y = 16."""
    pairs, values = solution.pairs, solution.values
    if solution.at is None or not pairs or len(values) != len(pairs) - 1:
        return None
    ordered = list(reversed(values))  # innermost layer first
    arrow_body = "──" if m.unicode else "--"
    head = "▶" if m.unicode else ">"
    text = Text(f"{solution.analysis.variable.name} = {m(solution.at)}", style="bold")
    rates = [ordered[0].inner_derivative] + [v.outer_derivative for v in ordered]
    points = [v.inner for v in ordered] + [solution.y_at]
    for (name, _), rate, point in zip(pairs, rates, points, strict=True):
        text.append(f" {arrow_body}{m.times}{m(rate)}{arrow_body}{head} ", style="yellow")
        text.append(f"{name} = {m(point)}", style="bold")
    product = f" {m.times} ".join(m(r) for r in rates)
    text.append(f"\n  total rate {product} = {m(solution.slope)}", style="dim")
    return text


def solution_view(solution: Solution, console: Console) -> RenderableType:
    """Everything ``solve`` shows: the chain, the steps, the derivative, the point, the check."""
    from chainrule_cli.explain import Layer

    m = math_for(console)
    analysis, steps = solution.analysis, solution.steps
    var = analysis.variable.name
    parts: list[RenderableType] = []
    heading = Text("y = ", style="bold") + Text(
        m(analysis.tree.written, written=True), style="bold cyan"
    )
    kind = analysis.type
    if kind:
        heading.append(f"   ({kind})", style="dim")
    parts.append(heading)
    if solution.pairs:
        parts.append(Text("\nThe chain  ", style="bold") + chain_diagram(solution.pairs, var, m))
    parts.append(Text(""))
    parts.append(steps_table(steps, m, var))
    derivative = Text(f"{_d('y', var)} = ", style="bold") + Text(
        m(analysis.clean), style="bold green"
    )
    parts.append(derivative)
    if solution.at is not None and solution.slope is not None:
        parts.append(Text(""))
        parts.append(Text(f"At {var} = {m(solution.at)}", style="bold underline"))
        names = {id(s.node): s for s in steps if isinstance(s, Layer)}
        for v in solution.values:
            step = names.get(id(v.layer))
            if step is None:
                continue
            out, letter = step.output, step.letter
            parts.append(
                Text(
                    f"  {letter} = {m(v.inner)},  {_d(out, letter)} = {m(v.outer_derivative)},  "
                    f"{_d(letter, var)} = {m(v.inner_derivative)},  "
                    f"{_d(out, var)} = {m(v.outer_derivative)} {m.times} {m(v.inner_derivative)} = {m(v.product)}"
                )
            )
        rates = rates_diagram(solution, m)
        if rates is not None:
            parts.append(Text("  ") + rates)
        numeric = float(solution.slope)
        slope_text = Text("  slope = ", style="bold") + Text(m(solution.slope), style="bold green")
        if m(solution.slope) != m.number(numeric):
            slope_text.append(f" {m.approx} {m.number(numeric)}")
        parts.append(slope_text)
    if solution.check is not None:
        parts.append(Text(""))
        parts.append(number_check_text(solution.check, var, m))
    return Group(*parts)


def number_check_text(check: NumberCheck, variable: str, m: Math) -> Text:
    text = Text("Check with numbers: ", style="bold")
    dy = check.y1 - check.y0
    text.append(
        f"{variable} from {m.number(check.x0)} to {m.number(check.x1)} moves y from "
        f"{m.number(check.y0)} to {m.approx}{m.number(check.y1)} (change {m.approx}{m.number(dy)}), "
        f"a rate of about {m.number(float(f'{check.rate:.4g}'))} {m.approx} {m.number(check.expected)} "
    )
    if check.agrees:
        text.append(m.check, style="bold green")
    else:
        text.append(f"{m.cross} (the numbers disagree)", style="bold red")
    return text


# -- checking ----------------------------------------------------------------------------
def verdict(correct: bool, feedback: str, read_as: str, console: Console) -> RenderableType:
    m = math_for(console)
    if correct:
        head = Text(f"{m.check} Correct", style="bold green")
    else:
        head = Text(f"{m.cross} Not quite", style="bold red")
    if feedback:
        head.append(f": {feedback}" if not correct else f" — {feedback}")
    return Group(head, Text(f"  read as {read_as}", style="dim"))


def panel(title: str, body: RenderableType, style: str = "cyan") -> Panel:
    return Panel(body, title=title, title_align="left", border_style=style, expand=False)


def table(
    columns: Iterable[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    unicode: bool = True,
) -> Table:
    out = Table(title=title, box=box.SIMPLE_HEAD if unicode else box.ASCII, title_justify="left")
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*(str(cell) if not isinstance(cell, Text) else cell for cell in row))
    return out


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


# -- progress -------------------------------------------------------------------------------
MASTERY_STYLE = {
    "not started": "dim",
    "attempted": "yellow",
    "familiar": "cyan",
    "proficient": "green",
    "mastered": "bold green",
}


def _bar(fraction: float, width: int, unicode: bool) -> str:
    full = "█" if unicode else "#"
    empty = "░" if unicode else "."
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return full * filled + empty * (width - filled)


def stats_view(data: dict[str, Any], console: Console) -> RenderableType:
    m = math_for(console)
    if not data["attempts"]:
        return Text("No attempts yet. Start with: chainrule quiz")
    parts: list[RenderableType] = []
    accuracy = data["correct"] / data["attempts"]
    days = data["streak"]
    parts.append(
        Text(
            f"{data['attempts']} problems answered, {accuracy:.0%} right; "
            f"daily streak: {days} day{'s' if days != 1 else ''}",
            style="bold",
        )
    )
    out = Table(box=box.SIMPLE_HEAD if m.unicode else box.ASCII)
    for column in ("type", "tries", "right", "hints", "mastery", "last"):
        out.add_column(
            column,
            justify="left" if column in ("type", "mastery", "last") else "right",
            no_wrap=True,
        )
    for kind, line in data["by_type"].items():
        last = line["last_practised"][:10] if line["last_practised"] else ""
        acc = f"{line['accuracy']:.0%}" if line["attempts"] else ""
        hints = f"{line['hints_per_problem']:.1f}" if line["attempts"] else ""
        out.add_row(
            kind,
            str(line["attempts"]),
            acc,
            hints,
            Text(line["mastery"], style=MASTERY_STYLE[line["mastery"]]),
            last,
        )
    parts.append(out)
    chart = Text("Accuracy by week\n", style="bold")
    for week in data["weekly"]:
        if week["attempts"]:
            chart.append(
                f"  {week['week']}  {_bar(week['accuracy'], 20, m.unicode)} {week['accuracy']:.0%} of {week['attempts']}\n"
            )
        else:
            chart.append(f"  {week['week']}  {'':20} -\n", style="dim")
    parts.append(chart)
    if data["flagged"]:
        parts.append(
            flagged_view(
                [(f["id"], f["expression"], f["misses"]) for f in data["flagged"]], console
            )
        )
    return Group(*parts)


def flagged_view(flagged: Sequence[tuple[str, str, int]], console: Console) -> RenderableType:
    lines = [Text("Missed several times — see every step with solve:", style="bold yellow")]
    for pid, expression, misses in flagged:
        lines.append(Text(f'  {pid} (missed {misses}×): chainrule solve "{expression}"'))
    return Group(*lines)


MISTAKE_LABELS = {
    "forgot_inner_derivative": "forgot g′",
    "inner_not_substituted": "f′(x) not f′(g)",
    "only_inner_derivative": "only g′",
    "added_instead_of_multiplied": "added f′ + g′",
    "sign_error": "sign",
    "power_not_reduced": "power not reduced",
    "constant_factor": "constant factor",
}


def history_view(attempts: Sequence[Any], console: Console) -> RenderableType:
    m = math_for(console)
    if not attempts:
        return Text("No attempts yet. Start with: chainrule quiz")
    out = Table(box=box.SIMPLE_HEAD if m.unicode else box.ASCII)
    for column in ("when", "problem", "type", "answer", "result", "hints", "tries"):
        out.add_column(column, overflow="fold", no_wrap=column in ("when", "type"))
    from datetime import datetime

    for a in attempts:
        label = MISTAKE_LABELS.get(a.mistake or "", a.outcome)
        result = (
            Text(m.check, style="green") if a.correct else Text(m.cross + " " + label, style="red")
        )
        when = datetime.fromisoformat(a.answered_at).astimezone().strftime("%m-%d %H:%M")
        out.add_row(when, a.expression, a.type, a.answer, result, str(a.hints), str(a.tries))
    return out


def nothing_due(next_due: Any, attempts: int, console: Console) -> Text:
    if not attempts:
        return Text("Nothing to review yet: take a quiz first (chainrule quiz).")
    if next_due is None:
        return Text("Nothing is due.")
    from datetime import UTC, datetime

    wait = next_due - datetime.now(UTC)
    minutes = max(1, int(wait.total_seconds() // 60))
    if minutes < 120:
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    elif minutes < 48 * 60:
        when = f"{minutes // 60} hours"
    else:
        when = f"{minutes // 1440} days"
    return Text(f"Nothing is due now. The next review is due in about {when}.")


# -- learn ----------------------------------------------------------------------------------
def lesson_screen(
    section: Any, screen: Any, index: int, total: int, number: int, console: Console
) -> RenderableType:
    """One screen of the lesson: the text, and a live example or backprop table."""
    from rich.markdown import Markdown

    m = math_for(console)
    dot = "·" if m.unicode else "-"
    parts: list[RenderableType] = [
        Text(""),
        Rule(
            Text(f"{index + 1}/{total} {dot} {section.title}", style="bold"),
            align="left",
            characters="─" if m.unicode else "-",
        ),
        Markdown(screen.text),
    ]
    if screen.example:
        from chainrule_cli.solution import solve

        solution = solve(screen.example, screen.example_at)
        parts.append(panel(f'chainrule solve "{screen.example}"', solution_view(solution, console)))
    if screen.backprop:
        from chainrule_cli.backprop import backprop, make_network

        layers, activation = screen.backprop
        parts.append(backprop_view(backprop(make_network(layers, activation, 0)), console))
    return Group(*parts)


def checkpoint_question(checkpoint: Any, console: Console) -> RenderableType:
    return Group(Text(""), Text("Checkpoint: ", style="bold yellow") + Text(checkpoint.prompt))


def checkpoint_result(right: bool, feedback: str, console: Console) -> Text:
    m = math_for(console)
    if right:
        return Text(f"{m.check} Correct", style="bold green")
    return Text(f"{m.cross} Not quite", style="bold red") + Text(
        f": {feedback}" if feedback else ""
    )


def checkpoint_answer(answer: str, console: Console) -> Text:
    return Text(f"The answer: {answer}. On to the next section.", style="bold")


def lesson_end(console: Console) -> Text:
    return Text(
        "That is the whole chapter. Practise with: chainrule quiz, or chainrule review tomorrow.",
        style="bold green",
    )


def backprop_view(report: Any, console: Console) -> RenderableType:
    """Layer by layer: the local derivative and the running product, with a log-scale bar."""
    import math

    m = math_for(console)
    net = report.network
    title = f"{len(report.layers)} layers, {net.activation}" + (
        " with skip connections" if net.skip else ""
    )
    out = Table(title=title, box=box.SIMPLE_HEAD if m.unicode else box.ASCII, title_justify="left")
    for column in (
        "layer",
        "z",
        "act′(z)" if m.unicode else "act'(z)",
        "w",
        "local",
        "running product",
        "log scale",
    ):
        out.add_column(
            column, justify="right" if column not in ("log scale",) else "left", no_wrap=True
        )
    values = [abs(layer.running) for layer in report.layers]
    logs = [math.log10(v) for v in values if v > 0]
    low = min([*logs, -1.0])
    width = 16
    for layer in report.layers:
        value = abs(layer.running)
        frac = (
            0.0 if value <= 0 else (math.log10(value) - low) / max(1e-9, (max([*logs, 0.0]) - low))
        )
        bar = _bar(frac, width, m.unicode)
        out.add_row(
            str(layer.index),
            f"{layer.z:.3f}",
            f"{layer.slope:.3f}",
            f"{layer.weight:.3f}",
            f"{layer.local:.3g}",
            f"{layer.running:.3e}",
            Text(bar, style="green" if value > 1e-3 else "red"),
        )
    check = Text()
    check.append(
        f"∂y/∂w₁ = {report.gradient:.6e}" if m.unicode else f"dy/dw1 = {report.gradient:.6e}",
        style="bold",
    )
    check.append(f"   finite difference: {report.finite_difference:.6e} ")
    check.append(
        m.check if report.agrees else m.cross, style="bold green" if report.agrees else "bold red"
    )
    note = Text(
        f"local derivative: {report.rule}"
        + ("; a skip connection adds 1" if net.skip else "")
        + ". Running product: the local derivatives multiplied from the output back to this layer.",
        style="dim",
    )
    verdict = "vanishes" if abs(report.gradient) < 1e-4 else "survives"
    summary = Text(
        f"The product of {len(report.layers)} factors {verdict}: the gradient at the first weight is {abs(report.gradient):.2e}.",
        style="bold red" if verdict == "vanishes" else "bold green",
    )
    return Group(out, check, note, summary)


# -- banks ----------------------------------------------------------------------------------
def bank_summary(table_counts: dict[str, dict[int, int]], files: int, console: Console) -> Table:
    unicode = supports_unicode(console)
    out = Table(
        title=f"Valid problems ({files} file{'s' if files != 1 else ''})",
        box=box.SIMPLE_HEAD if unicode else box.ASCII,
        title_justify="left",
    )
    for column in ("type", "1", "2", "3", "total"):
        out.add_column(column, justify="left" if column == "type" else "right")
    totals = [0, 0, 0]
    for kind, by_level in sorted(table_counts.items()):
        row = [by_level.get(d, 0) for d in (1, 2, 3)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        out.add_row(kind, *(str(v) for v in row), str(sum(row)))
    out.add_row(
        Text("all", style="bold"), *(str(v) for v in totals), Text(str(sum(totals)), style="bold")
    )
    return out


def problem_table(problems: Sequence[Any], console: Console) -> Table:
    m = math_for(console)
    out = Table(box=box.SIMPLE_HEAD if m.unicode else box.ASCII)
    for column in ("id", "type", "d", "expression", "at"):
        out.add_column(column, overflow="fold")
    from chainrule_cli.parsing import parse_sympy  # only for display

    for p in problems:
        try:
            shown = m(parse_sympy(p.expression))
        except Exception:  # a broken problem still lists, as typed
            shown = p.expression
        out.add_row(p.id, p.type, str(p.difficulty), shown, p.at or "")
    return out


def print_json(data: Any) -> None:
    """Pure JSON on stdout: no markup, no colour, whatever the terminal."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
