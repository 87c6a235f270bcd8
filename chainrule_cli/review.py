"""What ``chainrule review`` asks: recently missed problems first, then due skills.

A skill's review card (``store.cards``) is scheduled by FSRS from what
happened in each attempt; this module only turns "what is due" into problems,
preferring the exact problems the learner got wrong.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from chainrule_cli.bank import Bank, Problem
from chainrule_cli.store import Store, skill_of


def review_deck(
    store: Store, bank: Bank, count: int, seed: int | None = None, now: datetime | None = None
) -> list[Problem]:
    """Up to ``count`` problems: missed-and-due problems first, then one problem per due skill."""
    rng = random.Random(seed)
    due = [skill for skill, _ in store.due_skills(now or datetime.now(UTC))]
    if not due:
        return []
    by_id = {p.id: p for p in bank.problems}
    chosen: list[Problem] = []
    taken: set[str] = set()
    for pid in store.recently_missed():
        problem = by_id.get(pid) or _from_history(store, pid)
        if (
            problem is not None
            and skill_of(problem.type, problem.difficulty) in due
            and pid not in taken
        ):
            chosen.append(problem)
            taken.add(pid)
    rounds = 0
    while len(chosen) < count and rounds < count:
        rounds += 1
        added = False
        for skill in due:
            if len(chosen) >= count:
                break
            kind, level = skill.split(":")
            pool = [p for p in bank.select([kind], int(level)) if p.id not in taken]
            if not pool:
                continue
            problem = rng.choice(pool)
            chosen.append(problem)
            taken.add(problem.id)
            added = True
        if not added:
            break
    return chosen[:count]


def _from_history(store: Store, pid: str) -> Problem | None:
    """A problem no longer in the bank (generated, or from another bank), rebuilt from its attempt."""
    for attempt in store.attempts(limit=500):
        if attempt.problem_id == pid:
            return Problem(
                pid,
                attempt.type,
                attempt.expression,
                attempt.difficulty,
                attempt.at_point,
                generated=True,
            )
    return None
