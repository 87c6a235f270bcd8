"""``chainrule check``: is this the derivative? If not, which mistake is it?"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule_cli.cli.common import MATH_ARGS, Json, Variable, guard
from chainrule_cli.cli.tree import Implicitly, Where, Wrt
from chainrule_cli.exitcodes import ExitCode


def register(app: typer.Typer) -> None:
    app.command(context_settings=MATH_ARGS)(check)


@guard
def check(
    expression: Annotated[
        str,
        typer.Argument(
            metavar="EXPRESSION", help='The function, e.g. "(3x+1)^2".', show_default=False
        ),
    ],
    answer: Annotated[
        str,
        typer.Argument(
            metavar="ANSWER",
            help='Your derivative, e.g. "6(3x+1)" (or a number with --at).',
            show_default=False,
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="POINT",
            help="Check the value of the derivative at this point instead "
            "(with --where or --implicit: name=value pairs, e.g. s=1,t=2).",
            show_default=False,
        ),
    ] = None,
    var: Variable = "x",
    json_output: Json = False,
    where: Where = None,
    wrt: Wrt = None,
    implicit: Implicitly = False,
) -> None:
    """Check a derivative, and name the mistake in a wrong one.

    Any mathematically equal form is right; a wrong answer is compared with the
    typical chain-rule mistakes.

    Exit status: 0 correct, 1 incorrect, 2 invalid input.

    With --where (and --wrt), the answer may be substituted, in the
    intermediate variables, a number with --at, or a formula such as
    "dz/dx*dx/dt + dz/dy*dy/dt"; with --implicit, dy/dx in x and y.

    Example: chainrule check "sin(x^2)" "2x cos(x^2)"
    """
    from chainrule_cli.cli import tree

    if tree.wanted(where, wrt, implicit):
        from chainrule_cli import render

        verdict = tree.check(expression, answer, where, wrt, implicit, at, var)
        console = render.make_console()
        if json_output:
            render.print_json(verdict.to_json())
        else:
            console.print(
                render.verdict(
                    verdict.correct, verdict.feedback, verdict.read_as, console, verdict.notes
                )
            )
        raise typer.Exit(int(ExitCode.OK if verdict.correct else ExitCode.WRONG))
    from chainrule_cli.reading.parsing import refuse_derivative_side

    refuse_derivative_side(expression, var)
    from chainrule_cli import render
    from chainrule_cli.limits import command_budget, time_limit
    from chainrule_cli.maths.checking import Checker
    from chainrule_cli.printing.mathtext import decimals_as_typed

    console = render.make_console()
    unicode = render.supports_unicode(console)
    with (
        time_limit(command_budget(), "Checking this answer"),
        decimals_as_typed(expression, at, variable=var),
    ):
        verdict = Checker.for_text(expression, at, var, unicode).check(answer)
    if json_output:
        render.print_json(verdict.to_json())
    else:
        console.print(
            render.verdict(
                verdict.correct, verdict.feedback, verdict.read_as, console, verdict.notes
            )
        )
    raise typer.Exit(int(ExitCode.OK if verdict.correct else ExitCode.WRONG))
