"""Backprop by hand: the steps, the verdicts, every mistake code on purpose, and the session."""

from __future__ import annotations

from fractions import Fraction

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.graph import byhand
from chainrule_cli.graph.byhand import MISTAKES, Step
from chainrule_cli.graph.engine import Problem, solve
from chainrule_cli.graph.gates import show_number

runner = CliRunner()


def grad_step(graph, name):  # type: ignore[no-untyped-def]
    return Step("grad", graph.node(name).index)


#: (expression, point, node whose gradient is asked, the wrong answer, the code it must get)
MISTAKE_CASES = [
    pytest.param("e = (a + b)*(b + 1)", "a=2,b=1", "b", "2", "overwrote_at_fork", id="fork-c-only"),
    pytest.param("e = (a + b)*(b + 1)", "a=2,b=1", "b", "3", "overwrote_at_fork", id="fork-d-only"),
    pytest.param(
        "f = (x + y)*z", "x=-2,y=5,z=-4", "z", "-4", "multiply_not_swapped", id="not-swapped"
    ),
    pytest.param(
        "f = 2*(x*y + max(z, w))",
        "x=3,y=-4,z=2,w=-1",
        "w",
        "2",
        "max_routed_wrong",
        id="max-routed",
    ),
    pytest.param(
        "f = 2*(x*y + max(z, w))",
        "x=3,y=-4,z=2,w=-1",
        "z",
        "0",
        "max_routed_wrong",
        id="max-not-routed",
    ),
    pytest.param("f = 3*sigmoid(u)", "u=2", "u", "-6", "sigmoid_from_input", id="sigmoid-input"),
    pytest.param(
        "f = 2*(x*y + max(z, w))", "x=3,y=-4,z=2,w=-1", "x", "-4", "local_only", id="local-only"
    ),
    pytest.param("f = (x + y)*z", "x=-2,y=5,z=-4", "z", "-3", "sign_error", id="sign"),
]


@pytest.mark.parametrize(("expr", "at", "node", "answer", "code"), MISTAKE_CASES)
def test_each_mistake_on_purpose(expr: str, at: str, node: str, answer: str, code: str) -> None:
    """Each typical mistake, made on purpose, gets its code and names the node."""
    graph = solve(expr, at)
    verdict = byhand.check(graph, grad_step(graph, node), answer)
    assert not verdict.right
    assert verdict.code == code
    assert f"∂{graph.out.name}/∂{node}" in verdict.message


def test_every_code_has_a_case() -> None:
    """The table above makes every mistake code at least once."""
    assert {p.values[4] for p in MISTAKE_CASES} == set(MISTAKES)


PROBLEMS = [
    ("f = (x + y)*z", "x=-2,y=5,z=-4"),
    ("f = sigmoid(w0*x0 + w1*x1 + w2)", "w0=2,x0=-1,w1=-3,x1=-2,w2=-3"),
    ("f = 2*(x*y + max(z, w))", "x=3,y=-4,z=2,w=-1"),
    ("e = (a + b)*(b + 1)", "a=2,b=1"),
    ("f = 3*sigmoid(u)", "u=2"),
    ("f = -a^3 + sin(3b) - 1/c + b^2.5 - sqrt(a)", "a=2,b=3,c=4"),
]


@pytest.mark.parametrize(("expr", "at"), PROBLEMS)
def test_right_answers_get_no_code(expr: str, at: str) -> None:
    """Every right answer, exact or to 3 significant figures, is right and never gets a code."""
    graph = solve(expr, at)
    for step in byhand.steps(graph):
        expected = step.expected(graph)
        typed = (
            show_number(expected) if isinstance(expected, Fraction) else f"{float(expected):.3g}"
        )
        verdict = byhand.check(graph, step, typed)
        assert verdict.right and verdict.code is None, (step, typed, verdict)


def test_exact_values_are_judged_exactly() -> None:
    """An exact value must be typed exactly: 0.33 is not 1/3 here."""
    graph = solve("f = x/3", "x=1")
    step = byhand.steps(graph)[0]
    assert byhand.check(graph, step, "1/3").right
    rounded = byhand.check(graph, step, "0.33")
    assert not rounded.right and "this value is exact" in rounded.message


def test_steps_are_forward_then_backward() -> None:
    """The steps are the forward values in order, then the gradients from the output back."""
    graph = solve("f = q*z", "x=-2,y=5,z=-4", ["q = x + y"])
    asked = [(s.kind, graph.nodes[s.node].name) for s in byhand.steps(graph)]
    assert asked == [
        ("value", "q"),
        ("value", "f"),
        ("grad", "q"),
        ("grad", "z"),
        ("grad", "y"),
        ("grad", "x"),
    ]


def test_hints_go_pattern_local_product() -> None:
    """Three hints: the gate's pattern, the local derivative, upstream × local."""
    graph = solve("f = (x + y)*z", "x=-2,y=5,z=-4")
    first, second, third = byhand.hints(graph, grad_step(graph, "z"))
    assert "multiply swaps" in first
    assert "∂f/∂z = 3" in second
    assert third == "∂f/∂z = 1 × 3 = 3"


def test_hints_write_negative_numbers_as_maths() -> None:
    """A hint's numbers have the minus sign of maths, and a negative factor its brackets
    (1 × (−4), as the table writes it); ASCII screens spell them back."""
    graph = solve("L = (w*x + b - y)^2", "w=-1,x=2,b=1,y=1")
    value = byhand.hints(graph, Step("value", graph.node("a").index))
    assert value[1] == "its inputs: w = −1, x = 2"
    assert value[2] == "a = w·x = −2"
    grad = byhand.hints(graph, grad_step(graph, "c"))
    assert grad[2] == "∂L/∂c = 1 × (−4) = −4"
    assert not any("-" in hint for hint in [*value, *grad])


def test_the_blanks_are_asked_in_ascii_where_the_terminal_needs_it() -> None:
    """With CHAINRULE_ASCII the prompt is a = w*x = ?, not a = w·x = ?."""
    args = ["backprop", "L = (w*x + b - y)^2", "--at", "w=-1,x=2,b=1,y=1", "--practise"]
    result = runner.invoke(app, args, input="h\nq\n", env={"CHAINRULE_ASCII": "1"})
    assert result.exit_code == 0, result.output
    assert "a = w*x = ? " in result.stdout and "·" not in result.stdout
    assert "hint 1: a computes w*x" in result.stdout


def test_first_wrong_names_the_first_wrong_node() -> None:
    """In a filled-in table, the first wrong entry in asking order is the one named."""
    graph = solve("e = (a + b)*(b + 1)", "a=2,b=1")
    steps = byhand.steps(graph)
    answers = {s: show_number(s.expected(graph)) for s in steps}
    answers[grad_step(graph, "b")] = "3"
    step, verdict = byhand.first_wrong(graph, answers) or (None, None)
    assert step == grad_step(graph, "b") and verdict is not None
    assert verdict.code == "overwrote_at_fork"


def test_problem_api() -> None:
    """A backprop problem is an expression, its --where lines and the point."""
    graph = Problem("f = q*z", ("q = x + y",), "x=-2,y=5,z=-4").graph()
    assert graph.gradients() == {"x": -4, "y": -4, "z": 3}


def test_practise_session_piped() -> None:
    """--practise asks every value and gradient; piped answers give verdicts and codes."""
    answers = "3\n-12\n-4\n-4\n-4\n-4\n-4\n"  # z wrong twice (not swapped), the rest right
    result = runner.invoke(
        app, ["backprop", "f = (x + y)*z", "--at", "x=-2,y=5,z=-4", "--practise"], input=answers
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[multiply_not_swapped]" in out
    assert "the answer: ∂f/∂z = 1 × 3 = 3" in out
    assert "Done: 5 of 6 right." in out
