"""The reading never hides digits: an answer is echoed with every digit the student typed.

``read as 2.0000001x`` — never ``read as 2x`` next to a verdict, which would say
the tool saw something the student did not type. Numbers worked out by
arithmetic (not typed) are still shown to six significant digits.
"""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.printing.mathtext import show
from chainrule_cli.reading.parsing import read, symbol
from chainrule_cli.reading.syntax import to_sympy

runner = CliRunner()


def echo(text: str, variable: str = "x") -> str:
    """The answer as the checker echoes it ("read as …")."""
    tree = read(text, variable).tree
    return show(to_sympy(tree, symbol(variable), evaluate=False), ordered=False)


ECHOES = [
    pytest.param("2.0000001x", "2.0000001x", id="seven-places"),
    pytest.param("3.14159265358x", "3.14159265358x", id="twelve-digits"),
    pytest.param("0.0000001x^2", "0.0000001x²", id="small"),
    pytest.param("123456789.25x", "123456789.25x", id="large"),
    pytest.param("-1.000000001sin(x)", "−1.000000001sin(x)", id="negative"),
    pytest.param("2.0x", "2.0x", id="point-zero"),
    pytest.param("1.50x", "1.5x", id="trailing-zero-dropped"),
]


@pytest.mark.parametrize(("typed", "shown"), ECHOES)
def test_the_echo_keeps_every_typed_digit(typed: str, shown: str) -> None:
    """A typed decimal is echoed with all its digits, not rounded to six."""
    assert echo(typed) == shown


def test_check_echoes_the_digits() -> None:
    """check's "read as" line carries the typed digits."""
    result = runner.invoke(app, ["check", "x^2", "2.0000001x"])
    assert "read as 2.0000001x" in result.stdout


def test_worked_out_floats_stay_short() -> None:
    """A Float that fills its precision (worked out, not typed) is shown to six digits."""
    assert show(sp.Float(1) / 3) == "0.333333"
    assert show(sp.Float("2.5")) == "2.5"


@settings(max_examples=200, deadline=None)
@given(
    mantissa=st.integers(min_value=1, max_value=10**12 - 1),
    places=st.integers(min_value=1, max_value=12),
    negative=st.booleans(),
)
def test_random_decimals_are_echoed_whole(mantissa: int, places: int, negative: bool) -> None:
    """For any decimal of up to 12 significant digits, the echo contains its digits."""
    digits = str(mantissa).rjust(places + 1, "0")
    typed = f"{digits[:-places]}.{digits[-places:]}".rstrip("0").rstrip(".")
    if "." not in typed:
        typed += ".5"
    shown = echo(f"{'-' if negative else ''}{typed}x")
    assert typed in shown
