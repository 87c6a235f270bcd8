"""Exact values at a point, bounded: the size of a value is estimated in floating point
before SymPy builds it (10^(2x) at a huge point is refused with ``TooLarge``, never a
two-million-digit integer), and the substitution runs under a time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from chainrule_cli.errors import TooLarge
from chainrule_cli.limits import attempt
from chainrule_cli.reading.roots import odd_root_bases, real_branch

if TYPE_CHECKING:
    import sympy


# -- values at a point ------------------------------------------------------------------
#: Values beyond 10^this are too large to compute exactly (an integer of 10^300
#: has 301 digits; 10^(2x) at x = 10^6 would have two million).
MAX_VALUE_DIGITS = 300


def real_value(expr: sympy.Expr, variable: sympy.Symbol, at: sympy.Expr) -> sympy.Expr | None:
    """expr at x = at, exactly, or None where it is undefined or not real.

    The one bounded path for exact values: the size of the value is estimated
    in floating point first (mpmath has no exponent limit), so 10^(2x) at a huge
    point is refused with ``TooLarge`` before SymPy builds a two-million-digit
    integer; the exact substitution then runs under a time limit. Odd roots
    of negative numbers are real (``roots.real_branch``): x^(1/3) at −27 is −3.
    """
    import sympy as sp

    if not _real_root_bases(expr, variable, at):
        return None
    expr = real_branch(expr)
    approx = attempt(1.0, lambda: expr.evalf(20, subs={variable: at}), None)
    if approx is None:  # failed or too slow: a tower such as e^(e^(e^(e^x))) at 2?
        _refuse_if_huge(expr, variable, at)
        return None
    if not approx.is_number or approx.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re, im = approx.as_real_imag()
    if not (re.is_Number and im.is_Number):
        return None
    if abs(im) > 1e-12 * max(1, abs(re)):
        return None
    if re != 0 and abs(re) > sp.Float(10) ** MAX_VALUE_DIGITS:
        import mpmath

        # In mpmath: SymPy's floor(log(re, 10)) of 10^(10^702) runs for minutes.
        _too_large(variable, at, mpmath.log10(abs(re._to_mpmath(60))))
    value = attempt(2.0, lambda: expr.xreplace({variable: at}), None)
    if value is None or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return value


def _real_root_bases(expr: sympy.Expr, variable: sympy.Symbol, at: Any) -> bool:
    """Whether every odd root's base is real at ``at`` (the real reading needs a real u)."""

    def at_point(base: Any) -> Any:
        return attempt(1.0, lambda: base.evalf(20, subs={variable: at}), None)

    for base in odd_root_bases(expr):
        if base.is_extended_real:
            continue
        value = at_point(base)
        if value is None or not value.is_number:
            continue  # undecided here: the value itself is checked below
        re, im = value.as_real_imag()
        if im.is_Number and abs(im) > 1e-12 * max(1, abs(re)):
            return False
    return True


def _refuse_if_huge(expr: sympy.Expr, variable: sympy.Symbol, at: Any) -> None:
    """Raise ``TooLarge`` when the value at ``at`` has over MAX_VALUE_DIGITS digits.

    Asked only when SymPy could not evaluate in time: its adaptive precision
    chases 20 digits of e^(e^(e^(e²))) for minutes, while 53 bits of mpmath
    (``numeric.log10_size``) say at once that it has about 10^702 digits.
    """
    from chainrule_cli.maths.numeric import log10_size

    size = attempt(0.5, lambda: log10_size(expr, variable, at), None)
    if size is not None and size > MAX_VALUE_DIGITS:
        _too_large(variable, at, size)


def _too_large(variable: sympy.Symbol, at: Any, size: Any) -> NoReturn:
    """Refuse a value of about 10^size (size: log₁₀ of it, as an mpmath number)."""
    raise TooLarge(
        f"the value at {variable} = {_short(at)} is about 10^{_digits_text(size)}: "
        "too large to work with"
    )


def _digits_text(size: Any) -> str:
    """1234 for 10^1234; (2.5×10^702) for a number of digits that itself has 703 digits."""
    import mpmath

    if size < 10**15:
        return str(int(size))
    mantissa, _, exponent = mpmath.nstr(size, 2, min_fixed=0, max_fixed=0).partition("e")
    return f"({mantissa}×10^{int(exponent)})"


def _short(value: Any) -> str:
    from chainrule_cli.printing.mathtext import show

    text = show(value)
    return text if len(text) <= 30 else text[:29] + "…"


def nice_value(value: sympy.Expr) -> sympy.Expr:
    """A number in a clean exact form, never rewritten by an identity.

    SymPy already evaluates x ↦ a to 2√3/3 or 20000·ln 10; ``factor_terms``
    only pulls out common factors. (``simplify`` would combine 20000·ln 10 into
    ln(10^20000), an integer too long to print.)
    """
    import sympy as sp

    return attempt(1.0, lambda: sp.factor_terms(value), value)
