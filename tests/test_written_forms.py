"""Answers are read the way students write them, and the reading says what it did.

``y = …``, ``dy/dx = …``, ``f'(x) = …`` and ``d/dx(…) = …`` are stripped; a left
side in another variable is refused with a caret. A bare argument ends before
√, ∛ and | (``cos x √(x+4)`` is cos(x)·√(x + 4)); ``x^1/2`` gets a note; the
powers 1 and 0 are read with a note that they do nothing, never a traceback.
sympy.diff is the oracle for what is differentiated.
"""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.errors import InputError
from chainrule_cli.exitcodes import ExitCode
from chainrule_cli.printing.notes import notes as reading_notes
from chainrule_cli.reading.ambiguity import AMBIGUITIES
from chainrule_cli.reading.parsing import left_side, parse_sympy, read, symbol

runner = CliRunner()
x = symbol("x")
t = symbol("t")

LEFT_SIDES = [
    pytest.param("y = 6(3x+1)", "x", "function", id="y"),
    pytest.param("z = x^2", "x", "function", id="z"),
    pytest.param("f(x) = (3x+1)^2", "x", "function", id="f-of-x"),
    pytest.param("g(t) = t^2", "t", "function", id="g-of-t"),
    pytest.param("y' = 6(3x+1)", "x", "derivative", id="y-prime"),
    pytest.param("y′ = 6(3x+1)", "x", "derivative", id="y-unicode-prime"),
    pytest.param("dy/dx = 6(3x+1)", "x", "derivative", id="dy-dx"),
    pytest.param("dy / dx = 6(3x+1)", "x", "derivative", id="dy-dx-spaced"),
    pytest.param("f'(x) = 6(3x+1)", "x", "derivative", id="f-prime-of-x"),
    pytest.param("g'(t) = 2t", "t", "derivative", id="g-prime-of-t"),
    pytest.param("d/dx((3x+1)^2) = 6(3x+1)", "x", "derivative", id="d-dx-around"),
    pytest.param("6(3x+1)", "x", None, id="none"),
]


@pytest.mark.parametrize(("text", "variable", "kind"), LEFT_SIDES)
def test_a_left_side_is_named_and_stripped(text: str, variable: str, kind: str | None) -> None:
    """The left side is recognised and the right side alone is read."""
    assert left_side(text, variable)[0] == kind
    right = text.split("=")[-1]
    v = symbol(variable)
    assert parse_sympy(text, variable) == parse_sympy(right, variable)
    assert read(text, variable).left == kind
    assert v in parse_sympy(text, variable).free_symbols


REFUSED = [
    pytest.param("dx/dy = 2x", "'dx/dy' is in y, but the variable is x", 0, id="dx-dy"),
    pytest.param("f'(t) = 2x", '"f\'(t)" is in t, but the variable is x', 0, id="f-prime-t"),
    pytest.param("f(t) = 2x", "'f(t)' is in t, but the variable is x", 0, id="f-of-t"),
    pytest.param("  x = 1", "not an equation", 4, id="equation"),
    pytest.param("y = 2x = 3", "one '=' at most", 7, id="two-equals"),
    pytest.param("y =", "nothing after '='", 2, id="nothing-after"),
    pytest.param("= 2x", "nothing before '='", 0, id="nothing-before"),
    pytest.param("sin x = 2x", "cannot read the left side 'sin x'", 0, id="unreadable"),
]


@pytest.mark.parametrize(("text", "message", "position"), REFUSED)
def test_a_left_side_naming_something_else_is_refused(
    text: str, message: str, position: int
) -> None:
    """A left side in another variable, or none known, is one error with a caret."""
    with pytest.raises(InputError) as caught:
        read(text, "x")
    assert message in caught.value.message
    assert caught.value.position == position


def test_check_takes_written_answers() -> None:
    """check accepts dy/dx = … and f'(x) = … and refuses dx/dy = … with exit 2."""
    for answer in ("dy/dx = 6(3x+1)", "f'(x) = 6(3x+1)", "y′ = 6(3x+1)", "y = 6(3x+1)"):
        result = runner.invoke(app, ["check", "f(x) = (3x+1)^2", answer])
        assert result.exit_code == ExitCode.OK, result.output
    result = runner.invoke(app, ["check", "(3x+1)^2", "dx/dy = 6(3x+1)"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[0].startswith("error: the left side 'dx/dy'")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["solve", "plot", "practise"])
def test_a_function_written_as_a_derivative_is_refused(command: str) -> None:
    """solve, plot and practise refuse y' = … as the function: one line, exit 2."""
    result = runner.invoke(app, [command, "y' = 2x"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("error: y' = … names a derivative")


@settings(max_examples=60, deadline=None)
@given(
    lhs=st.sampled_from(["y", "y'", "y′", "dy/dx", "f'(x)", "f(x)", "d/dx(u)"]),
    spaces=st.sampled_from(["", " ", "  "]),
    a=st.integers(min_value=-9, max_value=9),
    n=st.integers(min_value=2, max_value=5),
)
def test_any_left_side_leaves_the_same_maths(lhs: str, spaces: str, a: int, n: int) -> None:
    """Whatever the accepted left side, the maths read is the right side's."""
    right = f"{a}(2x+1)^{n}"
    text = f"{lhs}{spaces}={spaces}{right}"
    assert parse_sympy(text) == parse_sympy(right) == a * (2 * x + 1) ** n


# -- a bare argument stops before a root or | ------------------------------------------------
BARE = [
    pytest.param("cos x √(x+4)", sp.cos(x) * sp.sqrt(x + 4), id="cos-root"),
    pytest.param("ln x √x", sp.log(x) * sp.sqrt(x), id="ln-root"),
    pytest.param("sin x ∛x", sp.sin(x) * sp.cbrt(x), id="sin-cube-root"),
    pytest.param("ln x |x|", sp.log(x) * sp.Abs(x), id="ln-abs"),
    pytest.param("sin 2x √x", sp.sin(2 * x) * sp.sqrt(x), id="sin-2x-root"),
    pytest.param("sin √x", sp.sin(sp.sqrt(x)), id="root-as-the-argument"),
    pytest.param("sin |x|", sp.sin(sp.Abs(x)), id="abs-as-the-argument"),
]


@pytest.mark.parametrize(("text", "expected"), BARE)
def test_a_bare_argument_ends_before_a_root(text: str, expected: sp.Expr) -> None:
    """A function without brackets takes the product after it up to √, ∛ or |."""
    assert parse_sympy(text) == expected


def test_the_root_rule_has_a_note() -> None:
    """cos x √(x+4) notes its reading and the other one."""
    notes = reading_notes(read("cos x √(x+4)"))
    assert notes == ["read as cos(x)·√(x + 4); did you mean cos(x·√(x + 4))?"]
    assert "bare_argument_root" in AMBIGUITIES


# -- x^1/2 and friends ----------------------------------------------------------------------
FRACTION_NOTES = [
    pytest.param("x^1/2", x / 2, "read as (x^1)/2; did you mean x^(1/2)?", id="x-1-2"),
    pytest.param("x^-1/2", 1 / (2 * x), "read as (x^-1)/2; did you mean 1/x^(1/2)?", id="neg"),
    pytest.param(
        "e^-x/2", sp.exp(-x) / 2, "read as (e^-x)/2; did you mean e^(−x/2)?", id="e-neg-x"
    ),
    pytest.param("x^3/2", x**3 / 2, "read as (x^3)/2; did you mean x^(3/2)?", id="x-3-2"),
]


@pytest.mark.parametrize(("text", "value", "note"), FRACTION_NOTES)
def test_a_bare_exponent_then_a_fraction_gets_a_note(text: str, value: sp.Expr, note: str) -> None:
    """x^1/2 is read as (x¹)/2, with a note asking about x^(1/2)."""
    reading = read(text)
    assert parse_sympy(text) == value
    assert reading_notes(reading) == [note]


@pytest.mark.parametrize("text", ["x^(1/2)", "x^1 / 2", "(x^3)/2", "x^(3)/2 + 1"])
def test_no_fraction_note_where_the_writing_is_clear(text: str) -> None:
    """Brackets or spaces make the reading clear: no note about the exponent."""
    assert not any(a.code == "exponent_then_fraction" for a in read(text).ambiguities)


# -- powers 1 and 0 ----------------------------------------------------------------------------
IDLE = [
    pytest.param("(2x-7)^1", 2 * x - 7, "the power 1 does nothing: (2x-7)^1 = 2x − 7", id="one"),
    pytest.param("cos^0 x", sp.Integer(1), "the power 0 makes it 1: cos^0 x = 1", id="zero"),
    pytest.param("sin(x)^1", sp.sin(x), "the power 1 does nothing: sin(x)^1 = sin(x)", id="sin"),
    pytest.param("(x²+1)¹", x**2 + 1, "the power 1 does nothing: (x²+1)¹ = x² + 1", id="sup"),
    pytest.param(
        "(2x-7)^(2-1)", 2 * x - 7, "the power 1 does nothing: (2x-7)^(2-1) = 2x − 7", id="worked"
    ),
    pytest.param("sin(x)^(3-3)", sp.Integer(1), "the power 0 makes it 1: sin(x)^(3-3) = 1", id="0"),
]


@pytest.mark.parametrize(("text", "value", "note"), IDLE)
def test_powers_one_and_zero_are_read_with_a_note(text: str, value: sp.Expr, note: str) -> None:
    """The powers 1 and 0 read as what they are, and say so."""
    reading = read(text)
    assert parse_sympy(text) == value
    assert note in reading_notes(reading)


@pytest.mark.parametrize("command", [["solve"], ["practise"], ["check"]])
@pytest.mark.parametrize("function", ["(2x-7)^1", "cos^0 x", "sin(3x)^1", "(2x-7)^(2-1)"])
def test_idle_powers_never_end_in_a_traceback(command: list[str], function: str) -> None:
    """solve, practise and check read (2x−7)^1 and cos^0 x: no traceback, a clear ending."""
    args = [*command, function] + (["0"] if command == ["check"] else [])
    result = runner.invoke(app, args, input="s\n")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2)


@settings(max_examples=40, deadline=None)
@given(
    a=st.integers(min_value=1, max_value=9),
    b=st.integers(min_value=-9, max_value=9),
    power=st.sampled_from(["^1", "¹", "^(1)"]),
    outer=st.sampled_from(["sin", "cos", "exp", "ln"]),
)
def test_a_power_one_changes_nothing(a: int, b: int, power: str, outer: str) -> None:
    """f(ax+b)^1 differentiates like f(ax+b), by sympy.diff."""
    inner = f"{outer}({a}x+{b})"
    assert sp.diff(parse_sympy(inner + power), x) == sp.diff(parse_sympy(inner), x)
