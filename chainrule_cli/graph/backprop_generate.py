"""Seeded backprop problems whose numbers a student can work by hand.

A template draws a function (with its ``--where`` names) and a point of small
integers; the engine then works the graph, and the draw is kept only when
every forward value, local derivative and gradient is an exact fraction of
modest size, no relu or max sits at its kink, and a sigmoid is only met where
its value is tidy (σ(0) = 1/2, σ′ = 1/4). Otherwise the template draws again.

* difficulty 1: one or two gates (CS231n's (x + y)·z, a max, a relu);
* difficulty 2: a fork, a neuron, a squared loss on a line, CS231n's 2(xy + max(z, w));
* difficulty 3: a neuron with a loss, and a two-layer net with a loss whose
  input fans out to two hidden units (up to a dozen operations).

No SymPy: the engine alone judges what is tidy; the bank's validator
(``graph/backprop_check.py``) proves each problem against ``sympy.diff``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from fractions import Fraction

from chainrule_cli.errors import ChainruleError
from chainrule_cli.graph.compgraph import Graph
from chainrule_cli.graph.engine import Problem

#: The largest |numerator| or denominator a value, local derivative or gradient may have.
LIMIT = 200
#: The largest denominator (halves and quarters, as σ(0) gives).
DENOMINATOR = 4

Draw = tuple[str, tuple[str, ...], dict[str, int]]
Template = Callable[[random.Random], Draw]


def _small(rng: random.Random, low: int = -4, high: int = 4, zero: bool = False) -> int:
    return rng.choice([v for v in range(low, high + 1) if zero or v != 0])


def _point(**values: int) -> dict[str, int]:
    return dict(values)


# -- difficulty 1: one or two gates ----------------------------------------------------------
def _add_mul(rng: random.Random) -> Draw:
    expr = rng.choice(["f = (x + y)*z", "f = (x - y)*z", "f = x*y + z", "f = x*(y + z)"])
    return expr, (), _point(x=_small(rng), y=_small(rng), z=_small(rng))


def _max_mul(rng: random.Random) -> Draw:
    expr = rng.choice(["f = max(x, y)*z", "f = min(x, y) + z", "f = relu(x)*y", "f = relu(x + y)"])
    names = ("x", "y", "z") if "z" in expr else ("x", "y")
    return expr, (), {n: _small(rng) for n in names}


def _one_gate(rng: random.Random) -> Draw:
    expr = rng.choice(["f = x*y", "f = x + y", "f = max(x, y)", "f = x/y"])
    return expr, (), _point(x=_small(rng), y=_small(rng))


# -- difficulty 2: forks, a neuron, a loss ------------------------------------------------------
def _fork(rng: random.Random) -> Draw:
    expr = rng.choice(
        ["e = (a + b)*(b + 1)", "e = (a + b)*(b - c)", "e = a*b + b*c", "e = (a*b)*(a + c)"]
    )
    names = ("a", "b", "c") if "c" in expr else ("a", "b")
    return expr, (), {n: _small(rng) for n in names}


def _circuit(rng: random.Random) -> Draw:
    c = rng.choice([2, 3, -2])
    gate = rng.choice(["max", "min"])
    expr = f"f = {c}*(x*y + {gate}(z, w))"
    return expr, (), _point(x=_small(rng), y=_small(rng), z=_small(rng), w=_small(rng))


def _neuron(rng: random.Random) -> Draw:
    x0, x1 = _small(rng, -3, 3), _small(rng, -3, 3)
    w0, w1 = _small(rng, -3, 3), _small(rng, -3, 3)
    b = -(w0 * x0 + w1 * x1)  # σ at 0: a tidy 1/2
    return (
        "f = sigmoid(s)",
        ("s = w0*x0 + w1*x1 + b",),
        _point(w0=w0, x0=x0, w1=w1, x1=x1, b=b),
    )


def _line_loss(rng: random.Random) -> Draw:
    return (
        "L = (p - y)^2",
        ("p = w*x + b",),
        _point(w=_small(rng, -3, 3), x=_small(rng, -3, 3), b=_small(rng, -3, 3), y=_small(rng)),
    )


def _relu_unit(rng: random.Random) -> Draw:
    return (
        "f = v*h",
        ("h = relu(w*x + b)",),
        _point(w=_small(rng, -3, 3), x=_small(rng, -3, 3), b=_small(rng, -3, 3), v=_small(rng)),
    )


# -- difficulty 3: a neuron with a loss, a two-layer net ----------------------------------------
def _neuron_loss(rng: random.Random) -> Draw:
    w, x = _small(rng, -3, 3), _small(rng, -3, 3)
    return (
        "L = (p - y)^2",
        ("s = w*x + b", "p = sigmoid(s)"),
        _point(w=w, x=x, b=-w * x, y=rng.choice([0, 1])),
    )


def _two_layer(rng: random.Random) -> Draw:
    act = rng.choice(["relu", "relu", "max0"])
    h1 = "relu(w1*x + b1)" if act == "relu" else "max(w1*x + b1, 0)"
    h2 = "relu(w2*x + b2)" if act == "relu" else "max(w2*x + b2, 0)"
    return (
        "L = (v1*h1 + v2*h2 - y)^2",
        (f"h1 = {h1}", f"h2 = {h2}"),
        _point(
            x=_small(rng, -2, 2),
            w1=_small(rng, -2, 2),
            b1=_small(rng, -2, 2, zero=True),
            w2=_small(rng, -2, 2),
            b2=_small(rng, -2, 2, zero=True),
            v1=_small(rng, -2, 2),
            v2=_small(rng, -2, 2),
            y=_small(rng, -2, 2, zero=True),
        ),
    )


def _fan_out(rng: random.Random) -> Draw:
    return (
        "f = q*r + max(q, z)",
        ("q = x*y + z", "r = x - z"),
        _point(x=_small(rng, -3, 3), y=_small(rng, -3, 3), z=_small(rng, -3, 3)),
    )


TEMPLATES: dict[int, tuple[Template, ...]] = {
    1: (_add_mul, _add_mul, _max_mul, _one_gate),
    2: (_fork, _circuit, _neuron, _line_loss, _relu_unit),
    3: (_neuron_loss, _two_layer, _two_layer, _fan_out),
}


def tidy(graph: Graph) -> bool:
    """Whether a student can work ``graph`` by hand: exact, small, no kink, σ only at 0."""
    if any(n.kink for n in graph.nodes):
        return False
    for node in graph.nodes:
        if node.op == "sigmoid" and graph.nodes[node.inputs[0]].value != 0:
            return False
        for value in (node.value, node.grad, *node.local):
            if not isinstance(value, Fraction):
                return False
            if abs(value.numerator) > LIMIT or value.denominator > DENOMINATOR:
                return False
    return True


def at_text(point: dict[str, int]) -> str:
    """A point as ``--at`` takes it: ``x=-2,y=5``."""
    return ",".join(f"{name}={value}" for name, value in point.items())


def draws(difficulty: int, rng: random.Random) -> Iterator[Problem]:
    """Endless tidy problems of one difficulty (each worked by the engine first)."""
    templates = TEMPLATES[difficulty]
    misses = 0
    while misses < 10_000:
        misses += 1
        expression, where, point = rng.choice(templates)(rng)
        problem = Problem(expression, where, at_text(point))
        try:
            graph = problem.graph()
        except ChainruleError:
            continue
        if tidy(graph) and any(n.grad != 0 for n in graph.inputs):
            misses = 0
            yield problem


def generate(difficulty: int, count: int, seed: int | None = None) -> list[Problem]:
    """``count`` distinct tidy problems of one difficulty; the same seed gives the same ones."""
    if difficulty not in TEMPLATES:
        raise ValueError(f"difficulty must be 1, 2 or 3, not {difficulty!r}")
    rng = random.Random(seed)
    seen: set[Problem] = set()
    out: list[Problem] = []
    for attempt, problem in enumerate(draws(difficulty, rng)):
        if attempt > 200 * count + 1000:
            break
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
            if len(out) == count:
                break
    return out
