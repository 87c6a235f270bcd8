"""Checking one ``backprop`` bank problem: it reads, its graph builds, and the engine
agrees with ``sympy.diff`` at the point.

A backprop problem in a bank file::

    - id: bp-cs231n-circuit
      type: backprop
      difficulty: 1
      function: "f = (x + y)*z"
      where: {q: "x + y"}          # optional: named intermediate nodes, in order
      at: {x: -2, y: 5, z: -4}      # every input's value
      note: "CS231n, backprop on circuits"

``as_graph_problem`` turns those fields into the engine's ``Problem``; ``check``
returns the first thing wrong with it (None when it is sound). The engine
(``graph/engine.py``) computes without SymPy; here SymPy is the oracle: the
output's value and every input's gradient must agree with the exact
derivative, exactly when the engine's numbers are fractions.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from chainrule_cli.errors import ChainruleError
from chainrule_cli.graph.compgraph import Graph
from chainrule_cli.graph.engine import Problem as GraphProblem

#: Relative agreement asked of a float gradient (the engine's floats against SymPy's 30 digits).
TOLERANCE = 1e-9


def as_graph_problem(
    function: str, where: Mapping[str, Any] | None, at: Mapping[str, Any] | str
) -> GraphProblem:
    """The bank's fields (``where`` and ``at`` as mappings) as the engine's problem."""
    lines = tuple(f"{name} = {text}" for name, text in (where or {}).items())
    point = at if isinstance(at, str) else ",".join(f"{k}={_number(v)}" for k, v in at.items())
    return GraphProblem(function, lines, point)


def graph_problem(problem: Any) -> GraphProblem:
    """A bank problem of type ``backprop`` (``function``, ``where`` and ``point`` as
    (name, text) pairs: the graph schema) as the engine's problem."""
    return as_graph_problem(problem.function or "", dict(problem.where), dict(problem.point or ()))


def validate(problem: Any) -> list[str]:
    """The bank's check of a backprop problem (``graph.problems.VALIDATORS``): what makes
    it unusable, in words (empty when fine). Every input needs a value in ``at``."""
    if not problem.point:
        return ["a backprop problem needs every input's value in 'at', as in at: {x: -2, y: 5}"]
    found = check(graph_problem(problem))
    return [found] if found else []


def _number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("a value in at must be a number")
    return str(value)


def check(problem: GraphProblem) -> str | None:
    """The first thing wrong with a backprop problem, or None."""
    try:
        graph = problem.graph()
    except ChainruleError as exc:
        return f"the graph does not build: {getattr(exc, 'message', str(exc))}"
    if any(node.kink for node in graph.nodes):
        kinked = ", ".join(node.name for node in graph.nodes if node.kink)
        return f"{kinked} sits at a kink (relu at 0, or a tie in max/min): no gradient there"
    return disagreement(problem, graph)


def sympy_function(problem: GraphProblem, graph: Graph) -> tuple[Any, dict[str, Any]]:
    """The output as a SymPy expression in the inputs, and the inputs' symbols."""
    import sympy as sp

    from chainrule_cli.reading.circuits import read_circuit
    from chainrule_cli.reading.syntax import to_sympy

    names = [node.name for node in graph.inputs]
    circuit = read_circuit(problem.expression, names, problem.where)
    inputs = {name: sp.Symbol(name, real=True) for name in names}
    symbols: dict[str, Any] = dict(inputs)
    dummy = sp.Dummy("unused")
    for name, tree in circuit.where:
        symbols[name] = to_sympy(tree, dummy, symbols=symbols)
    return to_sympy(circuit.tree, dummy, symbols=symbols), inputs


def disagreement(problem: GraphProblem, graph: Graph) -> str | None:
    """Where the engine and ``sympy.diff`` disagree at the point, or None."""
    import sympy as sp

    expr, inputs = sympy_function(problem, graph)
    point = {inputs[n.name]: _exact(n.value) for n in graph.inputs}
    checks = [("the value", graph.out.value, expr)]
    checks += [
        (f"∂/∂{name}", graph.node(name).grad, sp.diff(expr, symbol))
        for name, symbol in inputs.items()
    ]
    for what, engine, oracle_expr in checks:
        oracle = oracle_expr.subs(point)
        if isinstance(engine, Fraction) and oracle.is_Rational:
            if sp.Rational(engine.numerator, engine.denominator) != oracle:
                return f"{what} is {engine} by the engine but {oracle} by sympy.diff"
            continue
        exact = complex(sp.N(oracle, 30))
        if exact.imag or abs(float(engine) - exact.real) > TOLERANCE * max(1.0, abs(exact.real)):
            return (
                f"{what} is {float(engine):.12g} by the engine but {exact.real:.12g} by sympy.diff"
            )
    return None


def _exact(value: Fraction | float) -> Any:
    import sympy as sp

    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    return sp.Rational(repr(value))


def invited(problem: Any) -> frozenset[str]:
    """The slips of backprop by hand that give a wrong value somewhere in this graph
    (``byhand.candidates``): ``overwrote_at_fork`` only where a node feeds two others,
    ``max_routed_wrong`` only with a max or min, and so on; ``sign_error`` wherever a
    gradient is not 0. Raises ChainruleError when the graph does not build."""
    from chainrule_cli.graph import byhand

    graph = graph_problem(problem).graph()
    found: set[str] = set()
    for step in byhand.steps(graph):
        expected = step.expected(graph)
        for code, wrong in byhand.candidates(graph, step):
            if wrong != expected:
                found.add(code)
        if step.kind == "grad" and expected != 0:
            found.add("sign_error")
    return frozenset(found)
