"""Limits on a parsed tree, checked before SymPy sees it: depth, exponents, magnitudes.

``9^9^9`` is refused here at once (its size is estimated in floating point),
instead of hanging in SymPy's exact arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from chainrule_cli.errors import InputError
from chainrule_cli.reading.syntax import (
    Add,
    Call,
    Const,
    Div,
    Mul,
    Neg,
    Node,
    Num,
    Pow,
    Var,
    children,
    depth,
)

MAX_DEPTH = 40
MAX_EXPONENT = 1000
#: The largest constant magnitude (as a power of ten) allowed anywhere.
MAX_MAGNITUDE = 300


def _start(node: Node) -> int:
    return node.span[0]


# -- limits on the tree -------------------------------------------------------
#: Float functions by the parser's names (also ``numeric.closures``' table, by SymPy's).
FLOAT_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "cbrt": lambda v: math.copysign(abs(v) ** (1 / 3), v),
    "abs": abs,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "sech": lambda v: 1 / math.cosh(v),
    "csch": lambda v: 1 / math.sinh(v),
    "coth": lambda v: 1 / math.tanh(v),
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "asec": lambda v: math.acos(1 / v),
    "acsc": lambda v: math.asin(1 / v),
    "acot": lambda v: math.atan(1 / v),
    "asinh": math.asinh,
    "acosh": math.acosh,
    "atanh": math.atanh,
    "sec": lambda v: 1 / math.cos(v),
    "csc": lambda v: 1 / math.sin(v),
    "cot": lambda v: 1 / math.tan(v),
}


def estimate(node: Node, text: str) -> float | None:
    """A float estimate of a constant subtree (None where it has the variable).

    Raises InputError where a constant is too large to be worth computing.
    """
    if isinstance(node, Num):
        return float(node.text)
    if isinstance(node, Const):
        return math.pi if node.name == "pi" else math.e
    if isinstance(node, Var):
        return None
    values = [estimate(child, text) for child in children(node)]
    if any(v is None for v in values):
        if isinstance(node, Pow) and values[1] is not None and abs(values[1]) > MAX_EXPONENT:
            raise InputError(
                f"exponent too large (at most {MAX_EXPONENT})", text, _start(node.exponent)
            )
        return None
    try:
        if isinstance(node, Pow):
            base, exp = values[0], values[1]
            assert base is not None and exp is not None
            if (
                base not in (0.0, 1.0, -1.0)
                and abs(exp) * abs(math.log10(abs(base))) > MAX_MAGNITUDE
            ):
                raise InputError("number too large to work with", text, _start(node.exponent))
            result = abs(base) ** exp if base > 0 or float(exp).is_integer() else float("nan")
            if base < 0 and float(exp).is_integer() and int(exp) % 2:
                result = -result
            return result
        if isinstance(node, Call):
            assert values[0] is not None
            value = float(FLOAT_FUNCTIONS[node.name](values[0]))
            if node.base is not None:
                assert values[1] is not None
                value /= math.log(values[1])
            return value
        if isinstance(node, Mul):
            product = 1.0
            for v in values:
                assert v is not None
                product *= v
            return product
        if isinstance(node, Div):
            assert values[0] is not None and values[1] is not None
            return values[0] / values[1] if values[1] else float("nan")
        if isinstance(node, Add):
            return float(sum(v for v in values if v is not None))
        if isinstance(node, Neg):
            assert values[0] is not None
            return -values[0]
    except (OverflowError, ValueError, ZeroDivisionError):
        if isinstance(node, Call) and node.name in ("exp", "sinh", "cosh"):
            raise InputError("number too large to work with", text, _start(node)) from None
        return float("nan")
    return None


def check_limits(node: Node, text: str) -> None:
    """Refuse trees whose constants or exponents are too large to compute with."""
    if depth(node) > MAX_DEPTH:
        raise InputError(f"nested too deeply (at most {MAX_DEPTH} levels)", text, 0)
    value = estimate(node, text)
    if value is not None and math.isfinite(value) and abs(value) > 10.0**MAX_MAGNITUDE:
        raise InputError("number too large to work with", text, 0)
