"""Boxes on one line: unicode (x², √, ·, −) or ASCII that the parser reads back (^, sqrt, *).

Only a one-line layout (``Layout(linear=True)``) is written here: it has put every
bracket and slash in place already, so this writer only spells the boxes out.
"""

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
from chainrule_cli.printing.layout import SUBSCRIPT, SUPERSCRIPT

#: Operators written with a space either side between two terms: a + b, a − b.
SPACED = frozenset("+−-=→≈")


def to_text(box: Box, unicode: bool = True) -> str:
    """The box on one line."""
    parts: list[str] = []
    _write(box, unicode, parts)
    return "".join(parts)


def _write(box: Box, unicode: bool, out: list[str]) -> None:
    if isinstance(box, Row):
        for index, item in enumerate(box.items):
            if index and isinstance(item, Op) and item.text in SPACED:
                out.append(f" {item.text} ")
            elif isinstance(item, Op) and item.text == ",":
                out.append(", ")
            else:
                _write(item, unicode, out)
    elif isinstance(box, Ident):
        out.append(box.name)
    elif isinstance(box, Num | Op | Txt):
        out.append(box.text)
    elif isinstance(box, Fenced):
        out.append(box.open)
        _write(box.body, unicode, out)
        out.append(box.close)
    elif isinstance(box, Apply):
        _write(box.head, unicode, out)
        _write(box.arg, unicode, out)
    elif isinstance(box, Sup):
        _write(box.base, unicode, out)
        if unicode and isinstance(box.exp, Num) and box.exp.text.isdigit():
            out.append(box.exp.text.translate(SUPERSCRIPT))
        else:
            out.append("^")
            _write(box.exp, unicode, out)
    elif isinstance(box, Sub):
        _write(box.base, unicode, out)
        if unicode and isinstance(box.sub, Num) and box.sub.text.isdigit():
            out.append(box.sub.text.translate(SUBSCRIPT))
        else:
            out.append("_")
            _write(box.sub, unicode, out)
    elif isinstance(box, Sqrt):
        if box.index is None:
            out.append("√" if unicode else "sqrt")
        else:
            out.append("∛" if unicode else "cbrt")
        _write(box.body, unicode, out)
    elif isinstance(box, Frac):
        _write(box.num, unicode, out)
        out.append("/")
        _write(box.den, unicode, out)
    elif isinstance(box, Prime):
        _write(box.body, unicode, out)
        out.append("′" if unicode else "'")
    elif isinstance(box, Space):
        out.append(" ")
    else:
        raise TypeError(f"not a box: {box!r}")
