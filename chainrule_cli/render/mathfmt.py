"""Math for one console: unicode (x², √, ·, −) where the encoding allows it, ASCII otherwise."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from chainrule_cli.mathtext import show
from chainrule_cli.render.console import supports_unicode


class Math:
    """Formats math for one console (unicode or ASCII)."""

    def __init__(self, unicode: bool) -> None:
        self.unicode = unicode
        self.arrow = "→" if unicode else "->"
        self.times = "×" if unicode else "*"
        self.check = "✓" if unicode else "ok"
        self.cross = "✗" if unicode else "x"
        self.approx = "≈" if unicode else "~"
        self.prime = "′" if unicode else "'"

    def __call__(self, expr: Any, written: bool = False) -> str:
        return show(expr, unicode=self.unicode, ordered=not written)

    def factor(self, expr: Any) -> str:
        """``expr`` as one factor of a product: a negative one in brackets, 2 × (−√3/2)."""
        text = self(expr)
        return f"({text})" if text.startswith(("−", "-")) else text

    def number(self, value: float, figures: int = 6) -> str:
        """A float to ``figures`` significant figures, with the same minus sign as the math."""
        if abs(value) < 1e-12:
            value = 0.0
        text = f"{value:.{figures}g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}{self.times}10^{int(exponent)}"
        return text.replace("-", "−") if self.unicode else text


def math_for(console: Console) -> Math:
    return Math(supports_unicode(console))
