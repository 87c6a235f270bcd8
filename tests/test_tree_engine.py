"""The tree engine (graph/tree.py) and the reading of several variables it rests on."""

from __future__ import annotations

from typing import Any

import pytest
import sympy as sp

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.treebuild import build_tree
from chainrule_cli.reading.equations import (
    read_definition,
    read_equation,
    read_function_line,
    read_point,
)
from chainrule_cli.reading.symbols import read_formula

S, T, X, Y = (sp.Symbol(n, real=True) for n in "stxy")


@pytest.mark.parametrize(
    ("function", "where", "wrt", "paths", "formula"),
    [
        pytest.param(
            "z = x^2*y + sin(y)",
            ["x = s*t", "y = s + t^2"],
            "s",
            ["z → x → s", "z → y → s"],
            "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s",
            id="two-by-two",
        ),
        pytest.param(
            "z = x^2*y",
            ["x = cos t", "y = sin t"],
            None,
            ["z → x → t", "z → y → t"],
            "∂z/∂x·dx/dt + ∂z/∂y·dy/dt",
            id="one-independent-uses-d",
        ),
        pytest.param(
            "w = x*y*z",
            ["x = t", "y = t^2", "z = t^3"],
            None,
            ["w → x → t", "w → y → t", "w → z → t"],
            "∂w/∂x·dx/dt + ∂w/∂y·dy/dt + ∂w/∂z·dz/dt",
            id="three-intermediates",
        ),
        pytest.param(
            "f = x*u",
            ["u = x^2 + y"],
            "x",
            ["f → x", "f → u → x"],
            "∂f/∂x + ∂f/∂u·∂u/∂x",
            id="direct-and-indirect-clp3",
        ),
        pytest.param(
            "z = u*v",
            ["u = x + y", "v = x*y", "x = s*t", "y = s - t"],
            "t",
            ["z → u → x → t", "z → u → y → t", "z → v → x → t", "z → v → y → t"],
            "∂z/∂u·∂u/∂x·∂x/∂t + ∂z/∂u·∂u/∂y·∂y/∂t + ∂z/∂v·∂v/∂x·∂x/∂t + ∂z/∂v·∂v/∂y·∂y/∂t",
            id="three-levels-shared",
        ),
        pytest.param(
            "z = sin(u)",
            ["u = s*t^2"],
            "t",
            ["z → u → t"],
            "dz/du·∂u/∂t",
            id="one-intermediate-two-independents",
        ),
    ],
)
def test_paths_and_formula(
    function: str, where: list[str], wrt: str | None, paths: list[str], formula: str
) -> None:
    """The paths to --wrt and the formula are those a textbook's tree diagram gives,
    and the derivative is sympy.diff of the substituted function."""
    tree = build_tree(function, where, wrt)
    assert [p.label() for p in tree.paths] == paths
    assert tree.formula_text() == formula
    oracle = sp.diff(tree.expr, tree.symbol(tree.wrt))
    assert sp.expand(tree.derivative - oracle) == 0 or sp.simplify(tree.derivative - oracle) == 0


def test_leaves_are_repeated_per_path() -> None:
    """Every path from the root to a leaf is listed, so a leaf under two parents appears twice."""
    tree = build_tree("z = x^2*y", ["x = s*t", "y = s + t"], "s")
    assert [p.leaf for p in tree.all_paths] == ["s", "t", "s", "t"]
    assert tree.independents == ("s", "t")


def test_value_and_number_check_at_a_point() -> None:
    """The value at s=1, t=2 is exact, and the central difference in s agrees with it."""
    tree = build_tree("z = x^2*y + sin(y)", ["x = s*t", "y = s + t^2"], "s")
    point = tree.point(read_point("s=1,t=2"))
    assert tree.value(point) == 44 + sp.cos(5)
    assert tree.intermediate_values(point) == {"x": 2, "y": 5}
    check = tree.number_check(point)
    assert check is not None and check.agrees


@pytest.mark.parametrize(
    ("function", "where", "wrt", "message"),
    [
        pytest.param(
            "z = x*y",
            ["x = s"],
            None,
            "--wrt is needed: z depends on s and y (e.g. --wrt s)",
            id="wrt-needed",
        ),
        pytest.param(
            "z = x*y",
            ["x = s"],
            "x",
            "--wrt x: x is an intermediate variable (from --where); differentiate with respect to s and y",
            id="wrt-intermediate",
        ),
        pytest.param(
            "z = x*y", [], "q", "--wrt q: z does not depend on q; pick x and y", id="wrt-unknown"
        ),
        pytest.param("z = x*y", ["x = s", "x = t"], "s", "x is defined twice", id="defined-twice"),
        pytest.param(
            "z = x*y",
            ["x = s*y", "y = x + 1"],
            None,
            "x → y → x: a variable cannot depend on itself",
            id="cycle",
        ),
        pytest.param(
            "z = x",
            ["x = s", "w = t"],
            None,
            "z does not depend on w: the function line and the other definitions never use it",
            id="unused",
        ),
        pytest.param("z = 3", [], None, "z does not depend on any variable", id="constant"),
        pytest.param(
            "z = x",
            ["z = s"],
            None,
            "z is the dependent variable (the function line); --where defines the variables it depends on",
            id="dependent-redefined",
        ),
        pytest.param(
            "z x^2", [], None, "the function line needs an '=', as in z = x^2*y", id="no-equals"
        ),
        pytest.param(
            "2 = x",
            [],
            None,
            "the left side must be one variable's name, as in z = x^2*y",
            id="bad-left",
        ),
        pytest.param(
            "z = x^^2", [], None, "expected something after '^', found '^'", id="bad-maths"
        ),
    ],
)
def test_refusals(function: str, where: list[str], wrt: str | None, message: str) -> None:
    """A tree that cannot be built is refused in one line that says why."""
    with pytest.raises(ChainruleError) as info:
        build_tree(function, where, wrt)
    assert str(info.value) == message


def test_errors_point_at_the_line_as_typed() -> None:
    """The caret of a reading error is under the failing character of the --where line."""
    with pytest.raises(InputError) as info:
        read_definition("x = s*)")
    assert info.value.caret_lines() == ["  x = s*)", "        ^"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "z = x^2*y + sin(y)",
            ("z", X**2 * sp.Symbol("y", real=True) + sp.sin(Y)),
            id="function-line",
        ),
        pytest.param("x = s t", ("x", S * T), id="implicit-product"),
        pytest.param("x = st", ("x", S * T), id="letters-run-together"),
        pytest.param("θ = s + t", ("theta", S + T), id="greek-name"),
    ],
)
def test_reading_definitions(text: str, expected: tuple[str, Any]) -> None:
    """A definition names one variable and reads the right side in several variables."""
    name, read = read_function_line(text)
    assert (name, read.expr) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("s=1,t=2", {"s": 1, "t": 2}, id="pairs"),
        pytest.param(
            "s = 0.5, t = pi/2", {"s": sp.Rational(1, 2), "t": sp.pi / 2}, id="exact-values"
        ),
        pytest.param("3", {None: 3}, id="plain-number"),
    ],
)
def test_reading_points(text: str, expected: dict[str | None, Any]) -> None:
    """--at reads name=value pairs exactly; a plain number still works."""
    assert read_point(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("s=1,t", "write the point as name=value pairs: s=1,t=2", id="missing-value"),
        pytest.param("s=1,s=2", "s is given twice", id="twice"),
        pytest.param("s=x", "a point must be a number, not an expression in x", id="not-a-number"),
    ],
)
def test_bad_points(text: str, message: str) -> None:
    """A point that cannot be read is refused in one line."""
    with pytest.raises(InputError) as info:
        read_point(text)
    assert info.value.message == message


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        pytest.param(
            "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s",
            [("z", "x", True), ("x", "s", True), ("z", "y", True), ("y", "s", True)],
            id="partials",
        ),
        pytest.param(
            "dz/dx*dx/dt + dz/dy*dy/dt",
            [("z", "x", False), ("x", "t", False), ("z", "y", False), ("y", "t", False)],
            id="ordinary-d",
        ),
        pytest.param("d z/d x * d x/d t", [("z", "x", False), ("x", "t", False)], id="spaced"),
        pytest.param("partial z/partial x", [("z", "x", True)], id="word-partial"),
    ],
)
def test_reading_derivative_symbols(text: str, pairs: list[tuple[str, str, bool]]) -> None:
    """Each derivative symbol in a formula is read as what it names."""
    formula = read_formula(text)
    found = [(d.top, d.bottom, d.partial) for d in formula.derivatives.values()]
    assert found == pairs


def test_equation_reads_both_sides() -> None:
    """An equation line gives both sides."""
    left, right = read_equation("x^2 + y^2 = 25")
    assert (left.expr, right.expr) == (X**2 + Y**2, 25)


def test_hostile_values_are_refused_quickly() -> None:
    """A value too large to compute exactly at the point is refused, not computed."""
    tree = build_tree("z = x^y", [], "x")
    with pytest.raises(ChainruleError):
        tree.value({"x": sp.Integer(10) ** 29, "y": sp.Integer(10) ** 29})
