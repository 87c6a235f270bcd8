"""``chainrule solve``: the chain taken apart, step by step."""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule_cli.cli.common import (
    AT_PAIRS,
    MATH_ARGS,
    Json,
    Variable,
    fail,
    guard,
)
from chainrule_cli.cli.tree import Implicitly, Where, Wrt


def register(app: typer.Typer) -> None:
    app.command(context_settings=MATH_ARGS)(solve)


@guard
def solve(
    expression: Annotated[
        str,
        typer.Argument(
            metavar="EXPRESSION",
            help='The function to differentiate, e.g. "(3x+1)^2".',
            show_default=False,
        ),
    ],
    at: Annotated[
        str | None, typer.Option("--at", metavar="POINT", help=AT_PAIRS, show_default=False)
    ] = None,
    var: Variable = "x",
    json_output: Json = False,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help="Also draw the inner, outer and composite graphs with their tangents."
        ),
    ] = False,
    where: Where = None,
    wrt: Wrt = None,
    implicit: Implicitly = False,
    steps: Annotated[
        bool,
        typer.Option("--steps", help="With --where: also show each factor's steps."),
    ] = False,
) -> None:
    """Differentiate with the chain rule and show every step.

    Shows the chain x → u → y, the outer derivative with the inner kept as it
    is, the inner derivative, their product, and with --at the slope at a point
    and a check with numbers.

    With --where, a function of several variables on a tree diagram: the
    paths to --wrt, a product along each, their sum; --at takes name=value
    pairs. With --implicit, dy/dx from an equation in x and y.

    Example: chainrule solve "(3x+1)^2" --at 1
    """
    from chainrule_cli.cli import tree

    if tree.wanted(where, wrt, implicit):
        if plot:
            raise fail("--plot draws one variable: leave it out with --where or --implicit")
        tree.solve(expression, where, wrt, implicit, at, var, json_output, steps)
        return
    if steps:
        raise fail("--steps is for --where (plain solve always shows its steps)")
    from chainrule_cli.reading.parsing import refuse_derivative_side

    refuse_derivative_side(expression, var)
    if plot and json_output:
        raise fail("--plot draws pictures and --json prints data: use one or the other")
    from chainrule_cli import render
    from chainrule_cli.limits import command_budget, time_limit
    from chainrule_cli.maths.solution import solve as work_out
    from chainrule_cli.printing.mathtext import decimals_as_typed

    with time_limit(command_budget(), "Working this out"):
        solution = work_out(expression, at, var)
    if json_output:
        render.print_json(solution.to_json())
        return
    console = render.make_console()
    with decimals_as_typed(expression, at, variable=var):
        console.print(render.solution_view(solution, console))
        if plot:
            from chainrule_cli.cli.plot import draw_solution

            draw_solution(solution, None, console)
