"""Hints teach in a teacher's order: layers outside in, each inner derivative worked out
before it is used, one notation per hint, and rates revealed one at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainrule_cli import render
from chainrule_cli.bank.load import Problem, load
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.explain import Layer, explain
from chainrule_cli.practice.outline import Hint, hint_plan
from chainrule_cli.practice.session import QuizSession

#: Where the hints are described (moved from the README with #25).
README = (Path(__file__).resolve().parent.parent / "docs" / "practice.md").read_text(
    encoding="utf-8"
)


def hints(expression: str, unicode: bool = True) -> tuple[QuizSession, list[Hint]]:
    kind = analyse(expression).type or "power"
    s = QuizSession([Problem("p", kind, expression, 3)], 1, unicode=unicode)
    assert s.next_problem() is not None
    out = []
    while (hint := s.hint()) is not None:
        out.append(hint)
    return s, out


def kinds(expression: str) -> list[str]:
    return [f"{h.kind}{h.layer or ''}" for h in hints(expression)[1]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param(
            "sin(x^2)",
            ["identify", "outer", "inner", "multiply", "solution"],
            id="one-layer",
        ),
        pytest.param(
            "sin(e^(x^2))",
            ["layers", "outer1", "outer2", "inner2", "multiply2", "multiply1", "solution"],
            id="two-layers",
        ),
        pytest.param(
            "e^(sin(3x+1)^2)",
            [
                "layers",
                "outer1",
                "outer2",
                "outer3",
                "inner3",
                "multiply3",
                "multiply2",
                "multiply1",
                "solution",
            ],
            id="three-layers",
        ),
        pytest.param(
            "(e^(x^2+x)+1)^2",
            ["layers", "outer1", "rule", "outer2", "inner2", "multiply2", "multiply1", "solution"],
            id="sum-inside-a-layer",
        ),
        pytest.param(
            "x^2 sin(3x)",
            ["rule", "identify", "outer", "inner", "multiply", "combine", "solution"],
            id="product",
        ),
        pytest.param(
            "sin(x)^2 + cos(2x)",
            [
                "layers",
                "rule",
                "outer1",
                "inner1",
                "multiply1",
                "outer2",
                "inner2",
                "multiply2",
                "combine",
                "solution",
            ],
            id="sum-of-two-chains",
        ),
        pytest.param(
            "3sin(x^2)",
            ["identify", "outer", "inner", "multiply", "solution"],
            id="constant-multiple",
        ),
    ],
)
def test_hint_order(expression: str, expected: list[str]) -> None:
    """The hints for each shape of problem, in teaching order, ending with the solution."""
    assert kinds(expression) == expected


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("sin(e^(x^2))", id="two-layers"),
        pytest.param("e^(sin(3x+1)^2)", id="three-layers"),
        pytest.param("(e^(x^2+x)+1)^2", id="sum-inside"),
        pytest.param("sqrt(1+ln(x^2))", id="log-inside-root"),
        pytest.param("ln(cos(e^(2x)))", id="three-functions"),
        pytest.param("(1+sin(x^2)^3)^4", id="four-layers"),
    ],
)
def test_each_inner_derivative_is_worked_out_before_it_is_used(expression: str) -> None:
    """Outer derivatives go outside in; a layer is multiplied only after its inner layer is."""
    _, shown = hints(expression)
    position: dict[tuple[str, int], int] = {}
    for index, hint in enumerate(shown):
        if hint.step is not None:
            position[(hint.kind, id(hint.step))] = index
    layers = [h.step for h in shown if h.kind == "outer"]
    assert [h.layer for h in shown if h.kind == "outer"] == list(range(1, len(layers) + 1))
    for hint in shown:
        if hint.kind == "multiply" and hint.completes is not None:
            # The inner layer's product comes before the product of the layer that uses it.
            assert (
                position[("multiply", id(hint.completes))] > position[("multiply", id(hint.step))]
            )
    # No hint before the last multiply reveals the whole inner derivative of layer 1.
    first = layers[0]
    assert isinstance(first, Layer)
    multiplies = [i for i, h in enumerate(shown) if h.kind == "multiply"]
    assert multiplies[-1] == position[("multiply", id(first))]
    assert shown[-1].kind == "solution" and shown[-1].number == shown[-1].total


def test_readme_hint_counts_match_the_quiz() -> None:
    """Every count in docs/practice.md's "So `…` takes N hints" sentence is what the quiz does."""
    text = " ".join(README.split())
    sentence = re.search(r"So (`[^.]*) hints?, (`.*?)\. In a hint", text)
    assert sentence is not None, "docs/practice.md's hint counts are missing"
    pairs = re.findall(r"`([^`]+)` (?:takes )?(\d+)", sentence.group(0))
    assert len(pairs) >= 4
    for expression, count in pairs:
        plan = hint_plan(explain(analyse(expression).tree))
        assert len(plan) == int(count), expression


def test_readme_rule_for_nested_layers() -> None:
    """2n + 3 hints for n nested layers, as docs/practice.md says."""
    assert "2n + 3 hints for n nested layers" in " ".join(README.split())
    for depth, expression in enumerate(("sin(x^2)", "sin(e^(x^2))", "e^(sin(3x+1)^2)"), start=1):
        assert len(hints(expression)[1]) == 2 * depth + 3


def _panels(expression: str) -> list[str]:
    console = render.make_console(width=80)
    s, shown = hints(expression)
    solution = s.rounds[0].solution
    out = []
    for hint in shown[:-1]:  # the last one is the worked solution, drawn by solve
        with console.capture() as capture:
            console.print(render.hint_panel(hint, solution, console))
        out.append(capture.get())
    return out


@pytest.mark.parametrize(
    ("expression", "as_written", "never"),
    [
        pytest.param("(e^(x^2+x)+1)^2", "e^(x² + x)", "x(x + 1)", id="exp-of-a-sum"),
        pytest.param("sqrt(1+ln(x^2))", "1 + ln(x²)", "ln(x²) + 1", id="order-kept"),
        pytest.param("x/(1+x^2)^3", "(1 + x²)", "x² + 1", id="quotient"),
    ],
)
def test_one_notation_inside_a_hint(expression: str, as_written: str, never: str) -> None:
    """Inner functions appear as written in every hint; never rewritten beside it."""
    panels = _panels(expression)
    assert any(as_written in p for p in panels)
    assert not [p for p in panels if never in p]


def test_the_rule_hint_does_not_give_the_result_away() -> None:
    """The product rule hint names the parts and the table derivatives, not the answer."""
    panels = _panels("x^2 sin(3x)")
    rule = panels[0]
    assert "product rule" in rule and "f′ = (x²)′ = 2x" in rule
    assert "needs the chain rule" in rule
    assert "cos(3x)" not in rule


def test_an_inner_layer_says_why_and_what_it_completes() -> None:
    """The nested layer's hints say the chain rule is needed again, and whose g′ they make."""
    text = " ".join(" ".join(_panels("sin(e^(x^2))")).split())
    assert "The inner derivative dv/dx = (e^(x²))′ needs the chain rule again: layer 2." in text
    assert "dv/dx = e^(x²)·2x = 2x·e^(x²)" in text
    assert "→ the inner derivative of layer 1, worked out" in text


# -- applied problems ------------------------------------------------------------------------
BALLOON = Problem(
    "balloon",
    "applied",
    "4/3 pi r^3",
    1,
    "5",
    question="A balloon's radius grows at 2 cm/s. How fast does its volume grow when r = 5 cm?",
    variable="r",
    rate="2",
    unit="cm^3/s",
    chain=("V", "r", "t"),
)


@pytest.mark.parametrize(
    ("before", "answer", "hidden", "shown"),
    [
        pytest.param(0, "7", ["100π", "= 2"], ["dV/dr", "dr/dt"], id="first-miss-no-rates"),
        pytest.param(0, "100pi", ["= 2"], ["first rate"], id="outer-only"),
        pytest.param(0, "2", ["100π"], ["given rate"], id="given-only"),
        pytest.param(2, "7", ["= 2"], ["100π"], id="after-the-first-rate-hint"),
        pytest.param(3, "7", [], ["100π", "dr/dt = 2"], id="after-both-rate-hints"),
    ],
)
def test_a_rates_problem_reveals_rates_only_as_the_hints_do(
    before: int, answer: str, hidden: list[str], shown: list[str]
) -> None:
    """A wrong rate's feedback names no rate value the hints have not shown yet."""
    s = QuizSession([BALLOON], 1)
    assert s.next_problem() is not None
    for _ in range(before):
        s.hint()
    feedback = s.answer(answer).verdict.feedback
    for text in hidden:
        assert text not in feedback
    for text in shown:
        assert text in feedback


def test_applied_hints_reveal_one_rate_at_a_time() -> None:
    """The chain first, then the first rate, then the given rate, then their product."""
    s = QuizSession([BALLOON], 1)
    assert s.next_problem() is not None
    assert [s.hint().kind for _ in range(5)] == [  # type: ignore[union-attr]
        "applied-chain",
        "applied-outer",
        "applied-inner",
        "applied-multiply",
        "solution",
    ]


def test_every_shipped_problem_has_a_plan_ending_in_the_solution() -> None:
    """Across the shipped bank, each plan ends with the solution and each layer is multiplied once."""
    for problem in load().problems:
        if problem.applied or problem.graph:
            continue
        steps = explain(analyse(problem.expression).tree)
        plan = hint_plan(steps)
        assert plan[-1].kind == "solution", problem.id
        real = [s for s in steps if isinstance(s, Layer) and not s.trivial]
        assert sum(1 for item in plan if item.kind == "multiply") == len(real), problem.id
