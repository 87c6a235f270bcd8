"""Consoles, one-line errors and notes, JSON output, generic panels and tables.

Every console is made here, so the choices about width, colour and encoding are
made once: rich honours ``COLUMNS``, ``NO_COLOR`` and ``TERM=dumb`` itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    pass


def make_console(stderr: bool = False, width: int | None = None) -> Console:
    """A console for stdout or stderr; ``COLUMNS`` and ``NO_COLOR`` are honoured by rich."""
    return Console(
        stderr=stderr,
        width=width,
        highlight=False,
        soft_wrap=False,
        emoji=False,
    )


def supports_unicode(console: Console) -> bool:
    """Whether math can use x², √ and ·: the output encoding must be UTF-something."""
    if os.environ.get("CHAINRULE_ASCII"):
        return False
    encoding = (console.encoding or "").lower()
    return encoding.startswith("utf")


# -- errors ------------------------------------------------------------------------
def error(message: str, caret_lines: Sequence[str] = ()) -> None:
    """One clear line on stderr, and the input with a caret for math input."""
    console = make_console(stderr=True)
    console.print(Text("error: ", style="bold red") + Text(message), soft_wrap=True)
    for line in caret_lines:
        console.print(Text(line, style="red" if line.strip() == "^" else ""), soft_wrap=True)


def dim(text: str) -> Text:
    """A quiet line of explanation."""
    return Text(text, style="dim")


def warn(message: str) -> None:
    """A one-line notice on stderr that does not stop the command."""
    console = make_console(stderr=True)
    console.print(Text("note: ", style="bold yellow") + Text(message), soft_wrap=True)


def panel(title: str, body: RenderableType, style: str = "cyan") -> Panel:
    return Panel(body, title=title, title_align="left", border_style=style, expand=False)


def table(
    columns: Iterable[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    unicode: bool = True,
) -> Table:
    out = Table(title=title, box=box.SIMPLE_HEAD if unicode else box.ASCII, title_justify="left")
    for column in columns:
        out.add_column(column)
    for row in rows:
        out.add_row(*(str(cell) if not isinstance(cell, Text) else cell for cell in row))
    return out


def print_json(data: Any) -> None:
    """Pure JSON on stdout: no markup, no colour, whatever the terminal."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
