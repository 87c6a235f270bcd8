"""Which problems a quiz asks, in which order; worksheets and Anki decks pick the same way.

Filters the bank, shuffles with a seeded generator (the same seed gives the
same problems in the same order), and tops up with generated problems when the
bank runs short, or endlessly when asked to. ``choose`` is the one selection
that ``quiz``, ``worksheet`` and ``anki`` share; ``trouble`` is the one check
that keeps a broken problem from being asked or exported.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from chainrule_cli.bank.load import Bank, Problem
from chainrule_cli.kinds import CHAIN_TYPES

DEFAULT_COUNT = 10
#: Generated problems refused in a row before a filtered stream gives up.
KEEP_PATIENCE = 40


@dataclass
class Deck:
    """The problems of one quiz, and how many (None for endless)."""

    problems: Iterator[Problem]
    total: int | None
    from_bank: int
    generated: int  # how many generated problems fill up (or -1 when endless)


def choose(
    bank: Bank,
    types: Sequence[str] = (),
    difficulty: int | None = None,
    count: int | None = None,
    seed: int | None = None,
    shuffle: bool = True,
    generated: bool = False,
    weights: dict[str, float] | None = None,
    keep: Callable[[Problem], bool] | None = None,
    every: bool = False,
) -> Deck:
    """The problems of a quiz, a worksheet or an Anki deck: one selection for all three.

    A seed is a promise of the same problems in the same order, so with a seed the
    learner's ``weights`` (weaker types more often) are left out: ``quiz --seed 7``
    and ``worksheet --seed 7`` ask the same problems, today and next week.
    ``every``: without a ``count``, every matching bank problem (an Anki deck).
    """
    if every and count is None and not generated:
        count = len(bank.select(types, difficulty))
    return build_deck(
        bank,
        types,
        difficulty,
        count,
        seed,
        shuffle,
        generated,
        weights if seed is None else None,
        keep,
    )


def trouble(problem: Problem) -> str | None:
    """Why ``problem`` must not be asked or exported (None: it is fine).

    A bank problem is validated (``bank.check_problem``, time-limited, proofs
    cached); a generated one was validated when it was made.
    """
    if problem.generated:
        return None
    from chainrule_cli.bank.check import check_problem

    found = check_problem(problem)
    return found[0] if found else None


def build_deck(
    bank: Bank,
    types: Sequence[str] = (),
    difficulty: int | None = None,
    count: int | None = None,
    seed: int | None = None,
    shuffle: bool = True,
    generated: bool = False,
    weights: dict[str, float] | None = None,
    keep: Callable[[Problem], bool] | None = None,
) -> Deck:
    """Choose the problems.

    * ``generated``: only generated problems; endless without ``count``.
    * an explicit ``count`` larger than the filtered bank: fill up with generated ones.
    * the default count (10) or the whole bank if smaller.
    * ``weights`` (type → weight), when no type is chosen: weaker types come up more often.
    * ``keep``: only problems it accepts (``quiz --mistake``), bank and generated alike;
      it is asked lazily, in the shuffled order, only until the quiz is full.
    """
    rng = random.Random(seed)
    # Without --type: every problem of the bank, and generated ones of the six chain types.
    kinds = list(types) or list(CHAIN_TYPES)
    if generated:
        stream = _generated(kinds, difficulty, rng, keep)
        if count is None:
            return Deck(stream, None, 0, -1)
        return Deck(itertools.islice(stream, count), count, 0, count)
    pool = bank.select(types, difficulty)
    if shuffle:
        pool = _weighted_order(pool, weights, rng) if weights else _shuffled(pool, rng)
    if keep is not None:
        pool = list(itertools.islice(filter(keep, pool), count or DEFAULT_COUNT))
    wanted = count if count is not None else min(DEFAULT_COUNT, len(pool))
    chosen = pool[:wanted]
    missing = max(0, wanted - len(chosen))
    if missing:
        filler = itertools.islice(_generated(kinds, difficulty, rng, keep), missing)
        return Deck(itertools.chain(chosen, filler), wanted, len(chosen), missing)
    return Deck(iter(chosen), wanted, len(chosen), 0)


def _shuffled(pool: list[Problem], rng: random.Random) -> list[Problem]:
    out = list(pool)
    rng.shuffle(out)
    return out


def _weighted_order(
    pool: list[Problem], weights: dict[str, float], rng: random.Random
) -> list[Problem]:
    """A shuffle biased by type weight (Efraimidis–Spirakis keys: u^(1/w))."""
    keyed = [(rng.random() ** (1.0 / max(weights.get(p.type, 1.0), 1e-3)), p) for p in pool]
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [p for _, p in keyed]


def _generated(
    kinds: list[str],
    difficulty: int | None,
    rng: random.Random,
    keep: Callable[[Problem], bool] | None = None,
) -> Iterator[Problem]:
    from chainrule_cli.practice.generate import stream

    problems = stream(kinds, difficulty, rng)
    return problems if keep is None else _kept(problems, keep)


def _kept(problems: Iterator[Problem], keep: Callable[[Problem], bool]) -> Iterator[Problem]:
    """The problems ``keep`` accepts; ends after ``KEEP_PATIENCE`` refusals in a row."""
    refused = 0
    for problem in problems:
        if keep(problem):
            refused = 0
            yield problem
            continue
        refused += 1
        if refused >= KEEP_PATIENCE:
            return
