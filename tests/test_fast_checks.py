"""The cheaper paths of checking (issue 16) give exactly what the exact ones give.

* ``numeric.closures`` evaluates an expression as ``lambdify`` does, without
  printing and compiling Python source;
* a bank problem's derivative is settled by numbers (``numeric.slope``) and
  only handed to ``sympy.diff`` when numbers cannot settle it: a wrong
  derivative is never settled by numbers;
* unevaluated trees are built without ``sympy.evaluate(False)``, which empties
  SymPy's cache on the way in and out: the trees are the same;
* the shipped bank is proven when it is built (``problems/proven.json``), and
  that file is current;
* ``chainrule solve`` builds only its own command.

Nothing here is timed: ``bench/run.py`` measures the speed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli import cli
from chainrule_cli.bank import check as checks
from chainrule_cli.bank import load as banks
from chainrule_cli.bank import valcache
from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import Problem, load, shipped_bank
from chainrule_cli.cli import app
from chainrule_cli.errors import ChainruleError
from chainrule_cli.maths import analysis as analyses
from chainrule_cli.maths import rules
from chainrule_cli.maths.mistakes import mistakes
from chainrule_cli.maths.numeric import Undefined, closures, float_function, slope
from chainrule_cli.reading import syntax
from chainrule_cli.reading.parsing import parse, symbol
from tests.differential import _differs
from tests.functions import functions
from tests.screens import IN_STEP

ROOT = Path(__file__).resolve().parent.parent
X = sp.Symbol("x", real=True)
runner = CliRunner()
FUNCTIONS = functions(120, seed=16)
SHIPPED = [p for p in load().problems if not p.applied and not p.graph]  # one variable


def lambdified(expr: sp.Expr) -> Callable[[float], Any]:
    """The reference: what ``float_function`` compiled before (lambdify over ``math``)."""
    from chainrule_cli.maths.numeric import _real_forms

    return sp.lambdify(X, _real_forms(expr), modules=["math"], docstring_limit=0)  # type: ignore[no-any-return]


def outcome(f: Callable[[float], Any], v: float) -> complex | str:
    """A value, or "undefined" where ``float_function`` would say so (an error, inf, nan)."""
    try:
        value = complex(f(v))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return "undefined"
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return "undefined"
    return value


def same(a: complex | str, b: complex | str) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


# -- closures are lambdify without the compiler --------------------------------------------
TRICKY = [
    sp.sec(X) ** 2 * sp.tan(3 * X),
    sp.sqrt(1 - X**2),
    1 / sp.sqrt(X**2 + 1),
    (2 * X - 5) ** -2,
    sp.cbrt(X),
    X ** sp.Rational(2, 3),
    2**X * sp.log(2),
    sp.pi * X + sp.E,
    sp.Float("1.5") * X,
    sp.asec(X) + sp.acsc(X) + sp.acot(X),
    sp.Abs(X) * sp.sqrt(X**2 - 1),
    sp.exp(sp.exp(X)),
    sp.Integer(2) ** 118 * sp.sec(X),
    sp.log(X) / sp.log(10),
    sp.asinh(X) + sp.acosh(X) + sp.atanh(X / 20),
]
#: Where lambdify writes sech u with exponentials it overflows from |u| ≈ 709.8, closures
#: (1/cosh u) from 710.5: the points avoid that sliver.
POINTS = [0.0, 1.0, -1.0, 0.37, -0.6, 2.2, -4.2, 9.1, 700.0, 720.0, -1e6, 1e-300]


@pytest.mark.parametrize("expr", TRICKY, ids=[str(e) for e in TRICKY])
def test_closures_compute_what_lambdify_computes(expr: sp.Expr) -> None:
    """Same values, and undefined at the same points (poles, domain edges, overflow)."""
    fast = closures(expr, X)
    assert fast is not None
    slow = lambdified(expr)
    for v in POINTS:
        assert same(outcome(fast, v), outcome(slow, v)), (expr, v)


def truth(expr: sp.Expr, variable: sp.Symbol, v: float) -> complex | str:
    """The value at 30 digits (mpmath), as a float, or "undefined" (a pole, a log of 0).

    Odd roots of negatives are real, by the tool's one rule (``roots.real_branch``).
    """
    import mpmath

    from chainrule_cli.reading.roots import real_branch

    exact = real_branch(expr).subs(variable, sp.Rational(v))
    if exact.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return "undefined"  # a pole on the way: mpmath's cot(0) is a huge number, not ∞
    with mpmath.workdps(30):
        f = sp.lambdify(variable, real_branch(expr), modules="mpmath")
        try:
            value = complex(f(mpmath.mpf(v)))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return "undefined"
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return "undefined"  # beyond the floats: no usable value either way
    return value


def _conditioning(expr: sp.Expr, variable: sp.Symbol, v: float) -> float:
    """How far the true value moves when v moves by 4 ulps either way: the error any
    float evaluation may have from rounding v and its intermediate results."""
    step = 4 * math.ulp(v) if v else 0.0
    values = [truth(expr, variable, w) for w in (v - step, v + step)]
    if any(isinstance(w, str) for w in values):
        return 0.0
    right = truth(expr, variable, v)
    assert not isinstance(right, str)
    return max(abs(w - right) for w in values)  # type: ignore[operator]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(FUNCTIONS),
    st.floats(-12, 12).filter(lambda v: v == 0 or abs(v) >= 1e-3),
)
@example(text="sec(cot(3(x)))", v=0.0)  # cot 0 is a pole, not mpmath's huge number
@example(text="(((sin((x^3-2x)^2))^2+2)^(1/3))*(tan(3x+1))", v=-10.94921875)  # ill-conditioned
def test_closures_agree_with_lambdify_on_generated_derivatives(text: str, v: float) -> None:
    """Every derivative and every mistake the tool builds, at the points a check uses: the
    values of lambdify, or where lambdify is wrong the true ones. (lambdify writes cot u
    as cos u/cos(u − π/2), finite at u = 0; its running products can overflow.) Points
    like 10⁻²⁷³ are left out: there csc(csc x) is the sine of a number no float holds
    exactly, and neither way of computing it means anything."""
    analysis = analyses.analyse(text)
    for expr in [analysis.expr, analysis.derivative, *(m.derivative for m in mistakes(analysis))]:
        fast = closures(expr, analysis.variable)
        assert fast is not None, expr
        slow = sp.lambdify(analysis.variable, expr, modules=["math"], docstring_limit=0)
        if expr.has(sp.asec, sp.acsc, sp.acot):
            continue  # lambdify needs _real_forms for these: covered by the table above
        ours = outcome(fast, v)
        if not same(ours, outcome(slow, v)):
            right = truth(expr, analysis.variable, v)
            if isinstance(ours, str) or isinstance(right, str):
                assert ours == right, (expr, v)
            else:
                # Floats cannot beat the function's own conditioning: sin((x³ − 2x)²) at
                # x = −10.9 moves by 10⁻⁸ of itself when x moves by a few ulps.
                spread = _conditioning(expr, analysis.variable, v)
                assert abs(ours - right) <= 1e-9 * max(1.0, abs(right)) + spread, (expr, v)


@pytest.mark.parametrize("v", [1e-300, 1e-9, 0.37, -2.2, 30.0, 700.0, -705.0])
def test_hyperbolic_reciprocals_are_right_where_lambdify_cancels(v: float) -> None:
    """lambdify writes coth u as (eᵘ + e⁻ᵘ)/(eᵘ − e⁻ᵘ), which cancels near 0 (coth 10⁻³⁰⁰ is
    "undefined") and overflows from 709.8; closures use 1/tanh u. Checked against mpmath."""
    import mpmath

    expr = sp.sech(X) * sp.tanh(X) + sp.csch(X) + sp.coth(X)
    fast = closures(expr, X)
    assert fast is not None
    with mpmath.workdps(40):
        u = mpmath.mpf(v)
        truth = mpmath.sech(u) * mpmath.tanh(u) + mpmath.csch(u) + mpmath.coth(u)
    assert fast(v) == pytest.approx(float(truth), rel=1e-13)


def test_an_unknown_node_goes_to_lambdify() -> None:
    """``closures`` declines what it does not know; ``float_function`` still works."""
    expr = sp.gamma(X) + sp.sin(X)
    assert closures(expr, X) is None
    assert float_function(expr, X)(2.0) == pytest.approx(1 + math.sin(2.0))
    with pytest.raises(Undefined):
        float_function(sp.log(X), X)(-1.0)


# -- numbers settle the derivative, sympy.diff decides the rest ------------------------------
@pytest.mark.parametrize(
    ("text", "at"),
    [("(3x+1)^2", 1.0), ("sin(x^2)", 9.1), ("e^(-x^2)", -2.6), ("ln(x^2+1)", 0.05)],
)
def test_slope_is_the_derivative_to_ten_figures(text: str, at: float) -> None:
    analysis = analyses.analyse(text)
    exact = float(sp.diff(analysis.expr, analysis.variable).subs(analysis.variable, at))
    estimate = slope(float_function(analysis.expr, analysis.variable), at)
    assert estimate == pytest.approx(exact, rel=1e-9, abs=1e-9)


def settled(analysis: Any, derivative: sp.Expr) -> bool:
    return checks._agrees_with_numbers(
        float_function(derivative, analysis.variable),
        float_function(analysis.expr, analysis.variable),
    )


@pytest.mark.parametrize("problem", SHIPPED, ids=[p.id for p in SHIPPED])
def test_numbers_never_settle_a_wrong_derivative(problem: Problem) -> None:
    """Every mistake the tool can make up for a shipped problem (where it really differs from
    the right derivative) is left to sympy.diff; the right one is settled or left to it."""
    analysis = analyses.analyse(problem.expression, problem.variable)
    oracle = sp.diff(analysis.expr, analysis.variable)
    for mistake in mistakes(analysis):
        if _differs(
            mistake.derivative.subs(analysis.variable, X), oracle.subs(analysis.variable, X)
        ):
            assert not settled(analysis, mistake.derivative), mistake.code


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(FUNCTIONS), st.sampled_from([2, -1, sp.Rational(1, 2)]))
def test_numbers_never_settle_a_scaled_or_shifted_derivative(text: str, factor: Any) -> None:
    analysis = analyses.analyse(text)
    right = analysis.derivative
    for wrong in (factor * right, right + factor, right + factor * analysis.variable):
        if _differs(wrong.subs(analysis.variable, X), right.subs(analysis.variable, X)):
            assert not settled(analysis, wrong)


def test_numbers_settle_almost_every_shipped_problem() -> None:
    """The point of the fast path: sympy.diff is rarely needed (245 of 250 when written)."""
    done = [
        settled(a, a.derivative)
        for a in (analyses.analyse(p.expression, p.variable) for p in SHIPPED)
    ]
    assert sum(done) >= 0.9 * len(done)


def test_a_wrong_rule_tree_is_still_reported_by_sympy_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the rule tree: numbers do not settle it, sympy.diff names it."""
    real = analyses.analyse

    def broken(text: str, *args: Any, **kwargs: Any) -> Any:
        analysis = real(text, *args, **kwargs)
        return type(
            "Broken",
            (),
            {
                **{k: getattr(analysis, k) for k in ("expr", "variable", "tree")},
                "derivative": 2 * analysis.derivative,
            },
        )()

    monkeypatch.setattr(analyses, "analyse", broken)
    messages = check_problem(Problem("a", "trig", "sin(3x)"), cached=False)
    assert any("disagrees with sympy.diff" in m for m in messages)


def test_a_steep_problem_goes_to_sympy_diff_and_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = sp.diff
    monkeypatch.setattr(sp, "diff", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert check_problem(Problem("a", "trig", "tan(e^(x^2+x))"), cached=False) == []
    assert calls  # numbers could not settle it (tan of e^12 at 3.4 varies too fast)
    calls.clear()
    assert check_problem(Problem("b", "trig", "sin(3x^2)"), cached=False) == []
    assert not calls  # numbers could


# -- unevaluated trees without emptying SymPy's cache --------------------------------------
def canonical(expr: Any) -> Any:
    """The tree with every sum's terms in one order: two trees that differ only there match."""
    if not expr.args:
        return sp.srepr(expr)
    parts = [canonical(a) for a in expr.args]
    if expr.is_Add:
        parts = sorted(parts, key=repr)
    return (type(expr).__name__, tuple(parts))


@pytest.mark.parametrize("text", FUNCTIONS[:60])
def test_unevaluated_substitution_is_the_old_one(text: str) -> None:
    """``replace_unevaluated`` builds what xreplace inside evaluate(False) built, a rebuilt
    sum's terms in the order they print in ((x²)² − 1, where xreplace gave −1 + (x²)²)."""
    analysis = analyses.analyse(text)
    u = rules._u()
    for node in analysis.tree.walk():
        if getattr(node, "outer", None) is None or getattr(node, "inner", None) is None:
            continue
        for form in (node.o.derivative, node.o.form):
            with sp.evaluate(False):
                old = form.xreplace({u: node.g.written})
            new = syntax.replace_unevaluated(form, {u: node.g.written})
            assert canonical(new) == canonical(old)


@pytest.mark.parametrize("text", [*FUNCTIONS[:60], *(p.expression for p in SHIPPED[:60])])
def test_written_trees_are_built_as_before(text: str) -> None:
    """``to_sympy(evaluate=False)`` builds what it built inside evaluate(False)."""
    tree = parse(text, "x")
    x = symbol("x")
    with sp.evaluate(False):
        old = syntax.to_sympy(tree, x, evaluate=False)
    assert sp.srepr(syntax.to_sympy(tree, x, evaluate=False)) == sp.srepr(old)


def test_a_rebuilt_sum_prints_in_textbook_order() -> None:
    from chainrule_cli.printing.mathtext import show

    u = rules._u()
    x = symbol("x")
    form = 1 / sp.sqrt(u**2 - 1)
    written = sp.Pow(x, 2, evaluate=False)
    assert show(syntax.replace_unevaluated(form, {u: written}), ordered=False) == "1/√((x²)² − 1)"


def test_solving_never_empties_sympys_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """SymPy's cache lives on between problems (it empties whenever evaluate() is toggled)."""
    import sympy.core.parameters as parameters

    emptied: list[int] = []
    monkeypatch.setattr(parameters, "clear_cache", lambda: emptied.append(1))
    from chainrule_cli.maths.solution import solve

    for text in ("(3x+1)^2", "e^(2sin(x^2))", "x*sin(3x)", "log_2(x^2+1)", "sqrt(1-4x)"):
        solve(text, at="1/5")
        check_problem(Problem("a", "power", text), cached=False)
    assert emptied == []


# -- the shipped bank, proven when built ----------------------------------------------------
def test_the_shipped_proofs_are_current() -> None:
    """problems/proven.json names this code and exactly the shipped problems that pass now.

    When this fails after a change to chainrule_cli/*.py or the bank, run
    ``python scripts/prove_bank.py``.
    """
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import prove_bank
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    data = json.loads((shipped_bank() / valcache.SHIPPED_FILE).read_text("utf-8"))
    assert data["stamp"] == valcache.content_stamp(), "run: python scripts/prove_bank.py"
    assert sorted(data["proven"]) == sorted(prove_bank.proven_keys())
    assert (shipped_bank() / valcache.SHIPPED_FILE).read_text("utf-8") == valcache.manifest(
        prove_bank.proven_keys()
    )
    valcache.shipped_proofs.cache_clear()
    assert len(valcache.shipped_proofs()) == len({valcache.key(p) for p in load().problems})


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            lambda keys: {"format": 1, "stamp": "0" * 24, "proven": keys}, id="other-code"
        ),
        pytest.param(lambda keys: {"format": 2, "stamp": None, "proven": keys}, id="other-format"),
        pytest.param(lambda keys: keys, id="not-a-mapping"),
        pytest.param(None, id="not-json"),
    ],
)
def test_proofs_from_other_code_prove_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: Any
) -> None:
    problem = Problem("a", "trig", "sin(3x)")
    keys = [valcache.key(problem)]
    body = b"{not json" if content is None else json.dumps(content(keys)).encode()
    if content is not None and isinstance(content(keys), dict) and content(keys)["stamp"] is None:
        body = json.dumps({**content(keys), "stamp": valcache.content_stamp()}).encode()
    (tmp_path / valcache.SHIPPED_FILE).write_bytes(body)
    monkeypatch.setattr(banks, "shipped_bank", lambda: tmp_path)
    valcache.shipped_proofs.cache_clear()
    try:
        assert valcache.shipped_proofs() == frozenset()
        (tmp_path / valcache.SHIPPED_FILE).write_text(valcache.manifest(keys), "utf-8")
        valcache.shipped_proofs.cache_clear()
        assert valcache.shipped_proofs() == frozenset(keys)  # the same keys, from this code
    finally:
        valcache.shipped_proofs.cache_clear()


def test_no_cache_checks_every_problem_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bank validate --no-cache`` checks what was proven before, and proven.json's problems."""
    checked: list[str] = []
    real = checks._check_now
    monkeypatch.setattr(
        checks,
        "_check_now",
        lambda p, limit=checks.CHECK_LIMIT, cut_short=False: (
            checked.append(p.id) or real(p, limit, cut_short)
        ),
    )
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "problems:\n  - {id: a, type: trig, expression: 'sin(3x)'}\n"
        "  - {id: b, type: log, expression: 'ln(x^2+1)', at: 1}\n",
        encoding="utf-8",
    )
    for _ in range(2):
        result = runner.invoke(app, ["bank", "validate", "--no-cache", str(bank)])
        assert result.exit_code == 0, result.output
    assert sorted(checked) == ["a", "a", "b", "b"]
    checked.clear()
    assert runner.invoke(app, ["bank", "validate", str(bank)]).exit_code == 0
    assert checked == []  # what --no-cache proved is remembered


# -- one command built, not twenty -----------------------------------------------------------
def test_solve_builds_only_its_own_command() -> None:
    """``chainrule solve`` imports neither the other commands nor the other views."""
    code = IN_STEP + (  # its time limits kept in step with the CPU it gets (tests/screens.py)
        "import sys, atexit\n"
        "atexit.register(lambda: sys.stderr.write(' '.join(sorted(m for m in sys.modules "
        "if m.startswith('chainrule_cli.')))))\n"
        "sys.argv = ['chainrule', 'solve', '(3x+1)^2', '--at', '1']\n"
        "from chainrule_cli.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "dy/dx" in proc.stdout or "dy" in proc.stdout
    loaded = set(proc.stderr.split())
    assert "chainrule_cli.cli.solve" in loaded
    for module in (
        "cli.quiz",
        "cli.play",
        "cli.bank",
        "cli.progress",
        "cli.takeaway",
        "render.quiz",
        "render.hints",
        "render.guided",
        "render.progress",
        "render.lessons",
        "render.bank",
    ):
        assert f"chainrule_cli.{module}" not in loaded


def test_the_whole_app_lists_every_command_in_order() -> None:
    """After one command was built, the whole app still has every command, in the help's order."""
    cli.application("solve")
    whole = cli.application()
    names = [
        c.name or (c.callback.__name__ if c.callback else "") for c in whole.registered_commands
    ]
    expected = [n for module, group in cli.COMMANDS.items() if module != "bank" for n in group]
    assert [n.replace("_", "-") for n in names] == expected
    assert [g.name for g in whole.registered_groups] == ["bank"]
    assert cli.command_word(["--version"]) is None
    assert cli.command_word(["bank", "list"]) == "bank"


def test_every_command_runs_alone(tmp_path: Path) -> None:
    """Each command name reaches its own command when it is the only one built."""
    for module, group in cli.COMMANDS.items():
        for name in group:
            proc = subprocess.run(
                [sys.executable, "-m", "chainrule_cli", name, "--help"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == 0, (name, proc.stderr)
            assert f"chainrule {name}" in proc.stdout, (module, name)


def test_problem_errors_still_raise() -> None:
    """A problem the parser refuses is still reported (the fast path never hides an error)."""
    messages = check_problem(Problem("a", "trig", "sin(3x"), cached=False)
    assert messages and "cannot read" in messages[0]
    with pytest.raises(ChainruleError):
        analyses.analyse("sin(")
