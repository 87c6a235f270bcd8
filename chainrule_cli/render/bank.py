"""``bank validate`` and ``bank list``: the summary, the problem table, the issue lines.

Everything shown here comes from a bank file someone else may have written, so
every string goes through ``plain`` (no markup, no control characters), and
the table's math formatting has a time budget: a hostile expression is listed
as typed rather than hanging the listing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import box_for, data_text, make_console
from chainrule_cli.render.mathfmt import math_for

#: Formatting one expression for the table: at most this long, and all of them together
#: at most LIST_BUDGET; after that, the rest are listed as typed.
FORMAT_LIMIT = 0.25
LIST_BUDGET = 2.0
#: The widest a cell of the problem table gets before it is shortened with "…".
CELL_LIMIT = 60


def bank_summary(table_counts: dict[str, dict[int, int]], files: int, console: Console) -> Table:
    """Valid problems per type and difficulty, with totals."""
    out = Table(
        title=f"Valid problems ({files} file{'s' if files != 1 else ''})",
        box=box_for(console),
        title_justify="left",
    )
    for column in ("type", "1", "2", "3", "total"):
        out.add_column(column, justify="left" if column == "type" else "right")
    totals = [0, 0, 0]
    for kind, by_level in sorted(table_counts.items()):
        row = [by_level.get(d, 0) for d in (1, 2, 3)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        out.add_row(data_text(kind, one_line=True), *(str(v) for v in row), str(sum(row)))
    out.add_row(
        Text("all", style="bold"), *(str(v) for v in totals), Text(str(sum(totals)), style="bold")
    )
    return out


def _short(text: str, limit: int = CELL_LIMIT) -> Text:
    ellipsis = "…" if len(text) > limit else ""
    return data_text(text[:limit] + ellipsis, one_line=True)


def problem_table(
    problems: Sequence[Any],
    console: Console,
    clock: Any = time.monotonic,
    budget: float = LIST_BUDGET,
) -> Table:
    """Id, type, difficulty, the expression in math notation, and the point.

    Each expression is formatted under a short time limit and all of them under
    ``budget`` seconds; one that is slow, or does not parse, is shown as typed.
    """
    from chainrule_cli.limits import attempt
    from chainrule_cli.parsing import parse_sympy  # only for display

    m = math_for(console)
    out = Table(box=box_for(console))
    for column in ("id", "type", "d", "expression", "at"):
        out.add_column(column, overflow="fold")
    deadline = clock() + budget

    def shown(expression: str) -> str:
        left = deadline - clock()
        if left <= 0 or len(expression) > 2 * CELL_LIMIT:
            return expression
        try:
            return attempt(min(FORMAT_LIMIT, left), lambda: m(parse_sympy(expression)), expression)
        except Exception:  # a broken problem still lists, as typed
            return expression

    for p in problems:
        expression = shown(p.expression)
        out.add_row(
            _short(p.id),
            _short(p.type),
            str(p.difficulty),
            _short(expression, 2 * CELL_LIMIT),
            _short(p.at or ""),
        )
    return out


def issue_lines(issues: Sequence[Any]) -> None:
    """Each issue as ``file:line: id: message`` on stderr, one line each, shown as written."""
    console = make_console(stderr=True)
    for issue in issues:
        console.print(data_text(str(issue), one_line=True), soft_wrap=True)


def skipped_note(ids: Sequence[str], limit: int = 8) -> str:
    """One line naming the problems a quiz left out because they fail validation."""
    shown = [i if len(i) <= 40 else i[:39] + "…" for i in ids[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    counted = f"{len(ids)} problems that fail" if len(ids) != 1 else "1 problem that fails"
    return (
        f"skipped {counted} validation: {', '.join(shown)}{more} "
        "(chainrule bank validate shows why)"
    )
