"""What the stored attempts say: mastery per type, streaks, weeks, your mistakes.

Plain functions over ``Attempt`` lists (newest first, as ``Store.attempts``
returns them); ``summary`` is everything ``chainrule stats`` shows, and
``to_replay``, ``recently_missed`` and ``flagged`` say which problems to ask
again. Accuracy
and mastery go by problem (its outcome); mistakes go by try: every wrong try
is a mistake made, even one corrected at the next try.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chainrule_cli.kinds import CHAIN_TYPES, GRAPH_TYPES, TYPES
from chainrule_cli.progress.records import Attempt, Try, parse_time
from chainrule_cli.progress.store import Store

MASTERY_LEVELS = ("not started", "attempted", "familiar", "proficient", "mastered")
#: Mastery looks at this many recent attempts per type, not at a streak.
WINDOW = 10
#: "Your mistakes" counts the mistakes named in this many latest answers (tries).
MISTAKE_WINDOW = 50
#: Missed this many times (and not answered right since): flagged for `solve`.
FLAG_MISSES = 3
#: Outcomes after which a problem is worth replaying (``quiz --missed``).
NOT_RIGHT = ("missed", "revealed", "skipped")


@dataclass
class TypeStats:
    type: str
    attempts: int
    correct: int
    hints: int
    mastery: str
    last: str | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    @property
    def hints_per_problem(self) -> float:
        return self.hints / self.attempts if self.attempts else 0.0


def mastery(recent: Sequence[Attempt]) -> str:
    """Khan-style level from a window of recent attempts (newest first), not a streak.

    attempted → familiar (3+ tries, 60 %+ right) → proficient (5+, 80 %+, some
    difficulty-2+ right) → mastered (proficient, and two difficulty-3 problems
    right without hints). One typo lowers the accuracy a little; it does not reset.
    """
    window = list(recent)[:WINDOW]
    if not window:
        return "not started"
    right = [a for a in window if a.correct]
    accuracy = len(right) / len(window)
    level = "attempted"
    if len(window) >= 3 and accuracy >= 0.6:
        level = "familiar"
    if len(window) >= 5 and accuracy >= 0.8 and any(a.difficulty >= 2 for a in right):
        level = "proficient"
        clean_hard = [a for a in right if a.difficulty >= 3 and a.hints == 0 and a.mode != "guided"]
        if len(clean_hard) >= 2:
            level = "mastered"
    return level


def type_stats(attempts: Sequence[Attempt]) -> list[TypeStats]:
    """One line per type, from attempts newest first (a graph type only once practised)."""
    out = []
    for kind in TYPES:
        history = [a for a in attempts if a.type == kind]
        if not history and kind in GRAPH_TYPES:
            continue
        out.append(
            TypeStats(
                type=kind,
                attempts=len(history),
                correct=sum(a.correct for a in history),
                hints=sum(a.hints for a in history),
                mastery=mastery(history),
                last=history[0].answered_at if history else None,
            )
        )
    return out


def streak(days_practised: Iterable[date], today: date) -> int:
    """Consecutive days with practice, ending today (or yesterday, if not yet today)."""
    days = set(days_practised)
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


def weekly_accuracy(
    attempts: Sequence[Attempt], today: date, weeks: int = 8
) -> list[tuple[str, int, float]]:
    """(week starting, attempts, accuracy) for the last ``weeks`` weeks, oldest first."""
    start_this_week = today - timedelta(days=today.weekday())
    days = [(_day(a.answered_at), a.correct) for a in attempts]
    out = []
    for back in range(weeks - 1, -1, -1):
        start = start_this_week - timedelta(weeks=back)
        end = start + timedelta(weeks=1)
        inside = [correct for day, correct in days if start <= day < end]
        accuracy = sum(inside) / len(inside) if inside else 0.0
        out.append((start.isoformat(), len(inside), accuracy))
    return out


def tries_newest_first(attempts: Sequence[Attempt]) -> list[Try]:
    """Every try of these attempts (newest first), the latest try first."""
    return [t for a in attempts for t in reversed(a.all_tries())]


#: Verdicts that are not the learner's slip: the algebra could not confirm a form.
NOT_SLIPS = frozenset({"unconfirmed"})
#: Slips named by the checker that no problem can be chosen to drill.
UNDRILLABLE = frozenset({"rounding"})


def drill_for(counts: dict[str, int]) -> str | None:
    """The commonest slip that ``quiz --mistake`` can drill, if any."""
    return next((code for code in counts if code not in UNDRILLABLE), None)


def by_mistake(attempts: Sequence[Attempt], window: int = MISTAKE_WINDOW) -> dict[str, int]:
    """Mistake code → how many of the latest ``window`` tries named it, most first.

    Every wrong try counts: forgetting the inner derivative twice and then
    getting it right is two forgotten inner derivatives.
    """
    latest = tries_newest_first(attempts)[:window]
    counts = Counter(
        t.mistake for t in latest if t.mistake and not t.correct and t.mistake not in NOT_SLIPS
    )
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _day(stamp: str) -> date:
    when = parse_time(stamp)
    assert when is not None  # attempts are validated when read
    return when.astimezone().date()


# -- what to ask again ---------------------------------------------------------------------------
def needs_replay(attempt: Attempt) -> bool:
    """Missed, revealed or skipped, or right only after a wrong try."""
    if not attempt.correct:
        return attempt.outcome in NOT_RIGHT
    return any(not t.correct for t in attempt.all_tries())


def _latest_per_problem(newest_first: Sequence[Attempt]) -> list[Attempt]:
    """The latest attempt of each problem, newest first."""
    seen: set[str] = set()
    out = []
    for a in newest_first:
        if a.problem_id not in seen:
            seen.add(a.problem_id)
            out.append(a)
    return out


def recently_missed(attempts: Sequence[Attempt], days: int = 14) -> list[str]:
    """Problem ids whose latest attempt in the last ``days`` was not right, most recent first."""
    since = datetime.now(UTC) - timedelta(days=days)
    latest = _latest_per_problem(attempts)
    recent = [a for a in latest if (parse_time(a.answered_at) or since) > since]
    return [a.problem_id for a in recent if not a.correct]


def to_replay(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The latest attempt of each problem not answered right at the first try since, oldest first.

    Missed, revealed and skipped problems, and problems got right only after a
    wrong try (a slip corrected is still a slip): what ``quiz --missed`` asks again.
    """
    latest = _latest_per_problem(attempts)
    return [a for a in reversed(latest) if needs_replay(a)]


def flagged(attempts: Sequence[Attempt]) -> list[tuple[str, str, int]]:
    """(problem id, expression, misses) for problems missed many times and not right since."""
    misses: dict[str, int] = {}
    for a in attempts:
        if not a.correct:
            misses[a.problem_id] = misses.get(a.problem_id, 0) + 1
    out = [
        (a.problem_id, a.expression, misses[a.problem_id])
        for a in _latest_per_problem(attempts)
        if not a.correct and misses.get(a.problem_id, 0) >= FLAG_MISSES
    ]
    out.sort(key=lambda item: -item[2])
    return out


# -- everything `stats` shows --------------------------------------------------------------------
def summary(store: Store, today: date | None = None) -> dict[str, Any]:
    """Everything ``stats`` shows, as plain data (``stats --json`` prints it)."""
    day = today or datetime.now().astimezone().date()
    everything = store.attempts()
    by_type = type_stats(everything)
    missed_often = flagged(everything)
    unreadable = store.check_all()
    tries = len(tries_newest_first(everything))
    return {
        "attempts": len(everything),
        "correct": sum(a.correct for a in everything),
        "tries": tries,
        "streak": streak((_day(a.answered_at) for a in everything), day),
        "by_type": {
            t.type: {
                "attempts": t.attempts,
                "correct": t.correct,
                "accuracy": round(t.accuracy, 3),
                "hints_per_problem": round(t.hints_per_problem, 2),
                "mastery": t.mastery,
                "last_practised": t.last,
            }
            for t in by_type
        },
        "weekly": [
            {"week": week, "attempts": n, "accuracy": round(acc, 3)}
            for week, n, acc in weekly_accuracy(everything, day)
        ],
        "by_mistake": by_mistake(everything),
        "mistake_window": min(MISTAKE_WINDOW, tries),
        "flagged": [{"id": pid, "expression": expr, "misses": n} for pid, expr, n in missed_often],
        "unreadable": unreadable,
    }


def type_weights(store: Store) -> dict[str, float]:
    """For an adaptive quiz: weaker types (lower recent accuracy, fewer tries) weigh more."""
    everything = store.attempts()
    weights = {}
    for kind in CHAIN_TYPES:
        recent = [a for a in everything if a.type == kind][:WINDOW]
        if not recent:
            weights[kind] = 2.0
            continue
        accuracy = sum(a.correct for a in recent) / len(recent)
        weights[kind] = 1.0 + 2.0 * (1.0 - accuracy)
    return weights
