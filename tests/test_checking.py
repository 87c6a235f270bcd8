"""The checker accepts every equal form and names the chain-rule mistake in a wrong one."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.errors import InputError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.checking import Checker, check

runner = CliRunner()


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        ("(3x+1)^2", "6(3x+1)"),
        ("(3x+1)^2", "18x+6"),
        ("(3x+1)^2", "2(3x+1)*3"),
        ("(3x+1)^2", "6*(1+3*x)"),
        ("tan(2x)", "2sec^2(2x)"),
        ("tan(2x)", "2/cos(2x)^2"),
        ("tan(2x)", "2(1+tan(2x)^2)"),
        ("sin^2(x)", "sin(2x)"),
        ("sin^2(x)", "2sin(x)cos(x)"),
        ("ln(2x)", "1/x"),
        ("sqrt(x^2+1)", "x(x^2+1)^(-1/2)"),
        ("sqrt(x^2+1)", "x/√(x²+1)"),
        ("sin(x^2)", "2x cos(x^2)"),
        ("sin(x^2)", "2.0x cos(x^2)"),
        ("cos(3x)", "-3sin(3x)"),
        ("e^(3x)", "3e^(3x)"),
        ("ln|x|", "1/x"),
        ("sin(e^(x^2))", "2x e^(x^2) cos(e^(x^2))"),
        ("x^2 sin(3x)", "2x sin(3x) + 3x^2 cos(3x)"),
        ("3^(x^2)", "2x ln(3) 3^(x^2)"),
        ("arctan(2x)", "2/(1+4x^2)"),
    ],
)
def test_equal_forms_are_accepted(problem: str, answer: str) -> None:
    """Any mathematically equal answer is correct, whatever its form."""
    verdict = check(problem, answer)
    assert verdict.correct, verdict.feedback
    assert verdict.mistake is None


@pytest.mark.parametrize(
    ("problem", "answer", "mistake"),
    [
        pytest.param("sin(x^2)", "cos(x^2)", "forgot_inner_derivative", id="forgot-inner"),
        pytest.param("(3x+1)^2", "2(3x+1)", "forgot_inner_derivative", id="forgot-inner-power"),
        pytest.param(
            "sin(e^(x^2))", "cos(e^(x^2)) e^(x^2)", "forgot_inner_derivative", id="forgot-innermost"
        ),
        pytest.param(
            "sin(e^(x^2))", "cos(e^(x^2))", "forgot_inner_derivative", id="forgot-all-inner"
        ),
        pytest.param("(2x+1)^2", "2x*2", "inner_not_substituted", id="inner-not-substituted"),
        pytest.param(
            "sin(x^2)", "cos(x)*2x", "inner_not_substituted", id="inner-not-substituted-trig"
        ),
        pytest.param("ln(4x+3)", "1/x", "inner_not_substituted", id="outer-at-x-and-no-inner"),
        pytest.param("sin(x^2)", "2x", "only_inner_derivative", id="only-inner"),
        pytest.param("sin(x^2)", "cos(x^2)+2x", "added_instead_of_multiplied", id="added"),
        pytest.param("cos(3x)", "3sin(3x)", "sign_error", id="sign"),
        pytest.param("(3x+1)^2", "6(3x+1)^2", "power_not_reduced", id="power-not-reduced"),
        pytest.param("sqrt(x^2+1)", "2x/sqrt(x^2+1)", "constant_factor", id="lost-half"),
        pytest.param("e^(3x)", "e^(3x)/3", "constant_factor", id="divided-by-inner"),
        pytest.param("sin(x^2)", "x^2", None, id="unrelated"),
    ],
)
def test_wrong_answers_name_the_mistake(problem: str, answer: str, mistake: str | None) -> None:
    verdict = check(problem, answer)
    assert not verdict.correct
    assert verdict.mistake == mistake
    assert verdict.feedback


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param("arcsec(x)", "1/(x*sqrt(x^2-1))", id="arcsec-x"),
        pytest.param("arcsec(2x)", "2/(2x*sqrt(4x^2-1))", id="arcsec-inner"),
        pytest.param("arccsc(3x+1)", "-3/((3x+1)*sqrt((3x+1)^2-1))", id="arccsc"),
        pytest.param("sec^-1(x^3)", "3x^2/(x^3 sqrt(x^6-1))", id="textbook-notation"),
    ],
)
def test_the_other_arcsec_convention_is_named_not_just_wrong(problem: str, answer: str) -> None:
    """Stewart's (arcsec u)′ = 1/(u√(u² − 1)) is wrong for u < −1 with arcsec in [0, π]:
    the feedback says which convention it belongs to, instead of "not the derivative"."""
    verdict = check(problem, answer)
    assert not verdict.correct
    assert verdict.mistake == "arcsec_convention"
    assert "Stewart" in verdict.feedback and "< −1" in verdict.feedback


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param("arcsec(x^2)", "2x/(x^2 sqrt(x^4-1))", id="inner-never-negative"),
        pytest.param("arcsec(e^x)", "e^x/(e^x sqrt(e^(2x)-1))", id="inner-positive"),
    ],
)
def test_where_both_conventions_agree_both_forms_are_right(problem: str, answer: str) -> None:
    assert check(problem, answer).correct


def test_two_slips_at_once_are_both_named() -> None:
    verdict = check("ln(4x+3)", "1/x")
    assert "not at x" in verdict.feedback and "(4x + 3)′ = 4" in verdict.feedback


def test_feedback_names_this_problems_functions() -> None:
    """The forgot-inner sentence quotes the inner derivative of this problem."""
    verdict = check("(3x+1)^2", "2(3x+1)")
    assert "(3x + 1)′ = 3" in verdict.feedback


@pytest.mark.parametrize(
    ("problem", "answer", "at", "correct", "mistake"),
    [
        ("(2x+1)^2", "12", "1", True, None),
        ("(2x+1)^2", "12.0", "1", True, None),
        ("(2x+1)^2", "12.004", "1", False, None),
        ("(2x+1)^2", "12.00", "1", True, None),
        ("(2x+1)^2", "12.0004", "1", False, None),
        ("(2x+1)^2", "12.1", "1", False, None),
        ("(2x+1)^2", "4", "1", False, "inner_not_substituted"),
        ("(2x+1)^2", "-12", "1", False, "sign_error"),
        ("ln(x^2+1)", "4/5", "2", True, None),
        ("ln(x^2+1)", "0.8", "2", True, None),
        ("sin(x^2)", "2cos(1)", "1", True, None),
        ("sin(x^2)", "cos(1)", "1", False, "forgot_inner_derivative"),
        ("e^(2x)", "2e", "0.5", True, None),
        ("sin(x^2)", "2sqrt(pi/4)cos(pi/4)", "sqrt(pi/4)", True, None),
    ],
)
def test_values_at_a_point(
    problem: str, answer: str, at: str, correct: bool, mistake: str | None
) -> None:
    """With --at, exact forms and 3-significant-digit decimals are both accepted."""
    verdict = check(problem, answer, at)
    assert verdict.correct is correct
    assert verdict.mistake == mistake


def test_malformed_answer_raises_with_position() -> None:
    with pytest.raises(InputError) as info:
        check("(3x+1)^2", "6(3y+1)")
    assert info.value.message == "unknown name 'y': the variable is x"
    assert info.value.position == 3


# -- the command ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["check", "(3x+1)^2", "6(3x+1)"], 0, "✓ Correct — 6(3x + 1) = 2(3x + 1)·3"),
        (
            ["check", "sin(x^2)", "cos(x^2)"],
            1,
            "✗ Not quite: you differentiated the outer function",
        ),
        (["check", "(2x+1)^2", "12", "--at", "1"], 0, "✓ Correct"),
        (["check", "cos(3x)", "-3sin(3x)"], 0, "Correct"),
        (["check", "sin(x^2)", "2xcos(x^2)"], 0, "read as 2x·cos(x²)"),
    ],
)
def test_check_command(args: list[str], code: int, text: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert text in result.stdout.replace("\n", " ")


def test_wrong_answer_never_says_correct() -> None:
    """Scripts tell verdicts apart by the words: a wrong answer never says 'correct'."""
    result = runner.invoke(app, ["check", "sin(x^2)", "cos(x^2)"])
    assert "correct" not in result.stdout.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "(3x+1)^2", "6(3y+1)"], "unknown name 'y'"),
        (["check", "(3x+1)^2", "__import__('os')"], "unexpected character '_'"),
        (["check", "(3x+1)^2", "9^9^9"], "number too large"),
        (["check", "(3x+1)^2", ""], "empty expression"),
        (["check", "ln(x)", "1/x", "--at", "-1"], "outside the domain"),
    ],
)
def test_check_bad_input_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_check_json() -> None:
    result = runner.invoke(app, ["check", "sin(x^2)", "cos(x^2)", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["correct"] is False
    assert data["mistake"] == "forgot_inner_derivative"
    assert sp.sympify(data["answer"]) == sp.cos(sp.Symbol("x") ** 2)
    x = sp.Symbol("x")
    assert sp.simplify(sp.sympify(data["expected"]) - 2 * x * sp.cos(x**2)) == 0
    assert "inner derivative" in data["feedback"]


# -- properties -----------------------------------------------------------------------------
PROBLEMS = [
    "(3x+1)^2",
    "sin(x^2)",
    "e^(sin(2x))",
    "ln(x^2+1)",
    "sqrt(x^2+4)",
    "tan(3x)",
    "cos^2(2x)",
    "(x^2+1)^3",
]


def _rewrites(expr: sp.Expr) -> list[sp.Expr]:
    return [
        sp.expand(expr),
        sp.factor(expr),
        sp.expand_trig(expr),
        expr.rewrite(sp.cos),
        sp.together(expr),
        sp.expand(expr, power_base=False),
    ]


def _as_text(expr: sp.Expr) -> str:
    """sympy's str, in the notation our parser reads (** and * are accepted)."""
    return str(expr).replace("E**", "e^").replace("exp", "exp")


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(PROBLEMS), st.integers(0, 5))
def test_equivalent_rewrites_are_accepted(problem: str, which: int) -> None:
    """Random rewrites of the derivative (expand, factor, trig identities) are accepted."""
    derivative = analyse(problem).derivative
    rewritten = _rewrites(derivative)[which]
    assert check(problem, _as_text(rewritten)).correct


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(PROBLEMS),
    st.sampled_from(["+1", "+x", "*1.01", "*x", "+sin(x)/100"]),
)
def test_perturbations_are_rejected(problem: str, change: str) -> None:
    """A derivative changed by a little is wrong."""
    derivative = analyse(problem).derivative
    assert not check(problem, f"({_as_text(derivative)}){change}").correct


def test_checker_is_reused_across_tries() -> None:
    """One Checker serves several answers to the same problem."""
    checker = Checker.for_text("sin(x^2)")
    assert not checker.check("cos(x^2)").correct
    assert checker.check("2x cos(x^2)").correct
