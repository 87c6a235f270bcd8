"""The backprop bank type: the shipped bank, its validator, and the seeded generator."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.bank.problem import Problem
from chainrule_cli.cli import app
from chainrule_cli.graph.backprop_check import as_graph_problem, check, graph_problem, validate
from chainrule_cli.graph.backprop_generate import generate, tidy

BANK = Path(__file__).resolve().parent.parent / "problems" / "backprop.yaml"
runner = CliRunner()


def backprop_bank() -> list[Problem]:
    bank = load([BANK])
    assert not bank.issues, bank.issues
    return bank.problems


def test_the_bank_has_forty_problems_over_three_difficulties() -> None:
    """problems/backprop.yaml holds at least 40 backprop problems, at every difficulty."""
    problems = backprop_bank()
    assert len(problems) >= 40
    assert {p.type for p in problems} == {"backprop"}
    levels = Counter(p.difficulty for p in problems)
    assert set(levels) == {1, 2, 3} and min(levels.values()) >= 10


def test_the_bank_spans_one_gate_to_a_dozen_nodes() -> None:
    """The bank runs from a single gate to a 12-node graph with fan-out, a neuron and a net with a loss."""
    graphs = {p.id: graph_problem(p).graph() for p in backprop_bank()}
    sizes = [len(g.nodes) - len(g.inputs) for g in graphs.values()]
    assert min(sizes) == 1
    assert any(len(g.nodes) >= 12 and g.forks() for g in graphs.values())
    assert any(any(n.op == "sigmoid" for n in g.nodes) for g in graphs.values())
    assert any(g.out.name == "L" and any(n.op == "relu" for n in g.nodes) for g in graphs.values())


def test_every_bank_problem_is_proven_against_sympy() -> None:
    """Every shipped backprop problem passes the validator: it builds and agrees with sympy.diff."""
    for problem in backprop_bank():
        assert validate(problem) == [], problem.id


#: The published examples the bank cites, and their gradients.
PUBLISHED = [
    pytest.param("bp-cs231n-circuit", {"x": -4, "y": -4, "z": 3}, id="cs231n-circuit"),
    pytest.param("bp-colah-fork", {"a": 2, "b": 5}, id="colah"),
    pytest.param("bp-cs231n-max", {"x": -8, "y": 6, "z": 2, "w": 0}, id="cs231n-max"),
    pytest.param(
        "bp-cs231n-neuron",
        {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20},
        id="cs231n-neuron",
    ),
    pytest.param("bp-micrograd-exercise", {"a": -12.354, "b": 10.257, "c": 0.0625}, id="micrograd"),
    pytest.param("bp-micrograd-test", {"a": 138.8338, "b": 645.5773}, id="micrograd-test"),
]


@pytest.mark.parametrize(("pid", "grads"), PUBLISHED)
def test_published_examples_in_the_bank(pid: str, grads: dict[str, float]) -> None:
    """The cited examples carry the published gradients (to the figures published)."""
    problem = next(p for p in backprop_bank() if p.id == pid)
    graph = graph_problem(problem).graph()
    for name, value in grads.items():
        got = float(graph.node(name).grad)
        places = len(str(value).partition(".")[2])
        assert round(got, places) == pytest.approx(value), (name, got)


BROKEN = [
    pytest.param("f = (x + y)*", {}, {"x": 1, "y": 2}, "does not build", id="unfinished"),
    pytest.param("f = relu(x)", {}, {"x": 0}, "kink", id="relu-at-0"),
    pytest.param("f = max(x, y)", {}, {"x": 2, "y": 2}, "kink", id="max-tie"),
    pytest.param("f = ln(x)", {}, {"x": -1}, "does not build", id="outside-domain"),
    pytest.param("f = q*z", {"q": "x + y"}, {"x": 1, "z": 2}, "does not build", id="no-value"),
]


@pytest.mark.parametrize(("function", "where", "at", "message"), BROKEN)
def test_a_broken_problem_is_refused_in_one_line(function, where, at, message) -> None:  # type: ignore[no-untyped-def]
    """A problem that does not build, or sits at a kink, is refused with the reason."""
    found = check(as_graph_problem(function, where, at))
    assert found is not None and message in found
    assert "\n" not in found


def test_a_bank_file_with_a_broken_backprop_problem_names_it(tmp_path: Path) -> None:
    """bank validate names a backprop problem whose graph sits at a kink, with file and line."""
    path = tmp_path / "bp.yaml"
    path.write_text(
        "problems:\n"
        "- {id: ok, type: backprop, function: 'f = x*y0', at: {x: 2, y0: 3}}\n"
        "- {id: kink, type: backprop, function: 'f = relu(x)', at: {x: 0}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code != 0
    assert "bp.yaml:3: kink:" in result.output
    assert "1 of 2 problems valid" in result.output


def test_the_validator_catches_an_engine_that_disagrees(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validator can fail: a gradient changed after the backward pass is reported."""
    from chainrule_cli.graph import backprop_check

    problem = as_graph_problem("f = x*y", None, {"x": 2, "y": 3})
    graph = problem.graph()
    graph.node("x").grad = Fraction(4)
    found = backprop_check.disagreement(problem, graph)
    assert found is not None and "∂/∂x is 4 by the engine but 3 by sympy.diff" in found


# -- the generator ------------------------------------------------------------------------------
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_generated_problems_are_hand_computable_and_proven(difficulty: int) -> None:
    """Every generated problem is exact, small, kink-free, σ only at 0, and agrees with sympy.diff."""
    problems = generate(difficulty, 12, seed=difficulty)
    assert len(problems) == 12 and len(set(problems)) == 12
    for problem in problems:
        graph = problem.graph()
        assert tidy(graph)
        assert graph.exact
        for node in graph.nodes:
            if node.op == "sigmoid":
                assert node.value == Fraction(1, 2)
            for value in (node.value, node.grad):
                assert abs(value.numerator) <= 200 and value.denominator <= 4  # type: ignore[union-attr]
        assert check(problem) is None, problem


def test_the_same_seed_gives_the_same_problems() -> None:
    """The generator is seeded: the same seed, the same problems; another seed, others."""
    assert generate(2, 6, seed=7) == generate(2, 6, seed=7)
    assert generate(2, 6, seed=7) != generate(2, 6, seed=8)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 10**6), st.sampled_from([1, 2, 3]))
def test_generated_gradients_equal_sympy(seed: int, difficulty: int) -> None:
    """For any seed, the generated graph's gradients are sympy.diff's, exactly."""
    from chainrule_cli.graph.backprop_check import sympy_function

    (problem,) = generate(difficulty, 1, seed=seed)
    graph = problem.graph()
    expr, inputs = sympy_function(problem, graph)
    point = {
        inputs[n.name]: sp.Rational(n.value.numerator, n.value.denominator) for n in graph.inputs
    }  # type: ignore[union-attr]
    for name, symbol in inputs.items():
        oracle = sp.diff(expr, symbol).subs(point)
        grad = graph.node(name).grad
        assert sp.Rational(grad.numerator, grad.denominator) == oracle  # type: ignore[union-attr]
    assert math.isfinite(float(graph.out.value))


def test_generate_command_writes_valid_backprop_problems(tmp_path: Path) -> None:
    """`chainrule generate --type backprop --count 5 --seed 1` writes a bank file that validates."""
    result = runner.invoke(app, ["generate", "--type", "backprop", "--count", "5", "--seed", "1"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert len(data["problems"]) == 5
    assert all(p["type"] == "backprop" and "function" in p and "at" in p for p in data["problems"])
    path = tmp_path / "gen.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    checked = runner.invoke(app, ["bank", "validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "All 5 problems are valid" in checked.output
    again = runner.invoke(app, ["generate", "--type", "backprop", "--count", "5", "--seed", "1"])
    assert again.stdout == result.stdout
