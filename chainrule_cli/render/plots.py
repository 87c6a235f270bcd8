"""Terminal graphs of the chain: one small plot per panel, laid out side by side.

Drawn with plotext (5.x): pure Python, no numpy, about 60 ms to import, and
imported only when a picture is asked for. Each panel becomes a rich ``Text``
(its ANSI colours kept, so ``NO_COLOR`` and pipes get plain characters via
rich), and the panels are placed in a grid that fits the console's width.

The axes get round ticks (1, 2 or 5 times a power of ten), labelled with at
most six significant digits and the same minus sign as the math; a panel
whose values overflow says so (``Panel.note``) instead of staying blank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from chainrule_cli.maths.picture import Panel

PANEL_HEIGHT = 14
MIN_PANEL_WIDTH = 30
#: Ticks on each axis (about).
TICKS = 5
#: The most significant digits an axis label shows.
LABEL_DIGITS = 6


def nice_ticks(low: float, high: float, count: int = TICKS) -> tuple[list[float], float]:
    """Round values between ``low`` and ``high``, about ``count`` of them, and their step."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low], 1.0
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    n = first
    while n * step <= high + 1e-9 * step:
        ticks.append(n * step)
        n += 1
    return ticks, step


def tick_label(value: float, step: float, unicode: bool = True) -> str:
    """A tick's label: as many decimals as the step needs, at most six significant
    digits (else 1.5×10⁸ style), −0 shown as 0, and the math's minus sign."""
    if abs(value) < step * 1e-9:
        value = 0.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-12)) if step > 0 else 0
    text = f"{value:.{decimals}f}"
    if float(text) == 0:  # never −0 or −0.00
        return "0"
    digits = len(text.replace("-", "").replace(".", "").lstrip("0"))
    if digits > LABEL_DIGITS or abs(value) >= 10**LABEL_DIGITS:
        mantissa, _, exponent = f"{value:.{LABEL_DIGITS - 1}e}".partition("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        power = int(exponent)
        text = (
            f"{mantissa}×10{str(power).translate(_SUPERSCRIPT)}"
            if unicode
            else f"{mantissa}e{power}"
        )
    return text.replace("-", "−") if unicode else text


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number(value: float, unicode: bool, figures: int = 4) -> str:
    """A value in a caption: ``figures`` significant figures, the math's minus sign."""
    text = f"{value:.{figures}g}"
    if "e" in text:  # 2.717e+271 as 2.717×10²⁷¹
        mantissa, _, exponent = text.partition("e")
        power = int(exponent)
        text = f"{mantissa}×10{str(power).translate(_SUPERSCRIPT)}" if unicode else text
    return text.replace("-", "−") if unicode else text


def draw(panel: Panel, width: int, unicode: bool) -> Text:
    """One panel as text: the curve, its tangent at the point, and the point."""
    if not panel.pieces:
        return _undrawn(panel, unicode)
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
    for axis, (low, high) in (
        (plt.xticks, (panel.low, panel.high)),
        (plt.yticks, (panel.ylow, panel.yhigh)),
    ):
        ticks, step = nice_ticks(low, high, TICKS if axis is plt.yticks else _x_ticks(width))
        axis(ticks, [tick_label(t, step, unicode) for t in ticks])
    plt.title(_ascii(panel.title, unicode))
    plt.xlabel(panel.variable)
    text = Text.from_ansi(plt.build())
    text.append("\n")
    text.append_text(_caption(panel, unicode))
    if panel.note:
        text.append("\n")
        text.append(f" {_ascii(panel.note, unicode)}", style="yellow")
    return text


def _x_ticks(width: int) -> int:
    """Fewer ticks on a narrow panel, so that the labels do not run together."""
    return max(3, min(TICKS, width // 10))


def _caption(panel: Panel, unicode: bool) -> Text:
    """y = 0.8415 at u = 1; slope 0.5403 (each part kept whole when it wraps)."""
    glue = "\u00a0" if unicode else " "
    value = f"{panel.output} = {number(panel.y0, unicode)}".replace(" ", glue)
    point = f"{panel.variable} = {number(panel.t0, unicode)}".replace(" ", glue)
    text = Text(f" {value} at {point}; ", style="bold")
    text.append(f"slope{glue}{number(panel.slope, unicode)}", style="bold red")
    return text


def _undrawn(panel: Panel, unicode: bool) -> Text:
    """A panel with nothing to draw: its title, why, and the point it is about."""
    text = Text(_ascii(panel.title, unicode) + "\n", style="bold")
    text.append(
        _ascii(panel.note or "nothing to draw in this range", unicode) + "\n", style="yellow"
    )
    text.append_text(_caption(panel, unicode))
    return text


def _ascii(text: str, unicode: bool) -> str:
    if unicode:
        return text
    from chainrule_cli.render.console import ascii_text

    return ascii_text(text)


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


#: The widest picture drawn, whatever the terminal says (COLUMNS=100000 must not take minutes).
MAX_WIDTH = 200


def picture(panels: Sequence[Panel], console: Console) -> RenderableType:
    """The panels in a grid: as many per row as fit the console (at least one)."""
    from chainrule_cli.render import supports_unicode

    unicode = supports_unicode(console)
    width = min(console.width, MAX_WIDTH)
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
    times = " × " if unicode else " * "
    rates = times.join(number(p.slope, unicode) for p in panels[:-1])
    caption = Text("Rates multiply along the chain: ", style="bold")
    if len(panels) > 1:
        caption.append(
            f"{rates} = {number(panels[-1].slope, unicode)}, the slope of the last graph."
        )
    else:
        caption = Text(
            f"The slope at the point is {number(panels[-1].slope, unicode)}.", style="bold"
        )
    return Group(*rows, caption)


def log_series(series: dict[str, list[float]], width: int, unicode: bool, title: str = "") -> Text:
    """Several series against the layer number on a log scale (log₁₀ on the y axis),
    one colour each, for the deep-chain lab's ``--compare``."""
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(width, PANEL_HEIGHT + 4)
    plt.theme("clear")
    marker = "braille" if unicode else "."
    colours = ("red", "blue", "green", "magenta", "cyan")
    low, high = 0.0, 0.0
    for (label, values), colour in zip(series.items(), colours, strict=False):
        logs = [math.log10(v) if v > 0 else -300.0 for v in values]
        low, high = min(low, *logs), max(high, *logs)
        plt.plot(list(range(1, len(values) + 1)), logs, marker=marker, color=colour, label=label)
    ticks, _step = nice_ticks(low, high if high > low else low + 1, TICKS)
    plt.yticks(ticks, [f"1e{int(t)}" if float(t).is_integer() else f"1e{t:g}" for t in ticks])
    count = max(len(v) for v in series.values())
    xs, _ = nice_ticks(1, max(2, count), _x_ticks(width))
    whole = [t for t in xs if float(t).is_integer()] or [1]
    plt.xticks(whole, [str(int(t)) for t in whole])
    plt.xlabel("layer")
    plt.title(_ascii(title, unicode))
    return Text.from_ansi(plt.build())
