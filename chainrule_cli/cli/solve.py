"""``chainrule solve``: the chain taken apart, step by step."""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule_cli.cli.common import MATH_ARGS, fail, guard, reject_option_like

SOLVE_SECONDS = 2.5


def register(app: typer.Typer) -> None:
    app.command(context_settings=MATH_ARGS)(solve)


@guard
def solve(
    expression: Annotated[
        str,
        typer.Argument(help='The function to differentiate, e.g. "(3x+1)^2".', show_default=False),
    ],
    at: Annotated[
        str | None,
        typer.Option("--at", help="Also find the slope at this point (e.g. 1, -0.5, pi/4)."),
    ] = None,
    var: Annotated[str, typer.Option("--var", help="The variable's name.")] = "x",
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the steps.")
    ] = False,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help="Also draw the inner, outer and composite graphs with their tangents."
        ),
    ] = False,
) -> None:
    """Differentiate with the chain rule and show every step.

    Shows the chain x → u → y, the outer derivative with the inner kept as it
    is, the inner derivative, their product, and with --at the slope at a point
    and a check with numbers.

    Example: chainrule solve "(3x+1)^2" --at 1
    """
    reject_option_like(expression, "an expression")
    if plot and json_output:
        raise fail("--plot draws pictures and --json prints data: use one or the other")
    from chainrule_cli import render
    from chainrule_cli.limits import time_limit
    from chainrule_cli.solution import solve as work_out

    with time_limit(SOLVE_SECONDS, "Working this out"):
        solution = work_out(expression, at, var)
    if json_output:
        render.print_json(solution.to_json())
        return
    console = render.make_console()
    console.print(render.solution_view(solution, console))
    if plot:
        from chainrule_cli.cli.plot import draw_solution

        draw_solution(solution, None, console)
