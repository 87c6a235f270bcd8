"""What ``chainrule review`` asks: the skills that are due, mixed, missed problems first.

A skill's review card (``store.cards``) is scheduled by FSRS from what
happened in each attempt; this module only turns "what is due" into problems:

* every due skill gets a turn before any skill gets a second one, so ten
  problems over three due skills come 4, 3 and 3, never 6 from one; no skill
  takes more than its fair share (``ceil(count / due skills)``) unless it is the
  only one due;
* within a skill, the exact problems the learner got wrong recently come first,
  then bank problems of that skill, then generated ones when the bank runs dry;
* the skill with the most recent miss goes first, then the most overdue;
* a problem answered in the last hour (``FRESH``), its answer still on the
  screen, is never asked again: another of its skill comes instead (a bank
  problem, or a generated one when the bank has none left).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chainrule_cli.bank.load import Bank, Problem
from chainrule_cli.kinds import CHAIN_TYPES, GENERATED_TYPES, GRAPH_TYPES, TYPES
from chainrule_cli.practice.drills import problem_from
from chainrule_cli.progress.records import parse_time
from chainrule_cli.progress.stats import recently_missed
from chainrule_cli.progress.store import Store, skill_of

#: Generated problems tried per skill before giving up on filling it.
GENERATED_TRIES = 20
#: A problem answered this recently is not asked again in a review: its answer was just shown.
FRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    """How many skills are due now, and when the next one after them is due (None: none is)."""

    now: int
    next: datetime | None


def due(store: Store, now: datetime | None = None) -> Due:
    """The skills due at ``now`` (only those this version can ask), and the next due time after it."""
    when = now or datetime.now(UTC)
    cards = store.cards()
    due_now = sum(1 for c in cards if c.due <= when and _parse(c.skill) is not None)
    later = [c.due for c in cards if c.due > when and _parse(c.skill) is not None]
    return Due(due_now, min(later) if later else None)


def answered_lately(store: Store, now: datetime, within: timedelta = FRESH) -> set[str]:
    """The ids and expressions of problems answered within ``within`` before ``now``."""
    out: set[str] = set()
    for attempt in store.attempts(limit=500):
        when = parse_time(attempt.answered_at)
        if when is None or when < now - within:
            break  # newest first: the rest are older
        out.update((attempt.problem_id, _expression_key(attempt.expression)))
    return out


def _expression_key(expression: str) -> str:
    return "expr:" + "".join(expression.split())


def review_deck(
    store: Store, bank: Bank, count: int, seed: int | None = None, now: datetime | None = None
) -> list[Problem]:
    """Up to ``count`` problems over the due skills, in turns (see the module docstring)."""
    rng = random.Random(seed)
    when = now or datetime.now(UTC)
    due = [s for s, _ in store.due_skills(when) if _parse(s) is not None]
    if not due:
        return []
    fresh = answered_lately(store, when)
    missed = _missed_by_skill(store, bank, set(due))
    # Skills with a recent miss first (the most recent first), then the most overdue.
    rank = {skill: n for n, skill in enumerate(missed)}
    order = sorted(due, key=lambda s: (0, rank[s]) if s in rank else (1, due.index(s)))
    sources = {skill: _source(skill, missed.get(skill, []), bank, rng) for skill in order}
    cap = count if len(order) == 1 else math.ceil(count / len(order))
    taken: dict[str, int] = dict.fromkeys(order, 0)
    seen: set[str] = set()
    chosen: list[Problem] = []
    while len(chosen) < count and sources:
        for skill in list(sources):
            if len(chosen) >= count:
                break
            problem = next(
                (
                    p
                    for p in sources[skill]
                    if p.id not in seen
                    and p.id not in fresh
                    and _expression_key(p.expression) not in fresh
                ),
                None,
            )
            if problem is None or taken[skill] >= cap:
                del sources[skill]
                continue
            chosen.append(problem)
            seen.add(problem.id)
            fresh.add(_expression_key(problem.expression))  # never twice in one review
            taken[skill] += 1
    return chosen


def _missed_by_skill(store: Store, bank: Bank, due: set[str]) -> dict[str, list[Problem]]:
    """Recently missed problems of the due skills, most recent first, by skill."""
    by_id = {p.id: p for p in bank.problems}
    latest = {a.problem_id: a for a in reversed(store.attempts(limit=2000))}
    out: dict[str, list[Problem]] = {}
    for pid in recently_missed(store.attempts()):
        attempt = latest.get(pid)
        problem = by_id.get(pid) or (problem_from(attempt) if attempt is not None else None)
        if problem is None:
            continue
        skill = skill_of(problem.type, problem.difficulty)
        if skill in due:
            out.setdefault(skill, []).append(problem)
    return out


def _source(skill: str, missed: list[Problem], bank: Bank, rng: random.Random) -> Iterator[Problem]:
    """A skill's problems in the order they are asked: missed, then bank, then generated."""
    parsed = _parse(skill)
    assert parsed is not None  # due skills are checked
    kind, level = parsed
    yield from missed
    pool = bank.select([kind], level)
    rng.shuffle(pool)
    yield from pool
    if kind not in CHAIN_TYPES and not (kind in GRAPH_TYPES and kind in GENERATED_TYPES):
        return  # applied, and a graph type without a generator: the bank's problems only
    from chainrule_cli.practice.generate import stream

    for n, problem in enumerate(stream([kind], level, rng)):
        if n >= GENERATED_TRIES:
            return
        yield problem


def _parse(skill: str) -> tuple[str, int] | None:
    """``trig:2`` → ("trig", 2); None for a skill this version does not know."""
    kind, _, level = skill.rpartition(":")
    if kind not in TYPES or level not in ("1", "2", "3"):
        return None
    return kind, int(level)
