"""The quiz screens: the problem header, the keys, tries and verdicts, the summary.

The hint panels are in ``hints``, the guided walk's screens in ``guided``.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import data_text, panel, plain, problem_rule
from chainrule_cli.render.fit import Column, FitTable
from chainrule_cli.render.mathfmt import glue, math_for


# -- the quiz -----------------------------------------------------------------------------
def problem_header(
    problem: Any, number: int, total: int | None, expression: Any, variable: str, console: Console
) -> RenderableType:
    """Problem 3/10 · trig · difficulty 2, the function, and the question.

    ``expression`` is the function as written (a SymPy expression), or its
    text already formatted for this console (``written.show``, before SymPy loads).
    """
    m = math_for(console)
    head = problem_rule(problem, number, total, m.unicode)
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
    kinds = {line.type for line in summary.lines}
    rules = []
    if kinds - {"backprop"}:
        rules.append(
            f"A right answer scores 1, less {quarter} for each hint and each wrong try "
            f"(never below {quarter}); guided, at most {half}. The full solution, a skip or "
            "running out of tries scores 0."
        )
    if "backprop" in kinds:  # its blanks share the point (practice.backprop's credit)
        rules.append(
            f"A backprop problem with every blank right scores 1, less {quarter} of one "
            f"blank's share for each hint and each wrong try (never below {quarter}); a "
            "blank shown, or left, makes it 0."
        )
    return Group(line, Text(" ".join(rules), style="dim"))


SUMMARY_COLUMNS = (
    Column("type"),
    Column("right", "right"),
    Column("hints used", "right"),
    Column("wrong tries", "right"),
    Column("score", "right"),
)


#: The problems to review: the function is left out before the right answer is shortened.
def _review_function(round_: Any, m: Any) -> str:
    """A missed problem's function as read: its one chain's, or a graph type's line."""
    if getattr(round_, "solution", None) is not None:
        return str(m(round_.solution.analysis.tree.written, written=True))
    from chainrule_cli.printing.written import graph_problem_as_read

    problem = round_.problem
    return graph_problem_as_read(problem.expression, problem.type, m.unicode) or m.prose(
        problem.expression
    )


REVIEW_COLUMNS = (
    Column("problem"),
    Column("function", shrink=12, drop=1),
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
                _review_function(r, m),
                right_answer(r, console),
            ]
            for r in summary.missed
        ]
        parts.append(Text(""))
        parts.append(FitTable(REVIEW_COLUMNS, missed, "To review", m.unicode))
    if fill_note:
        parts.append(Text(fill_note, style="dim"))
    return Group(*parts)
