"""Tables that fit the width they are given, and formulas shortened without lying.

``FitTable`` lays a table out when it is printed, for the width there is
(the terminal, or what a panel leaves). Every cell stays on one line. When the
table is too wide, formula columns are shortened as far as still reads well
(``shorten``: a clear ``…``, brackets closed, never right after a digit), then
the least useful columns are left out, in the order the view gives, then
formulas are shortened further; when even that does not fit, each record is
printed as a block of ``name  value`` lines. Numbers are never shortened.

``WorkTable`` is the worked solution's #/Step/Work table: a table when every
formula fits the Work column, else one block per step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import OPERATORS, data_text

#: A rule under the heading and above the totals: a light line, or dashes in ASCII.
HEAD = box.Box("    \n    \n ── \n    \n    \n ── \n    \n    \n")
ASCII_HEAD = box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)
#: Cells are this far apart, and tables this far in from the left.
GAP = 2
INDENT = 2
#: How far formulas are shortened before a less useful column is left out instead:
#: a quarter of the width, within these bounds.
COMFORTABLE = (12, 20)

ELLIPSIS = "…"
_DIGITS = set("0123456789.,⁰¹²³⁴⁵⁶⁷⁸⁹")
#: What a shortened formula must not end with before its "…": a digit (3… would
#: read as a number cut short, or as 3), an operator waiting for its operand, a space.
_DANGLING = _DIGITS | set(" \u00a0+−-·×*/^=≈→")


@dataclass(frozen=True)
class Column:
    """One column: its heading, and what may happen to it when space is short.

    ``shrink``: a formula or label that may be shortened with "…" down to this
    width (0: never shortened; numbers and dates). ``drop``: the column is left
    out when the table does not fit, highest first (0: always kept).
    """

    header: str
    justify: Literal["left", "right"] = "left"
    shrink: int = 0
    drop: int = 0
    style: str = ""


def as_text(value: Any) -> Text:
    """A cell as rich text: rich text as built, anything else as plain data."""
    return value if isinstance(value, Text) else data_text("" if value is None else value)


def shorten(text: Text | str, width: int, ellipsis: str = ELLIPSIS) -> Text:
    """``text`` in at most ``width`` cells: cut, with a clear "…" and its brackets closed.

    The cut never falls inside a number (``10…`` would read as 10) nor after a
    dangling operator: ``sin(e^(x² + 3x + 1) + sin(x))`` in 12 cells is
    ``sin(e^(x…))``. ``ellipsis`` is "..." where unicode cannot be shown.
    """
    text = as_text(text)
    if cell_len(text.plain) <= width:
        return text
    plain = text.plain
    end = len(plain)
    while end > 0:
        end -= 1
        while end > 0 and (plain[end - 1] in _DANGLING or _splits(plain, end)):
            end -= 1
        head = plain[:end]
        closing = _closing(head)
        if cell_len(head) + len(ellipsis) + len(closing) <= width:
            out = text[:end]
            out.append(ellipsis + closing, style="dim")
            return out
    return Text(ellipsis[:width], style="dim")


def _splits(plain: str, end: int) -> bool:
    """Cutting before ``plain[end]`` would split a name (sin, arcsin)."""
    before, after = plain[end - 1], plain[end]
    return before.isalpha() and after.isalpha() and before.isascii() and after.isascii()


def _closing(head: str) -> str:
    """The brackets ``head`` leaves open, closed in the right order."""
    stack: list[str] = []
    pairs = {"(": ")", "[": "]", "{": "}"}
    for char in head:
        if char in pairs:
            stack.append(pairs[char])
        elif stack and char == stack[-1]:
            stack.pop()
    bars = head.count("|") % 2
    return "".join(reversed(stack)) + ("|" if bars else "")


def _width(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


class FitTable:
    """A table that fits the width it is printed in (see the module's notes)."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        title: str | Text | None = None,
        unicode: bool = True,
        footer: Sequence[Any] | None = None,
    ) -> None:
        self.columns = list(columns)
        self.rows = [[as_text(value) for value in row] for row in rows]
        self.footer = None if footer is None else [as_text(value) for value in footer]
        self.title = data_text(title, one_line=True) if isinstance(title, str) else title
        if self.title is not None:
            self.title.stylize("bold")
        self.unicode = unicode

    # -- widths --------------------------------------------------------------------------
    def _natural(self, index: int) -> int:
        cells = [row[index] for row in self._all_rows()]
        return max([cell_len(self.columns[index].header), *(_width(c) for c in cells)])

    def _all_rows(self) -> list[list[Text]]:
        return self.rows + ([self.footer] if self.footer is not None else [])

    def _least(self, index: int, comfortable: int) -> int:
        column = self.columns[index]
        natural = self._natural(index)
        if not column.shrink:
            return natural
        least = max(column.shrink, cell_len(column.header))
        return min(natural, max(least, comfortable))

    def widths(self, available: int) -> dict[int, int] | None:
        """Column index → width for a table that fits, or None for the list layout.

        Formulas are first shortened only as far as still reads well
        (``COMFORTABLE``: a quarter of the width), leaving out the least useful columns one by one;
        with every optional column gone, formulas may go down to their
        column's ``shrink``.
        """
        shown = list(range(len(self.columns)))
        low, high = COMFORTABLE
        comfortable = max(low, min(high, available // 4))
        while True:
            widths = self._narrowed(shown, available, comfortable)
            if widths is not None:
                return widths
            droppable = [i for i in shown if self.columns[i].drop]
            if not droppable:
                return self._narrowed(shown, available, 0)
            shown.remove(max(droppable, key=lambda i: self.columns[i].drop))

    def _narrowed(
        self, shown: list[int], available: int, comfortable: int
    ) -> dict[int, int] | None:
        """Widths for these columns within ``available``, formulas narrowed widest first."""
        widths = {i: self._natural(i) for i in shown}
        excess = sum(widths.values()) + GAP * (len(shown) - 1) - available
        while excess > 0:
            narrowable = [i for i in shown if widths[i] > self._least(i, comfortable)]
            if not narrowable:
                return None
            widest = max(narrowable, key=lambda i: (widths[i] - self._least(i, comfortable), -i))
            widths[widest] -= 1
            excess -= 1
        return widths

    def natural_width(self) -> int:
        count = len(self.columns)
        return sum(self._natural(i) for i in range(count)) + GAP * (count - 1)

    # -- rendering -----------------------------------------------------------------------
    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        natural = min(self.natural_width() + INDENT, options.max_width)
        title = _width(self.title) if self.title is not None else 0
        return Measurement(min(natural, 20), max(natural, min(title, options.max_width)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.padding import Padding

        widths = self.widths(options.max_width - INDENT)
        if widths is None:
            yield self.blocks(options.max_width)
            return
        if self.title is not None:
            yield self.title
        yield Padding(self.table(widths), (0, 0, 0, INDENT), expand=False)

    def table(self, widths: dict[int, int]) -> Table:
        out = Table(
            box=HEAD if self.unicode else ASCII_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1),
            collapse_padding=True,
            header_style="bold",
            footer_style="",
            show_footer=self.footer is not None,
        )
        for index, width in widths.items():
            column = self.columns[index]
            out.add_column(
                column.header,
                footer=self._fitted(self.footer[index], width, column) if self.footer else "",
                justify=column.justify,
                no_wrap=True,
                width=width,
                style=column.style,
            )
        for row in self.rows:
            out.add_row(*(self._fitted(row[i], w, self.columns[i]) for i, w in widths.items()))
        return out

    def _fitted(self, cell: Text, width: int, column: Column) -> Text:
        if _width(cell) <= width or not column.shrink:
            return cell
        return shorten(cell, width, ELLIPSIS if self.unicode else "...")

    def blocks(self, width: int) -> RenderableType:
        """One record per block: ``name  value`` lines, a blank line between records."""
        from rich.padding import Padding

        names = max(cell_len(c.header) for c in self.columns)
        room = max(1, width - INDENT - names - GAP)
        parts: list[RenderableType] = []
        if self.title is not None:
            parts.append(self.title)
        for number, row in enumerate(self._all_rows()):
            if number or self.title is not None:
                parts.append(Text(""))
            for column, cell in zip(self.columns, row, strict=True):
                if not cell.plain:
                    continue
                value = self._fitted(cell, room, column)
                line = Text(column.header.ljust(names) + " " * GAP, style="dim")
                line.append_text(value)
                parts.append(Padding(line, (0, 0, 0, INDENT), expand=False))
        return Group(*parts)


def longest_piece(text: Text) -> int:
    """The widest part of ``text`` that cannot be wrapped (a glued formula, a word)."""
    pieces = re.split("[ \n\u200b]", text.plain)
    return max((cell_len(piece) for piece in pieces), default=0)


#: The start of a line a formula was broken onto: an operator and a space.
LEADS = re.compile(rf"(?:{OPERATORS}[ \u00a0\u200b]|[·*])")

#: A row of a ``WorkTable``: (number, step, work); None draws a break between steps.
WorkRow = tuple[Text | str, Text | str, Text] | None


class WorkTable:
    """Numbered steps with their work: a table when every formula fits its column,
    else one block per step, the work on its own lines under the step's name."""

    def __init__(self, rows: Sequence[WorkRow], unicode: bool = True) -> None:
        self.rows = list(rows)
        self.unicode = unicode

    def _steps(self) -> list[tuple[Text, Text, Text]]:
        return [(as_text(r[0]), as_text(r[1]), r[2]) for r in self.rows if r is not None]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        steps = self._steps()
        widths = [max((_width(s[i]) for s in steps), default=0) for i in range(3)]
        natural = sum(widths) + 2 * GAP
        return Measurement(min(40, options.max_width), min(natural, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        steps = self._steps()
        number = max([1, *(_width(s[0]) for s in steps)])
        name = max([4, *(_width(s[1]) for s in steps)])
        room = options.max_width - number - name - 2 * GAP
        if all(longest_piece(s[2]) <= room for s in steps):
            yield self.table()
        else:
            yield self.blocks()

    def table(self) -> Table:
        out = Table(
            box=box.SIMPLE_HEAD if self.unicode else ASCII_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1),
            collapse_padding=True,
            header_style="bold",
        )
        out.add_column("#", justify="right", style="dim", no_wrap=True)
        out.add_column("Step", style="bold", no_wrap=True)
        out.add_column("Work")
        for row in self.rows:
            if row is None:
                out.add_section()
            else:
                out.add_row(*row)
        return out

    def blocks(self) -> RenderableType:

        parts: list[RenderableType] = []
        for row in self.rows:
            if row is None:
                parts.append(Text(""))
                continue
            head = Text()
            if as_text(row[0]).plain:
                head.append_text(as_text(row[0]).copy())
                head.stylize("dim")
                head.append(" ")
            head.append_text(as_text(row[1]).copy())
            head.stylize("bold", len(head) - len(as_text(row[1])))
            parts.append(head)
            if row[2].plain:
                parts.append(Hanging(row[2], indent=3 if as_text(row[0]).plain else 2))
        return Group(*parts)


class Hanging:
    """Text whose lines keep their indentation however they wrap.

    Each line of ``text`` is ``indent`` cells in, plus the spaces it starts
    with (``"  (with a step …"`` stays two in); a line that a formula is
    broken onto (it starts with its ``=``, ``+`` or ``−``) is ``hang`` cells
    further in, so it reads as the continuation it is. Wrapping is rich's (formulas glued, the
    operator leading, ``render.console``), done at two widths: the first line's
    and the continuation's.
    """

    def __init__(self, text: Text, indent: int = 0, hang: int = 2) -> None:
        self.text = text
        self.indent = indent
        self.hang = hang

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        natural = _width(self.text) + self.indent
        least = longest_piece(self.text) + self.indent + self.hang
        return Measurement(min(least, natural, options.max_width), min(natural, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.text.split("\n", allow_blank=True):
            yield from self._wrapped(line, options.max_width)

    def _wrapped(self, line: Text, width: int) -> list[Text]:
        from rich._wrap import divide_line

        plain = line.plain
        lead = self.indent + len(plain) - len(plain.lstrip(" "))
        body = line[len(plain) - len(plain.lstrip(" ")) :]
        first = max(1, width - lead)
        rest = max(1, width - lead - self.hang)
        offsets = divide_line(body.plain, first)
        if offsets:
            start = offsets[0]
            offsets = [start, *(start + o for o in divide_line(body.plain[start:], rest))]
        out = []
        for number, piece in enumerate(body.divide(offsets)):
            piece.rstrip()
            hangs = number and LEADS.match(piece.plain) is not None
            shown = Text(" " * (lead + (self.hang if hangs else 0)), end="")
            shown.append_text(piece)
            shown.end = "\n"
            shown.no_wrap = True
            shown.overflow = "fold"
            out.append(shown)
        return out
