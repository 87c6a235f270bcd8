"""``learn`` and ``backprop``: lesson screens, checkpoints and the gradient table."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from chainrule_cli.render.console import ascii_text, panel
from chainrule_cli.render.fit import Column, FitTable
from chainrule_cli.render.mathfmt import glue_math, math_for
from chainrule_cli.render.progress import _bar
from chainrule_cli.render.solution import solution_view


# -- learn ----------------------------------------------------------------------------------
def lesson_screen(
    section: Any, screen: Any, index: int, total: int, number: int, console: Console
) -> RenderableType:
    """One screen of the lesson: the text, and a live example or backprop table."""
    m = math_for(console)
    dot = "·" if m.unicode else "-"
    parts: list[RenderableType] = [
        Text(""),
        Rule(
            Text(f"{index + 1}/{total} {dot} {section.title}", style="bold"),
            align="left",
            characters="─" if m.unicode else "-",
        ),
        *lesson_text(screen.text, console),
    ]
    if screen.example:
        from chainrule_cli.maths.solution import solve

        solution = solve(screen.example, screen.example_at)
        parts.append(panel(f'chainrule solve "{screen.example}"', solution_view(solution, console)))
    if screen.backprop:
        from chainrule_cli.graph.deepchain import backprop, make_network

        layers, activation = screen.backprop
        parts.append(backprop_view(backprop(make_network(layers, activation, 0)), console))
    return Group(*parts)


def lesson_text(text: str, console: Console) -> list[RenderableType]:
    """A screen's Markdown, its formulas kept whole; its tables drawn as tables that
    fit (``FitTable``: one block per row when the columns do not fit), never with
    formulas cut short."""
    from rich.markdown import Markdown

    m = math_for(console)
    parts: list[RenderableType] = []
    prose: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if prose and "".join(prose).strip():
            parts.append(Markdown(glue_math(m.signs("".join(prose)), console.width)))
        prose.clear()
        if table:
            head, *rows = table
            body = [[m.prose(cell) for cell in row] for row in rows]
            if parts:
                parts.append(Text(""))
            parts.append(FitTable([Column(h) for h in head], body, unicode=m.unicode))
            parts.append(Text(""))
            table.clear()

    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            if prose:
                flush()
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):  # not the |---| line
                table.append(cells)
        else:
            if table:
                flush()
            prose.append(line)
    flush()
    return parts


def checkpoint_question(checkpoint: Any, console: Console) -> RenderableType:
    m = math_for(console)
    return Group(
        Text(""), Text("Checkpoint: ", style="bold yellow") + Text(m.prose(checkpoint.prompt))
    )


def checkpoint_result(right: bool, feedback: str, console: Console) -> Text:
    m = math_for(console)
    if right:
        return Text(f"{m.check} Correct", style="bold green")
    return Text(f"{m.cross} Not quite", style="bold red") + Text(
        f": {m.prose(feedback)}" if feedback else ""
    )


def checkpoint_answer(answer: str, console: Console) -> Text:
    m = math_for(console)
    return Text(f"The answer: {m.prose(answer)}. On to the next section.", style="bold")


def lesson_end(console: Console) -> Text:
    return Text(
        "That is the whole chapter. Practise with: chainrule quiz, or chainrule review tomorrow.",
        style="bold green",
    )


def backprop_view(report: Any, console: Console) -> RenderableType:
    """Layer by layer: the local derivative and the running product, with a log-scale bar."""
    import math

    m = math_for(console)
    net = report.network
    title = f"{len(report.layers)} layers, {net.activation}" + (
        " with skip connections" if net.skip else ""
    )
    values = [abs(layer.running) for layer in report.layers]
    logs = [math.log10(v) for v in values if v > 0]
    low = min([*logs, -1.0])
    mark = "†" if m.unicode else "*"
    rows = []
    for layer in report.layers:
        value = abs(layer.running)
        frac = (
            0.0 if value <= 0 else (math.log10(value) - low) / max(1e-9, (max([*logs, 0.0]) - low))
        )
        rows.append(
            [
                str(layer.index),
                m.number(layer.z, 3),
                m.number(layer.slope, 3),
                m.number(layer.weight, 3),
                m.number(layer.local, 3) + (mark if layer.index == 1 else ""),
                _scientific(layer.running, m),
                Text(_bar(frac, 16, m.unicode), style="green" if value > 1e-3 else "red"),
            ]
        )
    columns = (
        Column("layer", "right"),
        Column("z", "right", drop=3),
        Column("act′(z)" if m.unicode else "act'(z)", "right", drop=1),
        Column("w", "right", drop=4),
        Column("local", "right"),
        Column("running product", "right"),
        Column("log scale", drop=2),
    )
    out = FitTable(columns, rows, title=title, unicode=m.unicode)
    check = Text()
    gradient = _scientific(report.gradient, m, 6)
    check.append(
        glue_math(f"∂y/∂w₁ = {gradient}" if m.unicode else f"dy/dw1 = {gradient}"), style="bold"
    )
    check.append(f"   finite difference: {_scientific(report.finite_difference, m, 6)} ")
    check.append(
        m.check if report.agrees else m.cross, style="bold green" if report.agrees else "bold red"
    )
    if m.unicode:
        local, first = "∂hₖ/∂hₖ₋₁ = act′(zₖ)·wₖ", "∂h₁/∂w₁ = act′(z₁)·x"
    else:
        local, first = "dh_k/dh_(k-1) = act'(z_k)*w_k", "dh_1/dw_1 = act'(z_1)*x"
    x = m.number(net.x, 3)
    note = Text(
        f"local: {m.prose(local)}"
        + (" + 1 (the skip connection)" if net.skip else "")
        + f"; {mark} for layer 1, {m.prose(first)} with x = {x}. "
        + f"{m.prose(report.rule if m.unicode else ascii_text(report.rule))}. Running product: the local derivatives multiplied from "
        + "the output back to this layer.",
        style="dim",
    )
    verdict = "vanishes" if abs(report.gradient) < 1e-4 else "survives"
    summary = Text(
        f"The product of {len(report.layers)} factors {verdict}: the gradient at the first "
        f"weight is {_scientific(abs(report.gradient), m, 2)}.",
        style="bold red" if verdict == "vanishes" else "bold green",
    )
    return Group(out, check, note, summary)


def _scientific(value: float, m: Any, digits: int = 3) -> str:
    """1.234e-05 as 1.234×10⁻⁵ (1.234*10^-5 in ASCII), with the math's minus sign;
    from 0.1 to 999 as a plain decimal (1.009, never 1.009×10⁰)."""
    mantissa, _, exponent = f"{value:.{digits}e}".partition("e")
    power = int(exponent)
    if -1 <= power <= 2:
        return m.number(value, digits + 1, keep_zeros=True)
    if m.unicode:
        return f"{mantissa}×10{str(power).translate(_SUPER)}".replace("-", "−")
    return f"{mantissa}*10^{power}"


_SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def compare_view(comparison: Any, console: Console) -> RenderableType:
    """|gradient| per layer on a log scale for sigmoid, tanh, relu and a skip connection,
    and a sentence reading it off."""
    from chainrule_cli.render.plots import log_series

    m = math_for(console)
    picture = log_series(
        comparison.series,
        min(console.width, 100),
        m.unicode,
        f"|gradient| at each layer's input, {comparison.layers} layers (log scale)",
    )
    lines = [picture]
    for label in comparison.series:
        ratio = comparison.ratio(label)
        lines.append(
            Text(
                f"After {comparison.layers} {label} layers the gradient is "
                f"{_scientific(ratio, m, 0 if ratio < 0.1 else 2)} of what it was.",
                style="bold red" if ratio < 1e-3 else "bold green",
            )
        )
    lines.append(
        Text(
            "Read from the last layer back to the first: each layer multiplies the gradient by "
            "act′(z)·w (plus 1 with a skip connection).",
            style="dim",
        )
    )
    return Group(*lines)
