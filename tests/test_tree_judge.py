"""Verdicts on tree and implicit answers (graph/judge.py, graph/implicit.py), the hints
and guided walk (graph/hints.py), and the commands that show them."""

from __future__ import annotations

import json
import time

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.hints import HINT_KINDS, TreeWalk, tree_hints
from chainrule_cli.graph.implicit import Implicit
from chainrule_cli.graph.judge import TreeJudge
from chainrule_cli.graph.treebuild import build_tree
from chainrule_cli.graph.treeslips import TREE_MISTAKES
from chainrule_cli.reading.equations import read_point
from tests.screens import GOLDEN, assert_golden, run_piped, visible

ST = ("z = x^2*y + sin(y)", ["x = s*t", "y = s + t^2"], "s", "s=1,t=2")
CT = ("z = x^2*y", ["x = cos t", "y = sin t"], None, "t=0")


def _judge(case: tuple[str, list[str], str | None, str], with_point: bool = False) -> TreeJudge:
    function, where, wrt, at = case
    tree = build_tree(function, where, wrt)
    return TreeJudge(tree, tree.point(read_point(at)) if with_point else None)


@pytest.mark.parametrize(
    ("case", "answer", "with_point", "correct", "mistake"),
    [
        pytest.param(
            ST, "s^2 t^2 + 2s t^2 (s + t^2) + cos(s + t^2)", False, True, None, id="substituted"
        ),
        pytest.param(ST, "2x y t + x^2 + cos y", False, True, None, id="in-intermediates"),
        pytest.param(ST, "44 + cos(5)", True, True, None, id="number-exact"),
        pytest.param(ST, "44.28", True, True, None, id="number-decimal"),
        pytest.param(ST, "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s", False, True, None, id="formula-partials"),
        pytest.param(
            ST, "dz/dx*dx/ds + dz/dy*dy/ds", False, True, None, id="formula-d-for-partial"
        ),
        pytest.param(ST, "∂z/∂x·t + ∂z/∂y", False, True, None, id="formula-half-worked"),
        pytest.param(ST, "∂z/∂x·∂x/∂s", False, False, "missing_path", id="formula-missing-path"),
        pytest.param(ST, "2x y t", False, False, "missing_path", id="missing-path"),
        pytest.param(
            ST,
            "∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s + ∂z/∂y·∂y/∂t",
            False,
            False,
            "extra_path",
            id="formula-extra-path",
        ),
        pytest.param(
            ST,
            "2x y t + x^2 + cos y + (x^2 + cos y) 2t",
            False,
            False,
            "extra_path",
            id="extra-path",
        ),
        pytest.param(
            ST,
            "∂z/∂x + ∂z/∂y·∂y/∂s",
            False,
            False,
            "forgot_inner_derivative",
            id="formula-forgot-factor",
        ),
        pytest.param(
            ST, "2x y + x^2 + cos y", False, False, "forgot_inner_derivative", id="forgot-factor"
        ),
        pytest.param(
            ST,
            "∂z/∂x·∂x/∂t + ∂z/∂y·∂y/∂s",
            False,
            False,
            "wrong_variable",
            id="formula-wrong-variable",
        ),
        pytest.param(
            ST, "2x y s + x^2 + cos y", False, False, "wrong_variable", id="wrong-variable"
        ),
        pytest.param(
            ST,
            "∂z/∂x + ∂x/∂s + ∂z/∂y·∂y/∂s",
            False,
            False,
            "added_instead_of_multiplied",
            id="formula-added",
        ),
        pytest.param(
            ST, "2x y + t + x^2 + cos y", False, False, "added_instead_of_multiplied", id="added"
        ),
        pytest.param(
            ST,
            "2(s+t^2)(st)t + (s+t^2)^2 + cos(st)",
            False,
            False,
            "substituted_wrong",
            id="substituted-swapped",
        ),
        pytest.param(CT, "2x*y*(-sin t) + x^2*cos t", True, True, None, id="issue-example"),
        pytest.param(CT, "1", True, True, None, id="issue-example-value"),
        pytest.param(CT, "dz/dx*dx/dt + dz/dy*dy/dt", False, True, None, id="issue-formula"),
        pytest.param(CT, "2x*y*(-sin t)", False, False, "missing_path", id="issue-missing"),
        pytest.param(
            CT,
            "2x y + x^2",
            False,
            False,
            "forgot_inner_derivative",
            id="every-inner-factor-forgotten",
        ),
        pytest.param(CT, "2x y sin(t) + x^2 cos t", False, False, None, id="sign-slip-unnamed"),
    ],
)
def test_verdicts(
    case: tuple[str, list[str], str | None, str],
    answer: str,
    with_point: bool,
    correct: bool,
    mistake: str | None,
) -> None:
    """Right answers in the four forms are accepted by exact algebra; each typical
    wrong answer is caught and named by its mistake code."""
    verdict = _judge(case, with_point).check(answer)
    assert (verdict.correct, verdict.mistake) == (correct, mistake), verdict.feedback
    if correct:
        assert verdict.method in ("symbolic", "precise", "exact")


def test_every_mistake_code_is_documented() -> None:
    """The seven codes the issue names are the judge's, each with a sentence."""
    assert set(TREE_MISTAKES) == {
        "missing_path",
        "extra_path",
        "forgot_inner_derivative",
        "wrong_variable",
        "added_instead_of_multiplied",
        "substituted_wrong",
        "forgot_dy_dx",
    }


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        pytest.param(
            "q + 1", "q is not a variable here: write the answer in s, t and x, y", id="unknown"
        ),
        pytest.param(
            "z", "z is the dependent variable: write the answer in s, t and x, y", id="dependent"
        ),
        pytest.param(
            "2x y (", "the expression ends too early: something is missing", id="unbalanced"
        ),
    ],
)
def test_unreadable_answers(answer: str, message: str) -> None:
    """An answer that cannot be read is an input error, never a verdict."""
    with pytest.raises(InputError) as info:
        _judge(ST).check(answer)
    assert info.value.message == message


def test_a_near_miss_is_not_accepted() -> None:
    """A coefficient off by 10⁻¹² is wrong: numbers may reject, only algebra accepts."""
    verdict = _judge(ST).check("2.000000000001 x y t + x^2 + cos y")
    assert not verdict.correct


# -- implicit --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("equation", "answer", "at", "correct", "mistake"),
    [
        pytest.param("x^2 + y^2 = 25", "-x/y", None, True, None, id="circle"),
        pytest.param("x^2 + y^2 = 25", "-3/4", "x=3,y=4", True, None, id="circle-at-point"),
        pytest.param(
            "x^2 + y^2 = 25", "(y^2 - 25)/(x y)", None, True, None, id="equal-on-the-curve"
        ),
        pytest.param("x^2 + y^2 = 25", "-y/x", None, False, "wrong_variable", id="upside-down"),
        pytest.param("x^2 + y^2 = 25", "x/y", None, False, None, id="sign"),
        pytest.param("x^3 + y^3 = 6xy", "(2y - x^2)/(y^2 - 2x)", None, True, None, id="folium"),
        pytest.param(
            "x^3 + y^3 = 6xy",
            "(6y + 6x - 3x^2)/(3y^2)",
            None,
            False,
            "forgot_dy_dx",
            id="folium-forgot",
        ),
        pytest.param("sin(x y) = x", "(1 - y cos(x y))/(x cos(x y))", None, True, None, id="trig"),
    ],
)
def test_implicit_verdicts(
    equation: str, answer: str, at: str | None, correct: bool, mistake: str | None
) -> None:
    """dy/dx is judged in x and y (equal on the curve counts), and forgot_dy_dx is named."""
    imp = Implicit.from_text(equation)
    point = imp.point(read_point(at)) if at else None
    verdict = imp.check(answer, point)
    assert (verdict.correct, verdict.mistake) == (correct, mistake), verdict.feedback


def test_a_point_off_the_curve_is_refused_with_the_miss() -> None:
    """A point not on the curve is refused, saying by how much it misses."""
    imp = Implicit.from_text("x^2 + y^2 = 25")
    with pytest.raises(ChainruleError) as info:
        imp.point(read_point("x=3,y=5"))
    assert str(info.value) == (
        "(x, y) = (3, 5) is not on the curve: the left side is 34 there and the right side 25, "
        "a miss of 9"
    )


def test_implicit_is_the_tree_shortcut() -> None:
    """dy/dx from collecting terms is −F_x/F_y."""
    imp = Implicit.from_text("x^3 + y^3 = 6xy")
    assert sp.simplify(imp.derivative + imp.F_x / imp.F_y) == 0


# -- hints and the guided walk ----------------------------------------------------------------
def test_hints_come_outermost_first() -> None:
    """Tree, paths, factors, sum, substitution, value: in that order."""
    tree = build_tree("w = x*y*z", ["x = t", "y = t^2", "z = t^3"], None)
    hints = tree_hints(tree, {"t": sp.Integer(1)})
    assert [h.kind for h in hints] == list(HINT_KINDS)
    assert hints[-1].text == "At t = 1: dw/dt = 6."


@pytest.mark.parametrize(
    ("entries", "mistakes", "oks"),
    [
        pytest.param(
            ["3", "y*z", "2t x z", "3t^2 x y", "6t^5"], [None] * 5, [True] * 5, id="all-right"
        ),
        pytest.param(["2", "3"], ["missing_path", None], [False, True], id="too-few-paths"),
        pytest.param(
            ["3", "y + z + 1", "y*z"], [None, None, None], [True, False, True], id="product-retry"
        ),
        pytest.param(
            ["3", "y*z", "x z + 2t", "x z"],
            [None, None, "added_instead_of_multiplied", "forgot_inner_derivative"],
            [True, True, False, False],
            id="two-misses-reveal",
        ),
    ],
)
def test_guided_walk(entries: list[str], mistakes: list[str | None], oks: list[bool]) -> None:
    """The walk asks paths, products, the sum; two tries a step, each miss diagnosed."""
    walk = TreeWalk(build_tree("w = x*y*z", ["x = t", "y = t^2", "z = t^3"], None))
    results = [walk.submit(e) for e in entries]
    assert [r.ok for r in results] == oks
    assert [r.mistake for r in results] == mistakes
    if entries[-1] == "x z":
        assert results[-1].revealed and results[-1].expected == 2 * sp.Symbol(
            "t", real=True
        ) * sp.Symbol("x", real=True) * sp.Symbol("z", real=True)


# -- the JSON contract -------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    a=st.integers(1, 4),
    b=st.integers(-3, 3).filter(bool),
    s0=st.integers(-2, 2),
    t0=st.integers(-2, 2),
    shape=st.sampled_from(["x^2*y + sin(y)", "x*exp(y)", "x/(y^2 + 1)", "cos(x*y) + x"]),
)
def test_every_equation_in_the_json_holds(a: int, b: int, s0: int, t0: int, shape: str) -> None:
    """Each factor is the partial derivative it names, the formula is the sum of path
    products, the derivative is sympy.diff, and the value is it at the point."""
    tree = build_tree(f"z = {shape}", [f"x = {a}s*t", f"y = s + {b}t^2"], "s")
    point = {"s": sp.Integer(s0), "t": sp.Integer(t0)}
    data = json.loads(json.dumps(tree.to_json(point)))
    names = {n: sp.Symbol(n, real=True) for n in "zxyst"}
    where = {names[k]: sp.sympify(v, locals=names) for k, v in data["where"].items()}
    function = sp.sympify(data["function"], locals=names)
    definitions = {"z": function, **{str(k): v for k, v in where.items()}}
    total = 0
    for path in data["paths"]:
        product = 1
        for edge in path:
            factor = sp.sympify(edge["expression"], locals=names)
            assert sp.simplify(factor - sp.diff(definitions[edge["from"]], names[edge["to"]])) == 0
            symbol = "∂" if edge["symbol"].startswith("∂") else "d"
            assert edge["symbol"] == f"{symbol}{edge['from']}/{symbol}{edge['to']}"
            product *= factor
        assert path[-1]["to"] == data["wrt"]
        total += product
    assert sp.simplify(total - sp.sympify(data["unsubstituted"], locals=names)) == 0
    substituted = function.subs(where).subs(where)
    derivative = sp.sympify(data["derivative"], locals=names)
    assert sp.simplify(derivative - sp.diff(substituted, names["s"])) == 0
    assert data["formula"] == " + ".join(
        "·".join(edge["symbol"] for edge in path) for path in data["paths"]
    )
    value = sp.sympify(data["value"], locals=names)
    assert sp.simplify(value - derivative.subs({names["s"]: s0, names["t"]: t0})) == 0


# -- the commands ------------------------------------------------------------------------------
SCREENS = {
    "tree_solve": [
        "solve",
        "z = x^2*y + sin(y)",
        "--where",
        "x = s*t",
        "--where",
        "y = s + t^2",
        "--wrt",
        "s",
        "--at",
        "s=1,t=2",
    ],
    "tree_clp3": ["solve", "f = x*u", "--where", "u = x^2 + y", "--wrt", "x", "--at", "x=1,y=2"],
    "tree_implicit": ["solve", "x^2 + y^2 = 25", "--implicit", "--at", "x=3,y=4"],
    "tree_check": [
        "check",
        "z = x^2*y",
        "2x*y*(-sin t) + x^2*cos t",
        "--where",
        "x = cos t",
        "--where",
        "y = sin t",
        "--at",
        "t=0",
    ],
}


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("name", list(SCREENS))
def test_screens(name: str, width: int) -> None:
    """solve and check on a tree, through a pipe with NO_COLOR, fit the width and match
    their golden transcripts."""
    proc = run_piped(SCREENS[name], width)
    assert proc.returncode == 0, proc.stderr
    assert_golden(GOLDEN / f"{name}_{width}.txt", visible(proc.stdout, width, colour=False))


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        pytest.param(
            ["check", "z = x^2*y", "2x*y*(-sin t)", "--where", "x = cos t", "--where", "y = sin t"],
            1,
            "",
            id="wrong-exits-1",
        ),
        pytest.param(
            ["solve", "z = x*y", "--where", "x = s"],
            2,
            "error: --wrt is needed: z depends on s and y (e.g. --wrt s)\n",
            id="wrt-needed",
        ),
        pytest.param(
            ["solve", "x^2 + y^2 = 25", "--implicit", "--at", "x=3,y=5"],
            2,
            "error: (x, y) = (3, 5) is not on the curve: the left side is 34 there and the right side 25, a miss of 9\n",
            id="off-the-curve",
        ),
        pytest.param(
            ["solve", "z = x*y", "--where", "x = s*)", "--wrt", "s"],
            2,
            "error: expected something after '*', found ')'\n  x = s*)\n        ^\n",
            id="caret",
        ),
        pytest.param(
            ["solve", "z = x^y", "--wrt", "x", "--at", "x=9^9,y=9^9"], 2, None, id="hostile"
        ),
    ],
)
def test_exit_codes_and_errors(args: list[str], code: int, stderr: str | None) -> None:
    """Wrong answers exit 1; bad input is one line (with a caret for maths) and exits 2,
    within 3 s even for hostile input."""
    start = time.monotonic()
    proc = run_piped(args, 80)
    assert time.monotonic() - start < 3 + 2  # the start-up of a fresh interpreter included
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if stderr is not None:
        assert proc.stderr == stderr


def test_solve_json_fields() -> None:
    """solve --json carries the fields the issue lists."""
    proc = run_piped([*SCREENS["tree_solve"], "--json"], 80)
    data = json.loads(proc.stdout)
    assert {
        "dependent",
        "where",
        "independent",
        "wrt",
        "paths",
        "formula",
        "derivative",
        "unsubstituted",
        "value",
    } <= set(data)
    assert data["value"] == "cos(5) + 44"
    proc = run_piped([*SCREENS["tree_implicit"], "--json"], 80)
    assert {"derivative", "value"} <= set(json.loads(proc.stdout))
