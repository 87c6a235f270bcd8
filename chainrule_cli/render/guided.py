"""The guided walk's screens: the notes before a step, its prompt, its hint, its result."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from chainrule_cli.printing.written import point_text
from chainrule_cli.render.console import NBSP, panel
from chainrule_cli.render.hints import rule_body, rule_formula
from chainrule_cli.render.mathfmt import glue, math_for
from chainrule_cli.render.quiz import indent
from chainrule_cli.render.solution import _d


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
        parts.append(indent(rule_body(note, m, var), 4))
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
            body += f" Then put in {glue(f'{x} = {point_text(hint.at, x, m.unicode)}')}."
    else:  # a rule puts its parts together
        body = (
            f"Put the parts together with the {getattr(step, 'kind', 'rule')} rule, "
            f"{rule_formula(step, m)}, using the parts' derivatives from the steps above."
        )
        if hint.at is not None:
            body += f" Then put in {glue(f'{x} = {point_text(hint.at, x, m.unicode)}')}."
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
            return (
                f"{head} {what} and put in {glue(f'{x} = {point_text(at, x, m.unicode)}')}:",
                "slope = ",
            )
        return f"{head} {what}:", f"d{top}/d{x} = "
    if kind == "combine":
        return f"{head} Put the parts together, {rule_formula(step, m)}:", f"d{step.output}/d{x} = "
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
