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
from rich.text import Text

from chainrule_cli.render.console import data_text, make_console
from chainrule_cli.render.fit import Column, FitTable, shorten
from chainrule_cli.render.mathfmt import math_for

#: Formatting one expression for the table: at most this long, and all of them together
#: at most LIST_BUDGET; after that, the rest are listed as typed.
FORMAT_LIMIT = 0.25
LIST_BUDGET = 2.0
#: The widest a cell of the problem table gets before it is shortened with "…".
CELL_LIMIT = 60


def bank_summary(table_counts: dict[str, dict[int, int]], files: int, console: Console) -> FitTable:
    """Valid problems per type and difficulty, with totals."""
    rows = []
    totals = [0, 0, 0]
    for kind, by_level in sorted(table_counts.items()):
        row = [by_level.get(d, 0) for d in (1, 2, 3)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        rows.append([data_text(kind, one_line=True), *(str(v) for v in row), str(sum(row))])
    footer = [
        Text("all", style="bold"),
        *(str(v) for v in totals),
        Text(str(sum(totals)), style="bold"),
    ]
    columns = [Column("type"), *(Column(d, "right") for d in ("1", "2", "3", "total"))]
    return FitTable(
        columns,
        rows,
        title=f"Valid problems ({files} file{'s' if files != 1 else ''})",
        unicode=math_for(console).unicode,
        footer=footer,
    )


def _short(text: str, limit: int = CELL_LIMIT, unicode: bool = True) -> Text:
    """A string from a bank on one line, at most ``limit`` cells (a hostile id is long)."""
    return shorten(data_text(text, one_line=True), limit, "…" if unicode else "...")


#: The problem table: the expression is shortened first, then the type left out.
PROBLEM_COLUMNS = (
    Column("id"),
    Column("type", drop=1),
    Column("d", "right"),
    Column("expression", shrink=12),
    Column("at"),
)


def problem_table(
    problems: Sequence[Any],
    console: Console,
    clock: Any = time.monotonic,
    budget: float = LIST_BUDGET,
) -> FitTable:
    """Id, type, difficulty, the expression in math notation, and the point.

    Each expression is formatted under a short time limit and all of them under
    ``budget`` seconds; one that is slow, or does not parse, is shown as typed.
    """
    from chainrule_cli.limits import attempt
    from chainrule_cli.reading.parsing import parse_sympy  # only for display

    m = math_for(console)
    if problems:  # SymPy's first parse pays for setting itself up: not the first problem's time
        attempt(1.0, lambda: m(parse_sympy("2x")), "")
    deadline = clock() + budget

    def shown(expression: str, variable: str) -> str:
        left = deadline - clock()
        if left <= 0 or len(expression) > 2 * CELL_LIMIT:
            return expression
        try:
            return attempt(
                min(FORMAT_LIMIT, left), lambda: m(parse_sympy(expression, variable)), expression
            )
        except Exception:  # a broken problem still lists, as typed
            return expression

    rows = [
        [
            _short(p.id, unicode=m.unicode),
            _short(p.type, unicode=m.unicode),
            str(p.difficulty),
            _short(
                shown(p.expression, getattr(p, "variable", None) or "x"), 2 * CELL_LIMIT, m.unicode
            ),
            _short(p.point_text or "", unicode=m.unicode),
        ]
        for p in problems
    ]
    return FitTable(PROBLEM_COLUMNS, rows, unicode=m.unicode)


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


def _many(count: int, word: str) -> str:
    """``1 problem``, ``2 problems``, ``12,000 problems``."""
    return f"{count:,} {word}{'s' if count != 1 else ''}"


def validation_summary(report: Any) -> str:
    """The verdict of ``bank validate`` in words, counting only what was checked.

    Valid problems are those checked and found fine; a problem the budget did
    not reach is counted as not reached, never as valid, and the ways to reach
    it are named.
    """
    bad = report.with_issues
    if report.unchecked:
        sentences = [
            f"{report.checked:,} of {_many(report.problems, 'problem')} checked, "
            f"{report.unchecked:,} not reached in {report.budget:g} s: run with a longer budget "
            f"(--budget {suggested_budget(report)}) or split the bank.",
            f"Of those checked, {len(report.valid):,} valid"
            + (f"; {bad:,} with {'an issue' if bad == 1 else 'issues'}." if bad else "."),
        ]
    elif bad:
        sentences = [
            f"{len(report.valid):,} of {_many(report.problems, 'problem')} valid; "
            f"{bad:,} with {'an issue' if bad == 1 else 'issues'}."
        ]
    elif report.problems == 0:
        sentences = ["No problem could be read."]
    elif report.problems == 1:
        sentences = ["The 1 problem is valid."]
    else:
        sentences = [f"All {report.problems:,} problems are valid."]
    if report.file_issues:
        sentences.append(f"{_many(report.file_issues, 'issue')} with the bank files themselves.")
    if report.issues:
        sentences.append(f"Fix {'it' if len(report.issues) == 1 else 'them'} and validate again.")
    return " ".join(sentences)


def suggested_budget(report: Any) -> int:
    """Seconds that would likely reach every problem: the pace so far, with room to spare."""
    import math

    pace = report.budget / max(report.checked, 1)
    return max(int(report.budget) + 10, math.ceil(pace * report.problems * 1.25 / 10) * 10)
