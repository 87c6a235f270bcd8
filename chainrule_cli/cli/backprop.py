"""``chainrule backprop``: backprop by hand on a computation graph, and the deep-chain lab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import (
    ACTIVATIONS,
    between,
    choice,
    fail,
    guard,
    listed,
    seed_option,
)

if TYPE_CHECKING:
    from chainrule_cli.graph.compgraph import Graph
    from chainrule_cli.render import Console


def register(app: typer.Typer) -> None:
    app.command()(backprop)


@guard
def backprop(
    expression: Annotated[
        str | None,
        typer.Argument(
            metavar="[EXPR]",
            help='The function, e.g. "f = (x + y)*z" (gates: sigmoid or σ, tanh, relu, max, min, exp, ln).',
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="NAME=VALUE…",
            help="The inputs' values, e.g. x=-2,y=5,z=-4 (needed with EXPR).",
            show_default=False,
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            metavar="NAME = EXPR",
            help='Name an intermediate node, e.g. "q = x + y" (repeatable).',
            show_default=False,
        ),
    ] = None,
    json: Annotated[
        bool, typer.Option("--json", help="Print the graph as JSON.", show_default=False)
    ] = False,
    paths: Annotated[
        bool,
        typer.Option(
            "--paths", help="List every path from the output to each input.", show_default=False
        ),
    ] = False,
    dot: Annotated[
        Path | None,
        typer.Option(
            "--dot",
            metavar="FILE",
            help="Write the graph as Graphviz DOT, value | grad on each node.",
            show_default=False,
        ),
    ] = None,
    practise: Annotated[
        bool,
        typer.Option(
            "--practise",
            "--practice",
            help="Fill in every forward value, then every gradient, by hand.",
            show_default=False,
        ),
    ] = False,
    layers: Annotated[
        int | None,
        typer.Option(
            "--layers",
            metavar="N",
            callback=between(1, 60),
            help="The deep-chain lab: how many one-neuron layers, 1 to 60 (default 10).",
            show_default=False,
        ),
    ] = None,
    activation: Annotated[
        str | None,
        typer.Option(
            "--activation",
            metavar="NAME",
            callback=choice("activation", ACTIVATIONS),
            help=f"The lab's activation function: {listed(ACTIVATIONS)} (default sigmoid).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None, seed_option("Seed for the lab's weights and biases (default 0).")
    ] = 0,
    skip: Annotated[
        bool,
        typer.Option(
            "--skip",
            help="Add skip (residual) connections to the lab: h = x + act(w·x + b).",
            show_default=False,
        ),
    ] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="The lab: |gradient| per layer for sigmoid, tanh, relu and a skip connection.",
            show_default=False,
        ),
    ] = False,
) -> None:
    """Backpropagation as the chain rule, on a graph you type or a deep chain.

    With EXPR: the staged table (forward values top to bottom, gradients
    bottom to top with upstream × local), the graph, and a gradient check.
    Without: the deep-chain lab, where gradients vanish.

    Example: chainrule backprop "f = (x + y)*z" --at x=-2,y=5,z=-4
    """
    if expression is None:
        if at is not None or where or json or paths or dot is not None or practise:
            raise fail(
                '--at, --where, --json, --paths, --dot and --practise need an expression, as in chainrule backprop "f = (x + y)*z" --at x=-2,y=5,z=-4'
            )
        _lab(layers or 10, activation or "sigmoid", seed, skip, compare)
        return
    if layers is not None or activation is not None or skip or compare:
        raise fail(
            "--layers, --activation, --skip and --compare are for the deep-chain lab: give no expression"
        )
    if at is None:
        raise fail("give the inputs' values with --at, as in --at x=-2,y=5,z=-4")
    from chainrule_cli.graph.engine import solve

    graph = solve(expression, at, where or [])
    if dot is not None:
        from chainrule_cli.safefile import write_atomic

        write_atomic(dot, graph.to_dot())
    if json:
        from chainrule_cli.render.console import print_json

        print_json(graph.to_json())
        return
    from chainrule_cli import render

    console = render.make_console()
    if practise:
        _practise(graph, console)
        return
    from chainrule_cli.render.backprop import graph_view

    console.print(graph_view(graph, console, paths=paths))
    if dot is not None:
        console.print(render.dim(f"The graph is written to {dot} (Graphviz DOT)."))


def _lab(layers: int, activation: str, seed: int | None, skip: bool, compare: bool) -> None:
    from chainrule_cli import render
    from chainrule_cli.graph.deepchain import ACTIVATIONS, make_network
    from chainrule_cli.graph.deepchain import backprop as run

    if activation not in ACTIVATIONS:
        raise fail(f"unknown activation {activation!r}: choose from {', '.join(ACTIVATIONS)}")
    console = render.make_console()
    if compare:
        from chainrule_cli.graph.deepchain import compare as compared
        from chainrule_cli.render.lessons import compare_view

        console.print(compare_view(compared(layers, seed), console))
        return
    report = run(make_network(layers, activation, seed, skip))
    console.print(render.backprop_view(report, console))


def _practise(graph: Graph, console: Console) -> None:
    """Every forward value in order, then every gradient from the output back, by hand."""
    from chainrule_cli import render
    from chainrule_cli.cli.asking import read_line
    from chainrule_cli.cli.graphplay import play_steps
    from chainrule_cli.practice.backprop import BackpropRound
    from chainrule_cli.render.backprop import practice_intro, staged_table

    round_ = BackpropRound(None, graph, 0.0)
    console.print(practice_intro(graph, console))
    if not play_steps(round_, console, read_line(console)):
        console.print(render.dim(f"  Stopped: {round_.right} of {round_.index} right."))
        return
    console.print(render.dim(f"  Done: {round_.right} of {len(round_.steps)} right."))
    console.print(staged_table(graph, console))
