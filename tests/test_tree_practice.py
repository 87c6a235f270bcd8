"""Practice of the graph types (issue #26): the bank schema, validation, the generator,
the quiz session, drills, the load cache and the take-aways, for multivariable and implicit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import load, parse_bank
from chainrule_cli.bank.problem import Problem, dump
from chainrule_cli.cli import app
from chainrule_cli.graph import problems as graph_problems
from chainrule_cli.kinds import GENERATED_TYPES, GRAPH_TYPES, TYPES
from chainrule_cli.practice.drills import codes, invites
from chainrule_cli.practice.generate import generate
from chainrule_cli.practice.rounds import GUIDED_CREDIT
from chainrule_cli.practice.session import QuizSession
from chainrule_cli.reading.equations import symbol_for

runner = CliRunner()

MV = Problem(
    "mv",
    "multivariable",
    "z = x^2*y + sin(y)",
    2,
    function="z = x^2*y + sin(y)",
    where=(("x", "s*t"), ("y", "s + t^2")),
    wrt="s",
    point=(("s", "1"), ("t", "2")),
)
MV_FREE = Problem(
    "mv-free",
    "multivariable",
    "z = x^2*y",
    1,
    function="z = x^2*y",
    where=(("x", "2t"), ("y", "t^2")),
)
CIRCLE = Problem(
    "circle",
    "implicit",
    "x^2 + y^2 = 25",
    1,
    function="x^2 + y^2 = 25",
    point=(("x", "3"), ("y", "4")),
)


def oracle(problem: Problem) -> sp.Expr:
    """The derivative by ``sympy.diff``: of the function with every definition put in, or
    −F_x/F_y for an equation (the text read by the parser, nothing else of the engine)."""
    from chainrule_cli.reading.equations import read_equation, read_expression

    assert problem.function is not None
    if problem.type == "implicit":
        left, right = read_equation(problem.function)
        f = left.expr - right.expr
        x, y = symbol_for("x"), symbol_for("y")
        return -sp.diff(f, x) / sp.diff(f, y)
    expr = read_expression(problem.function.split("=", 1)[1]).expr
    definitions = {symbol_for(n): read_expression(e).expr for n, e in problem.where}
    for _ in definitions:
        expr = expr.xreplace(definitions)
    return sp.diff(expr, symbol_for(problem.wrt or "t"))


# -- kinds and schema --------------------------------------------------------------------------
def test_graph_types_are_kinds() -> None:
    """multivariable, implicit and backprop are bank types, and all three can be generated."""
    assert set(GRAPH_TYPES) == {"multivariable", "implicit", "backprop"}
    assert set(GRAPH_TYPES) <= set(TYPES)
    assert set(GRAPH_TYPES) <= set(GENERATED_TYPES)


ENTRY = """\
problems:
- id: p1
  type: {type}
{body}
"""


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  expression: "x"',
            "'expression' is not for multivariable problems (write the function line in 'function')",
            id="expression-in-graph",
        ),
        pytest.param(
            "trig",
            '  expression: "sin(3x)"\n  where: {x: t}',
            "'where' is only for the types multivariable, implicit, backprop",
            id="where-in-chain",
        ),
        pytest.param(
            "multivariable", "  where: {x: t}", "missing key 'function'", id="no-function"
        ),
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  where: [x, t]',
            "'where' must be a mapping of names to values, e.g. where: {x: s*t, y: s + t^2}",
            id="where-a-list",
        ),
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  at: {2: 1}',
            "'at': 2 is not a variable's name (one letter, or a Greek name)",
            id="at-bad-name",
        ),
        pytest.param(
            "backprop",
            '  function: "f = (x + y)*z"\n  at: {"x y": 1, y: 2, z: 3}',
            "'at': 'x y' is not a node's name (letters and digits)",
            id="backprop-at-bad-name",
        ),
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  at: {t: [1]}',
            "'at: t' must be a number, not [1]",
            id="at-not-a-number",
        ),
        pytest.param(
            "implicit",
            '  function: "x^2 + y^2 = 25"\n  wrt: x',
            "'wrt' is not for implicit problems: y = y(x) and dy/dx is asked",
            id="wrt-in-implicit",
        ),
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  wrt: 3',
            "'wrt' must be a variable's name, such as s or t, not 3",
            id="wrt-not-a-name",
        ),
        pytest.param(
            "multivariable",
            '  function: "z = x*y"\n  where: {x: "\\e[31m"}',
            "'where' must not contain control characters such as escape sequences",
            id="where-escape",
        ),
    ],
)
def test_schema_errors_are_located(kind: str, body: str, message: str) -> None:
    """A graph problem's schema error names the file, the line and the problem."""
    problems, issues = parse_bank(ENTRY.format(type=kind, body=body), "bank.yaml")
    assert problems == []
    assert f"bank.yaml:2: p1: {message}" in [str(i) for i in issues]


def test_shipped_graph_banks_round_trip() -> None:
    """Every shipped graph problem dumps and reads back the same, mappings in order."""
    shipped = [p for p in load().problems if p.graph]
    again, issues = parse_bank(dump(shipped), "again.yaml")
    assert issues == [] and again == shipped


def test_shipped_graph_banks_are_big_enough() -> None:
    """At least 40 problems of each graph type, over the three difficulties."""
    bank = load()
    for kind in ("multivariable", "implicit"):
        chosen = bank.select([kind])
        assert len(chosen) >= 40
        assert {p.difficulty for p in chosen} == {1, 2, 3}


def test_load_cache_keeps_the_graph_fields() -> None:
    """The load cache gives back a graph problem whole (where, wrt, point)."""
    from chainrule_cli.bank import loadcache

    bank = load()
    again = loadcache._bank(loadcache._as_data(bank))
    assert again is not None and again.problems == bank.problems


# -- validation ------------------------------------------------------------------------------
def graph(kind: str, function: str, **kw: object) -> Problem:
    return Problem("g", kind, function, 1, function=function, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        pytest.param(
            graph("implicit", "x^2 + y^2 = 25", point=(("x", "3"), ("y", "5"))),
            "'at: {x: 3, y: 5}': (x, y) = (3, 5) is not on the curve: the left side is 34 "
            "there and the right side 25, a miss of 9",
            id="off-the-curve",
        ),
        pytest.param(
            graph("implicit", "x^2 + y^2 = 25", point=(("x", "5"), ("y", "0"))),
            "'at: {x: 5, y: 0}': at (5, 0) ∂F/∂y = 0: the curve has no slope dy/dx there "
            "(a vertical tangent or a singular point)",
            id="vertical-tangent",
        ),
        pytest.param(
            graph("multivariable", "z = s^2*t", wrt="s"),
            "z depends on s directly only: no path goes through another variable, "
            "so the chain rule is not needed",
            id="no-chain",
        ),
        pytest.param(
            graph("multivariable", "z = ln(x)", where=(("x", "t - 1"),), point=(("t", "1"),)),
            "'at: {t: 1}' is outside the domain",
            id="outside-domain",
        ),
        pytest.param(
            graph("multivariable", "z = x*q +", where=(("x", "t"),)),
            "cannot read",
            id="unreadable",
        ),
    ],
)
def test_unusable_graph_problems_are_refused(problem: Problem, message: str) -> None:
    """bank validate says what is wrong with a graph problem, in words."""
    found = check_problem(problem, cached=False)
    assert found and found[0].startswith(message)


def test_validator_hook_for_backprop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A type's validator is looked up in graph/problems.VALIDATORS; a type without one is
    never called valid."""
    problem = graph("backprop", "f = (x + y)*z")
    monkeypatch.delitem(graph_problems.VALIDATORS, "backprop")
    assert check_problem(problem, cached=False) == [
        "backprop problems cannot be checked yet (no validator registered)"
    ]
    monkeypatch.setitem(graph_problems.VALIDATORS, "backprop", lambda p: ["checked"])
    assert check_problem(problem, cached=False) == ["checked"]


# -- the generator ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["multivariable", "implicit"])
def test_same_seed_same_graph_problems(kind: str) -> None:
    """The same seed gives the same problems; another seed, others."""
    assert generate(kind, 2, 8, seed=1) == generate(kind, 2, 8, seed=1)
    assert generate(kind, 2, 8, seed=1) != generate(kind, 2, 8, seed=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["multivariable", "implicit"]),
    level=st.integers(1, 3),
    seed=st.integers(0, 10**6),
)
def test_generated_values_are_hand_computable(kind: str, level: int, seed: int) -> None:
    """A generated problem is valid, and its answer at the point is a fraction with a small
    denominator (e^…, sin and ln sit at 0 there), equal to sympy.diff's."""
    (problem,) = generate(kind, level, 1, seed=seed)
    assert check_problem(problem, cached=False) == []
    at = graph_problems.point_of(problem)
    assert at is not None
    engine = (
        graph_problems.implicit_of(problem)
        if kind == "implicit"
        else graph_problems.tree_of(problem)
    )
    value = engine.value(engine.point(at))
    expected = oracle(problem).subs({symbol_for(n): v for n, v in at.items() if n})
    assert value.is_Rational and value.q <= 100, (problem, value)
    assert sp.simplify(value - expected) == 0


def test_generate_command_writes_valid_reproducible_graph_problems(tmp_path: Path) -> None:
    """``chainrule generate --type multivariable --count 5 --seed 1``: same bytes twice, valid."""
    args = ["generate", "--type", "multivariable", "--count", "5", "--seed", "1"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    problems, issues = parse_bank(first.stdout, "generated.yaml")
    assert issues == [] and len(problems) == 5
    assert all(p.type == "multivariable" and check_problem(p, cached=False) == [] for p in problems)


# -- the quiz session ------------------------------------------------------------------------
def started(problem: Problem) -> QuizSession:
    s = QuizSession([problem], 1)
    assert s.next_problem() is not None
    return s


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param(MV, "44 + cos(5)", id="value-at-point"),
        pytest.param(MV, "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s", id="formula"),
        pytest.param(CIRCLE, "-3/4", id="implicit-value"),
    ],
)
def test_right_answers_end_the_round_correct(problem: Problem, answer: str) -> None:
    """A right answer (a value, or the formula as a sum over the paths) ends the round right."""
    s = started(problem)
    result = s.answer(answer)
    assert result.verdict.correct and result.finished
    assert s.rounds[-1].outcome == "correct" and s.rounds[-1].credit == 1.0


def test_the_oracle_answer_is_right_without_a_point() -> None:
    """sympy.diff's derivative, typed in the independent variable, is accepted."""
    s = started(MV_FREE)
    typed = str(oracle(MV_FREE)).replace("**", "^")
    assert s.answer(typed).verdict.correct


def test_a_missing_path_is_named_in_feedback() -> None:
    """An answer with one path left out is wrong, named missing_path, and the code is shown."""
    s = started(MV_FREE)
    result = s.answer("2x*y*2")  # only z → x → t
    assert not result.verdict.correct
    assert result.verdict.mistake == "missing_path"
    assert "(missing_path)" in result.verdict.feedback
    assert s.current is not None and s.current.mistake == "missing_path"


def test_implicit_forgot_dy_dx_is_named() -> None:
    """For an equation, dropping dy/dx from a y term is named forgot_dy_dx."""
    problem = graph("implicit", "x^2 + x*y + y^2 = 7")
    s = started(problem)
    result = s.answer("-(3x + y)/(2y)")  # d/dx(x·y) taken as y + x: dy/dx dropped
    assert result.verdict.mistake == "forgot_dy_dx"


def test_hints_come_outermost_first_and_end_with_the_solution() -> None:
    """Hints: the tree, the paths, each factor, the sum, the substitution, the value, then the
    full solution, which ends the round with no credit."""
    s = started(MV)
    kinds = []
    while (hint := s.hint()) is not None:
        kinds.append(hint.kind)
    assert kinds == ["tree", "paths", "factors", "sum", "substitution", "value", "solution"]
    assert s.rounds[-1].outcome == "revealed" and s.rounds[-1].credit == 0.0


def test_implicit_hints_in_order() -> None:
    """An equation's hints: differentiate both sides, collect, solve, the value, the solution."""
    s = started(CIRCLE)
    kinds = []
    while (hint := s.hint()) is not None:
        kinds.append(hint.kind)
    assert kinds == ["differentiate", "collect", "solve", "value", "solution"]


def test_guided_walk_over_the_tree() -> None:
    """Guided: the number of paths, each path's product, the sum; right at the end earns
    at most the guided credit, and a wrong step is diagnosed."""
    s = started(MV_FREE)
    walk = s.tree_walk()
    first = walk.submit("1")
    assert not first.ok and first.mistake == "missing_path"
    s.walk_step(first)
    for text in ("2", "2x*y*2", "x^2*2t", "4x*y + 2t*x^2"):
        result = walk.submit(text)
        assert result.ok, text
        s.walk_step(result)
    round_ = s.rounds[-1]
    assert round_.outcome == "correct" and round_.guided and round_.credit == GUIDED_CREDIT


def test_an_equation_has_no_tree_walk() -> None:
    """The guided walk is the tree's; an equation says so (ValueError), the round goes on."""
    s = started(CIRCLE)
    with pytest.raises(ValueError, match="no guided walk"):
        s.tree_walk()
    assert s.current is not None and s.current.outcome is None


# -- drills ----------------------------------------------------------------------------------
def test_tree_codes_are_drillable() -> None:
    """quiz --mistake knows the tree's codes, and bank problems invite them."""
    known = codes()
    problems = [p for p in load().problems if p.graph]
    for code in ("missing_path", "extra_path", "wrong_variable", "forgot_dy_dx"):
        assert code in known
        assert any(invites(p, code) for p in problems), code
    assert not invites(MV_FREE, "forgot_dy_dx")


# -- the command line ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("multivariable", r"Find (d\w/d\w|∂\w/∂\w)", id="multivariable"),
        pytest.param("implicit", r"Find dy/dx at x = .*, with y a function of x", id="implicit"),
    ],
)
def test_quiz_asks_graph_types(kind: str, expected: str) -> None:
    """quiz --type shows the function line and the question, and the answer as solve works it."""
    result = runner.invoke(
        app, ["quiz", "--type", kind, "--count", "1", "--seed", "4"], input="a\n"
    )
    assert result.exit_code == 0, result.output
    assert f"· {kind} ·" in result.stdout
    assert re.search(expected, result.stdout)
    assert "The solution" in result.stdout


SEEDED = ("--count", "2", "--seed", "1")


def test_worksheet_draws_the_tree(tmp_path: Path) -> None:
    """The worksheet's key draws the tree: forest in LaTeX, nested lists in HTML."""
    tex, page = tmp_path / "w.tex", tmp_path / "w.html"
    for fmt, out in (("tex", tex), ("html", page)):
        result = runner.invoke(
            app,
            ["worksheet", "--format", fmt, "-o", str(out), "--type", "multivariable", *SEEDED],
        )
        assert result.exit_code == 0, result.output
    text = tex.read_text()
    assert "\\usepackage{forest}" in text and "\\begin{forest}" in text
    assert "Sum over the paths" in text and "\\partial" in text
    assert '<ul class="tree">' in page.read_text()


def test_worksheet_without_graph_types_has_no_forest(tmp_path: Path) -> None:
    """A worksheet of chain problems stays as it was: no forest package, no tree styles."""
    out = tmp_path / "w.tex"
    result = runner.invoke(
        app, ["worksheet", "--format", "tex", "-o", str(out), "--type", "trig", "--count", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "forest" not in out.read_text()


@pytest.mark.parametrize(
    ("args", "typed", "expected"),
    [
        pytest.param(
            ["w = x*y*z", "--where", "x = t", "--where", "y = t^2", "--where", "z = t^3"],
            "6t^5\n",
            "Correct — dw/dt = 6t⁵",
            id="tree",
        ),
        pytest.param(
            ["x^2 + y^2 = 25", "--implicit", "--at", "x=3,y=4"],
            "-3/4\n",
            "Correct — dy/dx = −3/4 here",
            id="implicit",
        ),
    ],
)
def test_practise_your_own_tree(args: list[str], typed: str, expected: str) -> None:
    """practise takes --where and --implicit and runs the same loop as the quiz."""
    result = runner.invoke(app, ["practise", *args], input=typed)
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_practise_refuses_a_tree_without_a_chain() -> None:
    """A function of the variable itself needs no chain rule: one line, exit 2."""
    result = runner.invoke(app, ["practise", "z = s*t", "--wrt", "s"])
    assert result.exit_code == 2
    assert "z depends on s directly only: no chain rule is needed" in result.output


def test_a_round_shows_no_decimals_left_over_from_the_last_one() -> None:
    """A round of decimals (1.05, 0.2) before an implicit problem: its exact −3/4 is still
    −3/4, not −0.75. Every round, graph types too, sets its own typed decimals."""
    from chainrule_cli.printing.sympy_nodes import keep_typed_decimals

    keep_typed_decimals("500000*1.05^t", "0.2")  # what the round before left behind
    args = ["practise", "x^2 + y^2 = 25", "--implicit", "--at", "x=3,y=4"]
    result = runner.invoke(app, args, input="-3/4\n")
    assert result.exit_code == 0, result.output
    assert "Correct — dy/dx = −3/4 here" in result.stdout
