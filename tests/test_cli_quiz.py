"""``chainrule quiz`` with piped answers, and once in a real pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app

runner = CliRunner()

HOMEWORK = """problems:
  - id: hw-1
    type: power
    expression: "(3x+1)^2"
    note: "Inner 3x + 1, inner derivative 3."
  - id: hw-2
    type: trig
    expression: "sin(x^2)"
  - id: hw-3
    type: log
    expression: "ln(x^2+1)"
    at: 2
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "hw.yaml"
    path.write_text(HOMEWORK, encoding="utf-8")
    return path


def quiz(bank: Path, answers: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["quiz", "--bank", str(bank), "--no-shuffle", *extra], input=answers
    )
    return result.exit_code, result.stdout


def test_right_answers(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\n2x cos(x^2)\n4/5\n")
    assert code == 0
    assert out.count("Correct") == 3
    assert "Not quite" not in out
    assert "Note: Inner 3x + 1" in out
    assert "3/3" in out


def test_wrong_then_right(bank: Path) -> None:
    code, out = quiz(bank, "2(3x+1)\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Not quite: you differentiated the outer function but forgot" in " ".join(out.split())
    assert "2 tries left" in out
    assert "Correct" in out


def test_hint_then_answer(bank: Path) -> None:
    code, out = quiz(bank, "h\nh\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Hint 1/5: the inner and the outer function" in out
    assert "u = 3x + 1" in out
    assert "Hint 2/5: the outer derivative" in out
    assert "0.50" in out  # two hints: half credit


def test_skip_shows_the_solution(bank: Path) -> None:
    code, out = quiz(bank, "s\nq\n")
    assert code == 0
    assert "The solution" in out and "dy/dx = 6(3x + 1)" in out
    assert "To review" in out


def test_quit_ends_with_a_summary(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\nq\n")
    assert code == 0
    assert "Your quiz" in out and "1/1" in out


def test_end_of_input_ends_cleanly(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\n")
    assert code == 0
    assert "Your quiz" in out


def test_three_misses_show_the_solution(bank: Path) -> None:
    code, out = quiz(bank, "1\n2\n3\nq\n")
    assert code == 0
    assert out.count("Not quite") == 3
    assert "The solution" in out


def test_wrong_answers_never_say_correct(bank: Path) -> None:
    _, out = quiz(bank, "1\n2\n3\nq\n")
    assert "correct" not in out.lower()


def test_malformed_answer_keeps_the_try(bank: Path) -> None:
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--no-shuffle", "--count", "1"],
        input="6(3x+1\n6(3x+1)\n",
    )
    assert result.exit_code == 0
    assert "never closed" in result.stderr
    assert "Correct" in result.stdout


def test_guided_mode(bank: Path) -> None:
    code, out = quiz(bank, "g\n3x+1\n2u\n3\n6(3x+1)\nq\n")
    assert code == 0
    assert "Step 1 of 4" in out and "Step 4 of 4" in out
    assert "Right: that is the product" in out


def test_unknown_type(bank: Path) -> None:
    result = runner.invoke(app, ["quiz", "--type", "calculus"])
    assert result.exit_code == 2
    assert "unknown type 'calculus'" in result.stderr


def test_seeded_quiz_is_reproducible() -> None:
    a = runner.invoke(
        app, ["quiz", "--type", "trig", "--count", "3", "--seed", "9"], input="q\n"
    ).stdout
    b = runner.invoke(
        app, ["quiz", "--type", "trig", "--count", "3", "--seed", "9"], input="q\n"
    ).stdout
    assert a == b and "Problem 1/3" in a


def test_generated_quiz_with_count() -> None:
    result = runner.invoke(
        app,
        ["quiz", "--generated", "--type", "root", "--count", "2", "--seed", "3"],
        input="s\ns\n",
    )
    assert result.exit_code == 0
    assert "Problem 2/2" in result.stdout
    assert "root" in result.stdout


def test_endless_generated_quiz_stops_on_q() -> None:
    result = runner.invoke(
        app, ["quiz", "--generated", "--type", "log", "--seed", "3"], input="s\ns\ns\nq\n"
    )
    assert result.exit_code == 0
    assert "Problem 4" in result.stdout and "Problem 5" not in result.stdout


def test_count_beyond_the_bank_fills_with_generated(bank: Path) -> None:
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--type", "trig", "--count", "3", "--seed", "1"],
        input="q\n",
    )
    assert result.exit_code == 0
    assert "generated ones fill up the quiz" in " ".join(result.stdout.split())


@pytest.mark.slow
def test_real_terminal_session(bank: Path) -> None:
    """A pseudo-terminal: type answers, read the screen, quit, see the summary."""
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "COLUMNS": "80", "LINES": "40", "TERM": "xterm-256color"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "chainrule_cli", "quiz", "--bank", str(bank), "--no-shuffle"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 80),
    )
    child.expect("Problem 1/3")
    child.expect("dy/dx = ")
    child.sendline("2(3x+1)")
    child.expect("Not quite")
    child.expect("dy/dx = ")
    child.sendline("h")
    child.expect("Hint 1/5")
    child.expect("dy/dx = ")
    child.sendline("6(3x+1)")
    child.expect("Correct")
    child.expect("Problem 2/3")
    child.expect("dy/dx = ")
    child.sendline("q")
    child.expect("Your quiz")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
