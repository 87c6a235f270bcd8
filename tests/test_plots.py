"""Pictures: the numbers behind each panel, the chain-of-rates diagram, and that every
shipped problem can be drawn."""

from __future__ import annotations

import io
import itertools
import math
import re
from pathlib import Path

import pytest
import sympy as sp
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.cli import app
from chainrule_cli.errors import DomainError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.picture import panels
from chainrule_cli.maths.solution import solve
from chainrule_cli.reading.parsing import parse_number
from chainrule_cli.render import Math, rates_diagram
from chainrule_cli.render.console import SafeConsole
from chainrule_cli.render.fit import Hanging
from chainrule_cli.render.plots import picture

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
    from chainrule_cli.maths.analysis import spine

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
    console = SafeConsole(width=width, file=io.StringIO(), no_color=True, legacy_windows=False)
    diagram = rates_diagram(solution, Math(unicode))
    assert diagram is not None
    console.print(Hanging(diagram, indent=2))  # as solve shows it
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
    assert "  x = 1 ──×3──▶ u = 4 ──×8──▶ y = 16\n" in got
    assert "  total rate 3 × 8 = 24\n" in got


BANK = load()


def test_every_shipped_problem_can_be_drawn() -> None:
    """Each problem at its point (or x = 1, or a nearby point in the domain) renders."""
    console = Console(width=80, file=io.StringIO(), no_color=True)
    for problem in BANK.problems:
        if problem.graph:  # several variables: --plot draws functions of one
            continue
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


# -- axes, ranges and overflow (#15) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "step", "label"),
    [
        pytest.param(-0.0000001, 0.5, "0", id="minus-zero"),
        pytest.param(-1.5, 0.5, "−1.5", id="one-minus-sign"),
        pytest.param(3889120.5, 1000000.0, "3.88912×10⁶", id="six-digits-at-most"),
        pytest.param(2000000.0, 1000000.0, "2×10⁶", id="round-millions"),
        pytest.param(0.25, 0.05, "0.25", id="decimals-from-the-step"),
        pytest.param(12345.0, 5.0, "12345", id="whole"),
    ],
)
def test_axis_labels(value: float, step: float, label: str) -> None:
    """Tick labels have at most six significant digits and the math's minus sign."""
    from chainrule_cli.render.plots import tick_label

    assert tick_label(value, step) == label
    digits = [c for c in label.split("×")[0] if c.isdigit()]
    assert len("".join(digits).lstrip("0")) <= 6


@pytest.mark.parametrize(
    ("low", "high"), [(-2.0, 3.0), (0.0, 1e-3), (-777824.1, 3889120.5), (20.0, 40.0)]
)
def test_ticks_are_round_and_inside(low: float, high: float) -> None:
    """Ticks are 1, 2 or 5 times a power of ten, inside the range, and at least two."""
    from chainrule_cli.render.plots import nice_ticks

    ticks, step = nice_ticks(low, high)
    assert len(ticks) >= 2
    assert all(low - 1e-12 <= t <= high + 1e-12 for t in ticks)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)


def test_plot_axis_labels_on_screen() -> None:
    """On screen no label has more than six significant digits, and none reads −0."""
    result = runner.invoke(app, ["plot", "e^(e^(x^2))", "--at", "1", "--range", "0:2"])
    assert result.exit_code == 0
    labels = re.findall(r"^\s*([−\d.×⁰-⁹]+)┤", result.stdout, flags=re.MULTILINE)
    assert labels
    for label in labels:
        assert label not in ("−0", "-0", "−0.00")
        assert len(re.sub(r"\D", "", label.split("×")[0]).lstrip("0")) <= 6


def test_plot_at_outside_the_range_says_so() -> None:
    """plot --at 5 --range 0:1 is a one-line error, exit 2."""
    result = runner.invoke(app, ["plot", "sin(x)", "--at", "5", "--range", "0:1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --at 5 is outside --range 0:1")


def test_overflowing_graph_says_why() -> None:
    """e^(x²) on 0..40 overflows: the panel says where, instead of drawing nothing."""
    analysis = analyse("e^(x^2)")
    composite = panels(analysis, 1.0, (0.0, 40.0))[-1]
    assert "too large" in composite.note and "x ≥" in composite.note
    result = runner.invoke(app, ["plot", "e^(x^2)", "--range", "20:40"])
    assert result.exit_code == 0
    assert "too large to draw for x ≥ 20" in " ".join(result.stdout.split())


def test_nothing_to_draw_in_the_range_says_why() -> None:
    """ln(x) on −3..−1 has no point to draw: one line saying so, exit 2."""
    result = runner.invoke(app, ["plot", "ln(x)", "--range", "-3:-1"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nothing to draw in --range -3:-1")
