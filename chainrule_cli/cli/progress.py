"""``stats``, ``history``, ``review`` and ``export``: the learner's progress."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import BankPaths, fail, guard
from chainrule_cli.exitcodes import ExitCode

if TYPE_CHECKING:
    from chainrule_cli.store import Store


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command()(history)
    app.command()(review)
    app.command()(export)


def open_store() -> Store:
    """Open the progress store; say so in one line if a bad file was moved aside."""
    from chainrule_cli import render
    from chainrule_cli.store import Store

    store = Store.open()
    if store.warning:
        render.warn(store.warning)
    return store


def try_open_store() -> Store | None:
    """For practice that should go on without saving: None (and a note) when the store fails."""
    from chainrule_cli import render
    from chainrule_cli.errors import StoreError

    try:
        return open_store()
    except StoreError as exc:
        render.warn(f"{exc}; progress will not be saved this time")
        return None


@guard
def stats(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Start over (the old data is kept as a backup file).")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --reset: do not ask for confirmation.")
    ] = False,
) -> None:
    """Your progress: accuracy, hints and mastery per type.

    Also your daily streak and your accuracy over the last weeks.

    Example: chainrule stats
    """
    from chainrule_cli import render
    from chainrule_cli.store import summary

    store = open_store()
    with store:
        if reset:
            if not yes and not typer.confirm(
                f"Reset all progress ({store.count()} attempts)?", default=False
            ):
                raise fail("nothing was reset", code=ExitCode.WRONG)
            backup = store.reset()
            typer.echo(f"Progress reset. The old data is kept in {backup}.")
            return
        data = summary(store)
    if json_output:
        render.print_json(data)
        return
    console = render.make_console()
    console.print(render.stats_view(data, console))


@guard
def history(
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="How many of the latest attempts.")
    ] = 20,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """The latest answered problems, newest first.

    Example: chainrule history --limit 5
    """
    from chainrule_cli import render

    store = open_store()
    with store:
        attempts = store.attempts(limit=limit)
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
            help="Where to write: a .csv file, or JSON for any other name.", show_default=False
        ),
    ],
) -> None:
    """Export every attempt, as JSON or CSV (by the file's extension).

    Example: chainrule export progress.csv
    """
    store = open_store()
    with store:
        try:
            n = store.export(file)
        except OSError as exc:
            raise fail(f"cannot write {file}: {exc.strerror}") from None
    typer.echo(f"Exported {n} attempts to {file}.")


@guard
def review(
    count: Annotated[int, typer.Option("--count", min=1, help="How many problems at most.")] = 10,
    bank: BankPaths = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for choosing problems.")] = None,
) -> None:
    """A quiz of what is due, spaced with FSRS.

    Each skill (type and difficulty) is scheduled from how you did; problems
    you missed recently come first.

    Example: chainrule review --count 5
    """
    from chainrule_cli import render
    from chainrule_cli.bank import load
    from chainrule_cli.cli.quiz import play
    from chainrule_cli.review import review_deck

    store = open_store()
    console = render.make_console()
    with store:
        deck = review_deck(store, load(bank or None), count, seed)
        if not deck:
            console.print(render.nothing_due(store.next_due(), store.count(), console))
            return
        play(deck, len(deck), console, store, mode="review")
        flagged = store.flagged()
    if flagged:
        console.print(render.flagged_view(flagged, console))
