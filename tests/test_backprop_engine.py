"""The backprop engine: published examples, JSON, DOT, paths, the check, and random graphs vs SymPy."""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.engine import solve

runner = CliRunner()

CS231N = ("f = (x + y)*z", "x=-2,y=5,z=-4", ())
NEURON = ("f = sigmoid(w0*x0 + w1*x1 + w2)", "w0=2,x0=-1,w1=-3,x1=-2,w2=-3", ())
CIRCUIT = ("f = 2*(x*y + max(z, w))", "x=3,y=-4,z=2,w=-1", ())
COLAH = ("e = (a + b)*(b + 1)", "a=2,b=1", ())
MICROGRAD = ("f = -a^3 + sin(3b) - 1/c + b^2.5 - sqrt(a)", "a=2,b=3,c=4", ())

GOLDENS = [
    pytest.param(*CS231N, -12, {"x": -4, "y": -4, "z": 3}, 0, id="cs231n-add-multiply"),
    pytest.param(
        *NEURON,
        0.7311,
        {"w0": -0.20, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.20},
        0.005,
        id="cs231n-sigmoid-neuron",
    ),
    pytest.param(*CIRCUIT, -20, {"x": -8, "y": 6, "z": 2, "w": 0}, 0, id="cs231n-max-circuit"),
    pytest.param(*COLAH, 6, {"a": 2, "b": 5}, 0, id="colah"),
    pytest.param(
        *MICROGRAD, 6.3364, {"a": -12.354, "b": 10.257, "c": 0.0625}, 0.0005, id="micrograd"
    ),
]


@pytest.mark.parametrize(("expr", "at", "where", "value", "grads", "tol"), GOLDENS)
def test_published_examples(expr, at, where, value, grads, tol) -> None:  # type: ignore[no-untyped-def]
    """Each published example gives the published value and gradients (exactly when exact)."""
    graph = solve(expr, at, where)
    if tol == 0:
        assert graph.out.value == value
        assert graph.gradients() == {k: Fraction(v) for k, v in grads.items()}
    else:
        assert abs(float(graph.out.value) - value) < 1e-3
        for name, expected in grads.items():
            assert abs(float(graph.gradients()[name]) - expected) <= tol


@pytest.mark.parametrize(("expr", "at", "where", "value", "grads", "tol"), GOLDENS)
def test_published_examples_in_json(expr, at, where, value, grads, tol) -> None:  # type: ignore[no-untyped-def]
    """--json carries exactly the documented fields and the published numbers."""
    result = runner.invoke(app, ["backprop", expr, "--at", at, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"nodes", "output", "value", "gradients", "check"}
    for node in data["nodes"]:
        assert set(node) == {"name", "op", "inputs", "value", "local", "grad"}
        assert len(node["local"]) == len(node["inputs"])
    assert abs(data["value"] - value) < 1e-3
    for name, expected in grads.items():
        assert abs(data["gradients"][name] - expected) <= max(tol, 1e-12)
    for check in data["check"]:
        assert {"input", "estimate", "step", "relative_error"} <= set(check)
        assert check["relative_error"] < 1e-7


@pytest.mark.parametrize(("expr", "at", "where", "value", "grads", "tol"), GOLDENS)
def test_published_examples_in_the_table(expr, at, where, value, grads, tol) -> None:  # type: ignore[no-untyped-def]
    """The staged table shows each input's gradient and the output's value."""
    result = runner.invoke(app, ["backprop", expr, "--at", at], env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("−", "-")
    assert "Gradient check" in out
    rows = {
        line.split()[1]: line
        for line in out.splitlines()
        if re.match(r"^\s*\d+\s+\w+\s+input", line)
    }
    for name, expected in grads.items():
        shown = rows[name].rstrip().split()[-1]
        assert abs(float(Fraction(shown)) - expected) <= max(tol, 1e-12), rows[name]


def test_staged_names_with_where() -> None:
    """--where names the node CS231n calls q, used by name or matched in the expression."""
    for expr in ("f = q*z", "f = (x + y)*z"):
        graph = solve(expr, "x=-2,y=5,z=-4", ["q = x + y"])
        assert [n.name for n in graph.nodes] == ["x", "y", "z", "q", "f"]
        assert graph.node("q").grad == -4


def test_colah_names_in_order_and_forks() -> None:
    """Unnamed nodes get the next free letters in topological order; b is a fork (+=)."""
    graph = solve(*COLAH)
    assert [n.name for n in graph.nodes] == ["a", "b", "c", "d", "e"]
    assert [n.name for n in graph.forks()] == ["b"]
    assert [c.amount for c in graph.received(graph.node("b").index)] == [3, 2]  # from d, then c


def test_paths_sum_to_the_gradient() -> None:
    """Colah: the sum over paths of the products equals the accumulated gradient."""
    graph = solve(*COLAH)
    sums: dict[str, Fraction] = {}
    for path in graph.paths():
        end = graph.nodes[path.nodes[-1]].name
        sums[end] = sums.get(end, Fraction(0)) + path.product
    assert sums == graph.gradients()
    assert graph.path_count() == {"a": 1, "b": 2}
    assert graph.edges() == 5


def test_paths_command_says_paths_against_edges() -> None:
    """--paths lists each path and compares the count of paths with edges visited."""
    result = runner.invoke(app, ["backprop", *COLAH[:1], "--at", COLAH[1], "--paths"])
    assert result.exit_code == 0
    assert "3 paths in all; the backward pass visited 5 edges" in result.stdout
    assert "sum = 5; the backward pass gave 5" in result.stdout


def test_gradients_reset_each_pass() -> None:
    """A second backward pass gives the same gradients, not twice them."""
    graph = solve(*COLAH)
    graph.backward()
    graph.backward()
    assert graph.gradients() == {"a": 2, "b": 5}


def test_exact_where_the_gates_allow() -> None:
    """Sums, products, quotients, whole powers and σ(0) stay exact fractions."""
    graph = solve("f = sigmoid(x*y) / (x + 3)^2", "x=0,y=5")
    assert graph.out.value == Fraction(1, 18)
    assert graph.exact
    assert not solve(*NEURON).exact


def test_kink_is_flagged_and_the_check_says_why() -> None:
    """At relu's kink the node is flagged and the check explains it is unreliable."""
    graph = solve("f = relu(x - 1)*y", "x=1,y=3")
    assert any(n.kink for n in graph.nodes)
    check = {c.input: c for c in graph.check()}
    assert "kink" in check["x"].kink and "unreliable" in check["x"].kink
    tie = solve("f = max(z, w)", "z=2,w=2")
    assert tie.gradients() == {"z": Fraction(1, 2), "w": Fraction(1, 2)}
    assert any("unreliable" in c.kink for c in tie.check())


def test_check_reading_flags_a_wrong_gradient() -> None:
    """A tampered gradient reads as probably wrong (CS231n's scale)."""
    graph = solve(*CS231N)
    graph.node("x").grad = Fraction(4)
    check = {c.input: c for c in graph.check()}
    assert check["x"].reading == "probably wrong"
    assert check["y"].reading == "good"


# -- DOT ------------------------------------------------------------------------------------
_DOT_NODE = re.compile(r'^  n(\d+) \[label="((?:[^"\\]|\\.)*)"\];$')
_DOT_EDGE = re.compile(r'^  n(\d+) -> n(\d+) \[label="((?:[^"\\]|\\.)*)"\];$')


def parse_dot(text: str) -> tuple[dict[int, str], list[tuple[int, int]]]:
    """A strict parser for the DOT subset written: every line must be understood."""
    lines = text.splitlines()
    assert lines[0] == "digraph backprop {" and lines[-1] == "}"
    nodes: dict[int, str] = {}
    edges: list[tuple[int, int]] = []
    for line in lines[1:-1]:
        if line.strip() in ("rankdir=LR;", 'node [shape=record, fontname="Helvetica"];'):
            continue
        if m := _DOT_NODE.match(line):
            nodes[int(m.group(1))] = re.sub(r"\\(.)", r"\1", m.group(2))
        elif m := _DOT_EDGE.match(line):
            edges.append((int(m.group(1)), int(m.group(2))))
        else:
            raise AssertionError(f"not DOT this test reads: {line!r}")
    assert all(a in nodes and b in nodes for a, b in edges)
    return nodes, edges


def test_dot_file_parses_with_value_and_grad(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--dot writes DOT with "value | grad" on every node and one edge per input."""
    target = tmp_path / "graph.dot"
    result = runner.invoke(app, ["backprop", CS231N[0], "--at", CS231N[1], "--dot", str(target)])
    assert result.exit_code == 0, result.output
    nodes, edges = parse_dot(target.read_text())
    assert len(nodes) == 5 and len(edges) == 4
    assert nodes[4] == "f = a·z | value -12 | grad 1"
    assert nodes[0] == "x | value -2 | grad -4"


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "at", "message"),
    [
        pytest.param(
            "f = (x + y)*z",
            "x=-2,y=5",
            "unknown name 'z': give it a value with --at",
            id="missing-value",
        ),
        pytest.param("f = x*y", "x=1,y=2,w=3", "w is given a value", id="unused-value"),
        pytest.param("f = ln(x)", "x=-1", "ln is not defined", id="domain"),
        pytest.param("f = x^9^9^9", "x=2", "number too large", id="hostile"),
        pytest.param("f = max(x)", "x=1", "max takes 2 to 8 arguments", id="max-arity"),
        pytest.param(
            "f = relu x", "x=1", "relu needs its argument in brackets", id="relu-brackets"
        ),
        pytest.param("f = x/(y - 1)", "x=1,y=1", "divides by 0", id="divide-by-zero"),
        pytest.param("f = x*q", "x=1", "unknown name 'q'", id="unknown-name"),
        pytest.param("f = x", "x=1", "must compute something", id="nothing-computed"),
        pytest.param("f = x*y", "x=1,y", "write name=value", id="bad-point"),
    ],
)
def test_bad_input_is_one_line(expr: str, at: str, message: str) -> None:
    """Bad input ends with one clear line on stderr and exit status 2, never a traceback."""
    result = runner.invoke(app, ["backprop", expr, "--at", at])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_engine_errors_are_chainrule_errors() -> None:
    """The engine raises the package's own errors for bad input."""
    with pytest.raises(InputError):
        solve("f = x +", "x=1")
    with pytest.raises(ChainruleError):
        solve("f = sqrt(x)", "x=-4")


# -- random graphs against SymPy and centred differences --------------------------------------
NAMES = ("x", "y", "z", "w")
UNARY = ("sin", "cos", "exp", "tanh", "sigmoid", "square", "ln")


@st.composite
def graphs(draw):  # type: ignore[no-untyped-def]
    """A random graph as (expression, --where lines, point, SymPy expression, symbols):
    shared sub-expressions come from variables used again and from named nodes used twice."""
    symbols = {n: sp.Symbol(n, real=True) for n in NAMES}
    count = draw(st.integers(1, 4))
    names = list(NAMES[:count])
    pool: list[tuple[str, sp.Expr]] = [(n, symbols[n]) for n in names]
    where: list[str] = []
    for k in range(draw(st.integers(0, 2)) + 1):
        text, expr = _node(draw, pool)
        name = f"q{k}"
        where.append(f"{name} = {text}")
        pool.append((name, expr))
    text, expr = pool[-1]  # the last named node is always used; others may be used again
    text2, expr2 = _node(draw, pool)
    op = draw(st.sampled_from(["+", "*", "-"]))
    final = f"({text}) {op} ({text2})"
    total = {"+": expr + expr2, "*": expr * expr2, "-": expr - expr2}[op]
    values = {n: Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 3))) for n in names}
    return final, where, values, total, symbols


def _node(draw, pool):  # type: ignore[no-untyped-def]
    (a, ea), (b, eb) = draw(st.sampled_from(pool)), draw(st.sampled_from(pool))
    kind = draw(st.sampled_from(["+", "*", "-", "/", "unary", "max", "c*"]))
    if kind == "+":
        return f"{a} + {b}", ea + eb
    if kind == "-":
        return f"{a} - {b}", ea - eb
    if kind == "*":
        return f"{a}*{b}", ea * eb
    if kind == "/":
        return f"{a}/(1 + {b}^2)", ea / (1 + eb**2)
    if kind == "max":
        return f"max({a}, {b})", sp.Max(ea, eb)
    if kind == "c*":
        c = draw(st.integers(-3, 3))
        return f"{c}*{a}", c * ea
    fn = draw(st.sampled_from(UNARY))
    if fn == "square":
        return f"({a})^2", ea**2
    if fn == "sigmoid":
        return f"sigmoid({a})", 1 / (1 + sp.exp(-ea))
    if fn == "ln":
        return f"ln(1 + {a}^2)", sp.log(1 + ea**2)
    return f"{fn}({a})", getattr(sp, fn)(ea)


RESULTS: dict[str, int] = {"graphs": 0, "disagreements": 0, "skipped_kinks": 0}


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(graphs())
def test_random_graphs_agree_with_sympy_and_differences(case) -> None:  # type: ignore[no-untyped-def]
    """Over 2,000 random graphs with shared nodes: engine = sympy.diff = centred difference."""
    text, where, values, expr, symbols = case
    at = ",".join(f"{n}={v.numerator}/{v.denominator}" for n, v in values.items())
    try:
        graph = solve(f"f = {text}", at, where)
    except InputError as exc:
        # a variable or a named node the draw left out: refused, as it should be
        refusals = ("is not in the expression", "is not used", "only repeats")
        assert any(r in exc.message for r in refusals), exc.message
        return
    except ChainruleError:
        return  # a domain error (a value too large): nothing to compare
    if any(n.kink for n in graph.nodes) or any(c.kink for c in graph.check()):
        RESULTS["skipped_kinks"] += 1
        return
    RESULTS["graphs"] += 1
    point = {symbols[n]: sp.Rational(v.numerator, v.denominator) for n, v in values.items()}
    exact_value = expr.subs(point)
    assert math.isclose(float(graph.out.value), float(exact_value), rel_tol=1e-9, abs_tol=1e-9)
    for node in graph.inputs:
        oracle = sp.diff(expr, symbols[node.name]).subs(point)
        engine = node.grad
        if isinstance(engine, Fraction) and oracle.is_Rational:
            ok = engine == sp.Rational(oracle)
        else:
            ok = math.isclose(float(engine), float(oracle), rel_tol=1e-9, abs_tol=1e-9)
        RESULTS["disagreements"] += not ok
        assert ok, (text, where, at, node.name, engine, oracle)
    for check in graph.check():  # near 0 the difference's own error (h²·f‴/6) dominates
        close = abs(check.gradient - check.estimate) < 1e-6
        assert check.relative_error < 1e-4 or close, (text, where, at, check)
