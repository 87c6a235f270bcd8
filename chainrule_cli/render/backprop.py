"""Backprop by hand, on screen: the staged table, the backward pass, the graph, the check, the paths.

Plain data in (``graph/compgraph.py``'s ``Graph``), rich renderables out. Works
piped, under ``NO_COLOR`` and on an ASCII terminal (``ascii_text`` spells the
rest). No SymPy.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from chainrule_cli.graph.compgraph import Check, Graph
from chainrule_cli.graph.gates import PATTERNS, Number, math_factor, math_number
from chainrule_cli.render.console import ascii_text, box_for, supports_unicode

#: The largest graph drawn in the terminal; larger ones get the table alone.
MAX_DRAWN = 12


def _u(text: str, unicode: bool) -> str:
    return text if unicode else ascii_text(text)


def num(value: Number, unicode: bool = True) -> str:
    """A value with the math's minus sign."""
    return _u(math_number(value), unicode)


def _factor(value: Number, unicode: bool) -> str:
    return _u(math_factor(value), unicode)


def title(graph: Graph, unicode: bool) -> Text:
    at = ", ".join(f"{n.name} = {num(n.value, unicode)}" for n in graph.inputs)
    shown = graph.out.formula if len(graph.nodes) < 3 else _expression(graph, unicode)
    text = f"{graph.out.name} = {shown}"
    return Text(_u(f"{text}   at {at}", unicode), style="bold")


def _expression(graph: Graph, unicode: bool = True) -> str:
    """The expression as read (σ(w·x + b), (a + b)²), or as typed where it cannot be shown."""
    from chainrule_cli.printing.written import several_text

    shown = several_text(graph.read, unicode) if graph.read is not None else None
    if shown is not None:
        return shown
    return graph.text.split("=", 1)[1].strip() if "=" in graph.text else graph.text.strip()


def staged_table(graph: Graph, console: Console) -> Table:
    """CS231n's staged computation: one row per node, forward values and gradients."""
    unicode = supports_unicode(console)
    times = "×" if unicode else "*"
    out = Table(box=box_for(console), title_justify="left", pad_edge=False)
    for name, justify in (
        ("#", "right"),
        ("node", "left"),
        ("op", "left"),
        ("inputs", "left"),
        ("forward value", "left"),
        ("local ∂node/∂input", "left"),
        (f"gradient ∂{graph.out.name}/∂node", "left"),
    ):
        out.add_column(_u(name, unicode), justify=justify)  # type: ignore[arg-type]
    for node in graph.nodes:
        inputs = ", ".join(graph.nodes[i].name for i in node.inputs)
        if node.op == "input":
            forward = num(node.value, unicode)
            local = ""
            op = "input"
        else:
            forward = f"{node.formula} = {num(node.value, unicode)}"
            local = "\n".join(
                f"∂/∂{graph.nodes[i].name} = {num(v, unicode)}"
                for i, v in zip(node.inputs, node.local, strict=True)
            )
            op = node.symbol
            if node.kink:
                local += "\n(at a kink)"
        received = graph.received(node.index)
        if node.index == graph.output:
            gradient = "1"
        elif len(received) == 1:
            c = received[0]
            gradient = f"{num(c.upstream, unicode)} {times} {_factor(c.local, unicode)} = {num(node.grad, unicode)}"
        else:
            parts = " + ".join(
                f"{_factor(c.upstream, unicode)}{times}{_factor(c.local, unicode)}"
                for c in received
            )
            gradient = f"{parts} = {num(node.grad, unicode)}"
        out.add_row(
            str(node.index + 1),
            node.name,
            _u(op.replace("×", times), unicode),  # not x, a variable's name, in ASCII
            inputs,
            _u(forward, unicode),
            _u(local, unicode),
            _u(gradient, unicode),
        )
    return out


def backward_lines(graph: Graph, console: Console) -> Group:
    """The backward pass bottom to top: each ``+=`` with upstream × local written out."""
    unicode = supports_unicode(console)
    times = "×" if unicode else "*"
    d = "∂" if unicode else "d"
    out = graph.out.name
    lines = [Text("Backward, from the output back (upstream × local):", style="bold")]
    lines.append(Text(_u(f"  {d}{out}/{d}{out} = 1", unicode)))
    forks = {n.index for n in graph.forks()}
    for c in graph.contributions:
        node, target = graph.nodes[c.source], graph.nodes[c.into]
        step = (
            f"  {d}{out}/{d}{target.name} += {d}{out}/{d}{node.name} {times} "
            f"{d}{node.name}/{d}{target.name} = {num(c.upstream, unicode)} {times} "
            f"{_factor(c.local, unicode)} = {num(c.amount, unicode)}"
        )
        received = graph.received(c.into)
        if c.into in forks and c is received[-1]:
            step += f"   (a fork: {len(received)} contributions, total {num(target.grad, unicode)})"
        lines.append(Text(_u(step, unicode)))
    return Group(*lines)


def patterns(graph: Graph, console: Console) -> Text:
    """The gate patterns that occur, each named once, with the node it occurs at."""
    unicode = supports_unicode(console)
    seen: dict[str, list[str]] = {}
    for node in graph.nodes:
        if node.pattern:
            seen.setdefault(node.pattern, []).append(node.name)
    lines = []
    for key, names in seen.items():
        lines.append(f"  {', '.join(names)}: {PATTERNS[key]}")
    forks = graph.forks()
    if forks:
        shared = ", ".join(n.name for n in forks)
        lines.append(f"  {shared}: read by more than one node, so the gradients add (+=)")
    return Text(_u("Gate patterns:\n" + "\n".join(lines), unicode), style="dim")


def drawing(graph: Graph, console: Console) -> RenderableType:
    """The graph in layers, left to right: each node once with ``value | grad`` and
    the nodes it feeds (``→ c, d``: a fan-out). Larger than ``MAX_DRAWN`` nodes or
    wider than the console: a line that says the table stands alone."""
    unicode = supports_unicode(console)
    arrow = "→" if unicode else "->"
    if len(graph.nodes) > MAX_DRAWN:
        return Text(
            f"(The graph has {len(graph.nodes)} nodes: too many to draw at this width, "
            "so the table stands alone.)",
            style="dim",
        )
    layer = [0] * len(graph.nodes)
    for node in graph.nodes:
        if node.inputs:
            layer[node.index] = 1 + max(layer[i] for i in node.inputs)
    readers: dict[int, list[str]] = {n.index: [] for n in graph.nodes}
    for node in graph.nodes:
        for i in dict.fromkeys(node.inputs):
            readers[i].append(node.name)
    rows: list[list[str]] = [[] for _ in range(max(layer) + 1)]
    for node in graph.nodes:
        box = f"[{node.name} {_brief(node.value, unicode)}|{_brief(node.grad, unicode)}]"
        if readers[node.index]:
            box += f" {arrow} {', '.join(readers[node.index])}"
        rows[layer[node.index]].append(_u(box, unicode))
    label = "inputs"
    margin = max(len(label), len(f"step {len(rows) - 1}")) + 2
    width = max(40, min(console.width, 100))
    lines: list[str] = []
    for depth, boxes in enumerate(rows):
        head = (label if depth == 0 else f"step {depth}").ljust(margin)
        line = head
        for box in boxes:
            if len(line) > margin and len(line) + 4 + len(box) > width:
                lines.append(line.rstrip())
                line = " " * margin
            line += ("    " if len(line) > margin else "") + box
        lines.append(line.rstrip())
    if any(len(line) > console.width for line in lines):
        return Text(
            "(The graph is too wide to draw at this width, so the table stands alone.)",
            style="dim",
        )
    heading = Text(
        _u("The graph, from the inputs down: [node value|grad] → the nodes it feeds", unicode),
        style="bold",
    )
    return Group(heading, Text("\n".join(lines)))


def _brief(value: Number, unicode: bool) -> str:
    """A value in the drawing: a fraction as it is, a float to 3 significant figures."""
    if isinstance(value, float):
        text = f"{value:.3g}"
        return text.replace("-", "−") if unicode else text
    return num(value, unicode)


def check_table(checks: list[Check], console: Console) -> RenderableType:
    """The gradient check: centred difference, step, relative error and its reading."""
    unicode = supports_unicode(console)
    out = Table(box=box_for(console), pad_edge=False, title_justify="left")
    for name in ("input", "backprop", "centred difference", "step", "relative error", "reading"):
        out.add_column(name)
    notes = []
    for c in checks:
        out.add_row(
            c.input,
            _u(_short(c.gradient, unicode), unicode),
            _u(_short(c.estimate, unicode), unicode),
            f"{c.step:.0e}",
            f"{c.relative_error:.1e}" if c.relative_error == c.relative_error else "—",
            c.reading + (" *" if c.kink else ""),
        )
        if c.kink:
            notes.append(f"* {c.input}: {c.kink}")
    legend = Text(
        "Relative error |a − n|/max(|a|, |n|) (CS231n): below 1e-7 good; above 1e-2 probably wrong.",
        style="dim",
    )
    parts: list[RenderableType] = [
        Text("Gradient check (centred difference):", style="bold"),
        out,
        Text(_u(legend.plain, unicode), style="dim"),
    ]
    parts.extend(Text(_u(n, unicode), style="yellow") for n in notes)
    return Group(*parts)


def _short(value: float, unicode: bool) -> str:
    if value != value:
        return "—"
    text = f"{value:.8g}"
    return text.replace("-", "−") if unicode else text


def paths_view(graph: Graph, console: Console, limit: int = 40) -> RenderableType:
    """Every path from the output to each input, its product, and the sum per input:
    the same number the backward pass accumulated (Colah's sum over paths)."""
    unicode = supports_unicode(console)
    times = "×" if unicode else "*"
    left = "←" if unicode else "<-"
    counts = graph.path_count()
    lines: list[Text] = [
        Text(
            "Paths from the output to each input (product of the local derivatives):", style="bold"
        )
    ]
    shown = 0
    by_input: dict[str, list[str]] = {n.name: [] for n in graph.inputs}
    sums: dict[str, Number] = {}
    for path in graph.paths():
        end = graph.nodes[path.nodes[-1]].name
        product = path.product
        sums[end] = sums.get(end, 0) + product
        if shown < limit:
            route = f" {left} ".join(graph.nodes[i].name for i in path.nodes)
            factors = f" {times} ".join(_factor(f, unicode) for f in path.factors)
            by_input[end].append(f"    {route}:  {factors} = {num(product, unicode)}")
            shown += 1
    for node in graph.inputs:
        count = counts[node.name]
        plural = "path" if count == 1 else "paths"
        lines.append(Text(f"  to {node.name}: {count} {plural}"))
        lines.extend(Text(_u(line, unicode)) for line in by_input[node.name])
        total = sums.get(node.name, 0)
        lines.append(
            Text(
                _u(
                    f"    sum = {num(total, unicode)}; the backward pass gave "
                    f"{num(node.grad, unicode)}",
                    unicode,
                ),
                style="green",
            )
        )
    all_paths = sum(counts.values())
    if all_paths > shown:
        lines.append(Text(f"  ({all_paths - shown} more paths not listed)", style="dim"))
    lines.append(
        Text(
            f"{all_paths} paths in all; the backward pass visited {graph.edges()} edges, each once. "
            "Summing over paths repeats the shared edges; backprop factors them out.",
            style="bold",
        )
    )
    return Group(*lines)


def graph_view(graph: Graph, console: Console, paths: bool = False) -> RenderableType:
    """The whole screen of ``chainrule backprop EXPR``."""
    parts: list[RenderableType] = [
        title(graph, supports_unicode(console)),
        staged_table(graph, console),
        patterns(graph, console),
        backward_lines(graph, console),
        Text(""),
        drawing(graph, console),
        Text(""),
        check_table(graph.check(), console),
    ]
    if paths:
        parts.extend([Text(""), paths_view(graph, console)])
    return Group(*parts)


def practice_intro(graph: Graph, console: Console) -> RenderableType:
    """The practice screen's head: the graph's nodes with blanks, and what to do."""
    unicode = supports_unicode(console)
    lines = [title(graph, unicode)]
    for node in graph.nodes:
        if node.op != "input":
            lines.append(Text(_u(f"  {node.index + 1}. {node.name} = {node.formula}", unicode)))
    lines.append(
        Text(
            "Fill in every forward value in order, then every gradient from the output back "
            "(the output's own is 1). A number each; h hint, a answer, q quit, ? keys.",
            style="dim",
        )
    )
    return Group(*lines)


def practice_prompt(question: str, console: Console) -> str:
    """A blank's prompt ("a = w·x = ? "), in ASCII where the terminal needs it."""
    return _u(f"{question} ", supports_unicode(console))


def practice_result(right: bool | None, message: str, console: Console) -> Text:
    """One verdict or note line under a practice prompt."""
    unicode = supports_unicode(console)
    if right is None:
        return Text(_u(f"  {message}", unicode), style="cyan")
    mark = ("✓" if unicode else "ok") if right else ("✗" if unicode else "x")
    return Text(_u(f"  {mark} {message}", unicode), style="bold green" if right else "bold red")


def gradients_text(graph: Graph, console: Console) -> str:
    """The gradients a backprop problem asks for, one per input: "∂e/∂a = 2, ∂e/∂b = 5"."""
    unicode = supports_unicode(console)
    out = graph.out.name
    return ", ".join(
        _u(f"∂{out}/∂{n.name} = {num(n.grad, unicode)}", unicode) for n in graph.inputs
    )
