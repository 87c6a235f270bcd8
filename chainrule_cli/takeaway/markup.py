"""The boxes of ``notation`` written out: LaTeX (amsmath only) and MathML Core.

The writers live with the one printer (``printing.latex``, ``printing.mathml``);
this module names them for the take-away writers.
"""

from __future__ import annotations

from chainrule_cli.printing.latex import (
    CLOSING,
    LATEX_FUNCTIONS,
    LATEX_OPS,
    LATEX_SAFE_OPS,
    LATEX_TEXT,
    MATHJAX_TEXT,
    OPENING,
    latex_symbol,
    latex_text,
    mathjax_text,
    tall,
    to_latex,
)
from chainrule_cli.printing.mathml import MATHML_OPS, to_mathml

__all__ = [
    "CLOSING",
    "LATEX_FUNCTIONS",
    "LATEX_OPS",
    "LATEX_SAFE_OPS",
    "LATEX_TEXT",
    "MATHJAX_TEXT",
    "MATHML_OPS",
    "OPENING",
    "latex_symbol",
    "latex_text",
    "mathjax_text",
    "tall",
    "to_latex",
    "to_mathml",
]
