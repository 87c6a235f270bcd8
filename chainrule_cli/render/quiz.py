"""The quiz screens: the problem header, hint panels, guided prompts, verdicts, the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import NBSP, data_text, panel, plain
from chainrule_cli.render.fit import Column, FitTable
from chainrule_cli.render.mathfmt import Math, glue, math_for
from chainrule_cli.render.solution import _d, solution_view

if TYPE_CHECKING:
    from chainrule_cli.maths.solution import Solution


# -- the quiz -----------------------------------------------------------------------------
def problem_header(
    problem: Any, number: int, total: int | None, expression: Any, variable: str, console: Console
) -> RenderableType:
    """Problem 3/10 · trig · difficulty 2, the function, and the question.

    ``expression`` is the function as written (a SymPy expression), or its
    text already formatted for this console (``written.show``, before SymPy loads).
    """
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
    if expression is None:  # a backprop problem: its graph follows (``render.backprop``)
        return Group(Text(""), head)
    if problem.applied:
        question = Text(m.prose(plain(problem.question or "")), style="bold")
        if problem.unit:
            unit = glue(f"(answer in {plain(problem.unit, one_line=True)})")
            question.append(f"  {unit}", style="dim")
        return Group(Text(""), head, indent(question))
    shown = m.glued(expression) if isinstance(expression, str) else m(expression, written=True)
    body = Text("y = ", style="bold") + Text(shown, style="bold cyan")
    if problem.at is not None:
        from chainrule_cli.printing.written import point_text

        point = point_text(problem.at, variable, m.unicode)
        question = Text(f"Find the slope dy/d{variable} at {glue(f'{variable} = {point}')}.")
    else:
        question = Text(f"Find dy/d{variable}.")
    return Group(Text(""), head, indent(body), indent(question))


def indent(renderable: RenderableType, by: int = 2) -> Padding:
    """Indented by ``by`` cells, wrapped lines too."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def quiz_help(console: Console, keys: Any = ()) -> RenderableType:
    """One quiet line under the first problem: the keys, by letter and name.

    Each key stays with its name when the line wraps (never "q" / "quit").
    """
    pairs = (
        [f"{key.letter} {key.name}" for key in keys]
        if keys
        else ["h hint", "g guided", "a answer", "s skip", "q quit", "? keys"]
    )
    words = ", ".join(glue(pair) for pair in pairs)
    return indent(Text(f"Type your answer, or: {words}.", style="dim"))


def key_list(keys: Any, console: Console, editing: bool = False) -> RenderableType:
    """What ``?`` shows: each key at this prompt and what it does (and the editing keys)."""
    m = math_for(console)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for key in keys:
        grid.add_row(key.letter, Text(key.does))
    parts: list[RenderableType] = [indent(Text("Keys at this prompt:", style="dim")), _indent(grid)]
    if editing:
        arrows = ("←/→", "↑/↓") if m.unicode else ("Left/Right", "Up/Down")
        parts.append(
            indent(
                Text(
                    f"Editing: {arrows[0]}, Home/End, Ctrl-A/E move; Ctrl-U, Ctrl-W delete;",
                    style="dim",
                )
            )
        )
        parts.append(
            indent(Text(f"{arrows[1]} bring back this session's earlier answers.", style="dim"))
        )
    return Group(*parts)


def _indent(renderable: RenderableType) -> RenderableType:
    return indent(renderable, 4)


def note_panel(title: str, body: str, style: str = "cyan") -> RenderableType:
    """A short piece of text in a panel (a checkpoint's hint); printed as text, never markup."""
    return panel(title, Text(body), style=style)


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
    body.append(_formula(step, m), style="bold")
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
    parts: list[RenderableType] = [Text(_formula(step, m), style="bold"), line]
    completes = _completes_line(hint, m, var)
    if completes is not None:
        parts.append(completes)
    return Group(*parts)


def _formula(step: Any, m: Math) -> str:
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


def tries_text(tries_left: int) -> RenderableType:
    if tries_left <= 0:
        return Text("")
    plural = "tries" if tries_left != 1 else "try"
    return indent(
        Text(
            f"{tries_left} {plural} left: answer again, or {glue('h for a hint')}, "
            f"{glue('g to be guided')}.",
            style="dim",
        )
    )


def right_answer(round_: Any, console: Console) -> str:
    """The right answer of a round, for the summary: derivative, slope or applied rate."""
    m = math_for(console)
    if round_.problem.type == "backprop":  # the gradients asked for, one per input
        from chainrule_cli.render.backprop import gradients_text

        return gradients_text(round_.graph, console)
    if round_.graph is not None:
        from chainrule_cli.render.graphquiz import graph_right_answer

        return graph_right_answer(round_.graph, console)
    if round_.problem.applied:
        return m.prose(str(round_.checker.answer_text()))
    if round_.problem.at is not None:
        from chainrule_cli.printing.written import point_text

        point = point_text(str(round_.problem.at), round_.problem.variable, m.unicode)
        return f"{m(round_.solution.slope)} (slope at {glue(point)})"
    return m(round_.checker.analysis.clean)


def correct_text(round_: Any, console: Console) -> RenderableType:
    m = math_for(console)
    verdict_text = Text(f"{m.check} Correct", style="bold green")
    if round_.problem.applied:
        verdict_text.append(" — " + m.prose(round_.checker.answer_text()))
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
        verdict_text.append(f" — the slope is {m.prose(round_.checker.slope_text())}")
    parts: list[RenderableType] = [verdict_text]
    if round_.problem.note:
        parts.append(indent(Text(f"Note: {m.prose(plain(round_.problem.note))}", style="italic")))
    return Group(*parts)


def _scaled(layer: Any) -> Any:
    """The layer's function as written, with its constant multiple (3e^(x²))."""
    import sympy as sp

    constant = getattr(layer, "constant", 1)
    written = layer.node.written
    return written if constant == 1 else sp.Mul(constant, written, evaluate=False)


def guided_note(question: Any, walk: Any, console: Console) -> RenderableType | None:
    """What to know before a guided step: a rule met on the way (sum, product …),
    or, for a layer inside another, why the chain rule is needed again."""
    from chainrule_cli.maths.explain import Layer

    m = math_for(console)
    parts: list[RenderableType] = []
    var = walk.x.name
    for note in question.notes:
        parts.append(_indent(rule_body(note, m, var)))
    parent = question.parent
    if question.kind == "inner" and isinstance(parent, Layer):
        parts.append(
            indent(
                Text(
                    "The inner derivative "
                    + glue(f"{_d(parent.letter, var)} = ({m(parent.inner, written=True)}){m.prime}")
                    + " needs the chain rule again"
                    + (f": layer {question.layer}." if question.layer else "."),
                    style="dim",
                )
            )
        )
    return Group(*parts) if parts else None


def guided_hint(hint: Any, walk: Any, console: Console) -> RenderableType:
    """The hint for the guided step being asked (``GuidedWalk.hint``): the way to its
    entry, with what the earlier steps found, never the entry or the final answer."""
    m = math_for(console, 4)
    x = walk.x.name
    layer = hint.layer
    kind = hint.kind
    step = hint.question.step
    if layer is not None:
        out, letter = layer.output, layer.letter
        outer = glue(f"{out} = {m(layer.outer_form)}")
        inner = glue(f"{letter} = {m(layer.inner, written=True)}")
        chain = glue(f"{_d(out, x)} = {_d(out, letter)} · {_d(letter, x)}")
        if not m.unicode:
            chain = chain.replace("·", "*")
    if kind == "inner" and layer is not None:
        body = (
            f"Find what is done last: the outer function is {outer}. "
            f"The inner function {letter} is all that stands in its place, written as it is."
        )
    elif kind == "outer" and layer is not None:
        body = (
            f"Differentiate {outer} with respect to {letter}, as if {letter} were the "
            f"variable (the table of derivatives), and leave {letter} as it is."
        )
    elif kind == "inner_derivative" and layer is not None:
        body = f"Differentiate the inner function {inner} on its own, with respect to {x}."
    elif kind in ("multiply", "answer") and layer is not None:
        body = (
            f"The chain rule: {chain}. Put {inner} back into the outer derivative, "
            "then multiply by the inner derivative: both are in the steps above."
        )
        if hint.at is not None:
            body += f" Then put in {glue(f'{x} = {hint.at}')}."
    else:  # a rule puts its parts together
        body = (
            f"Put the parts together with the {getattr(step, 'kind', 'rule')} rule, "
            f"{_formula(step, m)}, using the parts' derivatives from the steps above."
        )
        if hint.at is not None:
            body += f" Then put in {glue(f'{x} = {hint.at}')}."
    title = f"Hint for step {hint.question.number} of {hint.question.total}"
    return panel(title, Text(body), style="cyan")


def guided_prompt(question: Any, walk: Any, console: Console) -> str:
    """The question for one step of the guided walk, with its place in the walk, as
    one prompt ("Step 2 of 4. The outer function is y = sin(u). Its derivative dy/du = ").

    A prompt is written by the line reader, not by rich: plain spaces only.
    """
    lead, ask = _guided_parts(question, walk, console)
    return f"{lead} {ask}".replace(NBSP, " ")


def guided_question(question: Any, walk: Any, console: Console) -> tuple[Text | None, str]:
    """The guided question as (a line to print first, or None; the prompt).

    When the whole question would leave too little of the line for the answer,
    its first part is printed (wrapped by rich) and the prompt is only the
    formula to complete: "Its derivative dy/du = ".
    """
    lead, ask = _guided_parts(question, walk, console)
    whole = f"{lead} {ask}".replace(NBSP, " ")
    if len(whole) + ANSWER_ROOM <= console.width:
        return None, whole
    return Text(lead), ask.replace(NBSP, " ")


#: The room a guided prompt leaves on its line for the answer.
ANSWER_ROOM = 16


def _guided_parts(question: Any, walk: Any, console: Console) -> tuple[str, str]:
    m = math_for(console)
    x = walk.x.name
    step = question.step
    head = f"Step {question.number} of {question.total}."
    kind = question.kind
    if kind == "answer":
        top = getattr(step, "output", "y")
        what = "Multiply them" if question.top_is_layer else "Put it all together"
        at = walk.round.problem.at
        if at is not None:
            return f"{head} {what} and put in {glue(f'{x} = {at}')}:", "slope = "
        return f"{head} {what}:", f"d{top}/d{x} = "
    if kind == "combine":
        return f"{head} Put the parts together, {_formula(step, m)}:", f"d{step.output}/d{x} = "
    out, letter = step.output, step.letter
    if kind == "inner":
        if question.layer:
            written = m(_scaled(step), written=True)
            return (
                f"{head} Layer {question.layer} is {glue(f'{out} = {written}')}.",
                f"Its inner function {letter} = ",
            )
        return f"{head} The inner function:", f"{letter} = "
    if kind == "outer":
        return (
            f"{head} The outer function is {glue(f'{out} = {m(step.outer_form)}')}.",
            f"Its derivative d{out}/d{letter} = ",
        )
    if kind == "inner_derivative":
        return f"{head} The inner derivative", f"d{letter}/d{x} = "
    return f"{head} Multiply them:", f"d{out}/d{x} = "


_STEP_NAMES = {
    "inner": "the inner function",
    "outer": "the outer derivative",
    "inner_derivative": "the inner derivative",
    "multiply": "the product",
    "combine": "the parts put together",
}


def guided_result(result: Any, question: Any, console: Console) -> RenderableType:
    """Right, a diagnosis and one more try, or (after two misses) the right entry."""
    from chainrule_cli.maths.explain import Layer

    m = math_for(console)
    kind = question.kind if not isinstance(question, str) else question
    if kind == "answer":
        name = "the product" if getattr(question, "top_is_layer", True) else "the answer"
    else:
        name = _STEP_NAMES.get(kind, "this step")
    if getattr(question, "layer", 0) and kind != "answer":
        name += f" of layer {question.layer}"
    if result.ok:
        return indent(Text(f"{m.check} Right: that is {name}.", style="green"))
    if not result.revealed:
        text = Text(f"{m.cross} Not yet ({name}): {m.prose(result.message)}", style="red")
        text.append("  One more try.", style="dim")
        return indent(text)
    text = Text(f"{m.cross} This step went wrong ({name}): {m.prose(result.message)}", style="red")
    if result.expected is not None and kind != "answer":
        text.append(f" It is {m(result.expected, written=True)}", style="bold")
        step = getattr(question, "step", None)
        if kind == "outer" and isinstance(step, Layer):
            text.append(
                f", so with the inner kept: {m(step.outer_derivative, written=True)}", style="bold"
            )
        text.append(".", style="bold")
        text.append(" On to the next step.", style="dim")
    return indent(text)


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def score_line(summary: Any, console: Console) -> RenderableType:
    """3 problems, 2 hints, 1 wrong try: 2.25 / 3, and the rule that gave it."""
    m = math_for(console)
    counts = [
        _count(summary.attempted, "problem"),
        _count(summary.hints, "hint"),
        _count(summary.wrong, "wrong try", "wrong tries"),
    ]
    if summary.guided:
        counts.append(f"{summary.guided} guided")
    if summary.skipped:
        counts.append(f"{summary.skipped} skipped")
    if summary.revealed:
        counts.append(f"{summary.revealed} shown")
    score = f"{round(summary.score, 2):g}"
    line = Text(", ".join(counts) + ": ")
    line.append(f"{score} / {summary.attempted}", style="bold")
    quarter, half = ("¼", "½") if m.unicode else ("1/4", "1/2")
    rule = Text(
        f"A right answer scores 1, less {quarter} for each hint and each wrong try "
        f"(never below {quarter}); guided, at most {half}. The full solution, a skip or "
        "running out of tries scores 0.",
        style="dim",
    )
    return Group(line, rule)


SUMMARY_COLUMNS = (
    Column("type"),
    Column("right", "right"),
    Column("hints used", "right"),
    Column("wrong tries", "right"),
    Column("score", "right"),
)
#: The problems to review: the function is left out before the right answer is shortened.
REVIEW_COLUMNS = (
    Column("problem"),
    Column("y", shrink=12, drop=1),
    Column("right answer", shrink=24),
)


def due_line(due_now: int, next_due: Any, now: Any = None) -> Text:
    """How many skills are due now and when the next one after them is due."""
    from chainrule_cli.render.progress import wait_text

    skills = f"{due_now} skill{'s' if due_now != 1 else ''} due now"
    if next_due is None:
        return Text(f"{skills}; none after them is scheduled yet.", style="dim")
    return Text(f"{skills}; the next one is due in about {wait_text(next_due, now)}.", style="dim")


def one_problem_line(summary: Any, console: Console) -> Text:
    """How a session of one problem ended, in one line: "✓ right on the first try,
    no hints: 1 / 1", "✓ right after 1 wrong try and 1 hint: 0.5 / 1", "✗ missed: 0 / 1",
    "solution shown: 0 / 1", "skipped: 0 / 1". A problem left (q, end of input)
    before its solution was shown ends with the right answer."""
    m = math_for(console)
    score = Text(f"{round(summary.score, 2):g} / 1", style="bold")
    if summary.right:
        pieces = [_count(summary.wrong, "wrong try", "wrong tries")] if summary.wrong else []
        if summary.hints:
            pieces.append(_count(summary.hints, "hint"))
        how = " and ".join(pieces)
        if summary.guided:
            how = "with the guided walk" + (f", after {how}" if how else "")
        elif how:
            how = f"after {how}"
        else:
            how = "on the first try, no hints"
        return Text.assemble((f"{m.check} right", "bold green"), f" {how}: ", score)
    if summary.revealed:
        return Text.assemble("solution shown: ", score)
    if summary.skipped:
        return Text.assemble("skipped: ", score)
    line = Text.assemble((f"{m.cross} missed", "bold red"), ": ", score)
    missed = summary.missed[0] if summary.missed else None
    if missed is not None and missed.stopped:
        line.append("; the right answer is " + glue(right_answer(missed, console)))
    return line


def quiz_summary(
    summary: Any,
    console: Console,
    fill_note: str = "",
    title: str = "Your quiz",
    alone: bool = False,
) -> RenderableType:
    """The table of a finished quiz (``title``: "Your review" after ``review``), and the
    rule of the score; ``alone`` (a session of one problem): one line instead."""
    m = math_for(console)
    parts: list[RenderableType] = [Text("")]
    if not summary.attempted:
        parts.append(Text("No problems answered this time."))
        return Group(*parts)
    if alone and summary.attempted == 1:
        parts.append(one_problem_line(summary, console))
        if fill_note:
            parts.append(Text(fill_note, style="dim"))
        return Group(*parts)
    rows = [
        [
            data_text(line.type, one_line=True),
            f"{line.right}/{line.attempted}",
            str(line.hints),
            str(line.wrong),
            f"{line.credit:.2f}",
        ]
        for line in summary.lines
    ]
    right = sum(line.right for line in summary.lines)
    footer = [
        Text("all", style="bold"),
        Text(f"{right}/{summary.attempted}", style="bold"),
        str(summary.hints),
        str(summary.wrong),
        Text(f"{summary.score:.2f}", style="bold"),
    ]
    parts.append(FitTable(SUMMARY_COLUMNS, rows, title, m.unicode, footer))
    parts.append(Text(""))
    parts.append(score_line(summary, console))
    if summary.missed:
        missed = [
            [
                data_text(r.problem.id, one_line=True),
                m.prose(r.problem.expression)
                if getattr(r, "solution", None) is None  # a graph type's, or backprop's
                else m(r.solution.analysis.tree.written, written=True),
                right_answer(r, console),
            ]
            for r in summary.missed
        ]
        parts.append(Text(""))
        parts.append(FitTable(REVIEW_COLUMNS, missed, "To review", m.unicode))
    if fill_note:
        parts.append(Text(fill_note, style="dim"))
    return Group(*parts)
