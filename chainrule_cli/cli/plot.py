"""``chainrule plot``: the graphs of the inner and outer functions, and the chain of rates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import MATH_ARGS, Variable, fail, guard

if TYPE_CHECKING:
    from chainrule_cli.maths.solution import Solution
    from chainrule_cli.render import Console


def register(app: typer.Typer) -> None:
    app.command(context_settings=MATH_ARGS)(plot)


@guard
def plot(
    expression: Annotated[
        str,
        typer.Argument(
            metavar="EXPRESSION", help='The function, e.g. "sin(x^2)".', show_default=False
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="POINT",
            help="The point to follow along the chain (default: 1, or a nearby point in the domain).",
            show_default=False,
        ),
    ] = None,
    span: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="LO:HI",
            help="The x range to draw (e.g. -2:3; default: 2 either side of the point).",
            show_default=False,
        ),
    ] = None,
    var: Variable = "x",
) -> None:
    """Draw the inner, outer and composite graphs, with their tangents.

    The inner function u = g(x) with its tangent, the outer y = f(u) with its
    tangent, and the composite, whose slope is the product of the two.

    Example: chainrule plot "sin(x^2)" --at 1
    """
    from chainrule_cli.reading.parsing import refuse_derivative_side

    refuse_derivative_side(expression, var)
    from chainrule_cli import render
    from chainrule_cli.limits import command_budget, time_limit
    from chainrule_cli.maths.solution import solve
    from chainrule_cli.printing.mathtext import decimals_as_typed

    window = parse_range(span)
    with (
        time_limit(command_budget(), "Drawing this"),
        decimals_as_typed(expression, at, variable=var),
    ):
        solution = solve(expression, at, var)
        if window is not None and solution.at is not None:
            point = float(solution.at)
            if not window[0] <= point <= window[1]:
                raise fail(
                    f"--at {at} is outside --range {span}: choose a point inside the range, "
                    "or a range around the point"
                )
        console = render.make_console()
        rates = render.rates_diagram(solution, render.math_for(console))
        if rates is not None:
            console.print(rates)
        draw_solution(solution, window, console)


def parse_range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    from chainrule_cli.errors import InputError
    from chainrule_cli.reading.parsing import parse_number

    low_text, sep, high_text = text.partition(":")
    if not sep:
        raise fail(f"--range takes LO:HI, e.g. -2:3, not {text!r}")
    try:
        low, high = float(parse_number(low_text)), float(parse_number(high_text))
    except InputError as exc:
        raise fail(f"--range: {exc.message}") from None
    if not low < high:
        raise fail(f"--range: LO must be less than HI, not {text!r}")
    return low, high


def draw_solution(solution: Solution, window: tuple[float, float] | None, console: Console) -> None:
    """Print the picture for a solution, at its point (or a nearby point in the domain)."""
    from chainrule_cli.errors import DomainError, TooLarge
    from chainrule_cli.maths.picture import panels
    from chainrule_cli.render.plots import picture

    if solution.at is not None:
        candidates = [float(solution.at)]
    elif window is not None:  # the middle of the range, then other points inside it
        low, high = window
        candidates = [low + (high - low) * f for f in (0.5, 0.25, 0.75, 0.1, 0.9, 0.0, 1.0)]
    else:
        candidates = [1.0, 0.5, 2.0, 0.3, -1.0, 3.0]
    last: DomainError | TooLarge | None = None
    for point in candidates:
        try:
            drawn = panels(
                solution.analysis, point, window, unicode=console.encoding.lower().startswith("utf")
            )
        except (DomainError, TooLarge) as exc:
            last = exc
            continue
        console.print(picture(drawn, console))
        return
    if window is not None and last is not None:
        raise DomainError(f"nothing to draw in --range {window[0]:g}:{window[1]:g}: {last}")
    raise last or DomainError("no point to draw at")
