"""``solve`` and ``check`` on a tree (``--where``, ``--wrt``) or an equation (``--implicit``).

The options shared by both commands, and the two calls they make: a thin layer
over ``graph.tree``, ``graph.judge`` and ``graph.implicit``. Plain ``solve`` and
``check`` (neither ``--where`` nor ``--implicit`` nor ``--wrt``) never come here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from chainrule_cli.cli.common import fail

if TYPE_CHECKING:
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.tree import Tree
    from chainrule_cli.maths.checking import Verdict

Where = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="NAME=EXPR",
        help='Define an intermediate variable, e.g. --where "x = s*t" (repeatable).',
        show_default=False,
    ),
]
Wrt = Annotated[
    str | None,
    typer.Option(
        "--wrt",
        metavar="NAME",
        help="The independent variable to differentiate by (needed when there are several).",
        show_default=False,
    ),
]
Implicitly = Annotated[
    bool,
    typer.Option(
        "--implicit", help='Find dy/dx from an equation in x and y, e.g. "x^2 + y^2 = 25".'
    ),
]


def wanted(where: list[str] | None, wrt: str | None, implicit: bool) -> bool:
    """Whether the command is about a tree or an equation (else the plain chain)."""
    return bool(where) or wrt is not None or implicit


def _refuse_mixed(where: list[str] | None, wrt: str | None, implicit: bool, var: str) -> None:
    if implicit and (where or wrt is not None):
        raise fail("--implicit reads one equation in x and y: leave out --where and --wrt")
    if var != "x":
        raise fail("--var is for one variable: with --where the names come from the lines")


def build(
    expression: str,
    where: list[str] | None,
    wrt: str | None,
    implicit: bool,
    at: str | None,
    var: str,
) -> tuple[Tree | Implicit, dict[str, Any] | None]:
    """The tree (or equation) and the point, read and checked."""
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.treebuild import build_tree
    from chainrule_cli.reading.equations import read_point

    _refuse_mixed(where, wrt, implicit, var)
    problem: Tree | Implicit
    problem = (
        Implicit.from_text(expression) if implicit else build_tree(expression, where or [], wrt)
    )
    point = problem.point(read_point(at)) if at is not None else None
    return problem, point


def solve(
    expression: str,
    where: list[str] | None,
    wrt: str | None,
    implicit: bool,
    at: str | None,
    var: str,
    json_output: bool,
    steps: bool,
) -> None:
    """``solve`` for a tree or an equation: the view, or ``--json``."""
    from chainrule_cli import render
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.limits import command_budget, time_limit

    with time_limit(command_budget(), "Working this out"):
        problem, point = build(expression, where, wrt, implicit, at, var)
        if json_output:
            render.print_json(problem.to_json(point))
            return
        console = render.make_console()
        if isinstance(problem, Implicit):
            view = render.implicit_view(problem, point, console)
        else:
            view = render.tree_view(problem, point, console, steps)
    console.print(view)


def check(
    expression: str,
    answer: str,
    where: list[str] | None,
    wrt: str | None,
    implicit: bool,
    at: str | None,
    var: str,
) -> Verdict:
    """``check`` for a tree or an equation: the verdict."""
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.judge import TreeJudge
    from chainrule_cli.limits import command_budget, time_limit

    with time_limit(command_budget(), "Checking this answer"):
        problem, point = build(expression, where, wrt, implicit, at, var)
        if isinstance(problem, Implicit):
            return problem.check(answer, point)
        return TreeJudge(problem, point).check(answer)
