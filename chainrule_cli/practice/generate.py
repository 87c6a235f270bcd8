"""Endless practice: seeded problems of every type and difficulty.

Problems are assembled from an outer function chosen by the type and inner
functions chosen by the difficulty, with small integer coefficients:

* difficulty 1: one layer around a linear inner function (sin(3x − 2));
* difficulty 2: a non-linear inner function (ln(x² + 4), (x³ − 2x)⁴);
* difficulty 3: nested chains of three or more layers (sin(e^(x²))), or a chain
  inside a product or constant multiple (x·e^(3x)).

Every candidate goes through the bank's own validation (``bank.check_problem``)
before it is used, and duplicates are dropped, so what the learner sees is as
sound as the authored bank. The same seed gives the same problems.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence

from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import Problem
from chainrule_cli.graph.generate import KINDS as GRAPH_KINDS
from chainrule_cli.graph.generate import make as graph_problem
from chainrule_cli.kinds import GENERATED_TYPES

PREFIX = {"quadratic-inside": "quad", "exponential": "exp"}
#: Share of difficulty-3 problems that are nested chains of 3+ layers.
NESTED_SHARE = 0.6

Maker = Callable[[random.Random], str]


# -- inner functions ------------------------------------------------------------------------
def _coef(rng: random.Random, low: int = 2, high: int = 6, negative: bool = True) -> int:
    value = rng.randint(low, high)
    return -value if negative and rng.random() < 0.3 else value


def _term(coef: int, body: str, first: bool = False) -> str:
    """Format c·body for a sum: '3x', '- 2x^2', '+ x'."""
    sign = "-" if coef < 0 else "+"
    size = abs(coef)
    text = body if size == 1 and body else f"{size}{body}"
    if first:
        return f"-{text}" if coef < 0 else text
    return f"{sign}{text}"


def linear(rng: random.Random) -> str:
    a = _coef(rng, 2, 12)
    b = rng.choice([-9, -7, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 7, 9])
    text = _term(a, "x", first=True)
    return text + (_term(b, "") if b else "")


def quadratic(rng: random.Random) -> str:
    a = rng.choice([1, 1, 2, 3, -1])
    b = rng.choice([0, 0, 1, 2, 3, -1, -2, -4])
    c = rng.choice([1, 2, 3, 4, 5, 9, -1, -3])
    text = _term(a, "x^2", first=True)
    if b:
        text += _term(b, "x")
    return text + _term(c, "")


def positive_quadratic(rng: random.Random) -> str:
    """ax² + c or x² + bx + c with no real roots: safe inside ln and roots everywhere."""
    if rng.random() < 0.3:
        b = rng.choice([1, 2, -2, 3, -4])
        c = rng.choice([v for v in range(1, 10) if 4 * v > b * b])
        return f"x^2{_term(b, 'x')}{_term(c, '')}"
    a = rng.choice([1, 1, 2, 3, 4, 5, 6])
    c = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 25])
    return _term(a, "x^2", first=True) + _term(c, "")


def positive_linear(rng: random.Random) -> str:
    """ax + b with a > 0 and b ≠ 0: an inner layer that reads cleanly inside others."""
    return f"{rng.randint(2, 5)}x{_term(rng.choice([-3, -2, -1, 1, 2, 3]), '')}"


def small_polynomial(rng: random.Random) -> str:
    """x², x² ± 1, 2x², x³: the innermost layer of a nested chain, kept small so
    that three layers still give readable numbers."""
    return rng.choice(["x^2", "x^2+1", "x^2-1", "2x^2", "x^3", "x^2+x", "3x^2"])


def nonlinear(rng: random.Random) -> str:
    """A polynomial or elementary inner function that is not linear."""
    choice = rng.randrange(7)
    if choice <= 1:
        return quadratic(rng)
    if choice == 2:
        return f"x^3{_term(_coef(rng, 1, 5), 'x')}" + (
            _term(rng.choice([1, 2, -1]), "") if rng.random() < 0.3 else ""
        )
    if choice == 3:
        return f"{rng.choice(['', '2', '3'])}x^{rng.choice([3, 4, 5])}{_term(rng.choice([1, 2, 3, -1, -2]), '')}"
    if choice == 4:
        return f"{rng.choice(['e^x', '1/x', 'sqrt(x)', 'ln(x)', 'sin(x)', 'cos(x)'])}{_term(rng.choice([1, 2, 3, -1]), '')}"
    if choice == 5:
        return positive_quadratic(rng)
    return f"{rng.choice([2, 3, 4])}x^2{_term(_coef(rng, 1, 5), 'x')}"


def positive_nonlinear(rng: random.Random) -> str:
    """Inner functions that stay positive (for ln and even roots)."""
    choice = rng.randrange(6)
    if choice <= 1:
        return positive_quadratic(rng)
    if choice == 2:
        return f"e^({rng.choice(['', '2', '3', '-', '-2'])}x){_term(rng.choice([1, 2, 3, 4, 5]), '')}".replace(
            "e^(x)", "e^x"
        )
    if choice == 3:
        return f"{rng.choice(['', '2', '3'])}x^4{_term(rng.choice([1, 2, 3, 4, 5, 7, 9]), '')}"
    if choice == 4:
        return f"x^4{_term(rng.choice([1, 2, 3]), 'x^2')}{_term(rng.choice([1, 2, 4, 5]), '')}"
    trig = rng.choice(["sin", "cos"])
    k = rng.choice(["", "2", "3", "4"])
    return f"{rng.choice([2, 3, 4, 5])}+{trig}({k}x)"


# -- outer functions --------------------------------------------------------------------------
def wrap(kind: str, inner: str, rng: random.Random) -> str:
    """Put ``inner`` inside an outer function of the given type."""
    if kind == "power":
        n = rng.choice([2, 3, 4, 5, 6, -1, -2, 3, 2])
        return f"({inner})^{n}" if n > 0 else f"({inner})^({n})"
    if kind == "exponential":
        nested = "^" in inner or "(" in inner
        base = rng.choice(["e", "e", "e", "2"] if nested else ["e", "e", "e", "2", "3", "10"])
        return f"{base}^({inner})"
    if kind == "trig":
        return f"{rng.choice(['sin', 'cos', 'tan', 'sin', 'cos', 'sec', 'csc', 'cot', 'arctan'])}({inner})"
    if kind == "root":
        form = rng.choice(["sqrt", "sqrt", "cbrt", "1/2", "3/2", "1/3", "2/3", "-1/2"])
        if form in ("sqrt", "cbrt"):
            return f"{form}({inner})"
        return f"({inner})^({form})"
    if kind == "log":
        return f"ln({inner})"
    raise ValueError(kind)


NEEDS_POSITIVE = ("log", "root")


def _inner_for(kind: str, difficulty: int, rng: random.Random) -> str:
    if difficulty == 1:
        return linear(rng)
    return positive_nonlinear(rng) if kind in NEEDS_POSITIVE else nonlinear(rng)


def make_expression(kind: str, difficulty: int, rng: random.Random) -> str:
    """One candidate expression of this type and difficulty (not yet validated)."""
    if kind == "quadratic-inside":
        outer = rng.choice(["power", "exponential", "trig", "root", "log"])
        inner = positive_quadratic(rng) if outer in NEEDS_POSITIVE else quadratic(rng)
        if difficulty == 1:
            a = rng.choice(["", "", "2", "3", "4"])
            c = rng.choice(
                [1, 2, 3, 4, 5, 7, 9]
                if outer in NEEDS_POSITIVE
                else [1, 2, 3, 4, 5, -1, -2, -3, -4, -9]
            )
            inner = f"{a}x^2{_term(c, '')}"
        if difficulty == 3:
            middle = rng.choice(["power", "exponential", "trig"])
            small = f"x^2{_term(rng.choice([1, 2, -1, -2]), '')}"
            return wrap(outer, _middle(middle, small, outer, rng), rng)
        return wrap(outer, inner, rng)
    if difficulty < 3:
        return wrap(kind, _inner_for(kind, difficulty, rng), rng)
    if rng.random() < NESTED_SHARE:
        middle = rng.choice(["power", "exponential", "trig", "log", "root"])
        innermost = rng.choice([small_polynomial, positive_linear])(rng)
        return wrap(kind, _middle(middle, innermost, kind, rng), rng)
    core = wrap(kind, _inner_for(kind, 2, rng), rng)
    form = rng.randrange(3)
    if form == 0:
        factor = rng.choice([2, 3, 4, 5])
        return f"{factor}*{core}" if core[0].isdigit() else f"{factor}{core}"
    if form == 1:
        return f"x {core}"
    return f"x^2 {core}"


#: Middle layers that would collapse into the outer one (ln(e^u) = u, (u²)³ = u⁶, √(eᵘ) = e^(u/2)).
COLLAPSES = {
    ("log", "exponential"),
    ("root", "exponential"),
    ("power", "power"),
    ("power", "exponential"),
    ("root", "power"),
    ("exponential", "log"),
    ("power", "root"),
    ("root", "root"),
}


def _middle(kind: str, inner: str, outer_kind: str, rng: random.Random) -> str:
    """A middle layer; kept positive when the outer needs it (ln, roots)."""
    if (outer_kind, kind) in COLLAPSES:
        kind = "trig"
    if outer_kind in NEEDS_POSITIVE:
        squared = "x^4" if inner == "x^2" else "x^6" if inner == "x^3" else f"({inner})^2"
        options = [
            f"{squared}{_term(rng.choice([1, 2, 4]), '')}",
            f"{rng.choice([2, 3])}+{rng.choice(['sin', 'cos'])}({inner})",
        ]
        if outer_kind == "log":
            options.append(f"e^({inner}){_term(rng.choice([1, 2]), '')}")
        return rng.choice(options)
    if kind == "log":
        return f"ln(({inner})^2+1)"
    if kind == "root":
        return f"sqrt(({inner})^2+1)"
    return wrap(kind, inner, rng)


# -- applied problems ------------------------------------------------------------------------
def make_applied(difficulty: int, rng: random.Random) -> dict[str, object]:
    """A rates problem from the chapter's situations, with small whole numbers."""
    r = rng.randint(2, 12)
    k = rng.choice([1, 2, 3, 4, 5])
    shrink = rng.random() < 0.25
    rate = -k if shrink else k
    grows = "shrinks" if shrink else "grows"
    templates = [
        lambda: {
            "question": f"A spherical balloon's radius {grows} at {k} cm/s. How fast does its volume V = (4/3)πr³ change when r = {r} cm?",
            "expression": "4/3 pi r^3",
            "variable": "r",
            "unit": "cm^3/s",
            "chain": ["V", "r", "t"],
        },
        lambda: {
            "question": f"A circular ripple's radius {grows} at {k} cm/s. How fast does its area A = πr² change when r = {r} cm?",
            "expression": "pi r^2",
            "variable": "r",
            "unit": "cm^2/s",
            "chain": ["A", "r", "t"],
        },
        lambda: {
            "question": f"A cube's edge {grows} at {k} mm/s. How fast does its volume V = s³ change when s = {r} mm?",
            "expression": "s^3",
            "variable": "s",
            "unit": "mm^3/s",
            "chain": ["V", "s", "t"],
        },
    ]
    if difficulty >= 2:
        a, b = rng.randint(1, 5), rng.randint(5, 40)
        target = rng.randint(1, 5)
        templates += [
            lambda: {
                "question": f"Producing q units costs C = {a}q² + {b}q dollars, and output rises by {k} units per hour. How fast does the cost rise when q = {r * 10}?",
                "expression": f"{a}q^2 + {b}q",
                "variable": "q",
                "unit": "$/h",
                "chain": ["C", "q", "t"],
                "at": str(r * 10),
                "rate": str(k),
            },
            lambda: {
                "question": f"An error E = (y − {target})² depends on an output y = w·x with x = {k}, so dy/dw = {k}. How fast does E change with w when y = {r}?",
                "expression": f"(y-{target})^2",
                "variable": "y",
                "chain": ["E", "y", "w"],
                "at": str(r),
                "rate": str(k),
            },
        ]
    if difficulty >= 3:
        templates += [
            lambda: {
                "question": f"A neuron outputs a = tanh(z), and z = w·x with x = {k}, so dz/dw = {k}. How fast does a change with w when z = 0?",
                "expression": "tanh(z)",
                "variable": "z",
                "chain": ["a", "z", "w"],
                "at": "0",
                "rate": str(k),
            },
            lambda: {
                "question": f"A quantity Q = {a}e^(2u) depends on u, which {grows} at {k} per second. How fast does Q change when u = 0?",
                "expression": f"{a}e^(2u)",
                "variable": "u",
                "unit": "per s",
                "chain": ["Q", "u", "t"],
                "at": "0",
                "rate": str(rate),
            },
        ]
    data: dict[str, object] = dict(rng.choice(templates)())
    data.setdefault("at", str(r))
    data.setdefault("rate", str(rate))
    return data


def _applied_problem(pid: str, difficulty: int, rng: random.Random) -> Problem:
    data = make_applied(difficulty, rng)
    chain = data.get("chain")
    return Problem(
        id=pid,
        type="applied",
        expression=str(data["expression"]),
        difficulty=difficulty,
        at=str(data["at"]),
        question=str(data["question"]),
        variable=str(data["variable"]),
        rate=str(data["rate"]),
        unit=str(data["unit"]) if data.get("unit") else None,
        chain=tuple(str(c) for c in chain) if isinstance(chain, list) else None,
        generated=True,
    )


AT_CHOICES = ("0", "1", "-1", "2", "1/2")


def _point(expression: str, rng: random.Random) -> str | None:
    """Sometimes ask for the slope at a clean point inside the domain."""
    if rng.random() >= 0.35:
        return None
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.values import real_value
    from chainrule_cli.reading.parsing import parse_number

    try:
        analysis = analyse(expression)
    except ChainruleError:
        return None
    for at in rng.sample(AT_CHOICES, len(AT_CHOICES)):
        point = parse_number(at)
        try:
            defined = real_value(analysis.expr, analysis.variable, point) is not None and (
                real_value(analysis.derivative, analysis.variable, point) is not None
            )
        except ChainruleError:  # a value too large to work with: not a point to ask about
            continue
        if defined:
            return at
    return None


def _backprop_problem(pid: str, difficulty: int, rng: random.Random) -> Problem:
    """A backprop problem with hand-computable numbers (``graph.backprop_generate``)."""
    from chainrule_cli.graph.backprop_generate import draws

    drawn = next(draws(difficulty, rng))
    where = tuple((name, text) for name, _, text in (line.partition(" = ") for line in drawn.where))
    point = tuple(
        (name, text) for name, _, text in (pair.partition("=") for pair in drawn.at.split(","))
    )
    return Problem(
        id=pid,
        type="backprop",
        expression=drawn.expression,
        difficulty=difficulty,
        function=drawn.expression,
        where=where,
        point=point,
        generated=True,
    )


def _candidate(kind: str, difficulty: int, rng: random.Random, pid: str) -> Problem:
    if kind == "backprop":
        return _backprop_problem(pid, difficulty, rng)
    if kind == "applied":
        return _applied_problem(pid, difficulty, rng)
    if kind in GRAPH_KINDS:
        spec = graph_problem(kind, difficulty, rng)
        return Problem(
            pid,
            kind,
            spec.function,
            difficulty,
            function=spec.function,
            where=spec.where,
            wrt=spec.wrt,
            point=spec.at,
            generated=True,
        )
    expression = make_expression(kind, difficulty, rng)
    return Problem(pid, kind, expression, difficulty, _point(expression, rng), generated=True)


def generate(
    kind: str,
    difficulty: int,
    count: int,
    seed: int | None = None,
    validate: bool = True,
) -> list[Problem]:
    """``count`` distinct, validated problems of one type and difficulty."""
    if kind not in GENERATED_TYPES:
        raise ValueError(f"unknown type {kind!r}")
    rng = random.Random(seed)
    tag = seed if seed is not None else rng.randrange(10**6)
    return list(_unique(kind, difficulty, count, rng, str(tag), validate))


def _unique(
    kind: str, difficulty: int, count: int, rng: random.Random, tag: str, validate: bool
) -> Iterator[Problem]:
    seen: set[str] = set()
    made = 0
    attempts = 0
    while made < count and attempts < count * 30 + 100:
        attempts += 1
        pid = f"gen{tag}-{PREFIX.get(kind, kind)}{difficulty}-{made + 1:03d}"
        problem = _candidate(kind, difficulty, rng, pid)
        key = _key(problem)
        if key in seen:
            continue
        seen.add(key)
        if validate and check_problem(problem):
            continue
        made += 1
        yield problem


def _key(problem: Problem) -> str:
    """What makes two generated problems the same question."""
    if problem.graph:
        return f"{problem.function}|{problem.where}|{problem.wrt}|{problem.point}"
    return problem.question or problem.expression


def stream(kinds: Sequence[str], difficulty: int | None, rng: random.Random) -> Iterator[Problem]:
    """Endless validated problems, cycling through the kinds (and difficulties when not fixed)."""
    tag = str(rng.randrange(10**6))
    seen: set[str] = set()
    number = 0
    while True:
        kind = rng.choice(list(kinds))
        level = difficulty or rng.choice([1, 2, 3])
        for _ in range(50):
            problem = _candidate(
                kind, level, rng, f"gen{tag}-{PREFIX.get(kind, kind)}{level}-{number + 1:03d}"
            )
            key = _key(problem)
            if key in seen:
                continue
            seen.add(key)
            number += 1
            if not check_problem(problem):
                yield problem
                break
