"""``chainrule practise``: the quiz loop on the learner's own function, recorded under a stable id."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.errors import DomainError, InputError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.practice.session import difficulty_of, own_problem
from chainrule_cli.progress.store import Store

runner = CliRunner()


def practise(*args: str, answers: str = "") -> tuple[int, str, str]:
    result = runner.invoke(app, ["practise", *args], input=answers)
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the problem made of your function ------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(("sin(x^2)",), ("sin(x**2)",), id="caret-or-stars"),
        pytest.param(("sin(x^2)",), ("sin( x ^ 2 )",), id="spaces"),
        pytest.param(("(2x+1)^3",), ("(1+2x)^3",), id="order-of-terms"),
        pytest.param(("sin(x^2)", "1"), ("sin(x^2)", "1.0"), id="same-point"),
    ],
)
def test_the_id_is_stable_across_spellings(a: tuple[str, ...], b: tuple[str, ...]) -> None:
    """The same function (and point) written differently gets the same id."""
    assert own_problem(*a).id == own_problem(*b).id
    assert own_problem(*a).id.startswith("own-")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(("sin(x^2)",), ("sin(x^2)", "1"), id="with-a-point"),
        pytest.param(("sin(x^2)", "1"), ("sin(x^2)", "2"), id="another-point"),
        pytest.param(("sin(x^2)",), ("sin(t^2)", None, "t"), id="another-variable"),
        pytest.param(("sin(x^2)",), ("cos(x^2)",), id="another-function"),
    ],
)
def test_different_problems_get_different_ids(
    a: tuple[str, ...], b: tuple[str | None, ...]
) -> None:
    """Another point, variable or function is another problem."""
    assert own_problem(*a).id != own_problem(*b).id  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expression", "kind", "difficulty"),
    [
        pytest.param("sin(3x)", "trig", 1, id="linear-inside"),
        pytest.param("sin(x^2)", "trig", 2, id="non-linear-inside"),
        pytest.param("sin(e^(x^2))", "trig", 3, id="nested"),
        pytest.param("x^2 sin(3x)", "trig", 3, id="product"),
        pytest.param("sqrt(4x+1)", "root", 1, id="root"),
        pytest.param("sinh(3x)", "other", 1, id="chain-of-no-bank-type"),
    ],
)
def test_type_and_difficulty_come_from_the_rule_tree(
    expression: str, kind: str, difficulty: int
) -> None:
    """The type is the rule tree's (other when none of the six); the difficulty as the bank grades."""
    problem = own_problem(expression)
    assert (problem.type, problem.difficulty) == (kind, difficulty)
    assert difficulty_of(analyse(expression).tree) == difficulty


@pytest.mark.parametrize(
    ("expression", "at", "error", "says"),
    [
        pytest.param("x^2+3x", None, InputError, "needs no chain rule", id="no-chain"),
        pytest.param("sin(x)", None, InputError, "needs no chain rule", id="table-only"),
        pytest.param("sin(x^2", None, InputError, "never closed", id="unbalanced"),
        pytest.param("ln(3x)", "-1", DomainError, "outside the domain", id="outside-domain"),
    ],
)
def test_what_cannot_be_practised(
    expression: str, at: str | None, error: type[Exception], says: str
) -> None:
    """A function without a chain layer, bad input and a point outside the domain are refused."""
    with pytest.raises(error, match=says):
        own_problem(expression, at)


# -- the command ----------------------------------------------------------------------------------
def test_practise_a_function_right_away() -> None:
    """A right answer: the verdict and a full score."""
    code, out, _ = practise("sin(x^2)", answers="2x cos(x^2)\n")
    assert code == 0
    assert "y = sin(x²)" in out and "Find dy/dx." in out
    assert "Correct" in out
    assert "✓ right on the first try, no hints: 1 / 1" in flat(out)


def test_practise_at_a_point_with_a_mistake_and_a_hint() -> None:
    """--at asks for the slope; a wrong answer is diagnosed; the one-line ending names the cost."""
    code, out, _ = practise("sin(x^2)", "--at", "1", answers="cos(1)\nh\n2cos(1)\n")
    text = flat(out)
    assert code == 0
    assert "Find the slope dy/dx at x = 1." in out
    assert "forgot to multiply by the inner derivative" in text
    assert "Hint 1/5: the inner and the outer function" in text
    assert "the slope is 2cos(1)" in text
    assert "✓ right after 1 wrong try and 1 hint: 0.5 / 1" in text


def test_practise_in_another_variable_with_the_guided_walk() -> None:
    """--var t: the walk asks in t, and the guided credit is at most a half."""
    code, out, _ = practise("sin(t^2)", "--var", "t", answers="g\nt^2\ncos(u)\n2t\n2t cos(t^2)\n")
    assert code == 0
    assert "Find dy/dt." in out
    assert "Step 4 of 4. Multiply them: dy/dt =" in out
    assert "✓ right with the guided walk: 0.5 / 1" in flat(out)


def test_practise_is_recorded_under_its_own_id() -> None:
    """The attempt lands in the progress store with the own- id, its tries, hints and outcome."""
    practise("(3x+1)^2", answers="h\n2(3x+1)\n6(3x+1)\n")
    practise("(3x + 1)**2", answers="s\n")
    with Store.open() as store:
        attempts = store.attempts()
    expected_id = own_problem("(3x+1)^2").id
    assert [a.problem_id for a in attempts] == [expected_id, expected_id]
    latest, first = attempts
    assert (first.outcome, first.hints, first.tries, first.mode) == ("correct", 1, 2, "practise")
    assert (first.type, first.difficulty) == ("power", 1)
    assert (latest.outcome, latest.tries) == ("skipped", 0)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(("x^2+3x",), "error: x² + 3x needs no chain rule", id="no-chain"),
        pytest.param(("sin(x^2",), "error: unbalanced brackets", id="bad-input"),
        pytest.param(("ln(3x)", "--at", "-1"), "outside the domain", id="outside-domain"),
        pytest.param(("sin(y^2)",), "unknown name 'y'", id="wrong-variable"),
        pytest.param(("sin(x^2)", "--at", "x"), "a point must be a number", id="bad-point"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], says: str) -> None:
    """What cannot be practised ends with one error line (and a caret for math), exit 2."""
    code, out, err = practise(*args)
    assert code == 2
    assert says in err
    assert err.count("error:") == 1 and "Traceback" not in err
    assert "Problem 1/1" not in out


def test_a_parse_error_shows_a_caret_in_a_real_process() -> None:
    """As a subprocess: the input and a caret under the place it stops, on stderr, exit 2."""
    result = subprocess.run(
        [sys.executable, "-m", "chainrule_cli", "practise", "sin(x^2"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[1:] == ["  sin(x^2", "     ^"]
    assert result.stdout == ""


def test_practice_is_a_hidden_alias() -> None:
    """The American spelling works, but only practise is listed in the help."""
    result = runner.invoke(app, ["practice", "sin(3x)"], input="3cos(3x)\n")
    assert result.exit_code == 0 and "Correct" in result.stdout
    listing = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    assert "practise" in listing and "practice " not in listing


def test_an_expression_may_start_with_a_minus_sign() -> None:
    """-cos(3x) is read as math, not as an option."""
    code, out, _ = practise("-cos(3x)", answers="3sin(3x)\n")
    assert code == 0 and "Correct" in out
