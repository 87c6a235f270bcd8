"""Learn mode: every section renders and accepts its checkpoint; applied problems; backprop."""

from __future__ import annotations

import io
import math

import pytest
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.cli import app
from chainrule_cli.errors import InputError
from chainrule_cli.graph.deepchain import ACTIVATIONS, backprop, finite_difference, make_network
from chainrule_cli.maths.applied import AppliedChecker
from chainrule_cli.practice.lessons import SECTIONS, CheckpointJudge
from chainrule_cli.progress.store import Store
from chainrule_cli.render import lesson_screen

runner = CliRunner()

RIGHT = {
    "intuition": "12",
    "four-steps": "4(2x+1)",
    "why-multiply": "2x cos(x^2)",
    "check-with-numbers": "3",
    "nested": "3cos(3x) e^(sin(3x))",
    "types": "2x/(x^2+1)",
    "applications": "24pi",
    "backprop": "0.000000954",
}


@pytest.mark.parametrize("section", SECTIONS, ids=[s.name for s in SECTIONS])
def test_each_section_renders_and_accepts_its_checkpoint(section) -> None:  # type: ignore[no-untyped-def]
    console = Console(width=80, file=io.StringIO(), no_color=True)
    for number, screen in enumerate(section.screens, start=1):
        console.print(lesson_screen(section, screen, 0, len(SECTIONS), number, console))
    assert section.title in console.file.getvalue()  # type: ignore[attr-defined]
    judge = CheckpointJudge(section.checkpoint)
    assert judge.check(RIGHT[section.name])[0]
    assert not judge.check("7")[0]


def test_learn_remembers_progress() -> None:
    first = runner.invoke(app, ["learn"], input="\n12\nq\n")
    assert first.exit_code == 0
    assert "Correct" in first.stdout
    with Store.open() as store:
        assert set(store.lessons()) == {"intuition"}
    again = runner.invoke(app, ["learn"], input="q\n")
    assert "continuing at 'four-steps'" in again.stdout


def test_learn_section_jump_and_errors() -> None:
    result = runner.invoke(app, ["learn", "--section", "backprop"], input="q\n")
    assert result.exit_code == 0
    assert "Backpropagation is the chain rule" in result.stdout
    bad = runner.invoke(app, ["learn", "--section", "nope"])
    assert bad.exit_code == 2 and "unknown section 'nope'" in bad.stderr


def test_learn_end_of_input_is_clean() -> None:
    result = runner.invoke(app, ["learn"], input="")
    assert result.exit_code == 0
    assert "Traceback" not in result.stdout


# -- the checkpoint prompt: keys and blank lines never use a try -----------------------------------
def learn(answers: str, section: str = "intuition") -> tuple[int, str, str]:
    result = runner.invoke(app, ["learn", "--section", section], input=answers)
    return result.exit_code, result.stdout, result.stderr


def test_blank_hint_and_skip_use_no_try() -> None:
    """printf '\\n\\nh\\ns\\n' | chainrule learn: a blank line and h use no try; s moves on."""
    code, out, _ = learn("\n\nh\ns\n")
    assert code == 0
    assert "Rates along a chain multiply: (y per u) × (u per x)." in out
    assert "Skipped" in out
    assert "The answer:" not in out  # no tries were burned
    assert "The four steps" in out  # on to the next section
    with Store.open() as store:
        assert set(store.lessons()) == {"intuition"}


def test_many_blank_lines_then_the_answer() -> None:
    """yes "" | chainrule learn no longer burns the three tries: the answer after still counts."""
    code, out, _ = learn("\n" + "\n" * 20 + "12\nq\n")
    assert code == 0
    assert "Correct" in out
    assert "The answer:" not in out


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        pytest.param("?", "Keys at this prompt", id="keys"),
        pytest.param("g", "No guided mode here", id="guide"),
        pytest.param("12)", "", id="typing-error"),
        pytest.param("h", "Hint", id="hint"),
    ],
)
def test_keys_and_typing_errors_use_no_try(lines: str, shown: str) -> None:
    """Two misses, a key or a typing error, then a third real answer: it still counts."""
    code, out, _ = learn(f"\n1\n{lines}\n2\n12\nq\n")
    assert code == 0
    assert shown in out
    assert out.count("Not quite") == 2
    assert "Correct" in out and "The answer:" not in out


def test_three_misses_show_the_answer() -> None:
    """Three real answers that are wrong use the three tries; then the answer is shown."""
    code, out, _ = learn("\n1\n2\n3\nq\n")
    assert code == 0
    assert out.count("Not quite") == 3
    assert "The answer: 12. On to the next section." in out


def test_a_shows_the_answer_and_goes_on() -> None:
    """a at a checkpoint shows the answer and moves on to the next section."""
    code, out, _ = learn("\n\na\nq\n", section="four-steps")  # two screens
    assert code == 0
    assert "The answer:" in out and "Why multiply, not add" in out


def test_checkpoint_hint_for_every_section() -> None:
    """Every checkpoint has its own hint for h."""
    assert all(section.checkpoint.hint for section in SECTIONS)


def test_checkpoint_typing_error_is_shown_with_a_caret() -> None:
    """A checkpoint answer that cannot be read is reported with a caret, and asked again."""
    code, out, err = learn("\n\n2(x+1\n4(2x+1)\nq\n", section="four-steps")
    assert code == 0
    assert "never closed" in err and "^" in err
    assert "Correct" in out


# -- applied problems --------------------------------------------------------------------------
APPLIED = [p for p in load().problems if p.applied]


def test_applied_bank_is_valid() -> None:
    assert len(APPLIED) >= 10
    from chainrule_cli.bank.check import check_problem

    assert all(check_problem(p) == [] for p in APPLIED)


@pytest.mark.parametrize(
    ("answer", "correct", "mistake"),
    [
        ("200pi", True, None),
        ("628.3", True, None),
        ("200pi cm^3/s", True, None),
        ("628.3 cm³/s", True, None),
        ("100pi", False, "forgot_inner_derivative"),
        ("2", False, "only_inner_derivative"),
        ("100pi + 2", False, "added_instead_of_multiplied"),
        ("-200pi", False, "sign_error"),
    ],
)
def test_applied_answers_with_units(answer: str, correct: bool, mistake: str | None) -> None:
    balloon = next(p for p in APPLIED if p.id == "applied-001")
    verdict = AppliedChecker(balloon).check(answer)
    assert verdict.correct is correct
    assert verdict.mistake == mistake


def test_applied_feedback_names_both_rates() -> None:
    balloon = next(p for p in APPLIED if p.id == "applied-001")
    feedback = AppliedChecker(balloon).check("100pi").feedback
    assert "dV/dr" in feedback and "dr/dt = 2" in feedback


def test_applied_wrong_unit_is_an_input_error() -> None:
    balloon = next(p for p in APPLIED if p.id == "applied-001")
    with pytest.raises(InputError, match="unit cm"):
        AppliedChecker(balloon).check("628 kg")


def test_quiz_type_applied_names_the_rates_in_hints() -> None:
    result = runner.invoke(
        app, ["quiz", "--type", "applied", "--no-shuffle", "--count", "1"], input="h\nh\nh\n200pi\n"
    )
    assert result.exit_code == 0
    out = result.stdout
    assert "V → r → t" in out and "dV/dr" in out and "dr/dt = 2" in out
    assert "Correct" in out


# -- backprop ------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("skip", [False, True])
@pytest.mark.parametrize("layers", [1, 3, 10])
def test_backprop_matches_finite_difference(activation: str, skip: bool, layers: int) -> None:
    report = backprop(make_network(layers, activation, seed=layers, skip=skip))
    assert report.agrees
    assert math.isclose(report.gradient, finite_difference(report.network), rel_tol=1e-4)


def test_sigmoid_vanishes_relu_and_skip_do_not() -> None:
    sigmoid = abs(backprop(make_network(20, "sigmoid", seed=1)).gradient)
    relu = abs(backprop(make_network(20, "relu", seed=1)).gradient)
    skip = abs(backprop(make_network(20, "sigmoid", seed=1, skip=True)).gradient)
    assert sigmoid < 1e-10
    assert relu > 1e-2
    assert skip > 1e-2


def test_backprop_command() -> None:
    result = runner.invoke(app, ["backprop", "--layers", "10", "--activation", "sigmoid"])
    assert result.exit_code == 0
    assert "vanishes" in result.stdout and "finite difference" in result.stdout
    bad = runner.invoke(app, ["backprop", "--activation", "swish"])
    assert bad.exit_code == 2 and "unknown activation 'swish'" in bad.stderr
