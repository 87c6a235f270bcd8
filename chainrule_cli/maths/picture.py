"""The data behind the pictures: each layer's graph near the point, with its tangent.

The chapter draws the inner function on the left, the outer on the right, and
a dot moving along the chain while rates multiply. ``panels`` computes that
picture as plain numbers (samples, the point, the tangent's slope and segment)
from the rule tree; ``plots.py`` draws it. Keeping the numbers here means they
are tested without a terminal: each tangent's slope is the layer's derivative
at the point, and the last panel's slope is their product.

Ranges are chosen around the point and clipped where a function is undefined
or shoots off (ln near 0, tan near its asymptotes): undefined samples split
the curve into pieces, and values far outside the typical range are dropped.
Where the values are too large for a float (e^(x²) past x ≈ 26.6), the panel
says so in its ``note`` instead of silently drawing less, or nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from chainrule_cli.errors import DomainError
from chainrule_cli.maths.analysis import Analysis, spine
from chainrule_cli.maths.explain import chain_letters
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.rules import Scaled
from chainrule_cli.maths.values import real_value
from chainrule_cli.printing.mathtext import show

SAMPLES = 161
DEFAULT_HALF_WIDTH = 2.0


@dataclass
class Panel:
    """One graph: y = f(t) for t near t0, its tangent at t0, in words and numbers."""

    title: str  # "u = 3x + 1"
    variable: str  # the horizontal axis: x, u, v …
    output: str  # the vertical axis: u, y …
    t0: float
    y0: float
    slope: float
    pieces: list[list[tuple[float, float]]] = field(default_factory=list)
    low: float = 0.0
    high: float = 0.0
    ylow: float = 0.0
    yhigh: float = 0.0
    note: str = ""  # why part of the graph (or all of it) is not drawn

    def tangent(self) -> list[tuple[float, float]]:
        """The tangent segment across the panel, clipped to its vertical range."""
        points = []
        for t in (self.low, self.t0, self.high):
            points.append((t, self.y0 + self.slope * (t - self.t0)))
        return points


def panels(
    analysis: Analysis, at: float, span: tuple[float, float] | None = None, unicode: bool = True
) -> list[Panel]:
    """Inner and outer of each layer of the main chain (innermost first), then the
    composite. For an expression that is not a chain, the function alone.

    Every curve and slope comes from the rule tree: the inner function and its
    derivative, each outer function and its table derivative f′(u).
    """
    import sympy as sp

    x = analysis.variable
    if real_value(analysis.expr, x, sp.nsimplify(at)) is None:
        raise DomainError(f"{x} = {at:g} is outside the domain of the function")
    tree = analysis.tree
    layers = [layer for layer in spine(tree) if not layer.trivial]
    pairs = chain_letters(tree)
    low, high = span if span else (at - DEFAULT_HALF_WIDTH, at + DEFAULT_HALF_WIDTH)
    out: list[Panel] = []
    if layers:
        innermost = layers[-1]
        name = pairs[0][0]
        out.append(
            _panel(
                f"{name} = {show(innermost.g.written, unicode, False)}",
                x.name,
                name,
                innermost.g.expr,
                innermost.g.derivative,
                x,
                at,
                low,
                high,
            )
        )
        u = sp.Symbol("u", real=True)
        scale = (
            tree.factor if isinstance(tree, Scaled) and tree.body is layers[0] else sp.Integer(1)
        )
        # Walk outward: layers[-1] is innermost, layers[0] the top.
        for index, layer in enumerate(reversed(layers)):
            previous, _ = pairs[index]
            output, definition = pairs[index + 1]
            factor = scale if layer is layers[0] else sp.Integer(1)
            t0 = out[-1].y0
            width = max(1.0, min(abs(out[-1].slope) * (high - low) / 2, 50.0))
            out.append(
                _panel(
                    f"{output} = {show(definition, unicode, False)}",
                    previous,
                    output,
                    factor * layer.o.form,
                    factor * layer.o.derivative,
                    u,
                    t0,
                    t0 - width,
                    t0 + width,
                )
            )
    out.append(
        _panel(
            f"y = {show(tree.written, unicode, False)}",
            x.name,
            "y",
            tree.expr,
            tree.derivative,
            x,
            at,
            low,
            high,
        )
    )
    return out


def _panel(
    title: str,
    variable: str,
    output: str,
    expr: Any,
    derivative: Any,
    symbol: Any,
    t0: float,
    low: float,
    high: float,
) -> Panel:
    f = float_function(expr, symbol)
    df = float_function(derivative, symbol)
    try:
        y0 = f(t0)
        slope = df(t0)
    except Undefined:
        raise DomainError(f"the graph of {title} is undefined at {variable} = {t0:g}") from None
    pieces: list[list[tuple[float, float]]] = [[]]
    overflow: list[float] = []
    for i in range(SAMPLES):
        t = low + (high - low) * i / (SAMPLES - 1)
        try:
            y = f(t)
            if abs(y) > HUGE:
                raise Undefined("math range error")
        except Undefined as exc:
            if "range" in str(exc):  # OverflowError: "math range error", "out of range"
                overflow.append(t)
            if pieces[-1]:
                pieces.append([])
            continue
        pieces[-1].append((t, y))
    pieces = [p for p in pieces if len(p) > 1]
    ylow, yhigh = _y_range([y for piece in pieces for _, y in piece], y0, slope, high - low)
    clipped: list[list[tuple[float, float]]] = []
    for piece in pieces:
        current: list[tuple[float, float]] = []
        for t, y in piece:
            if ylow <= y <= yhigh:
                current.append((t, y))
            else:
                if len(current) > 1:
                    clipped.append(current)
                current = []
        if len(current) > 1:
            clipped.append(current)
    note = _overflow_note(title, variable, overflow, low, high, drawn=bool(clipped))
    return Panel(title, variable, output, t0, y0, slope, clipped, low, high, ylow, yhigh, note)


#: Values beyond this are too large to draw among the others (a float overflows at 1.8e308).
HUGE = 1e100


def _overflow_note(
    title: str, variable: str, overflow: list[float], low: float, high: float, drawn: bool
) -> str:
    """Why some of the graph is missing: its values overflow (beyond 10¹⁰⁰) there."""
    if not overflow:
        return ""
    where = (
        f"for {variable} ≥ {_short(min(t for t in overflow if t >= 0))}"
        if all(t >= 0 for t in overflow)
        else f"for {variable} ≤ {_short(max(overflow))}"
        if all(t <= 0 for t in overflow)
        else f"for part of {_short(low)} ≤ {variable} ≤ {_short(high)}"
    )
    if not drawn:
        return f"too large to draw {where}: try a narrower --range"
    return f"not drawn {where}: too large"


def _short(value: float) -> str:
    return f"{value:.4g}".replace("-", "−")


def _y_range(values: list[float], y0: float, slope: float, width: float) -> tuple[float, float]:
    """A vertical range that shows the curve near the point and drops what shoots off."""
    values = [v for v in values if abs(v) <= HUGE]
    if not values:
        return y0 - 1, y0 + 1
    ordered = sorted(values)
    lo = ordered[int(0.05 * (len(ordered) - 1))]
    hi = ordered[int(0.95 * (len(ordered) - 1))]
    spread = max(hi - lo, abs(slope) * width / 2, 1e-6)
    lo, hi = min(lo, y0) - 0.25 * spread, max(hi, y0) + 0.25 * spread
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return y0 - 1, y0 + 1
    return lo, hi
