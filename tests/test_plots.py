"""Pictures: the numbers behind each panel, the chain-of-rates diagram, and that every
shipped problem can be drawn."""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path

import pytest
import sympy as sp
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli.bank import load
from chainrule_cli.cli import app
from chainrule_cli.errors import DomainError
from chainrule_cli.parsing import parse_number
from chainrule_cli.picture import panels
from chainrule_cli.plots import picture
from chainrule_cli.render import Math, rates_diagram
from chainrule_cli.rules import analyse
from chainrule_cli.solution import solve

GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()
x = sp.Symbol("x", real=True)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("(2x+1)^2", 1.0),
        ("sin(x^2)", 1.0),
        ("sin(e^(x^2))", 0.5),
        ("ln(x^2+1)", 2.0),
        ("2sin(3x)", 0.3),
        ("sqrt(x^2+9)", 4.0),
    ],
)
def test_tangent_slopes_multiply(text: str, at: float) -> None:
    """Inner slope g′(a), outer slope f′(g(a)), and the composite's slope is their product."""
    analysis = analyse(text)
    drawn = panels(analysis, at)
    point = sp.nsimplify(at)
    oracle = sp.diff(analysis.expr, x)
    assert math.isclose(drawn[-1].slope, float(oracle.subs(x, point)), rel_tol=1e-9, abs_tol=1e-12)
    product = math.prod(p.slope for p in drawn[:-1])
    assert math.isclose(product, drawn[-1].slope, rel_tol=1e-9, abs_tol=1e-12)
    inner = drawn[0]
    innermost = [layer for layer in analysis.tree.walk() if hasattr(layer, "inner")]
    assert innermost
    g_prime = sp.diff(sp.sympify(str(_innermost_inner(analysis))), sp.Symbol("x")).subs(
        sp.Symbol("x"), point
    )
    assert math.isclose(inner.slope, float(g_prime), rel_tol=1e-9, abs_tol=1e-12)
    # each outer panel starts where the previous one ends: u0 = g(a), and so on
    for previous, current in itertools.pairwise(drawn[:-1]):
        assert math.isclose(current.t0, previous.y0, rel_tol=1e-12, abs_tol=1e-12)


def _innermost_inner(analysis):  # type: ignore[no-untyped-def]
    from chainrule_cli.rules import spine

    layers = [layer for layer in spine(analysis.tree) if not layer.trivial]
    return layers[-1].g.expr


@pytest.mark.parametrize(
    ("text", "at"), [("ln(x)", 0.2), ("tan(x)", 1.0), ("sqrt(x)", 0.5), ("1/(x-1)", 1.5)]
)
def test_ranges_avoid_undefined_regions(text: str, at: float) -> None:
    """Samples exist only where the function is defined, and stay inside the panel's range."""
    analysis = analyse(text)
    for panel in panels(analysis, at):
        assert panel.pieces
        for piece in panel.pieces:
            for t, y in piece:
                assert panel.low <= t <= panel.high
                assert panel.ylow <= y <= panel.yhigh
                assert math.isfinite(y)


def test_point_outside_the_domain() -> None:
    with pytest.raises(DomainError):
        panels(analyse("ln(x)"), -1.0)


def _rates_text(text: str, at: str, width: int = 80, unicode: bool = True) -> str:
    solution = solve(text, at)
    console = Console(width=width, file=io.StringIO(), no_color=True, legacy_windows=False)
    diagram = rates_diagram(solution, Math(unicode))
    assert diagram is not None
    console.print(diagram)
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "text", "at", "unicode"),
    [
        ("rates_power", "(3x+1)^2", "1", True),
        ("rates_nested", "sin(e^(x^2))", "1", True),
        ("rates_log", "ln(x^2+1)", "2", True),
        ("rates_power_ascii", "(2x+1)^2", "1", False),
    ],
)
def test_rates_diagram_golden(name: str, text: str, at: str, unicode: bool) -> None:
    """The gear-ratio picture, at 80 columns, as stored in tests/golden."""
    got = _rates_text(text, at, unicode=unicode)
    golden = GOLDEN / f"{name}.txt"
    assert got == golden.read_text(encoding="utf-8")


def test_rates_diagram_values() -> None:
    got = _rates_text("(3x+1)^2", "1")
    assert "x = 1 ──×3──▶ u = 4 ──×8──▶ y = 16" in got
    assert "total rate 3 × 8 = 24" in got


BANK = load()


def test_every_shipped_problem_can_be_drawn() -> None:
    """Each problem at its point (or x = 1, or a nearby point in the domain) renders."""
    console = Console(width=80, file=io.StringIO(), no_color=True)
    for problem in BANK.problems:
        analysis = analyse(problem.expression, problem.variable)
        points = [float(parse_number(problem.at))] if problem.at else [1.0, 0.5, 2.0, 0.3]
        for point in points:
            try:
                drawn = panels(analysis, point)
            except DomainError:
                continue
            console.print(picture(drawn, console))
            break
        else:
            pytest.fail(f"{problem.id}: no point could be drawn")
    assert "Rates multiply" in console.file.getvalue()  # type: ignore[attr-defined]


def test_plot_command_and_plain_output() -> None:
    result = runner.invoke(
        app, ["plot", "sin(x^2)", "--at", "1"], env={"NO_COLOR": "1", "COLUMNS": "80"}
    )
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "u = x²" in result.stdout and "y = sin(u)" in result.stdout
    assert "2 × 0.5403 = 1.081" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_plot_with_json_is_an_error() -> None:
    result = runner.invoke(app, ["solve", "x^2", "--plot", "--json"])
    assert result.exit_code == 2
    assert "--plot" in result.stderr


@pytest.mark.parametrize("span", ["3", "2:1", "a:b"])
def test_bad_range(span: str) -> None:
    result = runner.invoke(app, ["plot", "sin(x)", "--range", span])
    assert result.exit_code == 2
    assert "--range" in result.stderr


def test_solve_plot() -> None:
    result = runner.invoke(app, ["solve", "(2x+1)^2", "--at", "1", "--plot"])
    assert result.exit_code == 0
    assert "Rates multiply along the chain: 2 × 6 = 12" in result.stdout
