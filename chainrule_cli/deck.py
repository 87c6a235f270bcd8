"""Which problems a quiz asks, in which order.

Filters the bank, shuffles with a seeded generator (the same seed gives the
same problems in the same order), and tops up with generated problems when the
bank runs short, or endlessly when asked to.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from chainrule_cli.bank import Bank, Problem
from chainrule_cli.kinds import CHAIN_TYPES

DEFAULT_COUNT = 10


@dataclass
class Deck:
    """The problems of one quiz, and how many (None for endless)."""

    problems: Iterator[Problem]
    total: int | None
    from_bank: int
    generated: int  # how many generated problems fill up (or -1 when endless)


def build_deck(
    bank: Bank,
    types: Sequence[str] = (),
    difficulty: int | None = None,
    count: int | None = None,
    seed: int | None = None,
    shuffle: bool = True,
    generated: bool = False,
    weights: dict[str, float] | None = None,
) -> Deck:
    """Choose the problems.

    * ``generated``: only generated problems; endless without ``count``.
    * an explicit ``count`` larger than the filtered bank: fill up with generated ones.
    * the default count (10) or the whole bank if smaller.
    * ``weights`` (type → weight), when no type is chosen: weaker types come up more often.
    """
    rng = random.Random(seed)
    # Without --type: every problem of the bank, and generated ones of the six chain types.
    kinds = list(types) or list(CHAIN_TYPES)
    if generated:
        stream = _generated(kinds, difficulty, rng)
        if count is None:
            return Deck(stream, None, 0, -1)
        return Deck(itertools.islice(stream, count), count, 0, count)
    pool = bank.select(types, difficulty)
    if shuffle:
        pool = _weighted_order(pool, weights, rng) if weights else _shuffled(pool, rng)
    wanted = count if count is not None else min(DEFAULT_COUNT, len(pool))
    chosen = pool[:wanted]
    missing = max(0, wanted - len(chosen))
    if missing:
        filler = itertools.islice(_generated(kinds, difficulty, rng), missing)
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


def _generated(kinds: list[str], difficulty: int | None, rng: random.Random) -> Iterator[Problem]:
    from chainrule_cli.generate import stream

    return stream(kinds, difficulty, rng)
