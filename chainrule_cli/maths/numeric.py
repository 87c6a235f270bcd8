"""Fast float evaluation of SymPy expressions, for checks at many points.

``lambdify`` turns an expression built by our own code (never user text) into a
Python function over the ``math`` module. A point where the value is not a
finite real number (a log of a negative, a division by zero, an overflow)
raises ``Undefined``, so callers can simply draw another point.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chainrule_cli.reading.roots import odd_root, real_branch, real_power
from chainrule_cli.reading.sizes import FLOAT_FUNCTIONS

if TYPE_CHECKING:
    import sympy


class Undefined(ValueError):
    """The expression has no finite real value at this point."""


def _real_forms(expr: sympy.Expr) -> sympy.Expr:
    """Inverse functions the ``math`` module lacks, in forms it has (arcsec u = arccos(1/u)),
    and odd roots read real (``roots.real_branch``)."""
    import sympy as sp

    expr = real_branch(expr)
    if not expr.has(sp.asec, sp.acsc, sp.acot):
        return expr
    return (
        expr.replace(sp.asec, lambda a: sp.acos(1 / a))
        .replace(sp.acsc, lambda a: sp.asin(1 / a))
        .replace(sp.acot, lambda a: sp.atan(1 / a))
    )


def float_function(expr: sympy.Expr, variable: sympy.Symbol) -> Callable[[float], float]:
    """A float function of one variable that raises ``Undefined`` off its domain.

    Built from closures over the ``math`` module (``closures``); an expression
    with a node they do not know is handed to ``lambdify``, which prints Python
    source and compiles it, about ten times slower to build. Both compute the
    same operations in the same float arithmetic.
    """
    compiled = closures(expr, variable)
    if compiled is None:
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


#: One-argument functions by SymPy class name: the parser's table of float
#: functions (sizes.py), where sech u is 1/cosh u and coth u is 1/tanh u (lambdify
#: writes exponentials, which overflow beyond |u| ≈ 710 and cancel near 0).
_UNARY: dict[str, Callable[[Any], Any]] = {
    **{name: f for name, f in FLOAT_FUNCTIONS.items() if name not in ("abs", "sqrt", "cbrt")},
    "Abs": abs,
}
#: Constants by SymPy class name.
_CONSTANTS = {"Pi": math.pi, "Exp1": math.e}


class Library:
    """What closures compute with: floats over ``math``, or mpmath's numbers."""

    def __init__(
        self,
        unary: dict[str, Callable[[Any], Any]],
        constants: dict[str, Any],
        sqrt: Callable[[Any], Any],
        fraction: Callable[[int, int], Any],
        decimal: Callable[[Any], Any],
    ) -> None:
        self.unary = unary
        self.constants = constants
        self.sqrt = sqrt
        self.fraction = fraction
        self.decimal = decimal


#: Floats, as lambdify writes them for ``math`` (rationals divided, floats as floats).
FLOATS = Library(_UNARY, _CONSTANTS, math.sqrt, lambda p, q: p / q, float)


def closures(
    expr: sympy.Expr, variable: sympy.Symbol, library: Library = FLOATS
) -> Callable[[Any], Any] | None:
    """``expr`` as nested Python closures of one variable, or None for a node not known here.

    With ``FLOATS``, numbers are the Python numbers ``lambdify`` would write
    (integers exact, rationals divided, floats as floats), so the results are
    the same floats.
    """
    try:
        return _closure(expr, variable, library)
    except (_Unknown, RecursionError):
        return None


@functools.cache
def _big_numbers() -> Library:
    """mpmath's numbers: floating point without an exponent limit."""
    import mpmath

    names = [name for name in _UNARY if name != "Abs"]
    unary: dict[str, Callable[[Any], Any]] = {name: getattr(mpmath, name) for name in names}
    unary["Abs"] = abs
    return Library(
        unary,
        {"Pi": mpmath.pi, "Exp1": mpmath.e},
        mpmath.sqrt,
        lambda p, q: mpmath.mpf(p) / q,
        lambda f: mpmath.mpf(str(f)),
    )


def log10_size(expr: sympy.Expr, variable: sympy.Symbol, at: Any) -> Any | None:
    """log₁₀ of |expr| at ``at`` to a few figures (an mpmath number), or None.

    Computed at 53 bits in mpmath, whose exponents have no limit: e^(e^(e^(e²)))
    is about 10^(2.5×10⁷⁰²), told in a millisecond where SymPy's exact
    evaluation runs for minutes. None when the value is zero, not real, or the
    expression has a node the closures do not know.
    """
    import mpmath

    f = closures(expr, variable, _big_numbers())
    if f is None:
        return None
    try:
        with mpmath.workprec(53):
            value = f(mpmath.mpf(str(at.evalf(20)) if hasattr(at, "evalf") else str(at)))
            if not isinstance(value, mpmath.mpf | int) or value == 0:
                return None
            return mpmath.log10(abs(mpmath.mpf(value)))
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):
        return None


def _product(values: list[Any]) -> Any:
    """The product of finite factors, never a spurious overflow.

    Multiplied in order, e^(x⁶)·e^(3x⁴)·e^(3x⁵) can pass 10³⁰⁸ on the way to a
    value of 10⁸⁷, giving inf or nan; lambdify's printed order happens to avoid
    it in some expressions, not in others. Real factors whose plain product is
    not finite are multiplied again as a sum of logarithms: the true value, or
    an ``OverflowError`` when it is truly too large.
    """
    out = values[0]
    for value in values[1:]:
        out = out * value
    finite = (isinstance(v, int) or (isinstance(v, float) and math.isfinite(v)) for v in values)
    if isinstance(out, float) and not math.isfinite(out) and all(finite):
        if any(v == 0 for v in values):
            return 0.0
        negative = sum(v < 0 for v in values) % 2 == 1
        size = math.exp(math.fsum(math.log(abs(v)) for v in values))
        return -size if negative else size
    return out


class _Unknown(Exception):
    """A node ``closures`` has no rule for."""


def _closure(expr: Any, variable: Any, lib: Library) -> Callable[[Any], Any]:
    name = type(expr).__name__
    if expr == variable:
        return lambda v: v
    if expr.is_Number or name in lib.constants:
        value: Any
        if expr.is_Integer:
            value = int(expr)
        elif expr.is_Rational:
            value = lib.fraction(int(expr.p), int(expr.q))
        elif name in lib.constants:
            value = lib.constants[name]
        elif expr.is_Float:
            value = lib.decimal(expr)
        else:  # nan, zoo, oo: no finite value
            raise _Unknown(name)
        return lambda v: value
    if name == "Add":
        parts = [_closure(a, variable, lib) for a in expr.args]
        if len(parts) == 2:
            a, b = parts
            return lambda v: a(v) + b(v)
        return lambda v: sum(p(v) for p in parts)
    if name == "Mul":  # as lambdify writes it: a·b/(c·d) for c⁻¹·d⁻ⁿ, never a·b·(1/c)
        over = [
            a.base if a.exp == -1 else a.func(a.base, -a.exp)
            for a in expr.args
            if a.is_Pow and a.exp.is_Rational and a.exp.is_negative
        ]
        top = [
            _closure(a, variable, lib)
            for a in expr.args
            if not (a.is_Pow and a.exp.is_Rational and a.exp.is_negative)
        ]
        bottom = [_closure(a, variable, lib) for a in over]
        if not bottom:
            return lambda v: _product([p(v) for p in top])
        if not top:
            return lambda v: 1 / _product([p(v) for p in bottom])
        return lambda v: _product([p(v) for p in top]) / _product([p(v) for p in bottom])
    if name == "Pow":
        base, exponent = expr.args
        b = _closure(base, variable, lib)
        if exponent.is_Rational and exponent.q == 2 and abs(exponent.p) == 1:
            root = lib.sqrt
            return (lambda v: root(b(v))) if exponent.p == 1 else (lambda v: 1 / root(b(v)))
        if exponent == -1:
            return lambda v: 1 / b(v)
        fraction = odd_root(exponent)
        if fraction is not None:  # ∛u of a negative u is real (roots.py)
            n, odd = lib.fraction(int(fraction.p), int(fraction.q)), fraction.p % 2 == 1
            return lambda v: real_power(b(v), n, odd)
        e = _closure(exponent, variable, lib)
        return lambda v: b(v) ** e(v)
    if name in lib.unary and len(expr.args) == 1:
        f, inner = lib.unary[name], _closure(expr.args[0], variable, lib)
        return lambda v: f(inner(v))
    raise _Unknown(name)


def slope(f: Callable[[float], float], at: float, step: float = 1e-4) -> float:
    """The derivative of ``f`` at ``at`` from numbers alone (raises ``Undefined``).

    Central differences with steps h and h/2, combined by Richardson
    extrapolation: the error falls as h⁴, so for smooth functions the result
    agrees with the exact derivative to about ten figures. ``f`` must be
    defined on [at − h, at + h], h = step·max(1, |at|).
    """
    h = step * max(1.0, abs(at))
    wide = (f(at + h) - f(at - h)) / (2 * h)
    narrow = (f(at + h / 2) - f(at - h / 2)) / h
    return (4 * narrow - wide) / 3


def written_function(
    written: sympy.Expr, variable: sympy.Symbol
) -> Callable[[float], float] | None:
    """A float function of the expression as typed (unevaluated), or None if it cannot be built.

    SymPy simplifies sin(arcsin x) to x, but the function the learner typed is
    only defined for |x| ≤ 1: sample points must come from where it is.
    """
    import sympy as sp

    from chainrule_cli.reading.syntax import log_base_class

    try:
        plain = written.replace(log_base_class(), lambda a, b: sp.log(a) / sp.log(b))
        return float_function(plain, variable)
    except Exception:  # an exotic written form: fall back to the evaluated one
        return None
