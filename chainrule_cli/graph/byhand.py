"""Backprop by hand: the steps a student fills in, their hints, verdicts and mistake codes.

Plain data, no terminal. A graph (``engine.Graph``) gives the steps:

1. every forward value, in topological order (the inputs are given);
2. every gradient, from the output back (the output's own, 1, is given).

An answer is a number. When the graph's numbers are exact (fractions), it is
judged exactly; otherwise by the number rule of ``maths/precision.py`` (a
decimal is right to the figures typed, at least two). A wrong answer is
diagnosed, in this order, as one of ``MISTAKES`` (never for a right answer):

* ``overwrote_at_fork``: a node read twice was given one contribution, not the sum;
* ``multiply_not_swapped``: a multiply gate's input got upstream × its own value;
* ``max_routed_wrong``: a max/min gate sent the gradient to the other input;
* ``sigmoid_from_input``: σ′ taken as u(1 − u) of the input, not σ(1 − σ) of the output;
* ``local_only``: the local derivative alone, the upstream gradient left out;
* ``sign_error``: the right size with the wrong sign.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from chainrule_cli.errors import InputError
from chainrule_cli.graph.compgraph import Graph
from chainrule_cli.graph.gates import PATTERNS, Number, math_factor, math_number, tidy
from chainrule_cli.reading.syntax import Node as Tree

MISTAKES: dict[str, str] = {
    "overwrote_at_fork": "the gradient was overwritten at a fork: the contributions must be added (+=)",
    "multiply_not_swapped": "a multiply gate swaps its inputs: each gets upstream × the OTHER input",
    "max_routed_wrong": "max routes the whole gradient to the larger input (min to the smaller), 0 to the other",
    "sigmoid_from_input": "σ′ = σ(1 − σ) uses the node's output σ, not its input",
    "local_only": "the local derivative must be multiplied by the upstream gradient",
    "sign_error": "the size is right but the sign is wrong",
}


@dataclass(frozen=True)
class Step:
    """One blank to fill in: the forward ``value`` or the ``grad`` of node ``node``."""

    kind: str  # "value" or "grad"
    node: int

    def question(self, graph: Graph) -> str:
        n = graph.nodes[self.node]
        if self.kind == "value":
            return f"{n.name} = {n.formula} = ?"
        return f"∂{graph.out.name}/∂{n.name} = ?"

    def expected(self, graph: Graph) -> Number:
        n = graph.nodes[self.node]
        return n.value if self.kind == "value" else n.grad


@dataclass(frozen=True)
class Verdict:
    """The verdict on one answer: right or not, the mistake code (or None), and a sentence
    that names the node and says why."""

    right: bool
    code: str | None
    message: str


def steps(graph: Graph) -> list[Step]:
    """The forward values in order, then the gradients from the output back."""
    forward = [Step("value", n.index) for n in graph.nodes if n.op != "input"]
    backward = [Step("grad", n.index) for n in reversed(graph.nodes) if n.index != graph.output]
    return forward + backward


def read_answer(text: str) -> tuple[Number, Tree]:
    """A typed number (``-4``, ``1/4``, ``0.39``, ``−0.2``) → (its value, its syntax tree)."""
    from chainrule_cli.graph.engine import constant_value
    from chainrule_cli.reading.circuits import parse_expression

    tree = parse_expression(text, 0, ())
    try:
        return constant_value(tree, text), tree
    except InputError:
        raise InputError("type a number, such as -4, 1/4 or 0.39", text, 0) from None


def same(answer: Number, expected: Number, tree: Tree, exact: bool) -> bool:
    """Exactly equal when the problem is exact; else by the number rule."""
    if isinstance(answer, Fraction) and isinstance(expected, Fraction):
        return answer == expected
    if exact:
        return False
    if isinstance(answer, Fraction) and answer == Fraction(expected):
        return True
    import sympy as sp

    from chainrule_cli.maths.precision import judge

    value = (
        sp.Rational(answer.numerator, answer.denominator)
        if isinstance(answer, Fraction)
        else sp.Float(repr(answer), 17)
    )
    return judge(value, tree, sp.Float(repr(float(expected)), 17))


def _close(a: Number, b: Number, tree: Tree, exact: bool) -> bool:
    try:
        return same(a, b, tree, exact)
    except (TypeError, ValueError):
        return False


def check(graph: Graph, step: Step, text: str) -> Verdict:
    """The verdict on ``text`` typed for ``step``."""
    answer, tree = read_answer(text)
    expected = step.expected(graph)
    node = graph.nodes[step.node]
    exact = isinstance(expected, Fraction)
    if same(answer, expected, tree, exact):
        return Verdict(True, None, "right")
    if (exact and not isinstance(answer, Fraction)) or (
        exact
        and isinstance(answer, Fraction)
        and abs(float(answer - expected)) <= 0.005 * max(1, abs(float(expected)))
        and "." in text
    ):
        why = "this value is exact: type it exactly, as a fraction, not a rounding"
    else:
        why = ""
    for code, candidate in candidates(graph, step):
        if candidate != expected and _close(answer, candidate, tree, exact):
            return Verdict(False, code, _explain(graph, step, code))
    if expected != 0 and _close(answer, -expected, tree, exact):
        return Verdict(False, "sign_error", _explain(graph, step, "sign_error"))
    if step.kind == "value":
        message = (
            f"the first wrong one is {node.name}'s forward value ({node.name} = {node.formula})"
        )
    else:
        message = f"the first wrong one is ∂{graph.out.name}/∂{node.name}: upstream × local, summed"
    if why:
        message += f" ({why})"
    return Verdict(False, None, message)


def candidates(graph: Graph, step: Step) -> Iterator[tuple[str, Number]]:
    """The wrong numbers each typical mistake gives for ``step``, code first."""
    if step.kind != "grad":
        return
    node = graph.nodes[step.node]
    received = graph.received(node.index)
    total = node.grad
    if len(received) > 1:
        for c in received:
            yield "overwrote_at_fork", c.amount
    for c in received:
        source = graph.nodes[c.source]
        rest = tidy(total - c.amount)
        if source.op == "mul" and len(source.inputs) >= 2 and source.pattern == "mul":
            yield "multiply_not_swapped", tidy(rest + c.upstream * node.value)
        if source.op in ("max", "min"):
            flipped = Fraction(0) if c.local != 0 else Fraction(1)
            yield "max_routed_wrong", tidy(rest + c.upstream * flipped)
        if source.op == "sigmoid":
            u = node.value
            yield "sigmoid_from_input", tidy(rest + c.upstream * u * (1 - u))
        if c.upstream != 1:
            yield "local_only", tidy(rest + c.local)


def _explain(graph: Graph, step: Step, code: str) -> str:
    node = graph.nodes[step.node]
    return f"the first wrong one is ∂{graph.out.name}/∂{node.name}: {MISTAKES[code]}"


def hints(graph: Graph, step: Step) -> list[str]:
    """Three hints, outermost first: the gate's pattern, the local derivative, upstream × local
    (numbers with the minus sign of maths, as the table writes them)."""
    node = graph.nodes[step.node]
    if step.kind == "value":
        ins = ", ".join(
            f"{graph.nodes[i].name} = {math_number(graph.nodes[i].value)}"
            for i in dict.fromkeys(node.inputs)
        )
        return [
            f"{node.name} computes {node.formula}",
            f"its inputs: {ins}",
            f"{node.name} = {node.formula} = {math_number(node.value)}",
        ]
    received = graph.received(node.index)
    readers = [graph.nodes[c.source] for c in received]
    pattern = "; ".join(
        dict.fromkeys(f"{r.name} = {r.formula}: {PATTERNS[r.pattern]}" for r in readers)
    )
    if len(received) > 1:
        pattern += f"; {node.name} feeds {len(received)} places, so add the contributions (+=)"
    local = "; ".join(
        f"∂{graph.nodes[c.source].name}/∂{node.name} = {math_number(c.local)}" for c in received
    )
    sums = " + ".join(f"{math_number(c.upstream)} × {math_factor(c.local)}" for c in received)
    return [pattern, local, f"∂{graph.out.name}/∂{node.name} = {sums} = {math_number(node.grad)}"]


def first_wrong(graph: Graph, answers: dict[Step, str]) -> tuple[Step, Verdict] | None:
    """For a filled-in table: the first step (in the order asked) whose answer is wrong, and why."""
    for step in steps(graph):
        if step in answers:
            verdict = check(graph, step, answers[step])
            if not verdict.right:
                return step, verdict
    return None
