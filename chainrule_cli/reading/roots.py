"""Odd roots of negative numbers are real: ∛(−27) = −3, as in every calculus text.

SymPy reads u^(p/q) as the complex principal branch, so (−27)^(1/3) is
3·(−1)^(1/3), not −3. This module is the one place where the textbook's
reading is defined: for q odd, u^(p/q) = (∛u)^p with the real q-th root, that
is sign(u)^p·|u|^(p/q); for q even, u^(p/q) stays undefined where u < 0.

The design: the rule tree keeps u^(p/q) as a plain SymPy power. It prints as
the textbook prints it (∛(x² + 1), 2x/(3∛((x² + 1)²))), it is differentiated by
the table (the power rule holds for the real branch too), and SymPy's automatic
rewrites of it (x^(1/3)·x^(2/3) = x, (x²)^(1/3) = |x|^(2/3)) are all true for the
real branch. Writing ``real_root(u, 3)`` into the tree instead would make every
shown derivative a ``sign(u)·|u|^(1/3)`` or a ``Piecewise``. So the real
reading is applied where numbers are made, and only there:

* ``real_branch``: the exact form, for values at a point, the 30-digit
  comparisons of the checker and constants as they are read (``cbrt(-27)`` is
  −3 in the tree);
* ``real_power``: the same rule for floats and mpmath numbers, used by the
  compiled float functions (sampling, the check with numbers, plots, mistake
  diagnosis).

A student's (1/3)x^(−2/3) and the tool's 1/(3x^(2/3)) are both read through
this one rule, so they agree at negative points as they do at positive ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sympy


def odd_root(exponent: Any) -> Any:
    """p/q when ``exponent`` is a fraction with q odd (1/3, 2/3, −5/3, 4/5), else None.

    A written exponent such as an unevaluated 1/3 (``x^(1/3)`` as typed) counts too.
    """
    if not getattr(exponent, "is_Rational", False):
        if not getattr(exponent, "is_number", False) or exponent.is_Atom:
            return None
        exponent = exponent.doit()
        if not exponent.is_Rational:
            return None
    return exponent if int(exponent.q) % 2 == 1 and int(exponent.q) != 1 else None


def real_branch(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with every odd root u^(p/q) rewritten as its real value, sign(u)^p·|u|^(p/q).

    For p even that is |u|^(p/q); for p odd, sign(u)·|u|^(p/q). A power whose
    base is known to be non-negative, or known not to be real, is left as it is
    (so a non-real base still gives a non-real value). Numbers come out exact:
    (−27)^(1/3) is −3 and (−8)^(2/3) is 4.
    """
    import sympy as sp

    def odd(node: Any) -> bool:
        return bool(
            node.is_Pow
            and odd_root(node.exp) is not None
            and node.base.is_nonnegative is not True
            and node.base.is_extended_real is not False
        )

    if not any(odd(p) for p in expr.atoms(sp.Pow)):
        return expr

    def real(node: Any) -> Any:
        base, exponent = node.base, odd_root(node.exp)
        size = sp.Pow(sp.Abs(base), exponent)
        return sp.sign(base) * size if exponent.p % 2 else size

    return expr.replace(odd, real)


def odd_root_bases(expr: sympy.Expr) -> list[sympy.Expr]:
    """The bases u of the odd roots in ``expr`` that ``real_branch`` rewrites.

    The real reading is only for real u: a caller evaluating at a point checks
    that each of these is real there (ln(x)^(2/3) at x = −1 has no real value).
    """
    import sympy as sp

    return [
        p.base
        for p in expr.atoms(sp.Pow)
        if odd_root(p.exp) is not None and p.base.is_nonnegative is not True
    ]


def real_power(base: Any, exponent: Any, odd_numerator: bool) -> Any:
    """base^(p/q) for q odd with the real root, in float or mpmath arithmetic.

    ``exponent`` is p/q as a number of the same arithmetic; ``odd_numerator``
    says whether p is odd. A non-negative base is computed exactly as
    ``base ** exponent`` (the same floats as before odd roots were read real); a
    complex base raises ``TypeError`` on the comparison, which float callers
    treat as "undefined".
    """
    if base < 0:
        size = (-base) ** exponent
        return -size if odd_numerator else size
    return base**exponent
