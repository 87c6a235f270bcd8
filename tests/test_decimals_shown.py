"""Decimals the learner typed are shown back as decimals, never as fractions they did not
write: ``500000·1.05^x·ln(1.05)``, not ``500000(21/20)^x·ln(21/20)``. The algebra stays
exact (1.05 is 21/20 inside); only the printing changes, and only in a problem typed
with decimals."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.bank.load import Problem
from chainrule_cli.cli import app
from chainrule_cli.practice.session import QuizSession
from chainrule_cli.printing import mathtext
from chainrule_cli.printing.mathtext import decimal_text, decimals_as_typed, show, typed_decimals
from chainrule_cli.reading.parsing import parse_number

runner = CliRunner()
x = sp.Symbol("x", real=True)
R = sp.Rational


@pytest.mark.parametrize(
    ("texts", "variable", "expected"),
    [
        pytest.param(("500000*1.05^x",), "x", {R(21, 20): "1.05"}, id="base"),
        pytest.param(
            ("1000 e^(0.1T)", "0.5"), "T", {R(1, 10): "0.1", R(1, 2): "0.5"}, id="and-point"
        ),
        pytest.param(("2 pi sqrt(L/9.8)",), "L", {R(49, 5): "9.8"}, id="any-variable"),
        pytest.param(
            ("1.50x + .5",), "x", {R(3, 2): "1.5", R(1, 2): "0.5"}, id="zeros-and-bare-point"
        ),
        pytest.param(("2.0x + 3.x", None, ""), "x", {}, id="whole-numbers"),
        pytest.param(("(3x+1)^2", "1/2"), "x", {}, id="no-decimals"),
    ],
)
def test_the_decimals_typed_are_found(
    texts: tuple[str | None, ...], variable: str, expected: dict
) -> None:
    assert typed_decimals(*texts, variable=variable) == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (R(21, 20), "1.05"),  # typed
        (R(1, 20), "0.05"),  # worked out from typed decimals: a short decimal
        (R(3, 8), "0.375"),
        (R(5, 2), "2.5"),
        (R(1, 3), None),  # no decimal of its own
        (R(1, 1024), None),  # more than six significant digits
        (R(123457, 1000), "123.457"),  # six: still a decimal
        (R(1234567, 1000), None),
    ],
)
def test_numbers_in_a_decimal_problem(value: sp.Rational, shown: str | None) -> None:
    with decimals_as_typed("500000*1.05^x"):
        assert decimal_text(value) == shown
    assert decimal_text(value) is None  # outside such a problem: fractions, as always


def test_show_writes_the_decimals_back() -> None:
    derivative = 500000 * R(21, 20) ** x * sp.log(R(21, 20))
    assert show(derivative) == "500000(21/20)^x·ln(21/20)"
    with decimals_as_typed("500000*1.05^x"):
        assert show(derivative) == "500000·1.05^x·ln(1.05)"
        assert show(100 * sp.exp(x / 10)) == "100e^(0.1x)"
        assert show(-R(1, 2) * x + R(1, 3)) == "1/3 − 0.5x"
        assert show(derivative, unicode=False) == "500000*1.05^x*ln(1.05)"
    assert show(100 * sp.exp(x / 10)) == "100e^(x/10)"


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**7), 10**7), st.integers(0, 7), st.integers(0, 7))
def test_a_decimal_shown_reads_back_as_the_same_number(p: int, twos: int, fives: int) -> None:
    """Whatever is shown as a decimal is exactly the rational it stands for."""
    value = R(p, 2**twos * 5**fives)
    with decimals_as_typed("0.5"):
        text = decimal_text(abs(value))
    if text is not None:
        assert parse_number(text) == abs(value)
        assert len(text.replace(".", "").strip("0")) <= mathtext.DECIMAL_DIGITS


def test_solve_shows_what_was_typed() -> None:
    result = runner.invoke(app, ["solve", "500000*1.05^x", "--at", "2"])
    assert result.exit_code == 0, result.output
    assert "500000·1.05^x·ln(1.05)" in result.output
    assert "21/20" not in result.output
    result = runner.invoke(app, ["solve", "1000 e^(0.1T)", "--var", "T", "--at", "0.5"])
    assert "u = 0.05" in result.output and "100e^(0.1T)" in result.output
    assert "1/20" not in result.output and "T/10" not in result.output


def test_problems_without_decimals_keep_their_fractions() -> None:
    result = runner.invoke(app, ["solve", "sqrt(x/2+1)", "--at", "2"])
    assert result.exit_code == 0, result.output
    assert "x/2 + 1" in result.output
    assert "0.5" not in result.output


def test_check_feedback_uses_the_decimals() -> None:
    result = runner.invoke(app, ["check", "e^(0.1x)", "e^(0.1x)"])
    assert result.exit_code == 1
    assert "(0.1x)′ = 0.1" in result.output
    assert "1/10" not in result.output and "x/10" not in result.output


def test_the_json_stays_exact() -> None:
    """--json is for programs: SymPy's exact forms, which sympify reads back."""
    result = runner.invoke(app, ["solve", "500000*1.05^x", "--json"])
    assert "21/20" in result.output


def test_a_quiz_round_shows_its_own_decimals_only() -> None:
    """Each round sets the decimals of its own problem: none leak into the next one."""
    session = QuizSession(
        iter([Problem("a", "exponential", "e^(0.1x)"), Problem("b", "root", "sqrt(x/2+1)")]),
        2,
        True,
    )
    first = session.next_problem()
    assert first is not None
    assert decimal_text(R(1, 10)) == "0.1"
    second = session.next_problem()
    assert second is not None
    assert decimal_text(R(1, 2)) is None
