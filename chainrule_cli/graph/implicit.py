"""Implicit differentiation: F(x, y) = G(x, y) with y = y(x), the chain rule on a tree.

``Implicit.from_text("x^2 + y^2 = 25")`` differentiates both sides with respect
to x, y being a function of x: each term's derivative is its ∂/∂x plus its
∂/∂y times dy/dx (where the chain rule puts each dy/dx factor), then the dy/dx
terms are collected on one side and solved for. The shortcut
dy/dx = −F_x/F_y, with F = left − right, is the same result seen as a tree:
F → x directly and F → y → x, so dF/dx = F_x + F_y·dy/dx = 0.

A point must be on the curve: ``point`` refuses one that is not, and says by
how much it misses. ``check`` judges an answer in x and y: exact algebra, or
(for a polynomial curve) a difference that vanishes on the curve, accepts;
numbers on the curve may only reject; ``forgot_dy_dx`` is named when the
answer is what dropping the chain-rule factor dy/dx from a y term gives.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import ChainruleError, DomainError, InputError
from chainrule_cli.reading.equations import Read, read_equation, symbol_for

if TYPE_CHECKING:
    from chainrule_cli.maths.checking import Verdict


@dataclass(frozen=True)
class TermStep:
    """One term of a side, differentiated with y = y(x): ``x_part`` + ``y_part``·dy/dx."""

    term: Any
    x_part: Any
    y_part: Any


@dataclass(eq=False)
class Implicit:
    """An equation in x and y with y = y(x); build it with ``from_text``."""

    text: str
    left: Any
    right: Any
    #: Both sides as typed (unevaluated), for showing.
    written: tuple[Any, Any] = (None, None)

    @classmethod
    def from_text(cls, text: str) -> Implicit:
        """Read ``x^2 + y^2 = 25``; refuse other variables than x and y, or no y."""
        left, right = read_equation(text)
        _only_x_and_y(text, left, right)
        return cls(text, left.expr, right.expr, (left.written, right.written))

    @property
    def x(self) -> Any:
        return symbol_for("x")

    @property
    def y(self) -> Any:
        return symbol_for("y")

    @property
    def dydx(self) -> Any:
        """The symbol that stands for dy/dx in the steps."""
        import sympy as sp

        return sp.Symbol("dy/dx")

    @functools.cached_property
    def F(self) -> Any:
        """F = left − right: the equation is F(x, y) = 0."""
        return self.left - self.right

    @functools.cached_property
    def F_x(self) -> Any:
        return self.F.diff(self.x)

    @functools.cached_property
    def F_y(self) -> Any:
        return self.F.diff(self.y)

    def side_steps(self, side: Any) -> list[TermStep]:
        """Each term of one side differentiated with y = y(x)."""
        import sympy as sp

        return [
            TermStep(term, term.diff(self.x), term.diff(self.y)) for term in sp.Add.make_args(side)
        ]

    def differentiated(self, side: Any) -> Any:
        """d/dx of one side, with the dy/dx factors as the symbol ``dydx``."""
        return side.diff(self.x) + side.diff(self.y) * self.dydx

    @functools.cached_property
    def derivative(self) -> Any:
        """dy/dx = −F_x/F_y, in a clean form (factored, nothing rewritten)."""
        from chainrule_cli.maths.analysis import clean_form

        if self.F_y == 0:
            raise ChainruleError(
                "this equation does not involve y after all (∂F/∂y = 0): dy/dx is undefined"
            )
        return clean_form(-self.F_x / self.F_y)

    # -- a point ---------------------------------------------------------------------------
    def point(self, at: dict[str | None, Any]) -> dict[str, Any]:
        """``--at x=3,y=4`` checked: both given, and on the curve (else ``DomainError``
        that says by how much the point misses)."""
        from chainrule_cli.printing.mathtext import show

        if None in at or set(at) != {"x", "y"}:
            raise ChainruleError("--implicit needs the point as x=…,y=…, on the curve")
        values = {self.x: at["x"], self.y: at["y"]}
        miss = self.F.xreplace(values)
        if miss != 0:
            left, right = self.left.xreplace(values), self.right.xreplace(values)
            raise DomainError(
                f"(x, y) = ({show(at['x'])}, {show(at['y'])}) is not on the curve: "
                f"the left side is {show(left)} there and the right side {show(right)}, "
                f"a miss of {show(abs(miss))}"
            )
        if self.F_y.xreplace(values) == 0:
            raise DomainError(
                f"at ({show(at['x'])}, {show(at['y'])}) ∂F/∂y = 0: the curve has no slope "
                "dy/dx there (a vertical tangent or a singular point)"
            )
        return {"x": at["x"], "y": at["y"]}

    def value(self, point: dict[str, Any]) -> Any:
        from chainrule_cli.maths.values import nice_value

        return nice_value(self.derivative.xreplace({self.x: point["x"], self.y: point["y"]}))

    def to_json(self, point: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``solve --implicit --json`` contract."""
        return {
            "equation": self.text,
            "F": str(self.F),
            "F_x": str(self.F_x),
            "F_y": str(self.F_y),
            "derivative": str(self.derivative),
            "at": None if point is None else {n: str(v) for n, v in point.items()},
            "value": None if point is None else str(self.value(point)),
        }

    # -- wrong answers -------------------------------------------------------------------------
    def forgot_dy_dx(self) -> list[Any]:
        """dy/dx as solved when the factor dy/dx is dropped from one y term (or from all
        but the terms where y meets x in a product, when that leaves dy/dx to solve for)."""
        import sympy as sp

        out: list[Any] = []
        steps = [*self.side_steps(self.left), *(self._negated(self.right))]
        for i, step in enumerate(steps):
            if step.y_part == 0:
                continue
            a = sum((s.x_part for s in steps), sp.Integer(0)) + step.y_part
            b = sum((s.y_part for j, s in enumerate(steps) if j != i), sp.Integer(0))
            if b != 0:
                out.append(-a / b)
        return out

    def _negated(self, side: Any) -> list[TermStep]:
        return [TermStep(-s.term, -s.x_part, -s.y_part) for s in self.side_steps(side)]

    # -- judging -------------------------------------------------------------------------------
    def check(
        self, text: str, point: dict[str, Any] | None = None, unicode: bool = True
    ) -> Verdict:
        """The verdict on an answer for dy/dx (an expression in x and y, or a number at a point)."""
        from chainrule_cli.maths.checking import (
            UNCONFIRMED,
            UNCONFIRMED_TEXT,
            Verdict,
            symbolically_equal,
        )
        from chainrule_cli.maths.precision import judge
        from chainrule_cli.printing.mathtext import show
        from chainrule_cli.reading.equations import read_expression

        read = read_expression(text)
        for name in read.names:
            if name not in ("x", "y"):
                raise InputError(
                    f"{name} is not a variable here: write dy/dx in x and y", text, text.find(name)
                )
        answer, read_as = read.expr, show(read.expr, unicode=unicode)
        expected = self.derivative
        if point is not None and not answer.free_symbols:
            value = self.value(point)
            if judge(answer, read.tree, value):
                return Verdict(
                    True,
                    value,
                    answer,
                    read_as,
                    None,
                    f"dy/dx = {show(value, unicode=unicode)} here",
                    "exact",
                )
            at = {self.x: point["x"], self.y: point["y"]}
            upside = (-self.F_y / self.F_x).xreplace(at)
            if upside.is_finite and judge(answer, read.tree, upside):
                return Verdict(
                    False,
                    value,
                    answer,
                    read_as,
                    "wrong_variable",
                    "that is dx/dy (−F_y/F_x), upside down: dy/dx = −F_x/F_y",
                    "exact",
                )
            for wrong in self.forgot_dy_dx():
                try:
                    if judge(answer, read.tree, wrong.xreplace(at)):
                        return Verdict(
                            False,
                            value,
                            answer,
                            read_as,
                            "forgot_dy_dx",
                            self._forgot_text(),
                            "exact",
                        )
                except (TypeError, ValueError):
                    continue
            return Verdict(False, value, answer, read_as, None, "not dy/dx at this point", "exact")
        points = self._curve_points()
        if _differ(expected, answer, points, self):
            for wrong in self.forgot_dy_dx():
                if not _differ(wrong, answer, points, self):
                    return Verdict(
                        False, expected, answer, read_as, "forgot_dy_dx", self._forgot_text()
                    )
            if not _differ(-self.F_y / self.F_x, answer, points, self):
                return Verdict(
                    False,
                    expected,
                    answer,
                    read_as,
                    "wrong_variable",
                    "that is dx/dy (−F_y/F_x), upside down: dy/dx = −F_x/F_y",
                )
            return Verdict(
                False,
                expected,
                answer,
                read_as,
                None,
                "not dy/dx: differentiate both sides, then solve for dy/dx",
            )
        if symbolically_equal(expected, answer) or self._on_curve(expected - answer):
            return Verdict(
                True,
                expected,
                answer,
                read_as,
                None,
                f"dy/dx = {show(expected, unicode=unicode)}",
                "symbolic",
            )
        return Verdict(False, expected, answer, read_as, UNCONFIRMED, UNCONFIRMED_TEXT, UNCONFIRMED)

    def _forgot_text(self) -> str:
        return (
            "a y term was differentiated as if y were a constant's variable: "
            "y is a function of x, so the chain rule puts a factor dy/dx on it (d/dx y² = 2y·dy/dx)"
        )

    def _on_curve(self, difference: Any) -> bool:
        """Exact: the difference is 0 wherever F = 0 (its numerator is in F's ideal)."""
        import sympy as sp

        from chainrule_cli.limits import attempt

        def decide() -> bool:
            numerator = sp.numer(sp.together(difference))
            f_num = sp.numer(sp.together(self.F))
            if not (
                numerator.is_polynomial(self.x, self.y) and f_num.is_polynomial(self.x, self.y)
            ):
                return False
            _, remainder = sp.reduced(sp.expand(numerator), [sp.expand(f_num)], self.x, self.y)
            return bool(remainder == 0)

        return attempt(0.5, decide, False)

    @functools.cached_property
    def _points(self) -> list[tuple[float, float]]:
        return self._find_points()

    def _curve_points(self) -> list[tuple[float, float]]:
        return self._points

    def _find_points(self) -> list[tuple[float, float]]:
        """Points on the curve where F_y ≠ 0: for a few x, the real roots in y (all of them
        for a polynomial curve, else those Newton's method finds from a few starts)."""
        import mpmath
        import sympy as sp

        from chainrule_cli.limits import attempt

        xs = (0.3, -1.1, 1.3, 2.3, -0.37, 0.7, 3.6, -3.1, 5.2, -1.9, 4.4, -4.7)
        f_num = sp.numer(sp.together(self.F))
        polynomial = bool(f_num.is_polynomial(self.x, self.y))
        f = sp.lambdify((self.x, self.y), self.F, modules="mpmath")
        f_y = sp.lambdify((self.x, self.y), self.F_y, modules="mpmath")

        def roots(x0: float) -> list[float]:
            if polynomial:
                poly = sp.Poly(f_num.xreplace({self.x: sp.Rational(str(x0))}), self.y)
                if poly.degree() < 1:
                    return []
                return [
                    float(sp.re(r))
                    for r in poly.nroots(n=15, maxsteps=100)
                    if abs(sp.im(r)) < 1e-12
                ]
            found: list[float] = []
            for start in (0.5, -0.5, 1.5, -1.5, 3.0):
                try:
                    y0 = mpmath.findroot(lambda y: f(x0, y), start)
                except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                    continue
                if abs(mpmath.im(y0)) < 1e-12 and abs(f(x0, mpmath.re(y0))) < 1e-12:
                    found.append(float(mpmath.re(y0)))
            return found

        def find() -> list[tuple[float, float]]:
            points: list[tuple[float, float]] = []
            for x0 in xs:
                for y0 in roots(x0):
                    try:
                        if abs(complex(f_y(x0, y0))) > 1e-6 and (x0, y0) not in points:
                            points.append((x0, y0))
                    except (TypeError, ValueError, ZeroDivisionError):
                        continue
                if len(points) >= 6:
                    break
            return points

        return attempt(3.0, find, [])


def _differ(a: Any, b: Any, points: list[tuple[float, float]], imp: Implicit) -> bool:
    """True when a and b are different numbers at a point on the curve."""
    import math

    import sympy as sp

    for x0, y0 in points:
        try:
            va = complex(sp.N(a.xreplace({imp.x: x0, imp.y: y0})))
            vb = complex(sp.N(b.xreplace({imp.x: x0, imp.y: y0})))
        except (TypeError, ValueError):
            continue
        if not (math.isfinite(va.real) and math.isfinite(vb.real)):
            continue
        if not math.isclose(va.real, vb.real, rel_tol=1e-9, abs_tol=1e-12):
            return True
    return False


def _only_x_and_y(text: str, left: Read, right: Read) -> None:
    names = [*left.names, *(n for n in right.names if n not in left.names)]
    for name in names:
        if name not in ("x", "y"):
            raise InputError(
                f"{name}: --implicit reads an equation in x and y (y = y(x))",
                text,
                text.find(name),
            )
    if "y" not in names:
        raise InputError("the equation has no y: --implicit finds dy/dx for y = y(x)", text, 0)
