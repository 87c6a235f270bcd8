"""In guided mode, h gives a hint for the step being asked: never a later step, never the answer."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli import render
from chainrule_cli.bank.load import Problem
from chainrule_cli.cli import app
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.practice.session import QuizSession
from chainrule_cli.render.mathfmt import math_for

runner = CliRunner()


def start(expression: str, at: str | None = None) -> QuizSession:
    kind = analyse(expression).type or "power"
    session = QuizSession([Problem("p", kind, expression, 1, at)], 1)
    assert session.next_problem() is not None
    return session


def plain(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
    console.print(renderable)
    return " ".join(console.file.getvalue().replace("│", " ").split())  # type: ignore[attr-defined]


CASES = [
    pytest.param("sin(x^2)", None, id="one-layer"),
    pytest.param("(3x+1)^5", None, id="power-of-linear"),
    pytest.param("sin(e^(x^2))", None, id="two-layers"),
    pytest.param("e^(sin(3x+1)^2)", None, id="three-layers"),
    pytest.param("(e^(x^2+x)+1)^2", None, id="sum-inside"),
    pytest.param("x^2 sin(3x)", None, id="product"),
    pytest.param("sqrt(x^2+1)", "2", id="slope-at-a-point"),
]


@pytest.mark.parametrize(("expression", "at"), CASES)
def test_each_step_gets_its_own_hint(expression: str, at: str | None) -> None:
    """At every guided step, h names that step and shows neither its entry nor the final answer."""
    session = start(expression, at)
    walk = session.guided()
    console = Console(file=io.StringIO(), width=100, color_system=None)
    m = math_for(console, 4)
    final = m(walk.analysis.derivative)
    seen = []
    while not walk.done:
        question = walk.question
        hint = walk.hint()
        text = plain(render.guided_hint(hint, walk, console))
        assert hint.kind == question.kind
        assert f"Hint for step {question.number} of {question.total}" in text
        assert final not in text.replace("\u00a0", " ")
        step = question.step
        # (e^u)′ = e^u: the outer function, which the question itself shows, is its own derivative.
        own = question.kind == "outer" and walk.shown(question) == getattr(step, "outer_form", None)
        if question.kind != "answer" and not own:
            entry = re.escape(m(walk.shown(question)))
            assert not re.search(f"= {entry}(?![\\w(⁰¹²³⁴⁵⁶⁷⁸⁹^])", text), (question.kind, text)
        seen.append(text)
        if question.kind == "answer":
            break
        before = walk.index
        while walk.index == before:
            walk.submit("0")
    assert len(set(seen)) == len(seen)  # no step repeats another's hint
    assert session.current is not None and session.current.hints_used == 0


def test_a_step_hint_counts_once_and_scores_as_a_hint() -> None:
    """Showing a step's hint again is free; each step's hint costs what a hint costs."""
    session = start("sin(x^2)")
    walk = session.guided()
    walk.hint()
    walk.hint()
    assert session.current is not None
    assert session.current.step_hints == 1
    walk.submit("x^2")
    walk.hint()
    assert session.current.hints == 2


def test_piped_guided_quiz_shows_the_step_hint() -> None:
    """In `practise`, g then h shows the hint for step 1, not the general hint list."""
    result = runner.invoke(app, ["practise", "sin(x^2)"], input="g\nh\nq\n")
    assert result.exit_code == 0, result.output
    assert "Hint for step 1 of 4" in result.stdout
    panel = result.stdout.split("Hint for step 1 of 4")[1].split("Step 1 of 4")[0]
    assert "2x·cos(x²)" not in panel and "cos(x" not in panel
    assert "sin(u)" in panel


@pytest.mark.parametrize(("ascii", "shown"), [(False, "x = π/6"), (True, "x = pi/6")])
def test_the_last_step_and_its_hint_show_the_point_as_read(
    ascii: bool, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guided walk's last step asks for the slope "at x = π/6", as the quiz prompt
    does, not as the bank writes it (pi/6); its hint says the same. ASCII keeps pi/6."""
    if ascii:
        monkeypatch.setenv("CHAINRULE_ASCII", "1")
    session = start("sin(6x)", "pi/6")
    walk = session.guided()
    console = Console(file=io.StringIO(), width=100, color_system=None)
    for answer in ("6x", "cos(u)", "6"):
        walk.submit(answer)
    assert walk.question.kind == "answer"
    prompt = render.guided_prompt(walk.question, walk, console)
    hint = plain(render.guided_hint(walk.hint(), walk, console)).replace("\u00a0", " ")
    assert f"put in {shown}:" in prompt
    assert f"put in {shown}." in hint
