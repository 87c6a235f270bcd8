"""The boxes every printer target writes out: one tree, four renderers.

``layout`` (the one place where the same-form rules live) turns an expression
into these boxes; ``text`` writes them on one line (unicode or ASCII), ``latex``
and ``mathml`` write them for paper and the web. Boxes are ``Slotted`` values,
equal when of one class with equal fields.
"""

from __future__ import annotations

from typing import Union

from chainrule_cli.printing.slotted import Slotted


class Ident(Slotted):
    """A name: a variable (italic) or a function such as sin (upright)."""

    __slots__ = ("function", "name")

    def __init__(self, name: str, function: bool = False) -> None:
        self.name = name
        self.function = function


class Num(Slotted):
    """A number as shown: 3, 1.05, 40."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Op(Slotted):
    """An operator or relation, in unicode: + − = · × → ≈ / , ′; "" joins factors silently."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Txt(Slotted):
    """Upright words inside math (a unit, "at")."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Space(Slotted):
    """A thin space, between a number and its unit."""

    __slots__ = ()


class Row(Slotted):
    """Boxes side by side."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Box, ...]) -> None:
        self.items = items


class Frac(Slotted):
    """A stacked fraction (paper only: one line writes a/b as a row)."""

    __slots__ = ("den", "num")

    def __init__(self, num: Box, den: Box) -> None:
        self.num = num
        self.den = den


class Sup(Slotted):
    """A power: x², sin² (on one line: a superscript digit, or ^n in ASCII)."""

    __slots__ = ("base", "exp")

    def __init__(self, base: Box, exp: Box) -> None:
        self.base = base
        self.exp = exp


class Sub(Slotted):
    """A subscript: the base of log₂."""

    __slots__ = ("base", "sub")

    def __init__(self, base: Box, sub: Box) -> None:
        self.base = base
        self.sub = sub


class Sqrt(Slotted):
    """A radical: √x, ∛(x + 1)."""

    __slots__ = ("body", "index")

    def __init__(self, body: Box, index: Box | None = None) -> None:
        self.body = body
        self.index = index


class Fenced(Slotted):
    """Brackets around a box: (…) or |…|."""

    __slots__ = ("body", "close", "open")

    def __init__(self, body: Box, open: str = "(", close: str = ")") -> None:
        self.body = body
        self.open = open
        self.close = close


class Apply(Slotted):
    """A function applied to its argument: sin(x), sin²(x), ln|x|."""

    __slots__ = ("arg", "head")

    def __init__(self, head: Box, arg: Box) -> None:
        self.head = head
        self.arg = arg


class Prime(Slotted):
    """A derivative mark: (sin x)′."""

    __slots__ = ("body",)

    def __init__(self, body: Box) -> None:
        self.body = body


Box = Union[Ident, Num, Op, Txt, Space, Row, Frac, Sup, Sub, Sqrt, Fenced, Apply, Prime]  # noqa: UP007


def row(*items: Box | str) -> Row:
    """A row of boxes; a string is an operator (" = ", "→" …)."""
    return Row(tuple(Op(i.strip()) if isinstance(i, str) else i for i in items))


def rate(top: str, bottom: str) -> Frac:
    """dy/dx as a fraction."""
    return Frac(Row((Ident("d"), Ident(top))), Row((Ident("d"), Ident(bottom))))
