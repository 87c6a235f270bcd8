"""Numbers at points: the slope and each layer's values at x = a, where a function
is real at all, and the chapter's "check with numbers".

Exact values come from ``values.real_value`` (bounded in size and time); floats
come from ``numeric.float_function``. The check with numbers is honest: it is a
central difference with a step scaled to the point, it says which step it
used, and it shows ✓ only when the numbers it prints agree.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import DomainError
from chainrule_cli.limits import attempt
from chainrule_cli.maths.analysis import Analysis
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.values import nice_value, real_value

if TYPE_CHECKING:
    import sympy

    from chainrule_cli.maths.explain import Layer, Step

#: Where random sample points are drawn, in order: the usual window first, then
#: positive and small ranges (ln, roots), then wider ones, so a function defined
#: only far out (√(x − 100)) still gets points.
RANGES = (
    (-3.0, 3.0),
    (0.05, 3.0),
    (-0.95, 0.95),
    (0.05, 0.95),
    (1.05, 5.0),
    (-10.0, 10.0),
    (5.0, 50.0),
    (-50.0, -5.0),
    (50.0, 1000.0),
    (-1000.0, -50.0),
)
#: The check with numbers is not shown beyond this |x|: floating point cannot
#: resolve a small step there.
CHECK_LIMIT = 1e6
#: Significant figures the check with numbers prints (and must agree to).
CHECK_FIGURES = 4


def sample_points(
    functions: list[Callable[[float], float]], seed: str, count: int, tries: int = 60
) -> list[float]:
    """Up to ``count`` random points where every function is real and finite.

    Seeded, so the same problem is always probed at the same points.
    """
    rng = random.Random(seed)
    points: list[float] = []
    for low, high in RANGES:
        for _ in range(tries):
            v = rng.uniform(low, high)
            try:
                for f in functions:
                    f(v)
            except Undefined:
                continue
            points.append(v)
            if len(points) >= count:
                return points
    return points


def require_real(analysis: Analysis) -> None:
    """Refuse a function with no real value anywhere (``ln(−x² − 1)``, ``√(−4)``, ``1/0``).

    A constant is fine if it is a real number (the derivative of 5 is 0). For
    the rest, random points are tried first; when none is real, SymPy's
    ``continuous_domain`` decides (under a time limit).
    """
    import sympy as sp

    x = analysis.variable
    expr = analysis.expr
    text = analysis.text
    if x not in expr.free_symbols:
        value = attempt(1.0, lambda: complex(sp.N(expr)), None)
        if value is None or not math.isfinite(value.real) or abs(value.imag) > 1e-12:
            raise DomainError(f"{text} has no real value")
        return
    f = float_function(expr, x)
    if sample_points([f], str(expr), 1, tries=30):
        return
    domain = attempt(1.5, lambda: sp.calculus.util.continuous_domain(expr, x, sp.S.Reals), None)
    if domain is sp.S.EmptySet:
        raise DomainError(f"{text} has no real value for any real {x}")


@dataclass
class LayerValues:
    """The numbers along one layer at x = a: g(a), c·f′(g(a)), g′(a) and their product."""

    layer: Layer
    inner: Any
    outer_derivative: Any
    inner_derivative: Any

    @property
    def product(self) -> sympy.Expr:
        return nice_value(self.outer_derivative * self.inner_derivative)

    def as_dict(self) -> dict[str, Any]:
        return {
            "inner": self.inner,
            "outer_derivative": self.outer_derivative,
            "inner_derivative": self.inner_derivative,
            "product": self.product,
        }


def values_at(
    analysis: Analysis, at: sympy.Expr, steps: list[Step]
) -> tuple[sympy.Expr, list[LayerValues]]:
    """The slope at x = at and the numbers along each real layer of ``steps``.

    Raises DomainError when the function or its derivative is undefined there,
    and TooLarge when a value is too large to compute exactly.
    """
    from chainrule_cli.maths.explain import layers

    x = analysis.variable
    if real_value(analysis.expr, x, at) is None:
        raise DomainError(f"{x} = {at} is outside the domain of the function")
    slope = real_value(analysis.derivative, x, at)
    if slope is None:
        raise DomainError(f"the derivative is undefined at {x} = {at}")
    found = []
    for layer in layers(steps):
        if layer.trivial:
            continue
        g = real_value(layer.node.g.expr, x, at)
        dg = real_value(layer.node.inner_derivative, x, at)
        df = real_value(layer.outer_derivative_value, x, at)
        if g is None or dg is None or df is None:
            continue
        found.append(LayerValues(layer, nice_value(g), nice_value(df), nice_value(dg)))
    return nice_value(slope), found


@dataclass
class NumberCheck:
    """The chapter's "check with numbers": move x a little each way and watch y.

    ``rate`` is the central difference (y₊ − y₋)/(2·step). ``coarse`` holds the
    step and rate of a first, larger step that was too coarse for a steep
    function, when a smaller one had to be taken.
    """

    x0: float
    step: float
    y_minus: float
    y_plus: float
    expected: float
    coarse: tuple[float, float] | None = None

    @property
    def rate(self) -> float:
        return (self.y_plus - self.y_minus) / (2 * self.step)

    @property
    def shown(self) -> int:
        """The significant figures the rate and the slope are printed to: CHECK_FIGURES,
        or one or two more where that is where they agree. A slope on a rounding tie
        needs them: 2.8125 prints as 2.812 while every rate a step can give, 2.81250…1,
        prints as 2.813; to 5 figures both are 2.8125."""
        for digits in range(CHECK_FIGURES, CHECK_FIGURES + 3):
            if figures(self.rate, digits) == figures(self.expected, digits):
                return digits
        return CHECK_FIGURES

    @property
    def agrees(self) -> bool:
        """The printed rate and the printed slope are the same number."""
        return figures(self.rate, self.shown) == figures(self.expected, self.shown)


def figures(value: float, digits: int = CHECK_FIGURES) -> str:
    """``value`` to ``digits`` significant figures, as the check prints it."""
    if abs(value) < 1e-9:
        value = 0.0
    return f"{value:.{digits}g}"


def number_check(analysis: Analysis, at: float) -> NumberCheck | None:
    """A central difference at ``at``, with a step scaled to the point.

    The first step is 0.01·max(1, |a|). When its rate does not agree with the
    slope to the printed figures (a steep function), smaller steps are tried,
    and the check remembers the coarse one to say so. None where the function
    is undefined near the point, or the point is too far out to check.
    """
    if not math.isfinite(at) or abs(at) > CHECK_LIMIT:
        return None
    x = analysis.variable
    f = float_function(analysis.expr, x)
    df = float_function(analysis.derivative, x)
    scale = max(1.0, abs(at))
    try:
        slope = df(at)
    except Undefined:
        return None
    if abs(slope) < 1e-12:  # cos(π/2) in floating point is 6e-17: the 0 it is
        slope = 0.0
    first: NumberCheck | None = None
    for exponent in (2, 3, 4, 5, 6):
        step = scale * 10.0**-exponent
        try:
            check = NumberCheck(at, step, f(at - step), f(at + step), slope)
        except Undefined:
            continue
        if first is None:
            first = check
        if check.agrees:
            if check is not first:
                check.coarse = (first.step, first.rate)
            return check
    return first
