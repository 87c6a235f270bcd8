"""``chainrule solve``: the chain taken apart, step by step."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from chainrule_cli.cli.common import MATH_ARGS, fail, guard, reject_option_like

SOLVE_SECONDS = 2.5


def register(app: typer.Typer) -> None:
    app.command(context_settings=MATH_ARGS)(solve)


@guard
def solve(
    expression: Annotated[str, typer.Argument(help="The function to differentiate, e.g. \"(3x+1)^2\".", show_default=False)],
    at: Annotated[str | None, typer.Option("--at", help="Also find the slope at this point (e.g. 1, -0.5, pi/4).")] = None,
    var: Annotated[str, typer.Option("--var", help="The variable's name.")] = "x",
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of the steps.")] = False,
) -> None:
    """Differentiate with the chain rule and show every step.

    Shows the chain x → u → y, the outer derivative with the inner kept as it
    is, the inner derivative, their product, and with --at the slope at a point
    and a check with numbers.

    Example: chainrule solve "(3x+1)^2" --at 1
    """
    reject_option_like(expression, "an expression")
    from chainrule_cli import render
    from chainrule_cli.limits import time_limit

    with time_limit(SOLVE_SECONDS, "Working this out"):
        report = compute(expression, at, var)
    if json_output:
        render.print_json(report["json"])
        return
    console = render.make_console()
    console.print(
        render.solve_view(
            report["analysis"],
            report["steps"],
            report["pairs"],
            report["at"],
            report["slope"],
            report["values"],
            report["check"],
            console,
        )
    )


def compute(expression: str, at: str | None, var: str) -> dict[str, Any]:
    """Everything ``solve`` shows, from the one rule tree."""
    from chainrule_cli.explain import chain_letters, explain, to_json
    from chainrule_cli.parsing import parse_number
    from chainrule_cli.rules import analyse, number_check, values_at

    analysis = analyse(expression, var)
    steps = explain(analysis.tree)
    pairs = chain_letters(analysis.tree)
    point = parse_number(at) if at is not None else None
    slope, values = values_at(analysis, point) if point is not None else (None, [])
    check = None
    candidates = [float(point)] if point is not None else [1.0, 0.5, 2.0, 0.3, -1.0, 3.0]
    for x0 in candidates:
        check = number_check(analysis, x0)
        if check is not None:
            break
    data: dict[str, Any] = {
        "expression": str(analysis.expr),
        "variable": var,
        "type": analysis.type,
        "derivative": str(analysis.clean),
        "steps": to_json(steps),
        "rules": [_rule_name(s) for s in steps],
    }
    if point is not None and slope is not None:
        data.update({"at": str(point), "value": str(slope), "numeric": float(slope)})
    return {
        "analysis": analysis,
        "steps": steps,
        "pairs": pairs,
        "at": point,
        "slope": slope,
        "values": values,
        "check": check,
        "json": data,
    }


def _rule_name(step: Any) -> str:
    """chain, table (a derivative straight from the table), or the combination's rule."""
    from chainrule_cli.explain import Layer

    if isinstance(step, Layer):
        return "table" if step.trivial else "chain"
    return str(step.kind)


__all__ = ["compute", "fail", "register", "solve"]
