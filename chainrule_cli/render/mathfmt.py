"""Math for one console: unicode (x², √, ·, −) where the encoding allows it, ASCII otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console

from chainrule_cli.mathtext import show
from chainrule_cli.render.console import supports_unicode

if TYPE_CHECKING:
    pass


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

    def number(self, value: float) -> str:
        text = f"{value:.6g}"
        return text.replace("-", "−") if self.unicode else text


def math_for(console: Console) -> Math:
    return Math(supports_unicode(console))
