"""Terminal graphs of the chain: one small plot per panel, laid out side by side.

Drawn with plotext (5.x): pure Python, no numpy, about 60 ms to import, and
imported only when a picture is asked for. Each panel becomes a rich ``Text``
(its ANSI colours kept, so ``NO_COLOR`` and pipes get plain characters via
rich), and the panels are placed in a grid that fits the console's width.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from chainrule_cli.picture import Panel

PANEL_HEIGHT = 14
MIN_PANEL_WIDTH = 30


def draw(panel: Panel, width: int, unicode: bool) -> Text:
    """One panel as text: the curve, its tangent at the point, and the point."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, PANEL_HEIGHT)
    plt.theme("clear")
    marker = "braille" if unicode else "."
    for piece in panel.pieces:
        xs, ys = zip(*piece, strict=True)
        plt.plot(list(xs), list(ys), marker=marker, color="blue")
    tangent = [(t, y) for t, y in _clip(panel.tangent(), panel.ylow, panel.yhigh)]
    if len(tangent) >= 2:
        tx, ty = zip(*tangent, strict=True)
        plt.plot(list(tx), list(ty), marker=marker, color="red")
    plt.scatter([panel.t0], [panel.y0], marker="●" if unicode else "o", color="black")
    plt.xlim(panel.low, panel.high)
    plt.ylim(panel.ylow, panel.yhigh)
    plt.title(panel.title)
    plt.xlabel(panel.variable)
    text = Text.from_ansi(plt.build())
    text.append("\n")
    text.append(
        f" {panel.output} = {panel.y0:.4g} at {panel.variable} = {panel.t0:.4g}; ", style="bold"
    )
    text.append(f"slope {panel.slope:.4g}", style="bold red")
    return text


def _clip(
    points: Sequence[tuple[float, float]], low: float, high: float
) -> list[tuple[float, float]]:
    """The tangent line, cut where it leaves the panel's vertical range."""
    (t0, y0), (t1, y1) = points[0], points[-1]
    if t1 == t0:
        return list(points)
    slope = (y1 - y0) / (t1 - t0)
    out = []
    steps = 40
    for i in range(steps + 1):
        t = t0 + (t1 - t0) * i / steps
        y = y0 + slope * (t - t0)
        if low <= y <= high:
            out.append((t, y))
    return out


def picture(panels: Sequence[Panel], console: Console) -> RenderableType:
    """The panels in a grid: as many per row as fit the console (at least one)."""
    from chainrule_cli.render import supports_unicode

    unicode = supports_unicode(console)
    width = console.width
    per_row = max(1, min(3, len(panels), width // MIN_PANEL_WIDTH))
    panel_width = max(MIN_PANEL_WIDTH - 2, (width - 2 * per_row) // per_row)
    rows: list[RenderableType] = []
    for start in range(0, len(panels), per_row):
        grid = Table.grid(padding=(0, 1))
        chunk = panels[start : start + per_row]
        for _ in chunk:
            grid.add_column(width=panel_width)
        grid.add_row(*(draw(p, panel_width, unicode) for p in chunk))
        rows.append(grid)
    rates = " × ".join(f"{p.slope:.4g}" for p in panels[:-1])
    caption = Text("Rates multiply along the chain: ", style="bold")
    if len(panels) > 1:
        caption.append(f"{rates} = {panels[-1].slope:.4g}, the slope of the last graph.")
    else:
        caption = Text(f"The slope at the point is {panels[-1].slope:.4g}.", style="bold")
    return Group(*rows, caption)
