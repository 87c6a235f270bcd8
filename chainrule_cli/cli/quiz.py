"""``chainrule quiz``: practice with answers checked symbolically and hints one step at a time.

This module chooses the problems (the bank, generated ones, ``--missed``,
``--mistake``); the loop that asks them is ``play`` (shared with review and practise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import (
    BankPaths,
    DifficultyFilter,
    Generated,
    Missed,
    Mistake,
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
    from chainrule_cli.practice.deck import Deck
    from chainrule_cli.progress.store import Store
    from chainrule_cli.render import Console

#: The most problems one quiz asks.
COUNT_MAX = 1000


def register(app: typer.Typer) -> None:
    app.command()(quiz)


@guard
def quiz(
    kind: TypeFilter = None,
    count: Annotated[
        int | None,
        count_option(
            f"How many problems, 1 to {COUNT_MAX} (default 10, or the whole bank if smaller;"
            " endless with --generated).",
            COUNT_MAX,
        ),
    ] = None,
    difficulty: DifficultyFilter = None,
    seed: Seed = None,
    bank: BankPaths = None,
    shuffle: Shuffle = True,
    generated: Generated = False,
    plot: Plot = False,
    missed: Missed = False,
    mistake: Mistake = None,
) -> None:
    """Practise: answers checked symbolically, hints one step at a time.

    Problems come from the bank (or are generated); any equal form of the
    answer is right, and a wrong one gets the name of the mistake.

    At the prompt: an answer, h for a hint, g to be guided step by step,
    a to see the answer, s to skip, q to quit, ? to list the keys.

    Example: chainrule quiz --type trig --count 5
    """
    from chainrule_cli import render
    from chainrule_cli.cli.play import play
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
