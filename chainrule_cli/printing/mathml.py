"""Boxes written out as MathML Core, for HTML worksheets."""

from __future__ import annotations

from chainrule_cli.printing.boxes import (
    Apply,
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Prime,
    Row,
    Space,
    Sqrt,
    Sub,
    Sup,
    Txt,
)
from chainrule_cli.printing.latex import tall

# -- MathML -----------------------------------------------------------------------------------

MATHML_OPS = {"": "&#x2062;", "−": "&#x2212;", "′": "&#x2032;"}


def to_mathml(box: Box, display: bool = False) -> str:
    """The box as a ``<math>`` element (MathML Core: no ``mfenced``, no entities but numeric)."""
    mode = ' display="block"' if display else ""
    return f"<math{mode}>{_ml(box)}</math>"


def _ml(box: Box) -> str:
    if isinstance(box, Ident):
        return f"<mi>{_escape(box.name)}</mi>"
    if isinstance(box, Num):
        return f"<mn>{_escape(box.text)}</mn>"
    if isinstance(box, Op):
        text = MATHML_OPS.get(box.text) or _escape(box.text)
        return f'<mo stretchy="false">{text}</mo>' if text in "()|" else f"<mo>{text}</mo>"
    if isinstance(box, Txt):
        return f"<mtext>{_escape(box.text)}</mtext>"
    if isinstance(box, Space):
        return '<mspace width="0.17em"></mspace>'
    if isinstance(box, Row):
        return f"<mrow>{''.join(_ml(i) for i in box.items)}</mrow>"
    if isinstance(box, Frac):
        return f"<mfrac>{_ml(box.num)}{_ml(box.den)}</mfrac>"
    if isinstance(box, Sup):
        return f"<msup>{_ml(box.base)}{_ml(box.exp)}</msup>"
    if isinstance(box, Sub):
        return f"<msub>{_ml(box.base)}{_ml(box.sub)}</msub>"
    if isinstance(box, Sqrt):
        if box.index is None:
            return f"<msqrt>{_ml(box.body)}</msqrt>"
        return f"<mroot>{_ml(box.body)}{_ml(box.index)}</mroot>"
    if isinstance(box, Fenced):
        # Brackets grow only around fractions: stretchy ones are spaced out in browsers.
        mo = "<mo>" if tall(box.body) else '<mo stretchy="false">'
        return f"<mrow>{mo}{box.open}</mo>{_ml(box.body)}{mo}{box.close}</mo></mrow>"
    if isinstance(box, Apply):
        return f"<mrow>{_ml(box.head)}<mo>&#x2061;</mo>{_ml(box.arg)}</mrow>"
    if isinstance(box, Prime):
        # The prime glyph sits high already: inside msup browsers raise it twice.
        return f'<mrow>{_ml(box.body)}<mo lspace="0" rspace="0">&#x2032;</mo></mrow>'
    raise TypeError(f"not a box: {box!r}")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
