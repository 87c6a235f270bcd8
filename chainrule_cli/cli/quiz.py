"""``chainrule quiz``: practice with answers checked symbolically and hints one step at a time.

The session logic lives in ``session.QuizSession``; this module only reads
lines, shows renderables and records rounds. It reads plain lines, so it
works the same with a terminal, with answers piped in, with ``NO_COLOR`` and
``TERM=dumb``. Ctrl-C and end of input end the quiz with the summary and exit 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import (
    BankPaths,
    DifficultyFilter,
    TypeFilter,
    check_type,
    fail,
    guard,
)

if TYPE_CHECKING:
    from chainrule_cli.bank import Problem
    from chainrule_cli.render import Console
    from chainrule_cli.session import QuizSession, Round
    from chainrule_cli.store import Attempt, Store

HINT_WORDS = {"h", "hint", "?"}
SKIP_WORDS = {"s", "skip"}
QUIT_WORDS = {"q", "quit", "exit"}
GUIDE_WORDS = {"g", "guide", "guided"}


def register(app: typer.Typer) -> None:
    app.command()(quiz)


@guard
def quiz(
    kind: TypeFilter = None,
    count: Annotated[
        int | None,
        typer.Option(
            "--count", min=1, help="How many problems (default 10, or the whole bank if smaller)."
        ),
    ] = None,
    difficulty: DifficultyFilter = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="The same seed gives the same problems in the same order."),
    ] = None,
    bank: BankPaths = None,
    shuffle: Annotated[
        bool,
        typer.Option(
            "--shuffle/--no-shuffle", help="Shuffle the problems (default), or keep bank order."
        ),
    ] = True,
    generated: Annotated[
        bool,
        typer.Option(
            "--generated", help="Practise on generated problems: endless unless --count is given."
        ),
    ] = False,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help="Draw the graphs with the full solution (last hint, skip, or a miss)."
        ),
    ] = False,
) -> None:
    """Practise: answers checked symbolically, hints one step at a time.

    Problems come from the bank (or are generated); any equal form of the
    answer is right, and a wrong one gets the name of the mistake.

    At the prompt: an answer, h for a hint, g to be guided step by step,
    s to skip, q to quit.

    Example: chainrule quiz --type trig --count 5
    """
    from chainrule_cli import render
    from chainrule_cli.bank import load
    from chainrule_cli.cli.progress import try_open_store
    from chainrule_cli.deck import build_deck
    from chainrule_cli.store import type_weights

    types = check_type(kind)
    console = render.make_console()
    loaded = load(bank or None)
    for issue in loaded.issues:
        render.warn(f"skipping: {issue}")
    store = try_open_store()
    weights = type_weights(store) if store is not None and not types else None
    deck = build_deck(loaded, types, difficulty, count, seed, shuffle, generated, weights)
    if deck.total == 0:
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
        if store is not None:
            store.close()


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
    from chainrule_cli.session import QuizSession

    def record(round_: Round) -> None:
        if store is None:
            return
        try:
            store.record(to_attempt(round_, mode))
        except StoreError as exc:
            render.warn(str(exc))

    session = QuizSession(problems, total, render.supports_unicode(console), on_finish=record)
    run(session, console, read_line(console), plot)
    console.print(render.quiz_summary(session.summary(), console, note))
    for problem, why in session.skipped_broken:
        render.warn(f"skipped {problem.id}: {why}")
    return session


def to_attempt(round_: Round, mode: str) -> Attempt:
    """A finished round as the progress store keeps it."""
    from datetime import UTC, datetime

    from chainrule_cli.store import Attempt

    problem = round_.problem
    return Attempt(
        answered_at=datetime.now(UTC).isoformat(),
        problem_id=problem.id,
        expression=problem.expression,
        type=problem.type,
        difficulty=problem.difficulty,
        answer=round_.answer_text,
        correct=round_.outcome == "correct",
        outcome=round_.outcome or "missed",
        mistake=round_.mistake,
        hints=round_.hints_used,
        tries=round_.tries,
        seconds=round(round_.seconds, 2),
        at_point=problem.at,
        mode="guided" if round_.guided else mode,
    )


def read_line(console: Console) -> Callable[[str], str | None]:
    """Read one line after a prompt; None at end of input.

    When the answers are piped in, they are echoed after the prompt, so the
    transcript reads as a conversation.
    """
    import sys

    echo = not sys.stdin.isatty()

    def ask(prompt: str) -> str | None:
        try:
            line = console.input(prompt)
        except EOFError:
            console.print()
            return None
        if echo:
            console.print(line, markup=False, highlight=False)
        return line

    return ask


def run(
    session: QuizSession, console: Console, ask: Callable[[str], str | None], plot: bool = False
) -> None:
    """The quiz loop. Returns when the problems run out, on q, end of input or Ctrl-C."""
    from chainrule_cli import render

    first = True
    try:
        while (round_ := session.next_problem()) is not None:
            console.print(
                render.problem_header(
                    round_.problem,
                    session.number,
                    session.total,
                    round_.solution.analysis.tree.written,
                    round_.solution.analysis.variable.name,
                    console,
                )
            )
            if first:
                console.print(render.quiz_help(console))
                first = False
            if not _play(session, round_, console, ask, plot):
                session.quit()
                return
    except KeyboardInterrupt:
        console.print()
        session.quit()


def _show_solution(round_: Round, console: Console, plot: bool) -> None:
    from chainrule_cli import render

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

    try:
        draw_solution(round_.solution, None, console)
    except ChainruleError as exc:
        render.warn(f"no picture for this one: {exc}")


def _play(
    session: QuizSession,
    round_: Round,
    console: Console,
    ask: Callable[[str], str | None],
    plot: bool = False,
) -> bool:
    """Work one problem; False when the learner wants to stop."""
    from chainrule_cli import render
    from chainrule_cli.errors import ChainruleError, InputError

    var = round_.solution.analysis.variable.name
    if round_.problem.applied:
        prompt = "answer: "
    elif round_.problem.at is not None:
        prompt = f"slope at {var} = {round_.problem.at}: "
    else:
        prompt = f"dy/d{var} = "
    while round_.outcome is None:
        line = ask(prompt)
        if line is None:
            return False
        text = line.strip()
        word = text.lower()
        if not text:
            continue
        if word in QUIT_WORDS:
            return False
        if word in HINT_WORDS:
            hint = session.hint()
            if hint is not None:
                applied = round_.checker if round_.problem.applied else None
                console.print(render.hint_panel(hint, round_.solution, console, applied))
                if hint.kind == "solution" and plot:
                    _draw(round_, console)
            continue
        if word in SKIP_WORDS:
            session.skip()
            _show_solution(round_, console, plot)
            continue
        if word in GUIDE_WORDS:
            if not _guide(session, console, ask, plot):
                return False
            continue
        try:
            result = session.answer(text)
        except InputError as exc:
            render.error(exc.message, exc.caret_lines())
            continue
        except ChainruleError as exc:
            render.error(str(exc))
            continue
        if result.verdict.correct:
            console.print(render.correct_text(round_, console))
            continue
        console.print(
            render.verdict(False, result.verdict.feedback, result.verdict.read_as, console)
        )
        if result.finished:
            _show_solution(round_, console, plot)
        else:
            console.print(render.tries_text(result.tries_left))
    return True


def _guide(
    session: QuizSession, console: Console, ask: Callable[[str], str | None], plot: bool = False
) -> bool:
    """Walk the top layer step by step; False when input ends."""
    from chainrule_cli import render
    from chainrule_cli.errors import InputError

    try:
        walk = session.guided()
    except ValueError:
        console.print(render.dim("There is no chain to walk through here: use h for a hint."))
        return True
    console.print(render.dim("Guided mode: one step at a time."))
    while not walk.done:
        step = walk.step
        line = ask(render.guided_prompt(step, walk, console))
        if line is None:
            return False
        if line.strip().lower() in QUIT_WORDS:
            return False
        try:
            result = walk.submit(line.strip())
        except InputError as exc:
            render.error(exc.message, exc.caret_lines())
            continue
        console.print(render.guided_result(result, step, console))
        if result.done:
            session.finish_guided(result)
            if result.verdict is not None and result.verdict.correct:
                console.print(render.correct_text(session.rounds[-1], console))
            else:
                _show_solution(session.rounds[-1], console, plot)
    return True
