"""The practice loop every quiz shares (quiz, review, practise): ask, check, hint, guide, record.

The session logic lives in ``practice.session.QuizSession``; this module only
reads lines, shows renderables and records rounds. Lines come from
``prompt.LineReader``: at a terminal a prompt with line editing, history and a
live reading of the answer; piped, plain lines, so scripts work as before. The
keys (h, g, a, s, q, ?) are the same at every prompt. Nothing typed ends the
quiz by mistake: a line that cannot be read, or takes too long to check, is an
error message and the same prompt again, and costs no try. Ctrl-C and end of
input end the quiz with the summary and exit 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chainrule_cli.cli.asking import Asker, read_line, walk_key

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import LineReader
    from chainrule_cli.cli.quickstart import Primed
    from chainrule_cli.practice.rounds import Round
    from chainrule_cli.practice.session import AnyRound, QuizSession
    from chainrule_cli.progress.store import Attempt, Store
    from chainrule_cli.render import Console


def play(
    problems: Iterable[Problem],
    total: int | None,
    console: Console,
    store: Store | None,
    mode: str = "quiz",
    note: str = "",
    plot: bool = False,
) -> QuizSession:
    """Run a quiz over ``problems``, recording each round as it ends, then show the summary."""
    from chainrule_cli import render
    from chainrule_cli.errors import StoreError

    shown, ask, problems = _show_first(problems, total, console)
    from chainrule_cli.practice.session import QuizSession

    def record(round_: AnyRound) -> None:
        if store is None:
            return
        try:
            store.record(to_attempt(round_, mode))
        except StoreError as exc:
            render.warn(str(exc))

    session = QuizSession(problems, total, render.supports_unicode(console), on_finish=record)
    run(session, console, ask, plot, shown)
    title = "Your review" if mode == "review" else "Your quiz"
    alone = session.total == 1  # practise, or a quiz or review of one problem: one line
    console.print(render.quiz_summary(session.summary(), console, note, title, alone))
    if session.skipped_broken:
        render.warn(render.skipped_note([problem.id for problem, _ in session.skipped_broken]))
    return session


def _show_first(
    problems: Iterable[Problem], total: int | None, console: Console
) -> tuple[Problem | None, LineReader | Primed, Iterable[Problem]]:
    """Show the first problem and read its first answer before SymPy is loaded, when it
    can be (``quickstart``): the problem shown (or None), the reader, and the problems."""
    from chainrule_cli import render
    from chainrule_cli.cli.live import warm_up
    from chainrule_cli.cli.prompt import QUIZ_KEYS
    from chainrule_cli.cli.quickstart import Primed, early_text, interrupted, peek
    from chainrule_cli.reading.syntax import variable_name

    try:
        first, problems = peek(problems)
    except KeyboardInterrupt:
        return None, read_line(console), interrupted()
    if first is not None and first.type == "backprop":  # its graph is worked out first
        return None, read_line(console), problems
    text = early_text(first, render.supports_unicode(console)) if first is not None else None
    if first is None or text is None:
        return None, read_line(console), problems
    var = variable_name(first.variable)
    console.print(render.problem_header(first, 1, total, text, var, console))
    console.print(render.quiz_help(console))
    reader = read_line(console)
    warm_up()  # SymPy loads while the learner reads (the prompt may have started it already)
    prompt, field = question(first, var, render.supports_unicode(console))
    try:
        return first, Primed(reader, reader(prompt, field, QUIZ_KEYS)), problems
    except KeyboardInterrupt:
        return first, Primed(reader, None, interrupt=True), problems


def question(problem: Problem, var: str, unicode: bool = True) -> tuple[str, MathField]:
    """The prompt for a problem's answer (its point as read: x = π), and what kind
    of answer it reads."""
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.printing.written import point_text

    if problem.applied:
        return "answer: ", MathField(("x",), unit=problem.unit)
    if problem.at is not None:
        return f"slope at {var} = {point_text(problem.at, var, unicode)}: ", MathField((var,))
    return f"dy/d{var} = ", MathField((var,))


def to_attempt(round_: AnyRound, mode: str) -> Attempt:
    """A finished round as the progress store keeps it, with every try."""
    from datetime import UTC, datetime, timedelta

    from chainrule_cli.progress.records import Try
    from chainrule_cli.progress.store import Attempt

    problem = round_.problem
    now = datetime.now(UTC)
    end = round_.finished if round_.finished is not None else round_.clock()
    tries = [
        Try(
            n,
            c.answer,
            c.correct,
            c.mistake,
            (now - timedelta(seconds=max(0.0, end - c.at))).isoformat(),
        )
        for n, c in enumerate(round_.checked, start=1)
    ]
    return Attempt(
        answered_at=now.isoformat(),
        problem_id=problem.id,
        expression=problem.expression,
        type=problem.type,
        difficulty=problem.difficulty,
        answer=round_.answer_text,
        correct=round_.outcome == "correct",
        outcome=round_.outcome or "missed",
        mistake=round_.mistake,
        hints=round_.hints,
        tries=round_.tries,
        seconds=round(round_.seconds, 2),
        at_point=problem.point_text,
        mode="guided" if round_.guided else mode,
        try_log=tries,
    )


def run(
    session: QuizSession,
    console: Console,
    ask: LineReader | Primed,
    plot: bool = False,
    shown: Problem | None = None,
) -> None:
    """The quiz loop. Returns when the problems run out, on q, end of input or Ctrl-C.

    ``shown`` is the first problem when ``play`` has shown it already (with the keys).
    """
    from chainrule_cli import render
    from chainrule_cli.cli.graphplay import play_backprop
    from chainrule_cli.cli.quickstart import Primed
    from chainrule_cli.practice.backprop import BackpropRound

    first = True
    try:
        while (round_ := session.next_problem()) is not None:
            if first and shown is not None:
                if round_.problem is shown and not isinstance(round_, BackpropRound):
                    first = False
                    if not _play(session, round_, console, ask, plot):
                        session.quit()
                        return
                    continue
                if isinstance(ask, Primed):
                    ask.forget()  # the one shown could not be asked: that answer is not this one's
            if isinstance(round_, BackpropRound):  # worked blank by blank
                first = False
                if not play_backprop(session, round_, console, ask):
                    session.quit()
                    return
                continue
            console.print(_header(session, round_, console))
            if first:
                console.print(render.quiz_help(console))
                first = False
            if not _play(session, round_, console, ask, plot):
                session.quit()
                return
    except KeyboardInterrupt:
        console.print()
        session.quit()


def _header(session: QuizSession, round_: Round, console: Console) -> Any:
    """The problem's header: a graph type's function line and definitions, or y = …."""
    from chainrule_cli import render

    if round_.graph is not None:
        return render.graph_header(round_.graph, session.number, session.total, console)
    assert round_.solution is not None
    return render.problem_header(
        round_.problem,
        session.number,
        session.total,
        round_.solution.analysis.tree.written,
        round_.solution.analysis.variable.name,
        console,
    )


def _show_solution(round_: AnyRound, console: Console, plot: bool) -> None:
    from chainrule_cli import render
    from chainrule_cli.practice.backprop import BackpropRound

    if isinstance(round_, BackpropRound):  # its staged table is shown by play_backprop
        return
    if round_.graph is not None:
        body = render.graph_solution(round_.graph, console)
        console.print(render.panel("The solution", body, style="green"))
        return
    assert round_.solution is not None
    if round_.problem.applied:
        body = render.applied_solution(round_.checker, round_.solution, console)
    else:
        body = render.solution_view(round_.solution, console)
    console.print(render.panel("The solution", body, style="green"))
    if plot:
        _draw(round_, console)


def _draw(round_: Round, console: Console) -> None:
    """The graphs for this problem (``--plot``); a problem that cannot be drawn just says so."""
    from chainrule_cli import render
    from chainrule_cli.cli.plot import draw_solution
    from chainrule_cli.errors import ChainruleError

    if round_.solution is None:
        render.warn("no picture for this one: --plot draws functions of one variable")
        return
    try:
        draw_solution(round_.solution, None, console)
    except ChainruleError as exc:
        render.warn(f"no picture for this one: {exc}")


def _play(
    session: QuizSession,
    round_: Round,
    console: Console,
    ask: LineReader | Primed,
    plot: bool = False,
) -> bool:
    """Work one problem; False when the learner wants to stop."""
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.prompt import QUIZ_KEYS

    prompt, field = _question(round_, console)
    asker = Asker(ask, QUIZ_KEYS, console)
    while round_.outcome is None:
        typed = asker.next(prompt, field)
        if typed is None:
            return False
        if typed.key == "hint":
            _show_hint(session, round_, console, plot)
        elif typed.key in ("answer", "skip"):
            session.reveal() if typed.key == "answer" else session.skip()
            _show_solution(round_, console, plot)
        elif typed.key == "guide":
            if not _guide(session, console, ask, plot):
                return False
        elif (result := asker.check(typed, partial(session.answer, typed.text))) is None:
            pass
        elif result.verdict.correct and round_.graph is not None:
            console.print(render.graph_correct(round_.graph, result.verdict.feedback, console))
        elif result.verdict.correct:
            console.print(render.correct_text(round_, console))
        else:
            verdict = result.verdict
            console.print(
                render.verdict(False, verdict.feedback, verdict.read_as, console, verdict.notes)
            )
            if result.finished:
                _show_solution(round_, console, plot)
            else:
                console.print(render.tries_text(result.tries_left))
    return True


def _question(round_: Round, console: Console) -> tuple[str, MathField]:
    """The answer prompt of a round, and what its answer may use."""
    from chainrule_cli import render
    from chainrule_cli.cli.live import MathField

    if round_.graph is not None:
        return round_.graph.prompt(), MathField(round_.graph.names)
    assert round_.solution is not None
    var = round_.solution.analysis.variable.name
    return question(round_.problem, var, render.supports_unicode(console))


def _show_hint(session: QuizSession, round_: Round, console: Console, plot: bool) -> None:
    """The next hint; the last one is the full solution (with the graphs under --plot)."""
    from chainrule_cli import render

    hint = session.hint()
    if hint is not None and round_.graph is not None:
        console.print(render.graph_hint(hint, round_.graph, console))  # type: ignore[arg-type]
    elif hint is not None:
        assert round_.solution is not None
        applied = round_.checker if round_.problem.applied else None
        console.print(render.hint_panel(hint, round_.solution, console, applied))
        if hint.kind == "solution" and plot:
            _draw(round_, console)


def _guide(
    session: QuizSession, console: Console, ask: LineReader | Primed, plot: bool = False
) -> bool:
    """Walk every layer of the chain step by step, two tries a step; False when the
    learner wants to stop."""
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.graphplay import guide_tree
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import GUIDED_KEYS
    from chainrule_cli.practice.backprop import BackpropRound

    round_ = session.current
    if isinstance(round_, BackpropRound):  # worked blank by blank: no chain to walk
        return True
    if round_ is not None and round_.graph is not None:
        shows = (_show_hint, _show_solution)
        return guide_tree(session, round_, console, ask, plot, *shows)
    try:
        walk = session.guided()
    except ValueError:
        console.print(render.dim("There is no chain to walk through here: use h for a hint."))
        return True
    console.print(render.dim("Guided mode: one step at a time."))
    x = walk.x.name
    asker = Asker(ask, GUIDED_KEYS, console)
    noted = -1
    while not walk.done and round_ is not None and round_.outcome is None:
        step = walk.step
        question = walk.question
        if noted != walk.index:
            noted = walk.index
            note = render.guided_note(question, walk, console)
            if note is not None:
                console.print(note)
        # f′ may be written in the layer's letter (2u) or with the inner function put in.
        field = MathField((walk.layer.letter, x)) if step == "outer" else MathField((x,))
        lead, prompt = render.guided_question(question, walk, console)
        if lead is not None:  # a long question: its first part on a line of its own
            console.print(lead)
        typed = asker.next(prompt, field)
        if typed is None:
            return False
        if typed.key == "hint":  # a hint for this step, never the next one of the hint list
            console.print(render.guided_hint(walk.hint(), walk, console))
        elif walk_key(typed.key, session, round_, console, plot, _show_solution):
            pass
        elif (result := asker.check(typed, partial(walk.submit, typed.text))) is not None:
            console.print(render.guided_result(result, question, console))
            if result.done:
                session.finish_guided(result)
                if result.verdict is not None and result.verdict.correct:
                    console.print(render.correct_text(session.rounds[-1], console))
                else:
                    _show_solution(session.rounds[-1], console, plot)
    return True
