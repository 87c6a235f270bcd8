"""The quiz screens of a graph-type round (``practice.graphs.GraphWork``): the problem,
a hint, the solution (the tree or the equation's view from ``render/tree.py``), the
guided walk's questions and results, the right answer for the summary. Same layout as
the one-variable screens of ``render/quiz.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from chainrule_cli.render.console import panel, plain, problem_rule
from chainrule_cli.render.fit import Hanging
from chainrule_cli.render.mathfmt import glue, math_for

if TYPE_CHECKING:
    from chainrule_cli.graph.hints import Question, StepResult, TreeHint
    from chainrule_cli.practice.graphs import GraphWork


def indent(renderable: RenderableType, by: int = 2) -> Padding:
    """Indented by ``by`` cells, wrapped lines too (as ``render.quiz.indent``)."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


_HINT_TITLES = {
    "tree": "the tree",
    "paths": "the paths",
    "factors": "each factor",
    "sum": "the sum over the paths",
    "substitution": "the substitution",
    "value": "the value",
    "differentiate": "differentiate both sides",
    "collect": "collect the dy/dx terms",
    "solve": "solve for dy/dx",
}


def graph_header(
    work: GraphWork, number: int, total: int | None, console: Console
) -> RenderableType:
    """Problem 3/10 · multivariable · difficulty 2, the function line, its definitions
    and the question."""
    from chainrule_cli.reading.equations import shown_name

    m = math_for(console)
    problem = work.problem
    head = problem_rule(problem, number, total, m.unicode)
    lines: list[RenderableType] = [Text(""), head]
    tree = work.tree
    if tree is not None:
        dependent = shown_name(tree.dependent, m.unicode)
        function = glue(f"{dependent} = {m(tree.written[tree.dependent], written=True)}")
        given = [
            glue(f"{shown_name(n, m.unicode)} = {m(tree.written[n], written=True)}")
            for n in tree.where
        ]
    else:
        left, right = work.engine.written
        function = glue(f"{m(left, written=True)} = {m(right, written=True)}")
        given = []
    lines.append(indent(Text(function, style="bold cyan")))
    if given:
        lines.append(Hanging(Text("where " + ", ".join(given), style="cyan"), indent=2))
    ask = f"Find {glue(work.symbol)}"
    if work.point is not None:
        ask += f" at {glue(work.point_text())}"
    if tree is None:
        ask += ", with y a function of x"
    lines.append(indent(Text(ask + ".")))
    return Group(*lines)


def graph_hint(hint: TreeHint, work: GraphWork, console: Console) -> RenderableType:
    """One hint as a panel; the last one is the full solution."""
    title = f"Hint {hint.number}/{hint.total}"
    if hint.kind == "solution":
        return panel(f"{title}: the full solution", graph_solution(work, console), style="green")
    name = _HINT_TITLES.get(hint.kind, hint.kind)
    body: RenderableType = Text(math_for(console).prose(hint.text))
    if hint.kind == "tree" and work.tree is not None:
        from chainrule_cli.render.tree import tree_diagram

        body = Group(body, tree_diagram(work.tree, math_for(console)))
    return panel(f"{title}: {name}", body)


def graph_solution(work: GraphWork, console: Console) -> RenderableType:
    """The worked solution: the tree view (``solve --where``) or the equation's view."""
    from chainrule_cli.render.tree import implicit_view, tree_view

    tree = work.tree
    if tree is not None:
        return tree_view(tree, work.point, console)
    from chainrule_cli.graph.implicit import Implicit

    assert isinstance(work.engine, Implicit)
    return implicit_view(work.engine, work.point, console)


def graph_right_answer(work: GraphWork, console: Console) -> str:
    """The right answer, for the summary: the derivative, or its value at the point."""
    from chainrule_cli.maths.analysis import clean_form

    m = math_for(console)
    engine: Any = work.engine
    if work.point is not None:
        return f"{m(engine.value(work.point))} ({glue(work.symbol)} at {glue(work.point_text())})"
    return m(clean_form(engine.derivative))


def graph_correct(work: GraphWork, verdict_feedback: str, console: Console) -> RenderableType:
    """✓ Correct — the derivative (and the note of the problem)."""
    m = math_for(console)
    text = Text(f"{m.check} Correct", style="bold green")
    if verdict_feedback:
        text.append(" — " + m.prose(verdict_feedback))
    parts: list[RenderableType] = [Hanging(text, hang=0)]
    if work.problem.note:
        parts.append(indent(Text(f"Note: {m.prose(plain(work.problem.note))}", style="italic")))
    return Group(*parts)


def walk_question(question: Question, console: Console) -> str:
    """The prompt of one step of the tree walk."""
    m = math_for(console)
    return m.prose(question.prompt) + " "


def walk_result(result: StepResult, console: Console) -> RenderableType:
    """✓ or ✗ for one step; the diagnosis, and the expected entry once it is revealed."""
    from chainrule_cli.printing.mathtext import show

    m = math_for(console)
    if result.ok:
        return Text(f"  {m.check} right", style="green")
    text = Text(f"{m.cross} ", style="red")
    text.append(m.prose(result.message))
    if result.mistake:
        text.append(f" ({result.mistake})", style="dim")
    if result.revealed:
        text.append(f"\n  it is {show(result.expected, unicode=m.unicode)}", style="yellow")
    elif result.tries_left:
        text.append("\n  one more try at this step", style="dim")
    return Hanging(text, indent=2)
