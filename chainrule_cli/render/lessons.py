"""``learn`` and ``backprop``: lesson screens, checkpoints and the gradient table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chainrule_cli.render.console import panel
from chainrule_cli.render.mathfmt import math_for
from chainrule_cli.render.progress import _bar
from chainrule_cli.render.solution import solution_view

if TYPE_CHECKING:
    pass


# -- learn ----------------------------------------------------------------------------------
def lesson_screen(
    section: Any, screen: Any, index: int, total: int, number: int, console: Console
) -> RenderableType:
    """One screen of the lesson: the text, and a live example or backprop table."""
    from rich.markdown import Markdown

    m = math_for(console)
    dot = "·" if m.unicode else "-"
    parts: list[RenderableType] = [
        Text(""),
        Rule(
            Text(f"{index + 1}/{total} {dot} {section.title}", style="bold"),
            align="left",
            characters="─" if m.unicode else "-",
        ),
        Markdown(screen.text),
    ]
    if screen.example:
        from chainrule_cli.solution import solve

        solution = solve(screen.example, screen.example_at)
        parts.append(panel(f'chainrule solve "{screen.example}"', solution_view(solution, console)))
    if screen.backprop:
        from chainrule_cli.backprop import backprop, make_network

        layers, activation = screen.backprop
        parts.append(backprop_view(backprop(make_network(layers, activation, 0)), console))
    return Group(*parts)


def checkpoint_question(checkpoint: Any, console: Console) -> RenderableType:
    return Group(Text(""), Text("Checkpoint: ", style="bold yellow") + Text(checkpoint.prompt))


def checkpoint_result(right: bool, feedback: str, console: Console) -> Text:
    m = math_for(console)
    if right:
        return Text(f"{m.check} Correct", style="bold green")
    return Text(f"{m.cross} Not quite", style="bold red") + Text(
        f": {feedback}" if feedback else ""
    )


def checkpoint_answer(answer: str, console: Console) -> Text:
    return Text(f"The answer: {answer}. On to the next section.", style="bold")


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
    out = Table(title=title, box=box.SIMPLE_HEAD if m.unicode else box.ASCII, title_justify="left")
    for column in (
        "layer",
        "z",
        "act′(z)" if m.unicode else "act'(z)",
        "w",
        "local",
        "running product",
        "log scale",
    ):
        out.add_column(
            column, justify="right" if column not in ("log scale",) else "left", no_wrap=True
        )
    values = [abs(layer.running) for layer in report.layers]
    logs = [math.log10(v) for v in values if v > 0]
    low = min([*logs, -1.0])
    width = 16
    for layer in report.layers:
        value = abs(layer.running)
        frac = (
            0.0 if value <= 0 else (math.log10(value) - low) / max(1e-9, (max([*logs, 0.0]) - low))
        )
        bar = _bar(frac, width, m.unicode)
        out.add_row(
            str(layer.index),
            f"{layer.z:.3f}",
            f"{layer.slope:.3f}",
            f"{layer.weight:.3f}",
            f"{layer.local:.3g}",
            f"{layer.running:.3e}",
            Text(bar, style="green" if value > 1e-3 else "red"),
        )
    check = Text()
    check.append(
        f"∂y/∂w₁ = {report.gradient:.6e}" if m.unicode else f"dy/dw1 = {report.gradient:.6e}",
        style="bold",
    )
    check.append(f"   finite difference: {report.finite_difference:.6e} ")
    check.append(
        m.check if report.agrees else m.cross, style="bold green" if report.agrees else "bold red"
    )
    note = Text(
        f"local derivative: {report.rule}"
        + ("; a skip connection adds 1" if net.skip else "")
        + ". Running product: the local derivatives multiplied from the output back to this layer.",
        style="dim",
    )
    verdict = "vanishes" if abs(report.gradient) < 1e-4 else "survives"
    summary = Text(
        f"The product of {len(report.layers)} factors {verdict}: the gradient at the first weight is {abs(report.gradient):.2e}.",
        style="bold red" if verdict == "vanishes" else "bold green",
    )
    return Group(out, check, note, summary)
