"""``stats``, ``history``, ``review`` and ``export``: the learner's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule_cli.cli.common import BankPaths, Seed, between, fail, guard
from chainrule_cli.cli.stores import close_store, open_store

#: The most attempts ``history`` lists, and the most problems ``review`` asks.
HISTORY_MAX = 10_000
REVIEW_MAX = 1_000


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command()(history)
    app.command()(review)
    app.command()(export)


def _say(text: str) -> None:
    """One line of output on stdout (a file name in it is shown as written)."""
    from chainrule_cli import render
    from chainrule_cli.render.progress import plain_line

    render.make_console().print(plain_line(text), soft_wrap=True)


def _skipped(count: int) -> None:
    from chainrule_cli import render

    if count:
        render.warn(f"{count} unreadable record{'s' if count != 1 else ''} skipped")


@guard
def stats(
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.", show_default=False)
    ] = False,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Start over (the old data is kept as a backup file).",
            show_default=False,
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", help="With --reset: do not ask for confirmation.", show_default=False
        ),
    ] = False,
) -> None:
    """Your progress: accuracy, hints and mastery per type, and your mistakes.

    Also your daily streak, your accuracy over the last weeks, and how often
    each mistake was named in your latest answers.

    Example: chainrule stats
    """
    from chainrule_cli import render
    from chainrule_cli.progress.stats import summary

    if yes and not reset:
        raise fail("--yes only goes with --reset (chainrule stats --reset --yes)")
    if reset:
        _reset(yes)
        return
    from chainrule_cli.practice.review import due

    with open_store() as store:
        data = summary(store)
        schedule = due(store)
    data["due_now"] = schedule.now  # skills due for review now
    data["next_due"] = schedule.next.isoformat() if schedule.next is not None else None
    if json_output:
        render.print_json(data)
        return
    console = render.make_console()
    console.print(render.stats_view(data, console))


def _agreed(question: str) -> bool:
    """Yes only for y or yes; anything else, the end of input or Ctrl-C is no.

    Read as the quiz reads (``LineReader``): piped, the question's trailing
    space is written with the answer, so no line ends in a space.
    """
    from chainrule_cli.cli.prompt import LineReader

    try:
        answer = LineReader(interactive=False)(question)
    except KeyboardInterrupt:
        typer.echo()
        return False
    return answer is not None and answer.strip().lower() in ("y", "yes")


def _reset(yes: bool) -> None:
    with open_store() as store:
        count = store.count()
        question = f"Reset all progress ({count} attempt{'s' if count != 1 else ''})? [y/N]: "
        if not yes and not _agreed(question):
            _say("nothing was reset")
            return
        backup = store.reset()
    _say(f"Progress reset. The old data is kept in {backup}.")


@guard
def history(
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            metavar="N",
            callback=between(1, HISTORY_MAX),
            help=f"How many of the latest attempts, 1 to {HISTORY_MAX} (default 20).",
            show_default=False,
        ),
    ] = 20,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print a JSON list.", show_default=False)
    ] = False,
) -> None:
    """The latest answered problems, newest first.

    Each with its number of tries; a problem got right after a wrong try shows
    the slip, and --json lists every try (try_log).

    Example: chainrule history --limit 5
    """
    from chainrule_cli import render

    with open_store() as store:
        attempts = store.attempts(limit=limit)
        _skipped(store.unreadable)
    if json_output:
        render.print_json([a.to_dict() for a in attempts])
        return
    console = render.make_console()
    console.print(render.history_view(attempts, console))


@guard
def export(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Where to write: a .json file (everything) or a .csv file (the attempts).",
            show_default=False,
        ),
    ],
) -> None:
    """Export your progress as JSON or CSV (by the file's extension).

    JSON holds every attempt with each of its tries (try_log), your review
    cards and the lessons you finished; CSV holds the attempts, one row each
    with its number of tries. Cells a spreadsheet would run as a formula
    (starting with = + - @) get a leading apostrophe.

    Example: chainrule export progress.csv
    """
    from chainrule_cli.progress.export import EXPORT_SUFFIXES, export
    from chainrule_cli.safefile import check_target

    if not file.name:
        raise fail("give a file name ending in .json or .csv")
    if file.suffix.lower() not in EXPORT_SUFFIXES:
        raise fail(f"{file}: export writes .json or .csv files; give a name ending in one")
    check_target(file)
    with open_store() as store:
        try:
            done = export(store, file)
        except OSError as exc:
            raise fail(f"cannot write {file}: {exc.strerror or exc}") from None
        _skipped(store.unreadable)
    attempts = f"{done.attempts} attempt{'s' if done.attempts != 1 else ''}"
    tries = f"{done.tries} tr{'ies' if done.tries != 1 else 'y'}"
    if done.format == "csv":
        _say(
            f"Exported {attempts} to {file} (CSV holds the attempts only, one row each with "
            f"its number of tries; export to .json for the {tries} themselves, your review "
            "cards and lessons too)."
        )
    else:
        cards = f"{done.cards} review card{'s' if done.cards != 1 else ''}"
        lessons = f"{done.lessons} finished lesson{'s' if done.lessons != 1 else ''}"
        _say(f"Exported {attempts}, {cards} and {lessons} to {file}, with all {tries}.")


@guard
def review(
    count: Annotated[
        int,
        typer.Option(
            "--count",
            metavar="N",
            callback=between(1, REVIEW_MAX),
            help=f"How many problems at most, 1 to {REVIEW_MAX} (default 10).",
            show_default=False,
        ),
    ] = 10,
    bank: BankPaths = None,
    seed: Seed = None,
) -> None:
    """A quiz of what is due, spaced with FSRS.

    Each skill (type and difficulty) is scheduled from how you did; problems
    you missed recently come first, and the quiz mixes the skills that are due.

    Example: chainrule review --count 5
    """
    from chainrule_cli import render
    from chainrule_cli.bank.load import load
    from chainrule_cli.cli.play import play
    from chainrule_cli.practice.review import due, review_deck
    from chainrule_cli.progress.stats import flagged

    store = open_store(writing=True)
    console = render.make_console()
    try:
        deck = review_deck(store, load(bank or None), count, seed)
        schedule = due(store)
        if not deck and schedule.now:
            console.print(render.due_line(schedule.now, schedule.next))
            console.print("Their problems were all answered within the last hour: try again later.")
            return
        if not deck:
            console.print(render.nothing_due(store.next_due(), store.count(), console))
            return
        console.print(render.due_line(schedule.now, schedule.next))
        play(deck, len(deck), console, store, mode="review")
        missed_often = flagged(store.attempts())
    finally:
        close_store(store)
    if missed_often:
        console.print(render.flagged_view(missed_often, console))
