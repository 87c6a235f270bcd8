"""Maths shown as maths, everywhere (#24): as read, never as typed, and never 1.009×10⁰.

History shows each problem and answer as the quiz read it (cos(πx), 10πr²);
the quiz asks for a slope "at x = π"; a typed rate stays a decimal; a slope
that is not a whole number gets its decimal beside it; backprop writes 1.009.
The screens are golden files in tests/golden/maths/, at 60 and 80 columns,
without colour (NO_COLOR) and with it (FORCE_COLOR, ANSI codes compared as
they are), each through a real pipe. Set CHAINRULE_UPDATE_GOLDEN=1 to rewrite
them after a deliberate change.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.printing.written import as_read, point_text, variable_of
from chainrule_cli.reading.parsing import parse_sympy
from chainrule_cli.render.lessons import _scientific
from chainrule_cli.render.mathfmt import Math
from tests.screens import GOLDEN, assert_golden, record_history, run_piped, visible

BANK = str(GOLDEN / "maths.bank.yaml")
runner = CliRunner()


# -- what is shown -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "variable", "unicode", "expected"),
    [
        pytest.param("cos(pi x)", "x", True, "cos(πx)", id="pi"),
        pytest.param("10pi r^2", "r", True, "10πr²", id="other-variable"),
        pytest.param("(3x+1)^2", "x", True, "(3x + 1)²", id="spaced-and-raised"),
        pytest.param("-125.664", "x", True, "−125.664", id="decimal-stays"),
        pytest.param("2.4pi", "x", True, "2.4π", id="decimal-times-pi"),
        pytest.param("cos(pi x)", "x", False, "cos(pi*x)", id="ascii"),
        pytest.param("sin(", "x", True, None, id="unreadable"),
    ],
)
def test_as_read(typed: str, variable: str, unicode: bool, expected: str | None) -> None:
    """An answer or function is shown as the quiz read it, or None when it does not parse."""
    assert as_read(typed, variable, unicode) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("cos(pi x)", "x", id="x"),
        pytest.param("4/3 pi r^3", "r", id="r"),
        pytest.param("e^(2t)", "t", id="t-not-e"),
        pytest.param("a b c", "x", id="unreadable"),
    ],
)
def test_variable_of(expression: str, expected: str) -> None:
    """A stored problem is read in x when it can be, else in the letter it is written in."""
    assert variable_of(expression) == expected


@pytest.mark.parametrize(
    ("at", "unicode", "expected"),
    [
        pytest.param("pi", True, "π", id="pi"),
        pytest.param("pi/4", True, "π/4", id="pi-over-4"),
        pytest.param("pi", False, "pi", id="ascii"),
        pytest.param("-0.5", True, "−0.5", id="decimal"),
        pytest.param("1/0/", True, "1/0/", id="unreadable-as-written"),
    ],
)
def test_point_text(at: str, unicode: bool, expected: str) -> None:
    """A problem's point is shown as read (π), or as written when it does not parse."""
    assert point_text(at, "x", unicode) == expected


_ATOMS = st.sampled_from(["x", "2x", "pi x", "x^2", "3", "0.5x", "e^x", "(x+1)"])


@st.composite
def _expressions(draw: st.DrawFn) -> str:
    text = draw(_ATOMS)
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["sin({})", "ln({}^2+1)", "({})^3", "{}+{}", "{}*{}", "e^({})"]))
        text = how.format(text, draw(_ATOMS))
    return text


@settings(max_examples=60, deadline=None)
@given(_expressions())
@example("e^(e^(e^(3)))")  # too large to work with: shown as typed
def test_what_history_shows_reads_back_the_same(typed: str) -> None:
    """What history shows, read again, is the same function as what was typed (sympy as oracle);
    what the reader refuses (e^(e^(e^3)) is too large to work with) is shown as typed."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    try:
        parse(typed, "x")
    except ChainruleError:
        assert as_read(typed, "x") is None  # history falls back to the text as typed
        return
    for unicode in (True, False):
        shown = as_read(typed, "x", unicode)
        assert shown is not None
        assert sp.simplify(parse_sympy(shown) - parse_sympy(typed)) == 0


@pytest.mark.parametrize(
    ("value", "unicode", "expected"),
    [
        pytest.param(1.00912, True, "1.009", id="times-ten-to-the-zero"),
        pytest.param(1.0, True, "1.000", id="keeps-its-zeros"),
        pytest.param(0.17534, True, "0.1753", id="tenths"),
        pytest.param(123.456, True, "123.5", id="hundreds"),
        pytest.param(9.619e-4, True, "9.619×10⁻⁴", id="small"),
        pytest.param(-2.5e-7, True, "−2.500×10⁻⁷", id="small-negative"),
        pytest.param(1234.5, True, "1.234×10³", id="thousands"),
        pytest.param(9.619e-4, False, "9.619*10^-4", id="ascii"),
    ],
)
def test_backprop_numbers(value: float, unicode: bool, expected: str) -> None:
    """From 0.1 to 999 a plain decimal; beyond, scientific: never 1.009×10⁰."""
    assert _scientific(value, Math(unicode)) == expected


def test_backprop_says_what_the_first_local_is() -> None:
    """Layer 1's local is marked and named ∂h₁/∂w₁ = act′(z₁)·x, not act′·w like the rest."""
    out = runner.invoke(app, ["backprop", "--layers", "3"], env={"COLUMNS": "80"}).stdout
    rows = [
        r for r in (line.split() for line in out.splitlines()) if len(r) >= 6 and r[0].isdigit()
    ]
    assert rows[0][4].endswith("†") and not any(row[4].endswith("†") for row in rows[1:])
    flat = " ".join(out.split())
    assert "∂h₁/∂w₁ = act′(z₁)·x" in flat and "∂hₖ/∂hₖ₋₁ = act′(zₖ)·wₖ" in flat
    assert "×10⁰" not in out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("-0.37\n", "the slope is −e^(−1) ≈ −0.367879", id="right"),
        pytest.param("a\n", "slope = −e^(−1) ≈ −0.367879", id="shown"),
    ],
)
def test_a_slope_that_is_not_whole_has_its_decimal(typed: str, expected: str) -> None:
    """The quiz says the slope as check does: exact, with its decimal."""
    out = runner.invoke(
        app, ["quiz", "--bank", BANK, "--type", "exponential"], input=typed, env={"COLUMNS": "80"}
    ).stdout
    assert expected in out.replace("\u00a0", " ")


def test_check_says_the_slope_with_its_decimal() -> None:
    """``check --at`` says the slope exactly and as a decimal, as the quiz does."""
    out = runner.invoke(app, ["check", "e^(-x)", "-1/e", "--at", "1"]).stdout
    assert "the slope is −e^(−1) ≈ −0.367879" in out


def test_the_quiz_asks_at_pi() -> None:
    """A slope at pi is asked for at x = π, in the header and at the prompt."""
    out = runner.invoke(
        app, ["quiz", "--bank", BANK, "--type", "trig"], input="q\n", env={"COLUMNS": "80"}
    ).stdout
    assert "Find the slope dy/dx at x = π." in out.replace("\u00a0", " ")
    assert "slope at x = π:" in out and "pi" not in out


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        pytest.param("0.2", "24π × 0.2 = 4.8π", id="tenths"),
        pytest.param("-0.05", "24π × (−0.05) = −1.2π", id="negative-hundredths"),
        pytest.param("1.25", "24π × 1.25 = 30π", id="whole-product"),
        pytest.param("1/3", "24π × 1/3 = 8π", id="fraction-stays-fraction"),
    ],
)
def test_a_typed_rate_stays_as_typed(tmp_path: Path, rate: str, shown: str) -> None:
    """A rate typed as 0.2 is shown as 0.2 (never 1/5) in the applied answer."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "problems:\n  - id: s\n    type: applied\n"
        '    question: "A sphere grows. How fast does its area A = 4πr² grow when r = 3?"\n'
        '    expression: "4 pi r^2"\n    variable: r\n    at: 3\n'
        f'    rate: "{rate}"\n    chain: [A, r, t]\n',
        encoding="utf-8",
    )
    out = runner.invoke(app, ["quiz", "--bank", str(bank)], input="a\n", env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert shown in out.stdout.replace("\u00a0", " ")


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("FORGOT_INNER_DERIVATIVE", id="upper"),
        pytest.param("Forgot_Inner_Derivative", id="mixed"),
        pytest.param(" forgot_inner_derivative ", id="spaced"),
    ],
)
def test_mistake_codes_in_any_case(code: str) -> None:
    """``quiz --mistake`` takes its code in any case, like every other choice."""
    result = runner.invoke(app, ["quiz", "--mistake", code, "--count", "1"], input="q\n")
    assert result.exit_code == 0, result.stderr
    assert "Problem 1/1" in result.stdout


def test_an_unknown_mistake_code_is_still_refused() -> None:
    """An unknown code is one clear line and exit 2, in any case."""
    result = runner.invoke(app, ["quiz", "--mistake", "NO_SUCH_SLIP"])
    assert result.exit_code == 2
    assert "unknown mistake 'no_such_slip'" in result.stderr


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        pytest.param("n\n", "Reset all progress (0 attempts)? [y/N]: n", id="no"),
        pytest.param("", "Reset all progress (0 attempts)? [y/N]:", id="end-of-input"),
    ],
)
def test_reset_question_piped_ends_in_no_space(typed: str, first: str) -> None:
    """Piped, ``stats --reset`` asks with no trailing space and echoes the answer."""
    result = runner.invoke(app, ["stats", "--reset"], input=typed)
    lines = result.stdout.splitlines()
    assert lines == [first, "nothing was reset"]


def test_reset_on_yes() -> None:
    """y resets, as before."""
    result = runner.invoke(app, ["stats", "--reset"], input="y\n")
    assert result.exit_code == 0 and "Progress reset." in result.stdout


def test_plot_caps_a_huge_width() -> None:
    """``plot`` in a terminal 100000 columns wide draws at most 200 columns, in time."""
    import io

    from rich.console import Console

    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.picture import panels
    from chainrule_cli.render.plots import MAX_WIDTH, picture

    console = Console(width=100_000, file=io.StringIO(), color_system=None)
    start = time.monotonic()
    console.print(picture(panels(analyse("sin(x^2)"), 1.0), console))
    assert time.monotonic() - start < 10
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    graph = [line.rstrip() for line in lines if "│" in line or "┤" in line]
    assert MAX_WIDTH == 200 and graph
    assert max(cell_len(line) for line in graph) <= MAX_WIDTH


# -- golden screens ------------------------------------------------------------------------------
SCREENS = [
    pytest.param("history", ["history"], "", id="history"),
    pytest.param(
        "quiz_at_pi",
        ["quiz", "--bank", BANK, "--no-shuffle", "--type", "trig", "--type", "exponential"],
        "h\n1.35\n-0.37\n",
        id="quiz-at-pi",
    ),
    pytest.param(
        "applied_rate",
        ["quiz", "--bank", BANK, "--type", "applied"],
        "h\nh\n0.20\n4.8pi\n",
        id="applied-rate",
    ),
    pytest.param("backprop", ["backprop", "--layers", "6"], "", id="backprop"),
]


def _fixed_history() -> None:
    """Answers at fixed times: as read, as typed when unreadable, in x and in r."""
    rows = [
        ("m-exp", "e^(-x)", "exponential", "e^(-1", False, "forgot_inner_derivative"),
        ("m-sphere", "4 pi r^2", "applied", "4.8pi", True, None),
        ("m-pi", "cos(pi x)", "trig", "-pi sin(pi^2)", True, None),
        ("w-power", "(3x+1)^2", "power", "6(3x+1)", True, None),
    ]  # fmt: skip
    record_history(rows)


@pytest.mark.parametrize("colour", [False, True], ids=["no-colour", "colour"])
@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize(("name", "args", "typed"), SCREENS)
def test_screens_are_golden(
    name: str, args: list[str], typed: str, width: int, colour: bool
) -> None:
    """``chainrule … | cat`` prints exactly tests/golden/maths/NAME_WIDTH[_colour].txt."""
    if name == "history":
        _fixed_history()
    proc = run_piped(args, width, colour, typed)
    assert proc.returncode == 0, proc.stderr
    visible(proc.stdout, width, colour)
    golden = GOLDEN / "maths" / f"{name}_{width}{'_colour' if colour else ''}.txt"
    assert_golden(golden, proc.stdout)


def test_history_shows_graph_problems_and_answers_as_read() -> None:
    """A tree, an implicit and a backprop round are shown as read too (z = x²·y,
    x² + y² = 25, (w·x + b − y)²); an answer written with ∂ stays as typed."""
    record_history(
        [
            ("mv", "z = x^2*y", "multivariable", "2x*y*(-sin t) + x^2*cos t", True, None),
            ("im", "x^2 + y^2 = 25", "implicit", "-x/y", True, None),
            ("bp", "L = (w*x + b - y)^2", "backprop", "-8", False, "sign_error"),
            ("fm", "w = x*y*z", "multivariable", "∂w/∂x·dx/dt", True, None),
        ]
    )
    result = runner.invoke(app, ["history"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    for shown in ("z = x²·y", "x² + y² = 25", "−x/y", "L = (w·x + b − y)²", "−8", "w = x·y·z"):
        assert shown in out, shown
    assert "∂w/∂x·dx/dt" in out
    assert "x^2" not in out and "*" not in out.replace("∂w/∂x·dx/dt", "")
