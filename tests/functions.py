"""Seeded random functions for property and differential tests.

Compositions of every supported outer function around varied inner functions,
up to four layers deep, with constant multiples, products, quotients and sums,
in the notations a student types (including ``sin^-1``, ``log_2`` and ``2^u``).
"""

from __future__ import annotations

import random

OUTER = [
    "sin({})",
    "cos({})",
    "tan({})",
    "sec({})",
    "csc({})",
    "cot({})",
    "e^({})",
    "2^({})",
    "ln(({})^2+1)",
    "log_2(({})^2+4)",
    "sqrt(({})^2+1)",
    "(({})^2+2)^(1/3)",
    "({})^3",
    "({})^2",
    "({})^(-1)",
    "arctan({})",
    "sin^-1(({})/(({})^2+2))",
    "3({})",
    "-2({})",
    "(1+({})^2)^(-1)",
]
INNER = ["x", "2x", "x^2", "3x+1", "x^2+x", "x/2", "1-4x", "x^3-2x"]


def function(rng: random.Random) -> str:
    """One random function: a chain of 1–4 layers, sometimes in a product, quotient or sum."""
    text = rng.choice(INNER)
    for _ in range(rng.randint(1, 4)):
        outer = rng.choice(OUTER)
        text = outer.replace("{}", text)
    shape = rng.random()
    other = rng.choice(OUTER).replace("{}", rng.choice(INNER))
    if shape < 0.2:
        return f"({text})*({other})"
    if shape < 0.3:
        return f"x*({text})"
    if shape < 0.4:
        return f"({text})/(({other})^2+1)"
    if shape < 0.5:
        return f"{rng.choice([3, -5, 2])}({text}) + {other}"
    return text


def functions(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [function(rng) for _ in range(count)]
