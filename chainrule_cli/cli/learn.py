"""``chainrule learn``: the chapter in the terminal (``backprop`` is in ``backprop.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import SECTIONS, choice, fail, guard, listed

if TYPE_CHECKING:
    from chainrule_cli.cli.prompt import LineReader
    from chainrule_cli.practice.lessons import Checkpoint, Section
    from chainrule_cli.progress.store import Store
    from chainrule_cli.render import Console

QUIT = {"q", "quit", "exit"}
#: Tries at a checkpoint question; keys, blank lines and typing errors use none.
CHECKPOINT_TRIES = 3


def register(app: typer.Typer) -> None:
    app.command()(learn)


@guard
def learn(
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            metavar="NAME",
            callback=choice("section", SECTIONS),
            help=f"Jump to a section: {listed(SECTIONS)}.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A short interactive lesson on the chain rule (about ten minutes).

    Why rates multiply, the four steps, checking with numbers, nested chains,
    the six problem types, rates in the real world, and backpropagation. Each
    section ends with a checkpoint question; your progress is remembered.

    Example: chainrule learn --section backprop
    """
    from chainrule_cli import render
    from chainrule_cli.cli.stores import try_open_store
    from chainrule_cli.practice.lessons import NAMES, SECTIONS

    if section is not None and section not in NAMES:
        raise fail(f"unknown section {section!r}: choose from {', '.join(NAMES)}")
    console = render.make_console()
    ask = _reader(console)
    store = try_open_store()
    try:
        done = store.lessons() if store is not None else {}
        if section is not None:
            start = NAMES.index(section)
        else:
            start = next((i for i, name in enumerate(NAMES) if name not in done), 0)
            if done and len(done) >= len(NAMES):
                console.print(
                    render.dim("You have finished every section; starting again from the top.")
                )
            elif start:
                console.print(
                    render.dim(
                        f"Welcome back: continuing at '{NAMES[start]}' (use --section to jump)."
                    )
                )
        for index in range(start, len(SECTIONS)):
            try:
                going_on = _teach(SECTIONS[index], index, console, ask, store)
            except KeyboardInterrupt:  # Ctrl-C leaves, like q
                console.print()
                going_on = False
            if not going_on:
                console.print(
                    render.dim("See you next time: chainrule learn continues where you left off.")
                )
                return
        console.print(render.lesson_end(console))
    finally:
        if store is not None:
            store.close()


def _reader(console: Console) -> LineReader:
    from chainrule_cli.cli.asking import read_line

    return read_line(console)


def _teach(
    section: Section, index: int, console: Console, ask: LineReader, store: Store | None
) -> bool:
    """One section: its screens, then its checkpoint. False when the learner leaves."""
    from chainrule_cli import render
    from chainrule_cli.practice.lessons import SECTIONS

    for number, screen in enumerate(section.screens, start=1):
        console.print(render.lesson_screen(section, screen, index, len(SECTIONS), number, console))
        line = ask("Enter to continue, q to leave: ")
        if line is None or line.strip().lower() in QUIT:
            return False
    outcome = _checkpoint(section.checkpoint, console, ask)
    if outcome is None:
        return False
    if store is not None:
        store.complete_lesson(section.name)
    return True


def _checkpoint(checkpoint: Checkpoint, console: Console, ask: LineReader) -> bool | None:
    """Ask the checkpoint question, up to three tries; None when the learner leaves.

    Only an answer that can be read uses up a try: an empty line, a key (h, a,
    s, ?) or a line with a typing error does not.
    """
    from functools import partial

    from chainrule_cli import render
    from chainrule_cli.cli.asking import Asker
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import CHECKPOINT_KEYS
    from chainrule_cli.maths.applied import AppliedChecker
    from chainrule_cli.practice.lessons import KEY_IDEA, CheckpointJudge

    judge = CheckpointJudge(checkpoint, render.supports_unicode(console))
    unit = judge.checker.problem.unit if isinstance(judge.checker, AppliedChecker) else None
    field = MathField(("x",), unit=unit)
    console.print(render.checkpoint_question(checkpoint, console))
    console.print(render.dim("  An answer, or: h hint, a answer, s skip, q leave, ? keys."))
    tries, asker = 0, Asker(ask, CHECKPOINT_KEYS, console)
    while tries < CHECKPOINT_TRIES:
        typed = asker.next(judge.prompt, field)
        if typed is None:
            return None
        if typed.key == "hint":
            console.print(render.note_panel("Hint", checkpoint.hint or KEY_IDEA))
        elif typed.key == "skip":
            console.print(render.dim("  Skipped: on to the next part."))
            return False
        elif typed.key == "answer":
            break
        elif typed.key == "guide":
            console.print(render.dim("  No guided mode here: h gives a hint."))
        elif (result := asker.check(typed, partial(judge.check, typed.text))) is not None:
            tries += 1
            right, feedback = result
            console.print(render.checkpoint_result(right, feedback, console))
            if right:
                return True
            left = CHECKPOINT_TRIES - tries
            if left:
                plural = "tries" if left > 1 else "try"
                console.print(render.dim(f"  {left} {plural} left: answer again, or h for a hint."))
    console.print(render.checkpoint_answer(judge.answer_text(), console))
    return False
