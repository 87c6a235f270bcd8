"""The computation graph of the backprop engine: nodes, forward, backward, check, paths.

``Graph`` holds the nodes in topological order; ``forward`` and ``backward``
are the two passes, ``check`` the gradient check (a centred difference),
``paths`` every path from the output to an input, and ``to_json`` / ``to_dot``
the ways out. See ``graph/engine.py`` for the whole engine. No SymPy here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from chainrule_cli.errors import DomainError, TooLarge
from chainrule_cli.graph.gates import Node, Number, compute, show_number, side, tidy

if TYPE_CHECKING:
    from chainrule_cli.reading.syntax import Node as Tree

#: The most paths ``paths`` lists one by one (they are always counted).
MAX_PATHS = 2000


@dataclass(frozen=True)
class Contribution:
    """One ``+=`` of the backward pass: ``into`` gets upstream × local from node ``source``."""

    source: int
    into: int
    upstream: Number
    local: Number

    @property
    def amount(self) -> Number:
        return tidy(self.upstream * self.local)


@dataclass(frozen=True)
class Check:
    """The gradient check of one input: a centred difference and CS231n's reading of it."""

    input: str
    gradient: float
    estimate: float
    step: float
    relative_error: float
    reading: str
    kink: str = ""  # why the check is unreliable here, when a kink lies within a step


@dataclass(frozen=True)
class Path:
    """One path from the output down to an input: its node indices and the local
    derivative on each edge; ``product`` is their product."""

    nodes: tuple[int, ...]
    factors: tuple[Number, ...]

    @property
    def product(self) -> Number:
        out: Number = Fraction(1)
        for f in self.factors:
            out = tidy(out * f)
        return out


@dataclass
class Graph:
    """A computation graph, forward and backward done: see the module's docstring."""

    text: str
    nodes: list[Node]
    output: int
    #: How each input was typed in --at (``0.5``, ``-2``), by name.
    typed: dict[str, str] = field(default_factory=dict)
    #: The expression as read (the circuit's syntax tree), for showing it as maths.
    read: Tree | None = None
    contributions: list[Contribution] = field(default_factory=list)

    # -- views ------------------------------------------------------------------------------
    @property
    def inputs(self) -> list[Node]:
        return [n for n in self.nodes if n.op == "input"]

    @property
    def out(self) -> Node:
        return self.nodes[self.output]

    @property
    def exact(self) -> bool:
        """Whether every value and gradient is an exact fraction."""
        return all(isinstance(v, Fraction) for n in self.nodes for v in (n.value, n.grad, *n.local))

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def gradients(self) -> dict[str, Number]:
        return {n.name: n.grad for n in self.inputs}

    def edges(self) -> int:
        """How many edges the backward pass visits: one per input of every operation."""
        return sum(len(n.inputs) for n in self.nodes)

    def forks(self) -> list[Node]:
        """Nodes read by more than one edge: their gradient is a sum (``+=``)."""
        count = [0] * len(self.nodes)
        for n in self.nodes:
            for i in n.inputs:
                count[i] += 1
        return [n for n in self.nodes if count[n.index] > 1]

    def received(self, index: int) -> list[Contribution]:
        """The contributions added into node ``index``'s gradient, in the order added."""
        return [c for c in self.contributions if c.into == index]

    # -- the passes -------------------------------------------------------------------------
    def forward(self, values: Mapping[str, Number]) -> None:
        """Every value, top to bottom, and every local derivative."""
        for node in self.nodes:
            if node.op == "input":
                node.value = values[node.name]
                node.local = ()
                continue
            args = [self.nodes[i].value for i in node.inputs]
            node.value, node.local, node.kink = compute(node, args)

    def backward(self) -> None:
        """Every gradient, bottom to top: reset to 0, the output's 1, then ``+=`` upstream × local."""
        for node in self.nodes:
            node.grad = Fraction(0)
        self.contributions = []
        self.out.grad = Fraction(1)
        for node in reversed(self.nodes):
            for i, local in zip(node.inputs, node.local, strict=True):
                c = Contribution(node.index, i, node.grad, local)
                self.contributions.append(c)
                self.nodes[i].grad = tidy(self.nodes[i].grad + c.amount)

    def value_at(self, values: Mapping[str, float]) -> tuple[float, tuple[object, ...]]:
        """The output in floats at other input values, and which side of each kink
        every kinked gate was on (to tell when a step crossed one)."""
        vals: list[float] = []
        sides: list[object] = []
        for node in self.nodes:
            if node.op == "input":
                vals.append(float(values[node.name]))
                continue
            args = [vals[i] for i in node.inputs]
            value, _, _ = compute(node, args)
            vals.append(float(value))
            sides.append(side(node, args))
        return vals[self.output], tuple(sides)

    def check(self) -> list[Check]:
        """The centred difference (f(x + h) − f(x − h))/2h for each input, h = 10⁻⁵·max(1, |x|).

        The relative error is |a − n|/max(|a|, |n|) (CS231n), with a floor of
        10⁻⁶·max(1, |f|) under the denominator: a gradient of 0 and an estimate of
        2·10⁻¹⁰ (the difference's own error, h²·f‴/6) do not read as "probably wrong".
        """
        base = {n.name: float(n.value) for n in self.inputs}
        _, sides = self.value_at(base)
        scale = 1e-6 * max(1.0, abs(float(self.out.value)))
        out = []
        for node in self.inputs:
            h = 1e-5 * max(1.0, abs(base[node.name]))
            up, down = dict(base), dict(base)
            up[node.name] += h
            down[node.name] -= h
            try:
                f_up, sides_up = self.value_at(up)
                f_down, sides_down = self.value_at(down)
            except (DomainError, TooLarge):
                out.append(
                    Check(
                        node.name,
                        float(node.grad),
                        math.nan,
                        h,
                        math.nan,
                        "not defined a step away",
                    )
                )
                continue
            estimate = (f_up - f_down) / (2 * h)
            analytic = float(node.grad)
            error = abs(analytic - estimate) / max(abs(analytic), abs(estimate), scale)
            kink = ""
            if (
                sides_up != sides
                or sides_down != sides
                or any(n.kink for n in self.nodes if self._feeds(node.index, n.index))
            ):
                kink = self._kink_reason(node.index)
            out.append(Check(node.name, analytic, estimate, h, error, reading(error), kink))
        return out

    def _feeds(self, source: int, target: int) -> bool:
        """Whether a path leads from ``source`` up to ``target``."""
        stack, seen = [target], set()
        while stack:
            i = stack.pop()
            if i == source:
                return True
            if i in seen:
                continue
            seen.add(i)
            stack.extend(self.nodes[i].inputs)
        return False

    def _kink_reason(self, source: int) -> str:
        kinked = [n for n in self.nodes if n.op in ("relu", "max", "min", "abs")]
        for n in kinked:
            if not self._feeds(source, n.index):
                continue
            args = [self.nodes[i].value for i in n.inputs]
            if n.op == "relu" or n.op == "abs":
                return (
                    f"{n.name} = {n.formula} has a kink at 0 and its input is "
                    f"{show_number(args[0])}: the step crosses it, so the estimate "
                    "mixes the two slopes; the check is unreliable here"
                )
            return (
                f"{n.name} = {n.formula} has a kink where its inputs are equal "
                f"({', '.join(show_number(a) for a in args)}): the step crosses it, so the "
                "estimate mixes the two slopes; the check is unreliable here"
            )
        return "a kink lies within one step: the check is unreliable here"

    # -- paths ------------------------------------------------------------------------------
    def path_count(self) -> dict[str, int]:
        """How many paths lead from the output to each input (counted, not listed)."""
        ways = [0] * len(self.nodes)
        ways[self.output] = 1
        for node in reversed(self.nodes):
            for i in node.inputs:
                ways[i] += ways[node.index]
        return {n.name: ways[n.index] for n in self.inputs}

    def paths(self, limit: int = MAX_PATHS) -> Iterator[Path]:
        """Every path from the output to an input (at most ``limit``), depth first,
        each with the local derivative on each edge."""
        produced = 0
        stack: list[tuple[tuple[int, ...], tuple[Number, ...]]] = [((self.output,), ())]
        while stack and produced < limit:
            nodes, factors = stack.pop()
            node = self.nodes[nodes[-1]]
            if node.op == "input":
                produced += 1
                yield Path(nodes, factors)
                continue
            for i, local in reversed(list(zip(node.inputs, node.local, strict=True))):
                stack.append(((*nodes, i), (*factors, local)))

    # -- ways out ---------------------------------------------------------------------------
    def to_json(self) -> dict[str, object]:
        """The ``--json`` document: nodes, output, value, gradients, check."""
        return {
            "nodes": [
                {
                    "name": n.name,
                    "op": n.op,
                    "inputs": [self.nodes[i].name for i in n.inputs],
                    "value": json_number(n.value),
                    "local": [json_number(v) for v in n.local],
                    "grad": json_number(n.grad),
                }
                for n in self.nodes
            ],
            "output": self.out.name,
            "value": json_number(self.out.value),
            "gradients": {n.name: json_number(n.grad) for n in self.inputs},
            "check": [
                {
                    "input": c.input,
                    "gradient": c.gradient,
                    "estimate": _finite(c.estimate),
                    "step": c.step,
                    "relative_error": _finite(c.relative_error),
                    "reading": c.reading,
                    "kink": c.kink or None,
                }
                for c in self.check()
            ],
        }

    def to_dot(self) -> str:
        """Graphviz DOT text: one box per node labelled "name = formula | value | grad", an
        edge from each input to the node that reads it."""
        lines = [
            "digraph backprop {",
            "  rankdir=LR;",
            '  node [shape=record, fontname="Helvetica"];',
        ]
        for n in self.nodes:
            title = n.name if n.op == "input" else f"{n.name} = {n.formula}"
            label = (
                f"{_dot_escape(title)} | value {show_number(n.value)} | grad {show_number(n.grad)}"
            )
            lines.append(f'  n{n.index} [label="{label}"];')
        for n in self.nodes:
            for k, i in enumerate(n.inputs):
                local = show_number(n.local[k])
                lines.append(f'  n{i} -> n{n.index} [label="{_dot_escape(local)}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _dot_escape(text: str) -> str:
    """Text inside a record label: quotes, braces, bars and angle brackets escaped."""
    out = []
    for c in text:
        if c in '"{}|<>\\':
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def json_number(value: Number) -> int | float:
    """An integer stays an integer; anything else is its nearest float."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value.numerator)
    return float(value)


def reading(error: float) -> str:
    """CS231n's reading of a relative error."""
    if not math.isfinite(error):
        return "no estimate"
    if error < 1e-7:
        return "good"
    if error < 1e-4:
        return "fine (a kink would explain it)"
    if error < 1e-2:
        return "uncomfortable"
    return "probably wrong"
