"""How a number answer is judged: the rule a teacher would sign, in one place.

* An integer, a fraction or an exact form (``3π/4``, ``√2/2``, ``2e^2``) is judged
  exactly.
* A decimal is judged to the precision it is written in: it is right when it
  equals the exact value rounded to the significant figures typed, and at least
  two are required. For 2e² = 14.778…, ``14.8`` and ``14.78`` are right and
  ``14.7`` is wrong. A decimal that equals the value exactly (``0.8`` for 4/5)
  is right whatever its figures.
* In an expression that mixes decimals with other numbers (``2*7.39``), the
  fewest figures typed count.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from chainrule_cli.syntax import Neg, Node, Num, children

if TYPE_CHECKING:
    import sympy

#: Digits used to compare numbers "exactly".
DIGITS = 40


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
    """``value`` to 40 digits, or None when it is not a finite real number."""
    from chainrule_cli.limits import attempt

    number = attempt(1.0, lambda: value.evalf(DIGITS), None)
    if number is None or not number.is_real or not number.is_finite:
        return None
    try:
        return Decimal(str(number))
    except ArithmeticError:
        return None


def same_number(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal as exact numbers (to 40 digits: beyond any rounding a person types)."""
    x, y = _decimal(a), _decimal(b)
    if x is None or y is None:
        return False
    return abs(x - y) <= Decimal("1e-30") * max(Decimal(1), abs(y))


def judge(answer: sympy.Expr, tree: Node, expected: sympy.Expr) -> bool:
    """Whether the number ``answer`` (typed as ``tree``) is right for ``expected``."""
    if same_number(answer, expected):
        return True
    figures = decimal_figures(tree)
    if figures is None:
        return False
    value, exact = _decimal(answer), _decimal(expected)
    if value is None or exact is None:
        return False
    literal = tree.operand if isinstance(tree, Neg) else tree
    if isinstance(literal, Num):
        # One decimal as typed: within half a unit of its last digit.
        places = len(literal.text.partition(".")[2])
        half = Decimal(5) * Decimal(10) ** (-places - 1)
    else:
        if exact == 0:
            return False
        magnitude = exact.copy_abs().adjusted()
        half = Decimal(5) * Decimal(10) ** (magnitude - figures)
    return abs(value - exact) <= half * (1 + Decimal("1e-12"))


def round_figures(value: float, figures: int) -> str:
    """``value`` rounded to ``figures`` significant figures, as a person writes it: 14.8, 24.0."""
    text = f"{value:#.{figures}g}"
    if "e" not in text:
        text = text.rstrip(".")
    return text
