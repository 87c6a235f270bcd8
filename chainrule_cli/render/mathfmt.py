"""Math for one console: unicode (x², √, ·, −) where the encoding allows it, ASCII otherwise.

Every formula comes out glued: its spaces are no-break spaces, so prose
around it wraps between words but never inside ``ln(x² + 1)`` (the console
writes them as ordinary spaces). A formula too long for a line of its own may
wrap before its outermost operators (= + − ×), the operator leading the next
line, but never inside brackets while that is enough.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.console import Console

from chainrule_cli.printing.mathtext import show, show_product
from chainrule_cli.render.console import BREAK, NBSP, supports_unicode

#: A negative factor after a times sign, up to the next space: × −1/10.
_NEGATIVE_FACTOR = re.compile(r"([×*·]) ([−-][^\s()]+)(?=\s|$)")
#: A hyphen used as a minus sign: at the start, or after a space, bracket or sign.
_SIGN = re.compile(r"(?:^|(?<=[\s(\[=≈×·/]))-(?=[\d.π√∞(])")


def glue(text: str) -> str:
    """``text`` as one unbreakable piece (spaces made no-break)."""
    return text.replace(" ", NBSP)


class Math:
    """Formats math for one console (unicode or ASCII).

    ``width`` is what the math is shown in (the console, or less in a panel):
    a formula longer than that is left breakable between its outermost terms.
    """

    def __init__(self, unicode: bool, width: int = 80) -> None:
        self.unicode = unicode
        self.width = width
        self.arrow = "→" if unicode else "->"
        self.times = "×" if unicode else "*"
        self.check = "✓" if unicode else "ok"
        self.cross = "✗" if unicode else "x"
        self.approx = "≈" if unicode else "~"
        self.prime = "′" if unicode else "'"
        self.minus = "−" if unicode else "-"

    def __call__(self, expr: Any, written: bool = False) -> str:
        return self.glued(show(expr, unicode=self.unicode, ordered=not written))

    def glued(self, text: str) -> str:
        """A formula's text made unbreakable; one longer than a line (less a panel's
        margin) may wrap only between its outermost terms and factors, after a +,
        − or ·: at the top level if that gives short enough pieces, else also
        inside the outermost brackets, and so on."""
        return breakable(text, self.width - 6)

    def eq(self, name: str, formula: str) -> str:
        """``u = x² + 1`` in one piece, so a line never ends in "u =" (unless too long)."""
        return self.glued(f"{name} = {formula.replace(NBSP, ' ')}")

    def product(self, factors: list[Any]) -> str:
        """Factors side by side as the rule built them: 1/(x² + 1)·2x."""
        return self.glued(show_product(factors, self.unicode))

    def factor(self, expr: Any) -> str:
        """``expr`` as one factor of a product: a negative one or a sum in brackets,
        2 × (−√3/2), cos(e) × (1 + 3e)."""
        text = self(expr)
        bracket = text.startswith(("−", "-")) or getattr(expr, "is_Add", False)
        return f"({text})" if bracket else text

    def number(self, value: float, figures: int = 6, keep_zeros: bool = False) -> str:
        """A float to ``figures`` significant figures, with the same minus sign as the math
        (with ``keep_zeros``, its trailing zeros too: 1.000 to 4 figures)."""
        if abs(value) < 1e-12:
            value = 0.0
        text = f"{value:{'#' if keep_zeros else ''}.{figures}g}".rstrip(".")
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}{self.times}10^{int(exponent)}"
        return text.replace("-", "−") if self.unicode else text

    def signs(self, text: str) -> str:
        """Text from the core with its minus signs made the same as the math's, and a
        negative factor after × in brackets: ``400π × -1/10 = −40π ≈ -125.664``
        becomes ``400π × (−1/10) = −40π ≈ −125.664``. Hyphens inside words stay."""
        if not self.unicode:
            return _NEGATIVE_FACTOR.sub(r"\1 (\2)", text)
        return _NEGATIVE_FACTOR.sub(r"\1 (\2)", _SIGN.sub("−", text))

    def prose(self, text: str) -> str:
        """A sentence from the core (feedback, a note, a rate): one minus sign, and
        its formulas unbreakable (``glue_math``)."""
        return glue_math(self.signs(text), self.width)


def math_for(console: Console, margin: int = 0) -> Math:
    """Math for ``console``, shown ``margin`` cells narrower than it (4 in a panel)."""
    return Math(supports_unicode(console), console.width - margin)


#: An operator between spaces in prose: `y = f(u)`, `2 × 3`, `x² + 1`.
_OPERATOR = re.compile(r" ([=·×+−≈→≤≥<>]) ")


#: A space before an operator that stands between spaces: where a long formula may break.
_BEFORE_OPERATOR = re.compile(r" (?=(?:->|[=≈→+−×<>≤≥~*-]) )")


def breakable(text: str, limit: int) -> str:
    """A formula glued whole when it fits in ``limit`` cells; else breakable only
    before its outermost operators (=, +, −, ×), so that the operator leads the
    continuation line, as books set a long formula: ``A·B = C`` may become
    ``A·B`` / ``= C``, never ``A·`` / ``B = C``. When the outermost terms are
    still too long, an outermost product may break before its ``·``; only then
    does it go one bracket deeper, and so on."""
    if cell_len(text) <= limit:
        return glue(text)
    depths = []
    depth = 0
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        depths.append(depth)
    before = {m.start() for m in _BEFORE_OPERATOR.finditer(text)}
    out = text
    for level in range(min(depths), max(depths) + 1):
        for products in (False, True):
            out = "".join(
                (" " if index in before and inside <= level else NBSP)
                if char == " "
                else (BREAK + char if products and char in "·*" and inside <= level else char)
                for index, (char, inside) in enumerate(zip(text, depths, strict=True))
            )
            if max(cell_len(piece) for piece in re.split(f"[ {BREAK}]", out)) <= limit:
                return out
    return out


def glue_math(text: str, width: int = 80) -> str:
    """Prose with the formulas in it made unbreakable: the spaces around an
    operator become no-break spaces, so ``inner v = ln(x² + 1)`` can wrap after
    "inner" but never inside the formula. A formula longer than a line (``width``
    less a margin) may wrap between its outermost terms (``breakable``)."""
    glued = _OPERATOR.sub(NBSP + r"\1" + NBSP, text)
    if NBSP not in glued:
        return text
    limit = width - 6
    return " ".join(
        word if len(word) <= limit else breakable(word.replace(NBSP, " "), limit)
        for word in glued.split(" ")
    )
