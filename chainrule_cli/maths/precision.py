"""How a number answer is judged: the rule a teacher would sign, in one place.

* An integer, a fraction or an exact form (``3π/4``, ``√2/2``, ``2e^2``) is judged
  exactly.
* A decimal is judged to the precision it is written in: it is right when it
  equals the exact value rounded to the significant figures typed, and at least
  two are required. For 2e² = 14.778…, ``14.8`` and ``14.78`` are right and
  ``14.7`` is wrong. A decimal that equals the value exactly (``0.8`` for 4/5)
  is right whatever its figures.
* A whole number typed for a value that is not whole is a rounding to the
  nearest whole number, judged like a decimal with no decimal places: for
  40π = 125.66…, ``126`` is right and ``125`` is wrong. It needs two figures
  too (``3`` for 3.32 is judged exactly, and is wrong). A value that really is
  a whole number is judged exactly.
* In an expression that mixes decimals with other numbers (``2*7.39``), the
  fewest figures typed count.
* "Exactly" means exactly: 0 is not the slope 4e^(−1000) ≈ 2×10⁻⁴³⁴. The
  difference of two values is evaluated until its first digit shows, never
  compared with an absolute tolerance.

A number that is wrong only in its rounding (within one unit of its last
digit) is told so in numbers: ``rounding`` gives "125.7 rounds to 126, not 125".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from chainrule_cli.reading.syntax import Neg, Node, Num, children

if TYPE_CHECKING:
    import sympy

#: Digits used to compare numbers "exactly".
DIGITS = 40
#: A number answer rounded by the person (decimals, or a whole number for a value
#: that is not whole) needs at least this many significant figures.
MIN_FIGURES = 2


def significant_figures(literal: str) -> int:
    """Significant figures of a typed decimal: ``14.80`` → 4, ``0.0098`` → 2, ``100.0`` → 4."""
    digits = literal.replace(".", "").lstrip("0")
    return max(1, len(digits))


def decimal_figures(tree: Node) -> int | None:
    """The fewest significant figures among the decimals typed, or None when there are none."""
    found = [significant_figures(n.text) for n in _numbers(tree) if "." in n.text]
    return min(found) if found else None


def _numbers(tree: Node) -> list[Num]:
    if isinstance(tree, Num):
        return [tree]
    out: list[Num] = []
    for child in children(tree):
        out.extend(_numbers(child))
    return out


def _decimal(value: sympy.Expr) -> Decimal | None:
    """``value`` to 40 significant figures (of its own size: 4e^(−1000) is not 0), or
    None when it is not a finite real number."""
    from chainrule_cli.limits import attempt

    number = attempt(1.0, lambda: value.evalf(DIGITS, maxn=4 * DIGITS), None)
    if number is None or not number.is_real or not number.is_finite:
        return None
    if number.is_Float and number != 0 and number._prec < 20:
        # evalf found no digits at all: the value is 0 written another way (sin²1 + cos²1 − 1).
        return Decimal(0)
    try:
        return Decimal(str(number))
    except ArithmeticError:
        return None


def same_number(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal as exact numbers: a − b is 0, told by SymPy's evaluation of the difference
    itself, which raises its precision until it finds a first digit (up to 1 200
    digits; 4e^(−400) + 10^(−300) is not 4e^(−400)); never within an absolute
    tolerance. Values SymPy cannot evaluate in time are compared to 40 figures."""
    from chainrule_cli.limits import attempt

    if attempt(0.3, lambda: bool(a == b or (a - b) == 0), False):
        return True
    difference = attempt(1.0, lambda: (a - b).evalf(20, maxn=1200), None)
    if difference is not None and difference.is_number:
        if difference == 0:
            return True
        if difference.is_Float:
            return bool(difference._prec < 10)  # no digit found: it is 0
        return False  # a complex difference: not the same real number
    x, y = _decimal(a), _decimal(b)
    if x is None or y is None:
        return False
    return abs(x - y) <= Decimal("1e-30") * max(abs(x), abs(y))


def whole_rounding(tree: Node, expected: sympy.Expr) -> bool:
    """Whether a whole number typed as ``tree`` is a rounding of ``expected``: one integer
    (with its sign) of at least ``MIN_FIGURES`` digits, for a value that is not whole."""
    literal = tree.operand if isinstance(tree, Neg) else tree
    if not isinstance(literal, Num) or "." in literal.text or not literal.text.isdigit():
        return False
    if len(literal.text.lstrip("0")) < MIN_FIGURES:
        return False
    exact = _decimal(expected)
    if exact is None:
        return False
    return exact != exact.to_integral_value() or not same_whole(expected, exact)


def same_whole(expected: sympy.Expr, exact: Decimal) -> bool:
    """Whether ``expected`` really is the whole number ``exact`` shows (not 10⁴⁰ + 0.1)."""
    import sympy as sp

    from chainrule_cli.limits import attempt

    whole = sp.Integer(int(exact.to_integral_value()))
    return bool(
        attempt(0.3, lambda: (expected - whole) == 0 or same_number(expected, whole), False)
    )


def places(tree: Node, expected: sympy.Expr) -> int | None:
    """The decimal places a single typed number is judged to (0 for a whole-number
    rounding), or None when it is not one rounded number."""
    literal = tree.operand if isinstance(tree, Neg) else tree
    if not isinstance(literal, Num):
        return None
    if "." in literal.text:
        return len(literal.text.partition(".")[2])
    return 0 if whole_rounding(tree, expected) else None


def judge(answer: sympy.Expr, tree: Node, expected: sympy.Expr) -> bool:
    """Whether the number ``answer`` (typed as ``tree``) is right for ``expected``."""
    if same_number(answer, expected):
        return True
    figures = decimal_figures(tree)
    rounded_to = places(tree, expected)
    if figures is None and rounded_to is None:
        return False
    value, exact = _decimal(answer), _decimal(expected)
    if value is None or exact is None:
        return False
    if rounded_to is not None:
        # One number as typed: within half a unit of its last digit.
        half = Decimal(5) * Decimal(10) ** (-rounded_to - 1)
    else:
        assert figures is not None
        if exact == 0:
            return False
        magnitude = exact.copy_abs().adjusted()
        half = Decimal(5) * Decimal(10) ** (magnitude - figures)
    return abs(value - exact) <= half * (1 + Decimal("1e-12"))


def rounding(answer: sympy.Expr, tree: Node, expected: sympy.Expr) -> tuple[str, str] | None:
    """When a single typed number is wrong only in its rounding (off by at most one
    unit of its last digit): (the value to one more place, its right rounding), such
    as ("125.7", "126") for 125 typed for 40π. None otherwise (or when it is right)."""
    rounded_to = places(tree, expected)
    if rounded_to is None or judge(answer, tree, expected):
        return None
    value, exact = _decimal(answer), _decimal(expected)
    if value is None or exact is None:
        return None
    unit = Decimal(10) ** -rounded_to
    if abs(value - exact) > unit:
        return None
    right = exact.quantize(unit, rounding=ROUND_HALF_UP)
    if right == exact:  # nothing to round: 12.1 for 12 is simply wrong
        return None
    finer = exact.quantize(unit / 10, rounding=ROUND_HALF_UP)
    return _plain(finer), _plain(right)


def _plain(value: Decimal) -> str:
    """A decimal as a person writes it: no exponent, −0 as 0."""
    text = f"{value:f}"
    return "0" if Decimal(text) == 0 else text


def approximately(value: sympy.Expr, figures: int = 6, unicode: bool = True) -> str | None:
    """``value`` to ``figures`` significant figures, however small or large:
    125.664, or 2.03038×10⁻⁴³⁴ (None when it is not a finite real number)."""
    exact = _decimal(value)
    if exact is None:
        return None
    minus = "−" if unicode else "-"
    if exact == 0:
        return "0"
    size = exact.copy_abs().adjusted()
    if -5 <= size < 15:
        text = f"{float(exact):.{figures}g}"
        if "e" not in text:
            return text.replace("-", minus)
    mantissa = exact.scaleb(-size).quantize(Decimal(10) ** -(figures - 1), rounding=ROUND_HALF_UP)
    if mantissa.copy_abs() >= 10:
        mantissa, size = mantissa / 10, size + 1
    digits = f"{mantissa:f}".rstrip("0").rstrip(".")
    if unicode:
        return f"{digits}×10{str(size).translate(_SUPERSCRIPT)}".replace("-", minus)
    return f"{digits}e{size}"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def round_figures(value: float, figures: int) -> str:
    """``value`` rounded to ``figures`` significant figures, as a person writes it: 14.8, 24.0."""
    text = f"{value:#.{figures}g}"
    if "e" not in text:
        text = text.rstrip(".")
    return text
