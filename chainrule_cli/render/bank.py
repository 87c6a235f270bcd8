"""``bank validate`` and ``bank list``: the summary and the problem table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import supports_unicode
from chainrule_cli.render.mathfmt import math_for

if TYPE_CHECKING:
    pass


# -- banks ----------------------------------------------------------------------------------
def bank_summary(table_counts: dict[str, dict[int, int]], files: int, console: Console) -> Table:
    unicode = supports_unicode(console)
    out = Table(
        title=f"Valid problems ({files} file{'s' if files != 1 else ''})",
        box=box.SIMPLE_HEAD if unicode else box.ASCII,
        title_justify="left",
    )
    for column in ("type", "1", "2", "3", "total"):
        out.add_column(column, justify="left" if column == "type" else "right")
    totals = [0, 0, 0]
    for kind, by_level in sorted(table_counts.items()):
        row = [by_level.get(d, 0) for d in (1, 2, 3)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        out.add_row(kind, *(str(v) for v in row), str(sum(row)))
    out.add_row(
        Text("all", style="bold"), *(str(v) for v in totals), Text(str(sum(totals)), style="bold")
    )
    return out


def problem_table(problems: Sequence[Any], console: Console) -> Table:
    m = math_for(console)
    out = Table(box=box.SIMPLE_HEAD if m.unicode else box.ASCII)
    for column in ("id", "type", "d", "expression", "at"):
        out.add_column(column, overflow="fold")
    from chainrule_cli.parsing import parse_sympy  # only for display

    for p in problems:
        try:
            shown = m(parse_sympy(p.expression))
        except Exception:  # a broken problem still lists, as typed
            shown = p.expression
        out.add_row(p.id, p.type, str(p.difficulty), shown, p.at or "")
    return out
