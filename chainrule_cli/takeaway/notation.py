"""Math on paper: SymPy expressions as boxes, for LaTeX and MathML.

``layout`` reads an expression through the one printer (``printing.layout``,
the same rules as the terminal: textbook order, 2x·cos(x²), sin²(x), ln, e,
a leading −1 read as a minus sign, unevaluated products "as written" kept
whole) laid out in two dimensions: quotients become fractions, powers
superscripts, roots radicals (the boxes are ``printing.boxes``). ``markup.to_latex`` (worksheets, Anki's
MathJax) and ``markup.to_mathml`` (HTML worksheets) write the boxes out, so
the three worksheet formats and the Anki cards show the same math.

SymPy's own ``latex`` and ``mathml`` printers are not used for expressions:
on the unevaluated forms that the worked steps keep ("the inner kept as it
is") they print artefacts such as ``1 \\frac{1}{x}`` or ``x^{(-1) 2}``.
"""

from __future__ import annotations

from typing import Any

from chainrule_cli.printing.boxes import Box
from chainrule_cli.printing.layout import Layout
from chainrule_cli.printing.nodes import Float


def layout(expr: Any, ordered: bool = True) -> Box:
    """``expr`` as boxes. ``ordered`` sorts the terms of sums (3x + 1, not 1 + 3x);
    pass False for an expression kept as it was typed."""
    from chainrule_cli.printing.sympy_nodes import from_sympy

    node = from_sympy(expr, ordered, paper=True)
    return Layout(linear=False).box(node)


def number(value: float) -> Box:
    """A decimal approximation, to six significant figures."""
    return Layout(linear=False).box(Float(f"{value:.6g}"))
