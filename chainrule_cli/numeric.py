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


def _real_forms(expr: sympy.Expr) -> sympy.Expr:
    """Inverse functions the ``math`` module lacks, in forms it has (arcsec u = arccos(1/u))."""
    import sympy as sp

    if not expr.has(sp.asec, sp.acsc, sp.acot):
        return expr
    return (
        expr.replace(sp.asec, lambda a: sp.acos(1 / a))
        .replace(sp.acsc, lambda a: sp.asin(1 / a))
        .replace(sp.acot, lambda a: sp.atan(1 / a))
    )


def float_function(expr: sympy.Expr, variable: sympy.Symbol) -> Callable[[float], float]:
    """A float function of one variable that raises ``Undefined`` off its domain."""
    import sympy as sp

    compiled = sp.lambdify(variable, _real_forms(expr), modules=["math"], docstring_limit=0)

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


def written_function(
    written: sympy.Expr, variable: sympy.Symbol
) -> Callable[[float], float] | None:
    """A float function of the expression as typed (unevaluated), or None if it cannot be built.

    SymPy simplifies sin(arcsin x) to x, but the function the learner typed is
    only defined for |x| ≤ 1: sample points must come from where it is.
    """
    import sympy as sp

    from chainrule_cli.syntax import log_base_class

    try:
        plain = written.replace(log_base_class(), lambda a, b: sp.log(a) / sp.log(b))
        return float_function(plain, variable)
    except Exception:  # an exotic written form: fall back to the evaluated one
        return None
