"""``chainrule quiz``: practice with answers checked symbolically and hints one step at a time.

The session logic lives in ``session.QuizSession``; this module only reads
lines, shows renderables and records rounds. Lines come from ``prompt.LineReader``:
at a terminal a prompt with line editing, history and a live reading of the
answer; piped, plain lines, so scripts work as before. The keys (h, g, a, s, q,
?) are the same at every prompt. Nothing typed ends the quiz by mistake: a line
that cannot be read, or takes too long to check, is an error message and the
same prompt again, and costs no try. Ctrl-C and end of input end the quiz with
the summary and exit 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from chainrule_cli.cli.common import (
    BankPaths,
    DifficultyFilter,
    Plot,
    Seed,
    Shuffle,
    TypeFilter,
    check_type,
    count_option,
    fail,
    guard,
)

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Bank, Issue, Problem
    from chainrule_cli.cli.prompt import LineReader, MathField
    from chainrule_cli.cli.quickstart import Primed
    from chainrule_cli.practice.backprop import BackpropRound
    from chainrule_cli.practice.deck import Deck
    from chainrule_cli.practice.rounds import Round
    from chainrule_cli.practice.session import AnyRound, QuizSession
    from chainrule_cli.progress.store import Attempt, Store
    from chainrule_cli.render import Console

T = TypeVar("T")

#: The most problems one quiz asks.
COUNT_MAX = 1000

#: The time allowed to check one answer (or one guided step) before it is refused.
CHECK_SECONDS = 2.5


def register(app: typer.Typer) -> None:
    app.command()(quiz)


@guard
def quiz(
    kind: TypeFilter = None,
    count: Annotated[
        int | None,
        count_option(
            f"How many problems, 1 to {COUNT_MAX} (default 10, or the whole bank if smaller).",
            COUNT_MAX,
        ),
    ] = None,
    difficulty: DifficultyFilter = None,
    seed: Seed = None,
    bank: BankPaths = None,
    shuffle: Shuffle = True,
    generated: Annotated[
        bool,
        typer.Option(
            "--generated",
            help="Practise on generated problems: endless unless --count is given.",
            show_default=False,
        ),
    ] = False,
    plot: Plot = False,
    missed: Annotated[
        bool,
        typer.Option(
            "--missed",
            help="Replay what you missed, revealed, skipped or got right only after a wrong try, and have not got right at the first try since, oldest first.",
            show_default=False,
        ),
    ] = False,
    mistake: Annotated[
        str | None,
        typer.Option(
            "--mistake",
            metavar="CODE",
            help="Drill one mistake, by the code stats and check give it: only problems where that slip is easy to make.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Practise: answers checked symbolically, hints one step at a time.

    Problems come from the bank (or are generated); any equal form of the
    answer is right, and a wrong one gets the name of the mistake.

    At the prompt: an answer, h for a hint, g to be guided step by step,
    a to see the answer, s to skip, q to quit, ? to list the keys.

    Example: chainrule quiz --type trig --count 5
    """
    from chainrule_cli import render
    from chainrule_cli.cli.stores import close_store, try_open_store
    from chainrule_cli.practice.deck import choose

    types = check_type(kind)
    if missed and generated:
        raise fail("--missed replays your own problems; it does not go with --generated")
    if mistake is not None:
        mistake = mistake.strip().lower()  # a code, like every other choice, in any case
    keep = _slip_filter(mistake)
    console = render.make_console()
    from chainrule_cli.bank.loadcache import load  # bank.load, without YAML when read before

    loaded = load(bank or None)
    _note_skipped(loaded.issues)
    store = try_open_store()
    deck: Deck | None
    try:
        if missed:
            deck = _missed_deck(store, loaded, types, difficulty, count, keep, console)
        else:
            from chainrule_cli.progress.stats import type_weights

            weights = type_weights(store) if store is not None and not types else None
            deck = choose(loaded, types, difficulty, count, seed, shuffle, generated, weights, keep)
    except BaseException:
        close_store(store)
        raise
    if deck is None:
        close_store(store)
        return
    if deck.total == 0:
        close_store(store)
        if mistake is not None:
            raise fail(f"no problems here invite {mistake}: try fewer filters, or --generated")
        raise fail("no problems match: try fewer filters, or --generated for endless practice")
    note = ""
    if deck.generated > 0 and not generated:
        note = f"The bank had {deck.from_bank} matching problems; {deck.generated} generated ones fill up the quiz."
        console.print(render.dim(note))
    elif deck.generated == -1:
        console.print(render.dim("Generated problems, as many as you like: q ends the quiz."))
    try:
        play(deck.problems, deck.total, console, store, note=note, plot=plot)
    finally:
        close_store(store)


def _slip_filter(code: str | None) -> Callable[[Problem], bool] | None:
    """``--mistake CODE``: a filter for problems that invite that slip (exit 2 for an unknown code)."""
    if code is None:
        return None
    from chainrule_cli.practice.drills import codes, invites

    known = codes()
    if code not in known:
        raise fail(f"unknown mistake {code!r}: choose from {', '.join(known)}")
    return lambda problem: invites(problem, code)


def _missed_deck(
    store: Store | None,
    bank: Bank,
    types: list[str],
    difficulty: int | None,
    count: int | None,
    keep: Callable[[Problem], bool] | None,
    console: Console,
) -> Deck | None:
    """``--missed``: what you missed, revealed, skipped or slipped on, oldest first (None: nothing to do)."""
    from chainrule_cli import render
    from chainrule_cli.practice.deck import DEFAULT_COUNT, Deck
    from chainrule_cli.practice.drills import replay

    if store is None or store.detached:
        raise fail("--missed needs your saved progress, which cannot be read just now")
    problems = replay(store, bank, types, difficulty)
    if keep is not None:
        problems = [p for p in problems if keep(p)]
    if not problems:
        console.print(
            render.dim(
                "Nothing to replay: no problem you missed, revealed, skipped or slipped on is"
                " waiting (or you have got them all right at the first try since)."
            )
        )
        return None
    chosen = problems[: count or DEFAULT_COUNT]
    return Deck(iter(chosen), len(chosen), len(chosen), 0)


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
    from chainrule_cli.cli.prompt import QUIZ_KEYS, warm_up
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
    from chainrule_cli.cli.prompt import MathField
    from chainrule_cli.printing.written import point_text

    if problem.applied:
        return "answer: ", MathField(("x",), unit=problem.unit)
    if problem.at is not None:
        return f"slope at {var} = {point_text(problem.at, var, unicode)}: ", MathField((var,))
    return f"dy/d{var} = ", MathField((var,))


def _note_skipped(issues: list[Issue]) -> None:
    """What a quiz cannot use from its bank: a file that cannot be read is named with
    its reason; the problems that fail are named together, in one line."""
    from chainrule_cli import render

    for issue in issues:
        if issue.problem_id is None:
            render.warn(f"skipping: {issue}")
    ids = list(dict.fromkeys(i.problem_id for i in issues if i.problem_id is not None))
    if ids:
        render.warn(render.skipped_note(ids))


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


def read_line(console: Console) -> LineReader:
    """The reader for one session's prompts; it returns None at end of input.

    At a terminal: line editing, Up/Down through this session's answers and a
    live reading of the answer. Piped: plain lines, echoed after the prompt so
    the transcript reads as a conversation.
    """
    from chainrule_cli import render
    from chainrule_cli.cli.prompt import LineReader

    return LineReader(render.supports_unicode(console))


def checked(work: Callable[[], T]) -> T | None:
    """``work()`` under the time limit for checking an answer; None after an error.

    Every error is one message on stderr, never the end of the loop: the caller
    asks again, with the text still there to fix, and no try is used up.
    """
    from chainrule_cli import render
    from chainrule_cli.errors import ChainruleError, InputError, TooComplex
    from chainrule_cli.limits import time_limit

    try:
        with time_limit(CHECK_SECONDS, "Checking this answer"):
            return work()
    except InputError as exc:
        render.error(exc.message, exc.caret_lines())
    except TooComplex as exc:
        render.error(f"{exc}: try a simpler form of the answer")
    except ChainruleError as exc:
        render.error(str(exc))
    except RecursionError:
        render.error("that answer is nested too deeply to check")
    except Exception as exc:  # a bug met by one answer must not end the quiz
        render.error(f"this answer could not be checked ({type(exc).__name__}): try another form")
    return None


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
            if isinstance(round_, BackpropRound):
                first = False
                if not _play_backprop(session, round_, console, ask):
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


def _play_backprop(
    session: QuizSession, round_: BackpropRound, console: Console, ask: LineReader | Primed
) -> bool:
    """Work one backprop problem blank by blank (``play_steps``, as backprop --practise
    does); False when the learner wants to stop."""
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
    from chainrule_cli.cli.prompt import GUIDED_KEYS, MathField, key_of
    from chainrule_cli.render.backprop import practice_result

    keep = ""
    while (step := round_.step) is not None and not round_.done:
        number = round_.index
        try:
            line = ask(f"{step.question(round_.graph)} ", MathField(), GUIDED_KEYS, keep)
        except KeyboardInterrupt:
            line = None
        keep = ""
        if line is None or key_of(line) == "quit":
            round_.quit()
            return False
        text = line.strip()
        key = key_of(text)
        if not text:
            continue
        if key == "keys":
            console.print(render.key_list(GUIDED_KEYS, console, ask.interactive))
            continue
        if key == "hint":
            hint = round_.hint()
            if hint is None:
                console.print(render.dim("  No more hints: a shows the answer."))
            else:
                console.print(practice_result(None, f"hint {round_.step_hints}: {hint}", console))
            continue
        if key in ("answer", "skip", "guide"):
            console.print(practice_result(None, f"the answer: {round_.reveal()}", console))
            continue
        verdict = checked(partial(round_.answer, text))
        if verdict is None:
            keep = line
            continue
        if verdict.right:
            console.print(practice_result(True, "right", console))
            continue
        code = f" [{verdict.code}]" if verdict.code else ""
        console.print(practice_result(False, verdict.message + code, console))
        if round_.index != number:
            console.print(practice_result(None, f"the answer: {round_.answer_line(step)}", console))
    return True


def _show_solution(round_: AnyRound, console: Console, plot: bool) -> None:
    from chainrule_cli import render
    from chainrule_cli.practice.backprop import BackpropRound

    if isinstance(round_, BackpropRound):  # its staged table is shown by _play_backprop
        return
    if round_.graph is not None:
        console.print(
            render.panel(
                "The solution", render.graph_solution(round_.graph, console), style="green"
            )
        )
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
    from chainrule_cli.cli.prompt import QUIZ_KEYS, key_of

    prompt, field = _question(round_, console)
    keep = ""  # after an error, the line comes back to be fixed
    while round_.outcome is None:
        line = ask(prompt, field, QUIZ_KEYS, keep)
        keep = ""
        if line is None:
            return False
        text = line.strip()
        if not text:
            continue
        key = key_of(text)
        if key == "quit":
            return False
        if key == "keys":
            console.print(render.key_list(QUIZ_KEYS, console, ask.interactive))
        elif key == "hint":
            _show_hint(session, round_, console, plot)
        elif key == "answer":
            session.reveal()
            _show_solution(round_, console, plot)
        elif key == "skip":
            session.skip()
            _show_solution(round_, console, plot)
        elif key == "guide":
            if not _guide(session, console, ask, plot):
                return False
        elif (result := checked(partial(session.answer, text))) is None:
            keep = line
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
    from chainrule_cli.cli.prompt import MathField

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
    from chainrule_cli.cli.prompt import GUIDED_KEYS, MathField, key_of
    from chainrule_cli.practice.backprop import BackpropRound

    round_ = session.current
    if isinstance(round_, BackpropRound):  # worked blank by blank: no chain to walk
        return True
    if round_ is not None and round_.graph is not None:
        return _guide_tree(session, round_, console, ask, plot)
    try:
        walk = session.guided()
    except ValueError:
        console.print(render.dim("There is no chain to walk through here: use h for a hint."))
        return True
    console.print(render.dim("Guided mode: one step at a time."))
    x = walk.x.name
    keep = ""
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
        line = ask(prompt, field, GUIDED_KEYS, keep)
        keep = ""
        if line is None:
            return False
        text = line.strip()
        if not text:
            continue
        key = key_of(text)
        if key == "quit":
            return False
        if key == "keys":
            console.print(render.key_list(GUIDED_KEYS, console, ask.interactive))
        elif key == "hint":  # a hint for this step, never the next one of the hint list
            console.print(render.guided_hint(walk.hint(), walk, console))
        elif key in ("answer", "skip"):
            session.reveal() if key == "answer" else session.skip()
            _show_solution(round_, console, plot)
        elif key == "guide":
            console.print(render.dim("  Guided mode is on: answer this step, or ? for the keys."))
        elif (result := checked(partial(walk.submit, text))) is None:
            keep = line
        else:
            console.print(render.guided_result(result, question, console))
            if result.done:
                session.finish_guided(result)
                if result.verdict is not None and result.verdict.correct:
                    console.print(render.correct_text(session.rounds[-1], console))
                else:
                    _show_solution(session.rounds[-1], console, plot)
    return True


def _guide_tree(
    session: QuizSession, round_: Round, console: Console, ask: LineReader | Primed, plot: bool
) -> bool:
    """A graph type's guided walk: the number of paths, each path's product, the sum; two
    tries a step, each miss diagnosed. False when the learner wants to stop."""
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.prompt import GUIDED_KEYS, MathField, key_of

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
    keep = ""
    while not walk.done and round_.outcome is None:
        question = walk.question
        line = ask(render.walk_question(question, console), field, GUIDED_KEYS, keep)
        keep = ""
        if line is None:
            return False
        text = line.strip()
        if not text:
            continue
        key = key_of(text)
        if key == "quit":
            return False
        if key == "keys":
            console.print(render.key_list(GUIDED_KEYS, console, ask.interactive))
        elif key == "hint":
            _show_hint(session, round_, console, plot)
        elif key in ("answer", "skip"):
            session.reveal() if key == "answer" else session.skip()
            _show_solution(round_, console, plot)
        elif key == "guide":
            console.print(render.dim("  Guided mode is on: answer this step, or ? for the keys."))
        elif (result := checked(partial(walk.submit, text))) is None:
            keep = line
        else:
            console.print(render.walk_result(result, console))
            session.walk_step(result)
            if result.done:
                if result.ok:
                    console.print(render.graph_correct(round_.graph, "", console))
                else:
                    _show_solution(round_, console, plot)
    return True
