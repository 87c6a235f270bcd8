"""The parser reads math as people type it, and refuses everything else clearly."""

from __future__ import annotations

import pytest
import sympy as sp

from chainrule_cli.errors import InputError
from chainrule_cli.reading.parsing import parse, parse_number, parse_sympy, tokenize

x = sp.Symbol("x", real=True)
t = sp.Symbol("t", real=True)
E = sp.E


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("(3x+1)^2", (3 * x + 1) ** 2, id="power"),
        pytest.param("2xsin(x^2)", 2 * x * sp.sin(x**2), id="letters-split-into-names"),
        pytest.param("2x cos(x^2)", 2 * x * sp.cos(x**2), id="implicit-product"),
        pytest.param("6(3x+1)", 6 * (3 * x + 1), id="number-bracket"),
        pytest.param("e^(3x)", sp.exp(3 * x), id="e-is-euler"),
        pytest.param("3e^(3x)", 3 * sp.exp(3 * x), id="coefficient-e"),
        pytest.param("1/(2 sqrt(x+1))", 1 / (2 * sp.sqrt(x + 1)), id="sqrt-in-denominator"),
        pytest.param("sin^2(x)", sp.sin(x) ** 2, id="sin-squared"),
        pytest.param("sin²x", sp.sin(x) ** 2, id="unicode-sin-squared"),
        pytest.param("sec^2(2x)", sp.sec(2 * x) ** 2, id="sec-squared"),
        pytest.param("ln(x)", sp.log(x), id="ln"),
        pytest.param("log(x)", sp.log(x), id="log-is-natural"),
        pytest.param("sqrt(x)", sp.sqrt(x), id="sqrt"),
        pytest.param("cbrt(x)", x ** sp.Rational(1, 3), id="cbrt"),
        pytest.param("|x|", sp.Abs(x), id="abs-bars"),
        pytest.param("ln|x|", sp.log(sp.Abs(x)), id="ln-abs"),
        pytest.param("pi x", sp.pi * x, id="pi"),
        pytest.param("x**2", x**2, id="double-star"),
        pytest.param("√(x+1)", sp.sqrt(x + 1), id="unicode-root"),
        pytest.param("∛x", x ** sp.Rational(1, 3), id="unicode-cube-root"),
        pytest.param("x²+x³", x**2 + x**3, id="superscripts"),
        pytest.param("π·x", sp.pi * x, id="unicode-pi-dot"),
        pytest.param("2×x", 2 * x, id="unicode-times"),
        pytest.param("−x", -x, id="unicode-minus"),
        pytest.param("2e-3x", 2 * E - 3 * x, id="no-scientific-notation"),
        pytest.param("cos x^2 * 2x", 2 * x * sp.cos(x**2), id="bare-argument-stops-at-operator"),
        pytest.param("sin x cos x", sp.sin(x) * sp.cos(x), id="bare-argument-stops-at-function"),
        pytest.param("sin 3x", sp.sin(3 * x), id="bare-argument-product"),
        pytest.param("-x^2+1", 1 - x**2, id="leading-minus-binds-loosely"),
        pytest.param("x^-1", 1 / x, id="negative-exponent"),
        pytest.param("2^x^2", 2 ** (x**2), id="right-associative"),
        pytest.param("2*-x", -2 * x, id="sign-after-times"),
        pytest.param("arcsin(x)", sp.asin(x), id="arcsin"),
        pytest.param("arctan(2x)", sp.atan(2 * x), id="arctan"),
        pytest.param("[x+1]^2", (x + 1) ** 2, id="square-brackets"),
        pytest.param("2.0x cos(x^2)", 2.0 * x * sp.cos(x**2), id="float"),
        pytest.param("exp(x)", sp.exp(x), id="exp-not-e-x-p"),
        pytest.param("xe^x", x * sp.exp(x), id="x-times-e"),
    ],
)
def test_reads_natural_notation(text: str, expected: sp.Expr) -> None:
    """Natural notation parses to the expression a person means."""
    assert sp.simplify(parse_sympy(text) - expected) == 0


def test_other_variable() -> None:
    """--var t makes t the variable and x an unknown name."""
    assert parse_sympy("sin(t^2)", "t") == sp.sin(t**2)
    with pytest.raises(InputError, match="unknown name 'x': the variable is t"):
        parse_sympy("x+t", "t")


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        pytest.param("", "empty expression", 0, id="empty"),
        pytest.param("   ", "empty expression", 3, id="blank"),
        pytest.param("(x+1", "unbalanced brackets: this '(' is never closed", 0, id="open-bracket"),
        pytest.param(
            "x+1)", "unbalanced brackets: this ')' has no opening bracket", 3, id="close-bracket"
        ),
        pytest.param("x+", "the expression ends after '+'", 2, id="dangling-plus"),
        pytest.param("*x", "unexpected '*'", 0, id="leading-times"),
        pytest.param("x+*2", "expected something after '+', found '*'", 2, id="double-operator"),
        pytest.param("6(3y+1)", "unknown name 'y': the variable is x", 3, id="unknown-variable"),
        pytest.param("xy", "unknown name 'y'", 1, id="unknown-letter-after-x"),
        pytest.param("factorial(10^9)", "unknown name 'factorial'", 0, id="unknown-function"),
        pytest.param("sinn(x)", "unknown name 'sinn'", 0, id="misspelt-function"),
        pytest.param("x.diff(x)", "unexpected character '.'", 1, id="attribute-access"),
        pytest.param("'a'", 'unexpected character "\'"', 0, id="string"),
        pytest.param("__import__('os')", "unexpected character '_'", 0, id="dunder"),
        pytest.param("lambda", "unknown name 'lambda'", 0, id="python-keyword"),
        pytest.param(
            "sin^-2(x)", "sin^-2: a negative power on a function name", 3, id="negative-power"
        ),
        pytest.param(
            "sin⁻²(x)", "sin^-2: a negative power on a function name", 3, id="negative-superscript"
        ),
        pytest.param("ln^-1(x)", "ln^-1 has no standard meaning", 2, id="no-inverse-name"),
        pytest.param("sin", "sin needs an argument", 3, id="function-without-argument"),
        pytest.param("()", "empty brackets", 1, id="empty-brackets"),
        pytest.param("|x", "this absolute value is never closed", 0, id="open-abs"),
        pytest.param("dx/dy=x^2", "'dx/dy' is in y, but the variable is x", 0, id="left-side-in-y"),
        pytest.param("x=1", "not an equation", 1, id="equation"),
        pytest.param("9^9^9", "number too large", 2, id="tower"),
        pytest.param("x^(10^10)", "exponent too large", 3, id="huge-exponent"),
        pytest.param("2..3", "malformed number", 0, id="two-dots"),
        pytest.param("1" * 40, "number too long", 0, id="long-number"),
        pytest.param("x;1", "unexpected character ';'", 1, id="semicolon"),
    ],
)
def test_errors_name_the_problem_and_place(text: str, message: str, position: int) -> None:
    """Each malformed input gets its own message and a caret position."""
    with pytest.raises(InputError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.position == position


def test_caret_lines_point_at_the_failure() -> None:
    """The caret sits under the unknown name."""
    with pytest.raises(InputError) as info:
        parse("6(3y+1)")
    assert info.value.caret_lines() == ["  6(3y+1)", "     ^"]


def test_too_long_input_is_refused() -> None:
    with pytest.raises(InputError, match="input too long"):
        parse("x+" * 2500 + "x")


def test_tokens_keep_positions() -> None:
    tokens = tokenize("2xsin(x)")
    assert [(t.kind, t.value, t.start) for t in tokens][:4] == [
        ("num", "2", 0),
        ("name", "x", 1),
        ("name", "sin", 2),
        ("op", "(", 5),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), ("-0.5", -0.5), ("pi/4", sp.pi / 4), ("sqrt(2)", sp.sqrt(2)), ("e", sp.E)],
)
def test_points(text: str, value: sp.Expr) -> None:
    assert sp.simplify(parse_number(text) - value) == 0


def test_point_must_be_a_number() -> None:
    with pytest.raises(InputError, match="must be a number"):
        parse_number("x+1")


# -- robustness: any text is either read or refused with InputError -----------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ALPHABET = [
    *"x0123456789.+-*/^()[]{}|, =_'\"",
    "sin",
    "cos",
    "ln",
    "sqrt",
    "e",
    "pi",
    "√",
    "²",
    "⁻",
    "π",
    "·",
    " ",
    "y",
    "**",
    "abs",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=25).map("".join))
def test_any_text_is_read_or_refused_cleanly(text: str) -> None:
    """Fuzzed input never escapes as anything but InputError, and errors carry a position."""
    try:
        parse(text)
    except InputError as exc:
        assert exc.message
        assert exc.position is None or 0 <= exc.position <= len(text)
