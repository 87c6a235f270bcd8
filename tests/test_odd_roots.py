"""Odd roots of negative numbers are real, as in every calculus text; even roots are not.

The oracle is SymPy's own ``real_root`` and ``sympy.diff`` of it: the tool's
values and slopes at negative points must be those of the real root, in solve,
check, the quiz's checker, the values along a chain, sampling and plots.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.checking import Checker, check
from chainrule_cli.maths.explain import explain
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.picture import panels
from chainrule_cli.maths.points import values_at
from chainrule_cli.maths.solution import solve
from chainrule_cli.maths.values import real_value
from chainrule_cli.reading.parsing import parse, symbol
from chainrule_cli.reading.roots import real_branch
from chainrule_cli.reading.syntax import to_sympy

runner = CliRunner()
x = symbol("x")
R = sp.Rational


def cube_root(u: sp.Expr) -> sp.Expr:
    return sp.real_root(u, 3)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal to 40 digits (both sides are exact; this only avoids a slow ``simplify``)."""
    a_value, b_value = complex(sp.N(a, 50)), complex(sp.N(b, 50))
    return abs(a_value - b_value) <= 1e-40 * max(1.0, abs(b_value))


# (text, point, the oracle written with SymPy's real_root)
TEXTBOOK = [
    pytest.param("cbrt(x)", R(-27), cube_root(x), id="cbrt-at-minus-27"),
    pytest.param("∛x", R(-8), cube_root(x), id="unicode-cube-root"),
    pytest.param("\\sqrt[3]{x}", R(-1, 8), cube_root(x), id="latex-cube-root"),
    pytest.param("x^(1/3)", R(-27), cube_root(x), id="power-one-third"),
    pytest.param("x^(2/3)", R(-8), cube_root(x) ** 2, id="two-thirds"),
    pytest.param("x^(2/3)", R(-27, 8), cube_root(x) ** 2, id="two-thirds-fraction"),
    pytest.param("(x^2-9)^(1/3)", R(1), cube_root(x**2 - 9), id="inner-negative"),
    pytest.param("(x^2-9)^(1/3)", R(-1), cube_root(x**2 - 9), id="inner-negative-left"),
    pytest.param("x^(5/3)", R(-8), cube_root(x) ** 5, id="five-thirds"),
    pytest.param("1/cbrt(x)", R(-8), 1 / cube_root(x), id="reciprocal-cube-root"),
    pytest.param("x^(-1/3)", R(-64), 1 / cube_root(x), id="negative-exponent"),
    pytest.param("x^(1/5)", R(-32), sp.real_root(x, 5), id="fifth-root"),
    pytest.param("sin(x)^(1/3)", R(-1), cube_root(sp.sin(x)), id="root-of-sine"),
    pytest.param("cbrt(1-x^3)", R(2), cube_root(1 - x**3), id="cbrt-of-cubic"),
]


@pytest.mark.parametrize(("text", "at", "oracle"), TEXTBOOK)
def test_values_and_slopes_are_the_real_roots(text: str, at: sp.Expr, oracle: sp.Expr) -> None:
    """The exact value and slope at a point where the root's inside is negative are the real root's."""
    analysis = analyse(text)
    value = real_value(analysis.expr, x, at)
    slope = real_value(analysis.derivative, x, at)
    assert value is not None and slope is not None
    assert same(value, oracle.subs(x, at))
    assert same(slope, sp.diff(oracle, x).subs(x, at))
    assert value.is_real and slope.is_real


@pytest.mark.parametrize(("text", "at", "oracle"), TEXTBOOK)
def test_float_functions_read_roots_real(text: str, at: sp.Expr, oracle: sp.Expr) -> None:
    """The compiled float function and its derivative agree with the real-root oracle."""
    analysis = analyse(text)
    f = float_function(analysis.expr, x)
    df = float_function(analysis.derivative, x)
    assert math.isclose(f(float(at)), float(oracle.subs(x, at)), rel_tol=1e-12)
    expected_slope = float(sp.diff(oracle, x).subs(x, at))
    assert math.isclose(df(float(at)), expected_slope, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("text", "value", "slope"),
    [
        pytest.param("x^(1/3)", R(-3), R(1, 27), id="slope-1/27-at-minus-27"),
        pytest.param("x^(2/3)", R(9), R(-2, 9), id="two-thirds"),
        pytest.param("cbrt(x)", R(-3), R(1, 27), id="cbrt"),
    ],
)
def test_solve_gives_exact_numbers(text: str, value: sp.Expr, slope: sp.Expr) -> None:
    """solve at x = −27 gives the exact real value and slope, and its check with numbers agrees."""
    solution = solve(text, "-27")
    assert solution.slope == slope
    assert solution.y_at == value
    assert solution.check is not None and solution.check.agrees


def test_layer_values_along_the_chain_are_real() -> None:
    """∛(x² − 9) at x = 1: u = −8, dy/du = 1/12, du/dx = 2, slope 1/6, the values a hint shows."""
    analysis = analyse("(x^2-9)^(1/3)")
    slope, found = values_at(analysis, R(1), explain(analysis.tree))
    assert slope == R(1, 6)
    [layer] = found
    assert (layer.inner, layer.outer_derivative, layer.inner_derivative) == (-8, R(1, 12), 2)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("cbrt(-27)", -3, id="cbrt"),
        pytest.param("(-8)^(2/3)", 4, id="two-thirds"),
        pytest.param("(-32)^(1/5)", -2, id="fifth-root"),
        pytest.param("(-2)^(1/3)", -cube_root(2), id="irrational"),
    ],
)
def test_constant_odd_roots_are_read_real(text: str, shown: sp.Expr) -> None:
    """A typed constant odd root of a negative number is its real value in the math."""
    assert to_sympy(parse(text), x) == shown


@pytest.mark.parametrize(
    ("text", "at"),
    [
        pytest.param("sqrt(x)", R(-4), id="square-root"),
        pytest.param("x^(1/4)", R(-16), id="fourth-root"),
        pytest.param("x^(3/2)", R(-1), id="three-halves"),
        pytest.param("(x-5)^(1/2)", R(1), id="square-root-of-negative-inside"),
        pytest.param("ln(x)^(2/3)", R(-1), id="odd-root-of-a-non-real-inside"),
    ],
)
def test_even_roots_stay_undefined_for_negatives(text: str, at: sp.Expr) -> None:
    """An even root of a negative number (or an odd root of a non-real one) has no real value."""
    analysis = analyse(text)
    assert real_value(analysis.expr, x, at) is None
    with pytest.raises(Undefined):
        float_function(analysis.expr, x)(float(at))


@settings(max_examples=60, deadline=None)
@given(
    q=st.sampled_from([3, 5, 7, 9]),
    p=st.integers(-7, 7).filter(lambda n: n != 0),
    numerator=st.integers(-40, -1),
    denominator=st.integers(1, 9),
)
def test_random_odd_roots_at_negative_points(
    q: int, p: int, numerator: int, denominator: int
) -> None:
    """x^(p/q), q odd, at a negative rational: value (real q-th root of x)^p, slope its sympy.diff."""
    at = R(numerator, denominator)
    oracle = sp.real_root(x, q) ** p  # real_root(x**p, q), in a form sympy.diff can differentiate
    analysis = analyse(f"x^({p}/{q})")
    value = real_value(analysis.expr, x, at)
    slope = real_value(analysis.derivative, x, at)
    assert value is not None and slope is not None
    assert same(value, oracle.subs(x, at))
    assert same(slope, sp.diff(oracle, x).subs(x, at))
    f = float_function(analysis.derivative, x)
    expected = float(sp.diff(oracle, x).subs(x, at))
    assert math.isclose(f(float(Fraction(numerator, denominator))), expected, rel_tol=1e-9)


@settings(max_examples=25, deadline=None)
@given(q=st.sampled_from([3, 5]), p=st.integers(1, 4), a=st.integers(1, 5), b=st.integers(1, 9))
def test_random_odd_roots_of_a_linear_inside(q: int, p: int, a: int, b: int) -> None:
    """(ax − b)^(p/q) at x = −1, where the inside is negative: the chain rule's slope is the oracle's."""
    oracle = sp.real_root(a * x - b, q) ** p
    analysis = analyse(f"({a}x-{b})^({p}/{q})")
    slope = real_value(analysis.derivative, x, R(-1))
    assert slope is not None
    assert same(slope, sp.diff(oracle, x).subs(x, -1))


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param("x^(1/3)", "(1/3)x^(-2/3)", id="negative-exponent-form"),
        pytest.param("cbrt(x)", "1/(3 cbrt(x)^2)", id="cube-root-squared"),
        pytest.param("x^(2/3)", "2/(3 ∛x)", id="two-thirds"),
        pytest.param("(x^2-9)^(1/3)", "2x/(3(x^2-9)^(2/3))", id="chain"),
        pytest.param("x^(5/3)", "(5/3)x^(2/3)", id="five-thirds"),
    ],
)
def test_equal_forms_are_right_at_negative_points(problem: str, answer: str) -> None:
    """A right derivative is right, and the checker probed it at negative points too."""
    checker = Checker.for_text(problem)
    assert any(v < 0 for v in checker.sampler.points)
    verdict = checker.check(answer)
    assert verdict.correct, verdict.feedback


@pytest.mark.parametrize(
    ("problem", "answer", "mistake"),
    [
        pytest.param("x^(2/3)", "(2/3)|x|^(-1/3)", None, id="right-only-for-positive-x"),
        pytest.param(
            "(x^2-9)^(1/3)", "(1/3)(x^2-9)^(-2/3)", "forgot_inner_derivative", id="forgot-inner"
        ),
    ],
)
def test_wrong_answers_are_caught_at_negative_points(
    problem: str, answer: str, mistake: str | None
) -> None:
    """An answer equal to the derivative only where x > 0 is wrong; a chain slip is named."""
    verdict = check(problem, answer)
    assert not verdict.correct
    if mistake is not None:
        assert verdict.mistake == mistake


def test_slope_answer_at_a_negative_point() -> None:
    """The slope of ∛x at −8 is 1/12, and the answer 1/12 is right there."""
    assert check("cbrt(x)", "1/12", at="-8").correct
    assert not check("cbrt(x)", "-1/12", at="-8").correct


def test_a_principal_branch_answer_is_not_the_real_one() -> None:
    """real_branch reads the tool's and the student's odd roots by the same rule."""
    assert real_branch(x ** R(1, 3)).subs(x, -27) == -3
    assert real_branch(x ** R(-2, 3)).subs(x, -8) == R(1, 4)
    assert real_branch(sp.sqrt(x)) == sp.sqrt(x)


def test_plot_of_cube_root_has_points_on_both_sides() -> None:
    """x^(1/3) drawn over [−2, 2] has points left and right of 0 (with the cusp of x^(2/3) too)."""
    for text in ("x^(1/3)", "x^(2/3)"):
        graph = panels(analyse(text), 1.0, span=(-2.0, 2.0))[-1]
        ts = [t for piece in graph.pieces for t, _ in piece]
        assert min(ts) < -1.5 and max(ts) > 1.5, text
        assert all(y < 0 for t, y in (p for piece in graph.pieces for p in piece) if t < 0) or (
            text == "x^(2/3)"
        )


def test_plot_at_a_negative_point() -> None:
    """The plot at x = −8 is drawn, with the tangent's slope 1/12."""
    graph = panels(analyse("cbrt(x)"), -8.0)[-1]
    assert math.isclose(graph.slope, 1 / 12, rel_tol=1e-12)
    assert math.isclose(graph.y0, -2.0, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        pytest.param(["solve", "x^(1/3)", "--at", "-27"], 0, "slope = 1/27", id="solve-slope"),
        pytest.param(["solve", "x^(2/3)", "--at", "-8"], 0, "slope = −1/3", id="solve-cusp"),
        pytest.param(
            ["check", "cbrt(x)", "1/(3 x^(2/3))", "--at", "-8"], 0, "Correct", id="check-right"
        ),
        pytest.param(["solve", "cbrt(-27)x"], 0, "dy/dx = −3", id="constant-root"),
    ],
)
def test_cli_reads_odd_roots_real(args: list[str], code: int, shown: str) -> None:
    """Through the CLI, odd roots of negatives have real values and slopes."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert shown in result.stdout


def test_cli_square_root_of_a_negative_is_still_outside_the_domain() -> None:
    """solve "sqrt(x)" --at -4 is refused in one line, exit code 2."""
    result = runner.invoke(app, ["solve", "sqrt(x)", "--at", "-4"])
    assert result.exit_code == 2
    assert "outside the domain" in result.stderr
    assert "Traceback" not in result.output
