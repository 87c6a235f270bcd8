"""Fast float evaluation of SymPy expressions, for checks at many points.

``lambdify`` turns an expression built by our own code (never user text) into a
Python function over the ``math`` module. A point where the value is not a
finite real number (a log of a negative, a division by zero, an overflow)
raises ``Undefined``, so callers can simply draw another point.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sympy


class Undefined(ValueError):
    """The expression has no finite real value at this point."""


def float_function(expr: sympy.Expr, variable: sympy.Symbol) -> Callable[[float], float]:
    """A float function of one variable that raises ``Undefined`` off its domain."""
    import sympy as sp

    compiled = sp.lambdify(variable, expr, modules=["math"], docstring_limit=0)

    def call(value: float) -> float:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = complex(compiled(value))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
            raise Undefined(str(exc)) from None
        if abs(result.imag) > 1e-9 * max(1.0, abs(result.real)) or not math.isfinite(result.real):
            raise Undefined("not a finite real number")
        return result.real

    return call
