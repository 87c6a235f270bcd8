"""Checking one problem: it parses, its rule tree agrees with ``sympy.diff``, it needs the
chain rule, its type fits, its point is in the domain; all within a time limit.

``check_problem`` is what validation (``bank.validate``, ``bank.parallel``)
runs for each problem; a problem proven valid before is not checked again
(``bank.valcache``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from chainrule_cli.bank.problem import CHECK_LIMIT, OUT_OF_RANGE, POINT_LIMIT, Problem, clip, short
from chainrule_cli.errors import ChainruleError, InputError


def check_problem(
    problem: Problem, limit: float = CHECK_LIMIT, cached: bool = True, cut_short: bool = False
) -> list[str]:
    """Everything that makes a loaded problem unusable, in words (empty when fine).

    The expression parses; its rule-tree derivative agrees with ``sympy.diff``;
    the chain rule is needed; the type fits the structure; the point lies in the
    domain of the function and its derivative, within ±POINT_LIMIT. All of it
    within ``limit`` seconds: a problem that takes longer is reported as such
    (with ``cut_short``, where the limit is what is left of a bank's budget,
    it is not: ``check_before`` counts the problem as not checked).

    A problem proven valid before is not checked again (``valcache``; pass
    ``cached=False`` to check it all the same); a failure is never remembered.
    """
    from chainrule_cli.bank import valcache

    if not cached:
        return _check_now(problem, limit, cut_short)
    cache = valcache.shared()
    if cache.proven(problem):
        return []
    messages = _check_now(problem, limit, cut_short)
    if not messages:
        cache.add(problem)
    return messages


def check_before(
    problem: Problem,
    deadline: float,
    limit: float = CHECK_LIMIT,
    cached: bool = True,
    clock: Callable[[], float] = time.monotonic,
) -> list[str] | None:
    """``check_problem`` within its own ``limit`` and before ``deadline`` (on ``clock``).

    None when the deadline comes first: the problem is not checked, which is
    not the same as too slow. Only a problem that runs out of its own limit is
    reported as taking too long.
    """
    left = deadline - clock()
    if left <= 0:
        return None
    if left >= limit:
        return check_problem(problem, limit, cached)
    try:
        return check_problem(problem, left, cached, cut_short=True)
    except _CutShort:
        return None


class _CutShort(Exception):
    """The whole bank's budget, not the problem's own limit, ended its check."""


#: How the time limit of one problem's check names it ("Checking this problem took too long").
_CHECKING = "Checking this problem"


def _check_now(problem: Problem, limit: float = CHECK_LIMIT, cut_short: bool = False) -> list[str]:
    """``check_problem`` itself, always worked out; with ``cut_short``, running out of
    ``limit`` raises ``_CutShort`` instead of being reported."""
    from chainrule_cli.errors import TooComplex
    from chainrule_cli.limits import time_limit

    try:
        with time_limit(limit, _CHECKING):
            if problem.graph:
                from chainrule_cli.graph.problems import validate

                return validate(problem)
            if problem.applied:
                return _check_applied(problem)
            return _check_plain(problem)
    except TooComplex as exc:
        if cut_short and str(exc).startswith(_CHECKING):
            raise _CutShort from None
        return [str(exc)]
    except InputError as exc:
        return [f"cannot read the problem: {exc.message}"]
    except ChainruleError as exc:
        return [str(exc)]
    except RecursionError:
        return ["the expression is nested too deeply to work with"]
    except Exception as exc:  # hostile input must be reported, never end the command
        return [
            f"could not be checked ({type(exc).__name__}: {short(str(exc), 80)}): please report it"
        ]


def _check_plain(problem: Problem) -> list[str]:
    import sympy as sp

    from chainrule_cli.maths.analysis import admissible_types, analyse
    from chainrule_cli.maths.numeric import Undefined, float_function
    from chainrule_cli.maths.values import real_value

    shown = clip(problem.expression)
    try:
        analysis = analyse(problem.expression)
    except InputError as exc:
        where = f" (at column {exc.position + 1})" if exc.position is not None else ""
        return [f"cannot read the expression {shown}: {exc.message}{where}"]
    messages = []
    f = float_function(analysis.derivative, analysis.variable)
    if not _agrees_with_numbers(f, float_function(analysis.expr, analysis.variable)):
        oracle = sp.diff(analysis.expr, analysis.variable)
        g = float_function(oracle, analysis.variable)
        agreed = 0
        for v in TEST_POINTS:
            try:
                a, b = f(v), g(v)
            except Undefined:
                continue
            agreed += 1
            if abs(a - b) > 1e-7 * max(1.0, abs(b)):
                messages.append(
                    "the rule tree's derivative disagrees with sympy.diff (a bug: please report it)"
                )
                break
        if agreed == 0:
            messages.append(
                "the derivative has no real value at any test point: check the expression"
            )
    kinds = admissible_types(analysis.tree)
    if not kinds:
        messages.append(
            f"{shown} needs no chain rule (its inner function is just x): "
            "it does not belong in a chain-rule bank"
        )
    elif problem.type not in kinds:
        messages.append(
            f"type {clip(problem.type)} does not match {shown}, which is "
            f"{' or '.join(sorted(kinds))}"
        )
    if problem.at is not None:
        point, trouble = _point("at", problem.at)
        if trouble:
            messages.append(trouble)
        elif real_value(analysis.expr, analysis.variable, point) is None:
            messages.append(f"'at: {short(problem.at, 40)}' is outside the domain of the function")
        elif real_value(analysis.derivative, analysis.variable, point) is None:
            messages.append(f"'at: {short(problem.at, 40)}': the derivative is undefined there")
    return messages


#: Where a problem's derivative is compared with the truth.
TEST_POINTS = (0.37, 0.81, 1.3, 2.2, -0.6, -1.7, 0.05, -2.6, 3.4, -4.2, 5.5, -7.5, 9.1)


def _agrees_with_numbers(
    derivative: Callable[[float], float], function: Callable[[float], float]
) -> bool:
    """Whether the rule tree's derivative is plainly right, from numbers alone.

    True only when, at every test point where the function and its derivative
    have values, the function's numerical slope (``numeric.slope``, with a
    finer step if need be) is defined too and agrees to six figures, at three
    points at least. That settles almost every problem in well under a
    millisecond; anything less (a wildly steep function, a point at the edge of
    the domain, a real disagreement) goes to the exact oracle, ``sympy.diff``,
    which alone may call a derivative wrong: the verdicts are the oracle's.
    """
    from chainrule_cli.maths.numeric import Undefined, slope

    compared = 0
    for v in TEST_POINTS:
        try:
            a = derivative(v)
            function(v)
        except Undefined:
            continue
        for step in (1e-4, 1e-6):
            try:
                b = slope(function, v, step)
            except Undefined:
                return False
            if abs(a - b) <= 1e-6 * max(1.0, abs(a)):
                break
        else:
            return False
        compared += 1
    return compared >= 3


def _point(key: str, text: str) -> tuple[Any, str]:
    """Read a point or rate; the value, or a message saying why it cannot be used."""
    from chainrule_cli.reading.parsing import parse_number

    try:
        value = parse_number(text)
    except InputError as exc:
        return None, f"cannot read '{key}: {short(text, 40)}': {exc.message}"
    try:
        magnitude = abs(float(value))
    except (TypeError, ValueError, OverflowError):
        magnitude = math.inf
    if not magnitude <= POINT_LIMIT:
        return None, f"'{key}: {short(text, 40)}' is too large: it {OUT_OF_RANGE}"
    return value, ""


def _check_applied(problem: Problem) -> list[str]:
    """An applied problem: the quantity parses in its variable, the point is in the
    domain, the rate is a number, and the answer can be worked out."""
    from chainrule_cli.maths.applied import AppliedChecker

    messages = [
        trouble
        for key, text in (("at", problem.at), ("rate", problem.rate))
        if text is not None
        for _, trouble in [_point(key, text)]
        if trouble
    ]
    if messages:
        return messages
    AppliedChecker(problem)
    return []
