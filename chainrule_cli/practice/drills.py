"""Drills aimed at your own mistakes: which problems invite a slip, which to replay.

``invites(problem, code)`` asks the rule tree, never a hand-written table: a
problem invites a slip when ``mistakes.mistakes`` builds that slip's derivative
for it and the result is a different answer (at the checker's own sample points,
or at the problem's point). ``forgot_inner_derivative`` therefore picks problems
whose inner derivative is not 1, ``power_not_reduced`` only problems with a
power layer, and so on. ``constant_factor`` has no candidate of its own (the
checker finds it by ratio): a problem invites it when one of its slips would
change the answer by a constant factor only, as dropping the 3 of sin(3x) does.

``replay(store, bank)`` is what ``quiz --missed`` asks: the problems whose
latest attempt was missed, revealed or skipped, or right only after a wrong
try (``stats.needs_replay`` reads the tries), oldest first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from chainrule_cli.bank.load import Bank, Problem
from chainrule_cli.kinds import GRAPH_TYPES

if TYPE_CHECKING:
    from chainrule_cli.maths.analysis import Analysis
    from chainrule_cli.maths.checking import Mistake
    from chainrule_cli.progress.store import Attempt, Store

#: The most seconds spent deciding which slips one problem invites.
BUDGET_S = 2.0
#: The slip found by its ratio to the right derivative, not by a candidate.
RATIO_CODE = "constant_factor"


def codes() -> tuple[str, ...]:
    """Every mistake code the checkers can name (``mistakes.MISTAKES``, then the tree's
    and implicit differentiation's ``judge.TREE_MISTAKES``, then backprop by hand's
    ``byhand.MISTAKES``)."""
    from chainrule_cli.graph.byhand import MISTAKES as BACKPROP_MISTAKES
    from chainrule_cli.graph.treeslips import TREE_MISTAKES
    from chainrule_cli.maths.checking import MISTAKES

    return tuple(dict.fromkeys((*MISTAKES, *TREE_MISTAKES, *BACKPROP_MISTAKES)))


def invites(problem: Problem, code: str) -> bool:
    """Whether this problem invites the slip ``code`` (see the module docstring)."""
    return code in slips(problem)


def slips(problem: Problem) -> frozenset[str]:
    """The mistake codes that would give a wrong answer to this problem."""
    if problem.graph:
        return _graph_slips(problem)
    return _slips(problem.expression, problem.variable, problem.at)


@functools.lru_cache(maxsize=512)
def _graph_slips(problem: Problem) -> frozenset[str]:
    """A graph type's slips, from its tree or equation (``graph.problems.invited``)."""
    from chainrule_cli.graph.problems import invited
    from chainrule_cli.limits import attempt

    return attempt(BUDGET_S, lambda: invited(problem), frozenset())


@functools.lru_cache(maxsize=2048)
def _slips(expression: str, variable: str, at: str | None) -> frozenset[str]:
    from chainrule_cli.limits import attempt

    return attempt(BUDGET_S, lambda: _find_slips(expression, variable, at), frozenset())


def _find_slips(expression: str, variable: str, at: str | None) -> frozenset[str]:
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.equivalence import Sampler, constant_ratio, numerically_equal
    from chainrule_cli.maths.mistakes import mistakes
    from chainrule_cli.maths.numeric import float_function

    try:
        analysis = analyse(expression, variable)
    except (ChainruleError, RecursionError):
        return frozenset()
    x = analysis.variable
    candidates = mistakes(analysis)
    if at is not None:
        return _slips_at(analysis, candidates, at)
    points = Sampler(analysis).points
    if len(points) < 2:
        return frozenset()
    expected = float_function(analysis.derivative, x)
    found: set[str] = set()
    for mistake in candidates:
        try:
            wrong = float_function(mistake.derivative, x)
        except (TypeError, ValueError, SyntaxError):
            continue
        if numerically_equal(expected, wrong, points):
            continue  # the slip changes nothing here: no trap to fall into
        found.add(mistake.code)
        ratio = constant_ratio(expected, wrong, points)
        if ratio is not None and ratio != 0 and not math.isclose(abs(ratio), 1.0, rel_tol=1e-6):
            found.add(RATIO_CODE)
    return frozenset(found)


def _slips_at(analysis: Analysis, candidates: Sequence[Mistake], at: str) -> frozenset[str]:
    """For a slope at a point: slips whose value there differs from the right one."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.maths.values import real_value
    from chainrule_cli.reading.parsing import parse_number

    try:
        point = parse_number(at)
    except ChainruleError:
        return frozenset()
    x = analysis.variable
    right = _number(real_value(analysis.derivative, x, point))
    if right is None:
        return frozenset()
    found: set[str] = set()
    for mistake in candidates:
        wrong = _number(real_value(mistake.derivative, x, point))
        if wrong is None or math.isclose(wrong, right, rel_tol=1e-6, abs_tol=1e-9):
            continue
        found.add(mistake.code)
        if right != 0 and wrong != 0 and not math.isclose(abs(wrong / right), 1.0, rel_tol=1e-6):
            found.add(RATIO_CODE)
    return frozenset(found)


def _number(value: object) -> float | None:
    """A real value from ``real_value`` as a float (None when there is none)."""
    if value is None:
        return None
    try:
        result = complex(value.evalf(30))  # type: ignore[attr-defined]
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None
    return result.real if math.isfinite(result.real) else None


def problem_from(attempt: Attempt) -> Problem | None:
    """A problem no longer in the bank (generated, or from another bank), rebuilt from its attempt.

    Applied problems need their question and rates, and graph types their definitions,
    which attempts do not keep: None for them.
    """
    if attempt.type == "applied" or attempt.type in GRAPH_TYPES:
        return None
    return Problem(
        attempt.problem_id,
        attempt.type,
        attempt.expression,
        attempt.difficulty,
        attempt.at_point,
        generated=True,
    )


def replay(
    store: Store, bank: Bank, types: Sequence[str] = (), difficulty: int | None = None
) -> list[Problem]:
    """Problems whose latest attempt was missed, revealed, skipped or right only after a wrong try, oldest first."""
    from chainrule_cli.progress.stats import to_replay

    by_id = {p.id: p for p in bank.problems}
    out = []
    for attempt in to_replay(store.attempts()):
        problem = by_id.get(attempt.problem_id) or problem_from(attempt)
        if problem is None:
            continue
        if types and problem.type not in types:
            continue
        if difficulty is not None and problem.difficulty != difficulty:
            continue
        out.append(problem)
    return out
