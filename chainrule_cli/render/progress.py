"""``stats``, ``history``, ``review`` and ``export``: the learner's progress as tables and charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from chainrule_cli.progress.stats import drill_for
from chainrule_cli.render.console import ascii_text, data_text, plain
from chainrule_cli.render.fit import Column, FitTable
from chainrule_cli.render.mathfmt import glue, math_for

# -- progress -------------------------------------------------------------------------------
MASTERY_STYLE = {
    "not started": "dim",
    "attempted": "yellow",
    "familiar": "cyan",
    "proficient": "green",
    "mastered": "bold green",
}


def _bar(fraction: float, width: int, unicode: bool) -> str:
    full = "█" if unicode else "#"
    empty = "░" if unicode else "."
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return full * filled + empty * (width - filled)


#: The stats table; when it is too wide, the date goes first, then hints per problem.
STATS_COLUMNS = (
    Column("type"),
    Column("problems", "right"),
    Column("right", "right"),
    Column("hints", "right", drop=2),
    Column("mastery"),
    Column("last", drop=3),
)


def stats_view(data: dict[str, Any], console: Console) -> RenderableType:
    m = math_for(console)
    if not data["attempts"]:
        return Text("No attempts yet. Start with: chainrule quiz")
    parts: list[RenderableType] = []
    accuracy = data["correct"] / data["attempts"]
    days = data["streak"]
    tries = data.get("tries", data["attempts"])
    parts.append(
        Text(
            f"{data['attempts']} problem{'s' if data['attempts'] != 1 else ''} answered "
            f"in {tries} tr{'ies' if tries != 1 else 'y'}, {accuracy:.0%} right; "
            f"daily streak: {days} day{'s' if days != 1 else ''}",
            style="bold",
        )
    )
    rows = []
    for kind, line in data["by_type"].items():
        last = line["last_practised"][:10] if line["last_practised"] else ""
        acc = f"{line['accuracy']:.0%}" if line["attempts"] else ""
        hints = f"{line['hints_per_problem']:.1f}" if line["attempts"] else ""
        rows.append(
            [
                data_text(kind, one_line=True),
                str(line["attempts"]),
                acc,
                hints,
                Text(line["mastery"], style=MASTERY_STYLE[line["mastery"]]),
                last,
            ]
        )
    parts.append(Text(""))
    parts.append(FitTable(STATS_COLUMNS, rows, unicode=m.unicode))
    parts.append(Text(""))
    chart = Text("Accuracy by week\n", style="bold")
    for week in data["weekly"]:
        if week["attempts"]:
            chart.append(
                f"  {week['week']}  {_bar(week['accuracy'], 20, m.unicode)} {week['accuracy']:.0%} of {week['attempts']}\n"
            )
        else:
            chart.append(f"  {week['week']}  {'':20} -\n", style="dim")
    chart.rstrip()
    parts.append(chart)
    if data.get("by_mistake"):
        parts.append(Text(""))
        parts.append(mistakes_view(data["by_mistake"], data.get("mistake_window", 0), console))
    if data["flagged"]:
        parts.append(
            flagged_view(
                [(f["id"], f["expression"], f["misses"]) for f in data["flagged"]], console
            )
        )
    if data.get("unreadable"):
        parts.append(unreadable_line(data["unreadable"]))
    return Group(*parts)


def mistakes_view(counts: dict[str, int], window: int, console: Console) -> RenderableType:
    """How often each mistake was named lately (every wrong try counts), and the drill for the commonest."""
    m = math_for(console)
    out = Text(f"Your mistakes in your last {window} answers (every try counts)\n", style="bold")
    width = max(len(code) for code in counts)
    for code, n in counts.items():
        label = MISTAKE_LABELS.get(code, "")
        if not m.unicode:
            label = label.replace("′", "'")
        out.append(f"  {n:>3}  {code:<{width}}  ")
        out.append(f"{label}\n", style="dim")
    top = drill_for(counts)
    if top is not None:
        out.append(f"Drill the commonest one:\n  chainrule quiz --mistake {top}")
    return out


def unreadable_line(count: int) -> Text:
    """The store skipped malformed records: say how many."""
    return Text(f"{count} unreadable record{'s' if count != 1 else ''} skipped", style="yellow")


def plain_line(text: str) -> Text:
    """A line of the progress commands' own output, with any data in it shown as written."""
    from chainrule_cli.render.console import data_text

    return data_text(text)


def flagged_view(flagged: Sequence[tuple[str, str, int]], console: Console) -> RenderableType:
    """The problems missed several times, each with the command that shows every step.

    The command is one unbreakable piece, so it can be copied whole; it goes
    on the next line when it does not fit after the problem's name.
    """
    m = math_for(console)
    dash, times = ("—", "×") if m.unicode else ("-", "x")
    lines: list[RenderableType] = [
        Text(""),
        Text(f"Missed several times {dash} see every step with solve:", style="bold yellow"),
    ]
    for pid, expression, misses in flagged:
        line = data_text(f"{plain(pid, one_line=True)} (missed {misses}{times}): ")
        line.append(glue(plain(f'chainrule solve "{expression}"', one_line=True)))
        lines.append(Padding(line, (0, 0, 0, 2)))
    return Group(*lines)


MISTAKE_LABELS = {
    "forgot_inner_derivative": "forgot g′",
    "inner_not_substituted": "f′(x) not f′(g)",
    "only_inner_derivative": "only g′",
    "added_instead_of_multiplied": "added f′ + g′",
    "sign_error": "sign",
    "power_not_reduced": "power not reduced",
    "constant_factor": "constant factor",
    "product_rule_missed": "product rule missed",
    "product_of_derivatives": "f′·g′ for (fg)′",
    "forgot_ln_base": "forgot ln b",
    "power_rule_on_exponential": "power rule on eᵘ",
    "arcsec_convention": "arcsec without |u|",
    "missing_path": "a path left out",
    "extra_path": "a path too many",
    "wrong_variable": "∂ by the wrong variable",
    "substituted_wrong": "wrong substitution",
    "forgot_dy_dx": "dy/dx dropped",
    # backprop by hand (graph/byhand.py)
    "overwrote_at_fork": "= not += at a fork",
    "multiply_not_swapped": "× not swapped",
    "max_routed_wrong": "max routed wrong",
    "sigmoid_from_input": "σ′ from the input",
    "local_only": "local only, no upstream",
}


def history_view(attempts: Sequence[Any], console: Console) -> RenderableType:
    m = math_for(console)
    if not attempts:
        return Text("No attempts yet. Start with: chainrule quiz")
    from datetime import datetime

    from chainrule_cli.kinds import GRAPH_TYPES
    from chainrule_cli.printing.written import (
        as_read,
        graph_problem_as_read,
        several_as_read,
        variable_of,
    )

    def shown(text: str, read: str | None) -> Text:
        """As read, or as typed when it does not parse any more."""
        return data_text(text if read is None else read, one_line=True)

    rows = []
    for a in attempts:
        result = _history_result(a, m.check, m.cross, m.unicode)
        when = datetime.fromisoformat(a.answered_at).astimezone().strftime("%m-%d %H:%M")
        if a.type in GRAPH_TYPES:  # z = x²·y: every letter a variable; w0, loss in backprop
            problem = graph_problem_as_read(a.expression, a.type, m.unicode)
            answer = several_as_read(a.answer, m.unicode)
        else:  # 10πr², cos(πx): in the problem's one variable
            variable = variable_of(a.expression)
            problem = as_read(a.expression, variable, m.unicode)
            answer = as_read(a.answer, variable, m.unicode)
        rows.append(
            [
                when,
                shown(a.expression, problem),
                data_text(a.type, one_line=True),
                shown(a.answer, answer),
                result,
                str(a.hints),
                str(a.tries),
            ]
        )
    return FitTable(HISTORY_COLUMNS, rows, unicode=m.unicode)


def _history_result(attempt: Any, check: str, cross: str, unicode: bool) -> Text:
    """✓, ✓ after the slip of the last wrong try, or ✗ and the mistake."""

    def label(text: str) -> str:
        text = plain(text, one_line=True)
        return text if unicode else ascii_text(text)

    if not attempt.correct:
        named = MISTAKE_LABELS.get(attempt.mistake or "", attempt.outcome or "")
        return Text(f"{cross} {label(named)}", style="red")
    wrong = [t for t in attempt.all_tries() if not t.correct]
    if not wrong:
        return Text(check, style="green")
    slip = MISTAKE_LABELS.get(wrong[-1].mistake or "", "a wrong try")
    return Text(f"{check} after {label(slip)}", style="yellow")


#: The history table. Formulas (the problem, the answer, as read) are shortened
#: first; then the type, the tries, the hints and the time are left out.
HISTORY_COLUMNS = (
    Column("when", drop=1),
    Column("problem", shrink=12),
    Column("type", drop=4),
    Column("answer", shrink=8),
    Column("result"),
    Column("hints", "right", drop=2),
    Column("tries", "right", drop=3),
)


def nothing_due(next_due: Any, attempts: int, console: Console) -> Text:
    if not attempts:
        return Text("Nothing to review yet: take a quiz first (chainrule quiz).")
    if next_due is None:
        return Text("Nothing is due.")
    return Text(f"Nothing is due now. The next review is due in about {wait_text(next_due)}.")


def wait_text(due: Any, now: Any = None) -> str:
    """How long until ``due``, in the unit a person would say: 5 minutes, 3 hours, 2 days."""
    from datetime import UTC, datetime

    minutes = max(1, int((due - (now or datetime.now(UTC))).total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // 1440} days"
