"""One-line math as people write it: ``6(3x + 1)``, ``2x·cos(x²)``, ``1/(2√(x + 1))``.

SymPy's ``str`` is for programs (``2*x*cos(x**2)``) and its pretty printer takes
several lines. This entry point writes a SymPy expression in textbook notation
on one line, in unicode (superscripts, √, π, ·, −) or in ASCII that the parser
reads back (``^``, ``*``, ``sqrt``), through the one printer: ``sympy_nodes``
reads the expression, ``layout`` applies the same-form rules, ``text`` writes
it. It works on evaluated and unevaluated expressions alike, so the product
"as written", 2(3x + 1)·3, prints as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainrule_cli.printing.layout import (
    ADD,
    ATOM,
    FUNCTION_NAMES,
    MAX_INT_DIGITS,
    MUL,
    NEG,
    POW,
    SUBSCRIPT,
    SUPERSCRIPT,
    Layout,
)
from chainrule_cli.printing.sympy_nodes import (
    DECIMAL_DIGITS,
    also_typed,
    decimal_text,
    decimals_as_typed,
    from_sympy,
    keep_typed_decimals,
    typed_decimals,
)
from chainrule_cli.printing.text import to_text

if TYPE_CHECKING:
    import sympy

__all__ = [
    "ADD",
    "ATOM",
    "DECIMAL_DIGITS",
    "FUNCTION_NAMES",
    "MAX_INT_DIGITS",
    "MUL",
    "NEG",
    "POW",
    "SUBSCRIPT",
    "SUPERSCRIPT",
    "also_typed",
    "decimal_text",
    "decimals_as_typed",
    "keep_typed_decimals",
    "ordered",
    "show",
    "show_product",
    "typed_decimals",
]


def show(expr: sympy.Basic, unicode: bool = True, ordered: bool = True) -> str:
    """Format ``expr`` on one line.

    ``ordered`` sorts the terms of sums (3x + 1, not 1 + 3x); pass False for an
    expression kept as the user typed it.
    """
    return to_text(Layout(unicode).box(from_sympy(expr, ordered)), unicode)


def ordered(expr: Any, keep: frozenset[Any] = frozenset()) -> Any:
    """``expr`` with every sum's terms in the printed order (3x + 1), kept unevaluated,
    so a derivative reads the same beside inner functions printed as written
    (the parts in ``keep`` are left exactly as they are)."""
    import sympy as sp

    if not isinstance(expr, sp.Basic) or not expr.args or expr in keep:
        return expr
    if isinstance(expr, sp.Add):
        return sp.Add(*(ordered(t, keep) for t in expr.as_ordered_terms()), evaluate=False)
    try:
        return expr.func(*(ordered(a, keep) for a in expr.args), evaluate=False)
    except TypeError:
        return expr


def show_product(factors: list[sympy.Basic], unicode: bool = True) -> str:
    """Factors side by side as the rule built them, f′(g(x))·g′(x), each kept whole:
    1/(x² + 1)·2x, 2(3x + 1)·3, −sin(3x)·3."""
    layout = Layout(unicode)
    parts = []
    for index, factor in enumerate(factors):
        box, level = layout.render(from_sympy(factor, ordered=False))
        text = to_text(box, unicode)
        if level <= ADD or (index and level == NEG):
            text = f"({text})"
        parts.append(text)
    return layout.times.join(parts)
