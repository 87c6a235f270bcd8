"""Every rich renderable lives in this package, one module per view; nothing
else imports rich (ruff's banned-api rule enforces it).

* ``console``: consoles, errors and notes, JSON, generic panels and tables;
* ``mathfmt``: math for one console, unicode or ASCII;
* ``solution``: the worked solution and the verdict line;
* ``quiz``: problem headers, hints, guided prompts, the summary;
* ``progress``: stats, history, review;
* ``lessons``: learn and backprop;
* ``bank``: bank validate and bank list.

The core hands over SymPy expressions and plain data; these modules decide
how they look. Callers use ``from chainrule_cli import render`` and
``render.solution_view(...)``: the names below are the package's interface.
"""

from __future__ import annotations

from rich.console import Console

from chainrule_cli.render.bank import bank_summary, issue_lines, problem_table, skipped_note
from chainrule_cli.render.console import (
    box_for,
    cell,
    data_text,
    dim,
    error,
    line,
    make_console,
    panel,
    plain,
    print_json,
    supports_unicode,
    table,
    warn,
)
from chainrule_cli.render.lessons import (
    backprop_view,
    checkpoint_answer,
    checkpoint_question,
    checkpoint_result,
    lesson_end,
    lesson_screen,
)
from chainrule_cli.render.mathfmt import Math, math_for
from chainrule_cli.render.progress import (
    MASTERY_STYLE,
    MISTAKE_LABELS,
    flagged_view,
    history_view,
    nothing_due,
    stats_view,
)
from chainrule_cli.render.quiz import (
    applied_hint,
    applied_solution,
    correct_text,
    guided_note,
    guided_prompt,
    guided_question,
    guided_result,
    hint_panel,
    key_list,
    note_panel,
    problem_header,
    quiz_help,
    quiz_summary,
    right_answer,
    tries_text,
)
from chainrule_cli.render.solution import (
    chain_diagram,
    combination_row,
    layer_rows,
    number_check_text,
    rates_diagram,
    solution_view,
    steps_table,
    verdict,
)

__all__ = [
    "MASTERY_STYLE",
    "MISTAKE_LABELS",
    "Console",
    "Math",
    "applied_hint",
    "applied_solution",
    "backprop_view",
    "bank_summary",
    "box_for",
    "cell",
    "chain_diagram",
    "checkpoint_answer",
    "checkpoint_question",
    "checkpoint_result",
    "combination_row",
    "correct_text",
    "data_text",
    "dim",
    "error",
    "flagged_view",
    "guided_note",
    "guided_prompt",
    "guided_question",
    "guided_result",
    "hint_panel",
    "history_view",
    "issue_lines",
    "key_list",
    "layer_rows",
    "lesson_end",
    "lesson_screen",
    "line",
    "make_console",
    "math_for",
    "note_panel",
    "nothing_due",
    "number_check_text",
    "panel",
    "plain",
    "print_json",
    "problem_header",
    "problem_table",
    "quiz_help",
    "quiz_summary",
    "rates_diagram",
    "right_answer",
    "skipped_note",
    "solution_view",
    "stats_view",
    "steps_table",
    "supports_unicode",
    "table",
    "tries_text",
    "verdict",
    "warn",
]
