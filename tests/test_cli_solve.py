"""``chainrule solve`` end to end through typer's runner."""

from __future__ import annotations

import json
import sys

import pytest
import sympy as sp
from typer.testing import CliRunner

from chainrule_cli.cli import app
from tests.screens import run_measured

runner = CliRunner()
x = sp.Symbol("x")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_solve_shows_the_chain_and_the_steps() -> None:
    code, out, _ = run("solve", "(3x+1)^2", "--at", "1")
    assert code == 0
    assert "x → u = 3x + 1 → y = u²" in out
    assert "2(3x + 1)·3 = 6(3x + 1)" in out
    assert "dy/dx = 6(3x + 1)" in out
    assert "slope = 24" in out
    assert "x = 1 ──×3──▶ u = 4 ──×8──▶ y = 16" in out
    assert "Check with numbers" in out and "16.2409" in out


def test_solve_nested_chain() -> None:
    code, out, _ = run("solve", "sin(e^(x^2))")
    assert code == 0
    assert "x → u = x² → v = e^u → y = sin(v)" in out


def test_solve_json_contract() -> None:
    code, out, _ = run("solve", "ln(x^2+1)", "--at", "0", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["expression"] == "log(x**2 + 1)"
    assert data["variable"] == "x"
    assert data["type"] == "log"
    assert sp.simplify(sp.sympify(data["derivative"]) - 2 * x / (x**2 + 1)) == 0
    assert data["at"] == "0" and data["value"] == "0" and data["numeric"] == 0.0
    step = data["steps"][0]
    for key in ("outer", "inner", "outer_derivative", "inner_derivative", "rule"):
        assert key in step
    assert sp.sympify(step["inner"]) == x**2 + 1


def test_leading_minus_is_an_argument() -> None:
    """-x^2+1 and --at -1 need no '--'."""
    code, out, _ = run("solve", "-x^2+1", "--at", "-1", "--json")
    assert code == 0, out
    assert json.loads(out)["numeric"] == 2.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["solve", "6(3y+1)"], "unknown name 'y': the variable is x"),
        (["solve", "(x+1"], "never closed"),
        (["solve", ""], "empty expression"),
        (["solve", "ln(x)", "--at", "-1"], "outside the domain"),
        (["solve", "sqrt(x)", "--at", "0"], "derivative is undefined at x = 0"),
        (["solve", "x^2", "--at", "y"], "unknown name 'y'"),
        (["solve", "__import__('os').system('true')"], "unexpected character '_'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out
    assert err.startswith("error: ")


def test_var_option() -> None:
    code, out, _ = run("solve", "sin(t^2)", "--var", "t", "--json")
    assert code == 0
    assert json.loads(out)["variable"] == "t"


HOSTILE = [
    "9^9^9",
    "factorial(10^9)",
    "10^10^10^10",
    "x" * 5000,
    "sin(" * 12 + "x" + ")" * 12,
    "(" * 200 + "x" + ")" * 200,
    "e^(e^(e^(e^(e^x))))",
    "(x^2+1)^999 * sin(x)^999",
    "+".join(f"sin({i}x)^{i}" for i in range(1, 60)),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_ends_in_time(text: str) -> None:
    """Absurd input ends within 3 s (plus interpreter start) with a result or exit 2.

    The time is the CPU time the command itself spent (tests/screens.py's ``run_measured``):
    on a shared machine wall time mostly measures the wait for a CPU. On a quiet machine
    the two are the same; a generous wall ceiling stays as a backstop against a hang."""
    run = run_measured(
        [sys.executable, "-m", "chainrule_cli", "solve", text],
        capture_output=True,
        text=True,
        timeout=60,
    )
    proc = run.proc
    assert proc.returncode in (0, 2)
    assert "Traceback" not in proc.stderr
    assert run.cpu < 3.0 + 1.0, run  # the 3 s budget, and interpreter start-up
    assert run.wall < 40.0, run  # however busy the machine: never a hang


@pytest.mark.parametrize(
    ("text", "at", "size"),
    [
        pytest.param("e^(e^(e^(e^x)))", "2", "10^(2.5×10^702)", id="four-storey-tower"),
        pytest.param("e^(e^(e^x))", "3", "10^229520860", id="three-storey-tower"),
        pytest.param("10^(2x)", "1000000", "10^2000000", id="power-of-ten"),
    ],
)
def test_astronomical_values_are_called_too_large(text: str, at: str, size: str) -> None:
    """Not "took too long": the size is told from 53 bits of mpmath, in both commands."""
    for args in (["solve", text, "--at", at], ["check", text, "e^x", "--at", at]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"is about {size}: too large to work with" in result.stderr


@pytest.mark.parametrize(
    ("expr", "at", "expected"),
    [
        (sp.exp(sp.exp(sp.exp(sp.exp(sp.Symbol("x"))))), 2, "2.53254e+702"),  # beyond floats
        (10 ** (2 * sp.Symbol("x")), 10**6, 2e6),
        (sp.Symbol("x") ** 2, sp.Rational(1, 2), -0.6020599913279624),
        (sp.log(sp.Symbol("x")), -1, None),  # not real
        (sp.Symbol("x") - 2, 2, None),  # zero: no size
    ],
)
def test_the_size_of_a_value_beyond_the_floats(expr: sp.Expr, at: object, expected: object) -> None:
    import mpmath

    from chainrule_cli.maths.numeric import log10_size

    size = log10_size(expr, sp.Symbol("x"), sp.sympify(at))
    if expected is None:
        assert size is None
    elif isinstance(expected, str):
        assert mpmath.nstr(size, 6) == expected
    else:
        assert float(size) == pytest.approx(expected, rel=1e-9)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["x", "2", "+", "-", "*", "/", "^", "(", ")", "sin", "e", "ln", "sqrt", "|", "y", ".", "0"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_solve_never_shows_a_traceback(text: str) -> None:
    """Any input ends with a result (0) or one clear error (2)."""
    result = runner.invoke(app, ["solve", text, "--at", "1"])
    assert result.exit_code in (0, 2), (text, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        # Our one-line errors, or typer's usage message for option-like input such as "--".
        assert result.stderr.startswith(("error: ", "Usage: "))


@pytest.mark.parametrize("text", ["(3x+1)^2", "sin(e^(x^2))", "ln(x^2+1)", "sqrt(1+e^(2x))"])
def test_json_steps_multiply_out(text: str) -> None:
    """Each layer in the JSON: outer_derivative × inner_derivative = product (as SymPy reads them)."""
    data = json.loads(runner.invoke(app, ["solve", text, "--json"]).stdout)
    for step in data["steps"]:
        outer = sp.sympify(step["outer_derivative"])
        inner = sp.sympify(step["inner_derivative"])
        product = sp.sympify(step["product"])
        assert sp.simplify(outer * inner - product) == 0
    whole = sp.sympify(data["expression"])
    assert sp.simplify(sp.diff(whole, x) - sp.sympify(data["derivative"])) == 0
