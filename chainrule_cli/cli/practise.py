"""``chainrule practise``: the quiz loop on a function the learner brings.

The same loop as ``quiz`` (``cli.play.play``): the prompt, hints in teaching
order, the guided walk and the verdict with its mistake. The problem is made
by ``session.own_problem``, which also refuses a function that needs no chain
rule; it is recorded in the progress under a stable id made from the
expression (``own-`` and a short hash), so practising it again adds to the
same history. ``practice`` is a hidden alias for the American spelling.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule_cli.cli.common import MATH_ARGS, Plot, Variable, fail, guard
from chainrule_cli.cli.tree import Implicitly, Where, Wrt

#: Building the problem (parsing, the rule tree, the point's domain) must not hang.
PREPARE_SECONDS = 5.0


def register(app: typer.Typer) -> None:
    app.command("practise", context_settings=MATH_ARGS)(practise)
    app.command("practice", context_settings=MATH_ARGS, hidden=True)(practise)


@guard
def practise(
    expression: Annotated[
        str,
        typer.Argument(
            metavar="EXPRESSION", help='Your function, e.g. "sin(x^2)".', show_default=False
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="POINT",
            help="Ask for the slope at this point instead of the derivative "
            "(with --where or --implicit: name=value pairs, e.g. s=1,t=2).",
            show_default=False,
        ),
    ] = None,
    var: Variable = "x",
    plot: Plot = False,
    where: Where = None,
    wrt: Wrt = None,
    implicit: Implicitly = False,
) -> None:
    """Practise the chain rule on your own function, with hints and guided steps.

    You differentiate it; any equal form is right, a wrong answer gets the name
    of the mistake, h gives the next hint and g walks every layer with you.
    The attempt is saved in your progress like a quiz problem.

    With --where (and --wrt), a function of several variables on a tree
    diagram; with --implicit, dy/dx from an equation in x and y.

    Example: chainrule practise "sin(x^2)" --at 1
    """
    from chainrule_cli.cli import tree

    graph = tree.wanted(where, wrt, implicit)
    if graph:
        if plot:
            raise fail("--plot draws one variable: leave it out with --where or --implicit")
        tree._refuse_mixed(where, wrt, implicit, var)
    else:
        from chainrule_cli.reading.parsing import refuse_derivative_side

        refuse_derivative_side(expression, var)
    from chainrule_cli import render
    from chainrule_cli.cli.play import play
    from chainrule_cli.cli.stores import close_store, try_open_store
    from chainrule_cli.limits import time_limit
    from chainrule_cli.practice.session import own_problem

    with time_limit(PREPARE_SECONDS, "Preparing this function"):
        if graph:
            from chainrule_cli.practice.graphs import own_graph_problem
            from chainrule_cli.reading.equations import read_point

            point = read_point(at) if at is not None else None
            problem = own_graph_problem(expression, where or [], wrt, implicit, point)
        else:
            problem = own_problem(expression, at, var)
    console = render.make_console()
    store = try_open_store()
    try:
        play([problem], 1, console, store, mode="practise", plot=plot)
    finally:
        close_store(store)
