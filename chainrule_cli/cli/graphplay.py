"""The loops of the graph types: backprop worked blank by blank, and a tree's guided walk.

``play.run`` hands a round here by its kind. Backprop asks every forward value, then
every gradient, with the guided keys (``backprop --practise`` uses the same
``play_steps``); a tree's walk asks the number of paths, each path's product and the
sum, two tries a step. Errors in an answer are one message (``asking.checked``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chainrule_cli.cli.asking import Asker, walk_key

if TYPE_CHECKING:
    from chainrule_cli.cli.prompt import LineReader
    from chainrule_cli.cli.quickstart import Primed
    from chainrule_cli.practice.backprop import BackpropRound
    from chainrule_cli.practice.rounds import Round
    from chainrule_cli.practice.session import AnyRound, QuizSession
    from chainrule_cli.render import Console


def play_backprop(
    session: QuizSession, round_: BackpropRound, console: Console, ask: LineReader | Primed
) -> bool:
    """Work one backprop problem blank by blank; False when the learner wants to stop."""
    from chainrule_cli import render
    from chainrule_cli.cli.prompt import GUIDED_KEYS
    from chainrule_cli.render.backprop import practice_intro, practice_result, staged_table

    console.print(
        render.problem_header(round_.problem, session.number, session.total, None, "", console)
    )
    console.print(practice_intro(round_.graph, console))
    if session.number == 1:
        console.print(render.quiz_help(console, GUIDED_KEYS))
    if not play_steps(round_, console, ask):
        return False
    line = f"{round_.right} of {len(round_.steps)} blanks right"
    if round_.first_wrong_text:
        line += f"; {round_.first_wrong_text}"
    console.print(practice_result(round_.outcome == "correct", line, console))
    if round_.outcome != "correct":
        console.print(staged_table(round_.graph, console))
    return True


def play_steps(round_: BackpropRound, console: Console, ask: LineReader | Primed) -> bool:
    """Ask every blank of ``round_`` in turn, with the guided keys; False on q, Ctrl-C or
    the end of input (the round is then quit). The same for --practise and the quiz."""
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import GUIDED_KEYS
    from chainrule_cli.render.backprop import practice_prompt, practice_result

    asker = Asker(ask, GUIDED_KEYS, console)
    while (step := round_.step) is not None and not round_.done:
        number = round_.index
        try:
            typed = asker.next(practice_prompt(step.question(round_.graph), console), MathField())
        except KeyboardInterrupt:
            typed = None
        if typed is None:
            round_.quit()
            return False
        if typed.key == "hint":
            hint = round_.hint()
            if hint is None:
                console.print(render.dim("  No more hints: a shows the answer."))
            else:
                console.print(practice_result(None, f"hint {round_.step_hints}: {hint}", console))
        elif typed.key in ("answer", "skip", "guide"):
            console.print(practice_result(None, f"the answer: {round_.reveal()}", console))
        elif (verdict := asker.check(typed, partial(round_.answer, typed.text))) is None:
            pass
        elif verdict.right:
            console.print(practice_result(True, "right", console))
        else:
            code = f" [{verdict.code}]" if verdict.code else ""
            console.print(practice_result(False, verdict.message + code, console))
            if round_.index != number:
                answer = round_.answer_line(step)
                console.print(practice_result(None, f"the answer: {answer}", console))
    return True


def guide_tree(
    session: QuizSession,
    round_: Round,
    console: Console,
    ask: LineReader | Primed,
    plot: bool,
    show_hint: Callable[[QuizSession, Round, Console, bool], None],
    show_solution: Callable[[AnyRound, Console, bool], None],
) -> bool:
    """A graph type's guided walk: the number of paths, each path's product, the sum; two
    tries a step, each miss diagnosed. False when the learner wants to stop.

    ``show_hint`` and ``show_solution`` are the quiz's own (``play``), so a hint or the
    solution looks the same inside the walk as outside it."""
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import GUIDED_KEYS

    assert round_.graph is not None
    try:
        walk = session.tree_walk()
    except ValueError:
        console.print(
            render.dim("No guided walk for an equation: h gives its steps one at a time.")
        )
        return True
    console.print(render.dim("Guided mode: one step at a time."))
    field = MathField(round_.graph.names)
    asker = Asker(ask, GUIDED_KEYS, console)
    while not walk.done and round_.outcome is None:
        typed = asker.next(render.walk_question(walk.question, console), field)
        if typed is None:
            return False
        if typed.key == "hint":
            show_hint(session, round_, console, plot)
        elif walk_key(typed.key, session, round_, console, plot, show_solution):
            pass
        elif (result := asker.check(typed, partial(walk.submit, typed.text))) is not None:
            console.print(render.walk_result(result, console))
            session.walk_step(result)
            if result.done:
                if result.ok:
                    console.print(render.graph_correct(round_.graph, "", console))
                else:
                    show_solution(round_, console, plot)
    return True
