"""Every line of a worked solution is true: each equation that ``solve --json`` carries
holds when SymPy checks it, over a thousand generated functions (products,
quotients, constant multiples and nests of up to four layers included)."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.errors import ChainruleError
from chainrule_cli.maths.checking import precisely_equal
from chainrule_cli.maths.solution import solve
from tests.conftest import numerically_equal as float_equal
from tests.functions import functions

X = sp.Symbol("x", real=True)
POINTS = ("1/2", "1", "-1/3", "2")


def _read(text: str, letter: str | None = None) -> sp.Expr:
    names = {"x": X, "E": sp.E}
    if letter:
        names[letter] = sp.Symbol(letter, real=True)
    return sp.sympify(text, locals=names)


def numerically_equal(a: sp.Expr, b: sp.Expr, var: sp.Symbol) -> bool:
    """Equal at random points; where floats lose digits (cot of e²¹), in 30-digit arithmetic."""
    if float_equal(a, b, var):
        return True
    return precisely_equal(a, b, var, [0.37, -0.81, 1.3, 0.05, -1.7, 2.2])


def _close(a: sp.Expr, b: sp.Expr) -> bool:
    return bool(abs(complex(sp.N(a - b, 30))) <= 1e-12 * max(1.0, abs(complex(sp.N(b, 30)))))


def check_solution_json(data: dict, expression: sp.Expr) -> int:
    """Assert every equation in one ``solve --json`` object; return how many were checked."""
    checked = 0
    assert numerically_equal(_read(data["derivative"]), sp.diff(expression, X), X)
    point = _read(data["at"]) if "at" in data else None
    for step in data["steps"]:
        letter = step["letter"]
        u = sp.Symbol(letter, real=True)
        outer = _read(step["outer"], letter)
        inner = _read(step["inner"])
        outer_d = _read(step["outer_derivative"])
        inner_d = _read(step["inner_derivative"])
        product = _read(step["product"])
        constant = _read(step["constant"])
        assert step["output"] != data["variable"] and step["of"] != data["variable"]
        assert step["letter"] != step["output"]
        # The outer derivative is d/du of the outer function (constant included), inner kept.
        assert numerically_equal(sp.diff(outer, u).xreplace({u: inner}), outer_d, X)
        # The outer function carries its constant multiple.
        assert numerically_equal(sp.diff(outer, u), constant * sp.diff(outer / constant, u), u)
        # The inner derivative is d/dx of the inner function.
        assert numerically_equal(sp.diff(inner, X), inner_d, X)
        # The product is outer derivative × inner derivative, and d/dx of the layer.
        assert numerically_equal(outer_d * inner_d, product, X)
        assert numerically_equal(sp.diff(outer.xreplace({u: inner}), X), product, X)
        checked += 5
        if point is not None and "values" in step:
            values = {k: _read(v) for k, v in step["values"].items()}
            assert _close(values["inner"], inner.xreplace({X: point}))
            assert _close(values["outer_derivative"], outer_d.xreplace({X: point}))
            assert _close(values["inner_derivative"], inner_d.xreplace({X: point}))
            assert _close(
                values["product"], values["outer_derivative"] * values["inner_derivative"]
            )
            checked += 4
    if point is not None:
        assert _close(_read(data["value"]), sp.diff(expression, X).xreplace({X: point}))
    return checked


@pytest.mark.slow
def test_every_equation_in_solve_json_holds() -> None:
    """A thousand generated functions: every layer's equations hold, and its values."""
    solved = 0
    for index, text in enumerate(functions(1000, seed=11)):
        try:
            solution = solve(text, POINTS[index % len(POINTS)])
        except ChainruleError:
            continue
        check_solution_json(solution.to_json(), solution.analysis.expr)
        solved += 1
    assert solved >= 750


@pytest.mark.parametrize(
    ("text", "var", "at"),
    [
        pytest.param("3sin(x^2)", "x", "1", id="constant-multiple"),
        pytest.param("x*sin(3x)", "x", "1", id="product"),
        pytest.param("e^(x^2)*sin(3x)", "x", "1", id="product-of-chains"),
        pytest.param("sin(x^2)/(x^2+1)", "x", "1", id="quotient"),
        pytest.param("sin(e^(cos(x^2+1)))", "x", "1/2", id="four-layers"),
        pytest.param("sin(y^2)", "y", "1", id="variable-y"),
        pytest.param("log_2(x^2+1) + sin^-1(x/2)", "x", "1", id="sum-of-new-notation"),
    ],
)
def test_solve_json_through_the_command(text: str, var: str, at: str) -> None:
    """The command's JSON carries every fact the text shows, and each one holds."""
    result = CliRunner().invoke(app, ["solve", text, "--at", at, "--var", var, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["function"] != var
    assert all(step["output"] != var and step["letter"] != var for step in data["steps"])
    assert all({"of", "output", "constant", "values"} <= set(step) for step in data["steps"])
    if var == "x":
        assert check_solution_json(data, _read(data["expression"])) > 0
