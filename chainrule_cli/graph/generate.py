"""Seeded problems for the graph types: a tree diagram (``multivariable``) and an equation
in x and y (``implicit``), with numbers a learner can work out by hand at the point.

``make(kind, difficulty, rng)`` returns a ``Spec`` (plain data: the bank's ``function``,
``where``, ``wrt`` and ``at``); ``practice.generate`` turns it into a problem and
validates it like a bank problem. Hand-computable by construction:

* ``multivariable``: polynomial outer functions with coefficients 1 to 3, inner functions
  of one or two independent variables at small integers (difficulty 1 and 2); at
  difficulty 3, e^…, sin, cos and ln at a point where their argument is 0, or a third
  level (x = u + v, u = s·t);
* ``implicit``: the point is chosen first (small integers) and the right side is the
  left side's value there, so the point is on the curve; ∂F/∂y ≠ 0 is checked by the
  bank's validation. Difficulty 3 puts y inside e^…, sin or ln, at a point where they
  are 0 or 1.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

#: The graph types with a generator.
KINDS = ("multivariable", "implicit")


@dataclass(frozen=True)
class Spec:
    """One generated problem in the bank's schema."""

    function: str
    where: tuple[tuple[str, str], ...]
    wrt: str | None
    at: tuple[tuple[str, str], ...]


def make(kind: str, difficulty: int, rng: random.Random) -> Spec:
    """A candidate problem of ``kind`` (one of ``KINDS``) and ``difficulty`` (1 to 3)."""
    if kind == "multivariable":
        return _multivariable(difficulty, rng)
    if kind == "implicit":
        return _implicit(difficulty, rng)
    raise ValueError(f"no generator for {kind!r}")


# -- multivariable --------------------------------------------------------------------------
_OUTER = ("x^2*y", "x*y^2", "x*y", "x^2 + y^2", "x^2 - y^2", "x^3 + y", "x + y^3", "x^2 + x*y")
_ONE = ("{a}t", "t^2", "t + {a}", "{a}t - 1", "t^3", "t^2 + {a}")
_TWO = ("s*t", "s + t", "s - t", "{a}s + t", "s^2 + t", "s*t^2", "s^2 - t")
#: Difficulty 3: (function, where, wrt or None, the point's choices), with {a}, {b} from 1 to 4;
#: at each point the exponential, sine or logarithm is at 0 (e⁰ = 1, sin 0 = 0, ln 1 = 0).
_TRANSCENDENTAL: tuple[
    tuple[str, tuple[tuple[str, str], ...], str | None, tuple[str, ...]], ...
] = (
    ("z = e^(x*y)", (("x", "s - t"), ("y", "{a}s + {b}t")), "st", ("s=1,t=1", "s=2,t=2")),
    ("z = x*e^y", (("x", "{a}s^2 + t"), ("y", "s*t")), "st", ("s=1,t=0", "s=2,t=0", "s=-1,t=0")),
    ("z = {a}x*y", (("x", "e^({b}t)"), ("y", "cos t")), None, ("t=0",)),
    ("z = x^2*y", (("x", "cos({a}t)"), ("y", "sin({b}t)")), None, ("t=0",)),
    ("z = sin(x*y)", (("x", "s - t"), ("y", "{a}s + {b}t")), "st", ("s=1,t=1", "s=2,t=2")),
    ("z = ln(x + y)", (("x", "s^2"), ("y", "{a}t^2 + {b}t")), "st", ("s=1,t=0", "s=-1,t=0")),
    ("z = {a}x + e^y", (("x", "s*t"), ("y", "s - {b}t")), "st", ("s=0,t=0", "s=2,t=1")),
)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(a=rng.randint(2, 3))


def _multivariable(difficulty: int, rng: random.Random) -> Spec:
    outer = "z = " + _coefficient(rng.choice(_OUTER), rng)
    if difficulty == 1:
        x, y = rng.sample(_ONE, 2)
        t = str(rng.choice((0, 1, 2, -1)))
        return Spec(outer, (("x", _fill(x, rng)), ("y", _fill(y, rng))), None, (("t", t),))
    if difficulty == 2:
        x, y = rng.sample(_TWO, 2)
        wrt = rng.choice(("s", "t"))
        at = (("s", str(rng.choice((1, 2, -1)))), ("t", str(rng.choice((0, 1, 2)))))
        return Spec(outer, (("x", _fill(x, rng)), ("y", _fill(y, rng))), wrt, at)
    if rng.random() < 0.5:
        function, where, wrts, points = rng.choice(_TRANSCENDENTAL)
        a, b = rng.randint(1, 4), rng.randint(1, 4)
        coefficient = _filler(a, b)
        chosen = tuple(
            (name, value)
            for name, value in (pair.split("=") for pair in rng.choice(points).split(","))
        )
        return Spec(
            coefficient(function),
            tuple((name, coefficient(expr)) for name, expr in where),
            rng.choice(wrts) if wrts else None,
            chosen,
        )
    # three levels: x = u + v with u, v of s and t
    u, v = rng.sample(_TWO, 2)
    wrt = rng.choice(("s", "t"))
    at = (("s", str(rng.choice((1, 2)))), ("t", str(rng.choice((0, 1)))))
    y = _fill(rng.choice(("t", "s", "s + t", "{a}t")), rng)
    return Spec(
        outer, (("x", "u + v"), ("u", _fill(u, rng)), ("v", _fill(v, rng)), ("y", y)), wrt, at
    )


def _filler(a: int, b: int) -> Callable[[str], str]:
    """Put a and b in a template, a coefficient 1 left out ({a}x with a = 1 is x)."""

    def fill(template: str) -> str:
        for key, value in (("{a}", a), ("{b}", b)):
            template = template.replace(key, "" if value == 1 else str(value))
        return template

    return fill


def _coefficient(term: str, rng: random.Random) -> str:
    """The outer function, sometimes with a small coefficient on its first term."""
    c = rng.choice((1, 1, 2, 3))
    return term if c == 1 else f"{c}{term}"


# -- implicit -------------------------------------------------------------------------------
_LEFT_1 = ("x^2 + y^2", "x*y", "y^2 + {a}x", "x^2 - y^2", "x^2*y", "x + y^3", "x^2 + {a}y^2")
_LEFT_2 = (
    "x^2 + x*y + y^2",
    "x^3 + y^3",
    "x^2*y + x*y^2",
    "x^2 - x*y + y^2",
    "y^3 + x^2*y",
    "x*y^2 - x^2",
    "x^2*y^2 + y",
    "x^3 + x*y + y^2",
)
#: (left side, the point's choices) where e^…, sin, cos, tan or ln is at 0; {c} multiplies the
#: transcendental term and {a} another one (1 to 4).
_LEFT_3: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("{c}e^y + {a}x^2", ((1, 0), (2, 0), (-1, 0), (3, 0))),
    ("x*e^y + {a}y", ((1, 0), (2, 0), (3, 0))),
    ("{c}sin(y) + {a}x*y + x", ((1, 0), (2, 0), (-1, 0))),
    ("{c}ln(y) + {a}x^2", ((1, 1), (2, 1), (-1, 1))),
    ("{c}e^(x*y) + {a}y", ((0, 1), (0, 2), (0, -1), (0, 3))),
    ("x*cos(y) + {a}y", ((1, 0), (2, 0), (3, 0))),
    ("y*e^x + {a}x^2", ((0, 1), (0, 2), (0, 3), (0, -1))),
    ("{c}sin(x*y) + {a}y", ((0, 1), (0, 2), (0, -1))),
    ("{a}x + {c}tan(y)", ((1, 0), (2, 0), (-1, 0), (3, 0))),
)


def _implicit(difficulty: int, rng: random.Random) -> Spec:
    import sympy as sp

    from chainrule_cli.reading.equations import read_expression, symbol_for

    while True:  # a right side of 0 can make a degenerate curve (xy(x + y) = 0): not asked
        if difficulty == 3:
            template, points = rng.choice(_LEFT_3)
            left = _filler(rng.randint(1, 4), rng.randint(1, 3))(template.replace("{c}", "{b}"))
            x0, y0 = rng.choice(points)
        else:
            left = _coefficient(
                _fill(rng.choice(_LEFT_1 if difficulty == 1 else _LEFT_2), rng), rng
            )
            x0, y0 = rng.choice((1, 2, -1, -2, 3)), rng.choice((1, 2, -1, -2, 3))
        expr = read_expression(left).expr
        values = {symbol_for("x"): sp.Integer(x0), symbol_for("y"): sp.Integer(y0)}
        right = expr.xreplace(values)
        if right != 0:
            break
    right = sp.nsimplify(right) if right.is_Rational else right
    return Spec(f"{left} = {sp.sstr(right)}", (), None, (("x", str(x0)), ("y", str(y0))))
