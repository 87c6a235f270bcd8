"""Every rich renderable lives in this package, one module per view; nothing
else imports rich (ruff's banned-api rule enforces it).

* ``console``: consoles, errors and notes, JSON, generic panels and tables;
* ``mathfmt``: math for one console, unicode or ASCII;
* ``solution``: the worked solution and the verdict line;
* ``quiz``: problem headers, keys, tries, verdicts, the summary;
* ``hints``: the hint panels; ``guided``: the guided walk's prompts and results;
* ``progress``: stats, history, review;
* ``lessons``: learn and backprop;
* ``bank``: bank validate and bank list.

The core hands over SymPy expressions and plain data; these modules decide
how they look. Callers use ``from chainrule_cli import render`` and
``render.solution_view(...)``: the names below are the package's interface.

Each view is imported on first use (``__getattr__`` below): ``solve`` loads
the solution view, not the quiz's or the progress views (about 35 ms less at
every start-up). Type checkers see the imports as written.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from chainrule_cli.render.graphquiz import (
        graph_correct,
        graph_header,
        graph_hint,
        graph_right_answer,
        graph_solution,
        walk_question,
        walk_result,
    )
    from chainrule_cli.render.guided import (
        guided_hint,
        guided_note,
        guided_prompt,
        guided_question,
        guided_result,
    )
    from chainrule_cli.render.hints import applied_hint, applied_solution, hint_panel
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
        correct_text,
        due_line,
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
    from chainrule_cli.render.tree import implicit_view, tree_diagram, tree_view

#: Where each name of the interface lives (a module of this package, or rich's).
_WHERE: dict[str, str] = {
    "Console": "rich.console",
    "MASTERY_STYLE": "progress",
    "MISTAKE_LABELS": "progress",
    "Math": "mathfmt",
    "applied_hint": "hints",
    "applied_solution": "hints",
    "backprop_view": "lessons",
    "bank_summary": "bank",
    "box_for": "console",
    "cell": "console",
    "chain_diagram": "solution",
    "checkpoint_answer": "lessons",
    "checkpoint_question": "lessons",
    "checkpoint_result": "lessons",
    "combination_row": "solution",
    "correct_text": "quiz",
    "data_text": "console",
    "dim": "console",
    "error": "console",
    "flagged_view": "progress",
    "guided_hint": "guided",
    "guided_note": "guided",
    "guided_prompt": "guided",
    "guided_question": "guided",
    "guided_result": "guided",
    "hint_panel": "hints",
    "graph_correct": "graphquiz",
    "graph_header": "graphquiz",
    "graph_hint": "graphquiz",
    "graph_right_answer": "graphquiz",
    "graph_solution": "graphquiz",
    "walk_question": "graphquiz",
    "walk_result": "graphquiz",
    "history_view": "progress",
    "implicit_view": "tree",
    "issue_lines": "bank",
    "key_list": "quiz",
    "layer_rows": "solution",
    "lesson_end": "lessons",
    "lesson_screen": "lessons",
    "line": "console",
    "make_console": "console",
    "math_for": "mathfmt",
    "note_panel": "quiz",
    "nothing_due": "progress",
    "number_check_text": "solution",
    "panel": "console",
    "plain": "console",
    "print_json": "console",
    "problem_header": "quiz",
    "problem_table": "bank",
    "quiz_help": "quiz",
    "quiz_summary": "quiz",
    "due_line": "quiz",
    "rates_diagram": "solution",
    "right_answer": "quiz",
    "skipped_note": "bank",
    "solution_view": "solution",
    "stats_view": "progress",
    "steps_table": "solution",
    "supports_unicode": "console",
    "table": "console",
    "tree_diagram": "tree",
    "tree_view": "tree",
    "tries_text": "quiz",
    "verdict": "solution",
    "warn": "console",
}


def __getattr__(name: str) -> Any:
    """Import a view's module when one of its names is first used."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    path = module if "." in module else f"{__name__}.{module}"
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value


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
    "due_line",
    "error",
    "flagged_view",
    "graph_correct",
    "graph_header",
    "graph_hint",
    "graph_right_answer",
    "graph_solution",
    "guided_hint",
    "guided_note",
    "guided_prompt",
    "guided_question",
    "guided_result",
    "hint_panel",
    "history_view",
    "implicit_view",
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
    "tree_diagram",
    "tree_view",
    "tries_text",
    "verdict",
    "walk_question",
    "walk_result",
    "warn",
]
