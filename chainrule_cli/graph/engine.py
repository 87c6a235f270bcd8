"""A small reverse-mode engine: backpropagation by hand, on the parsed expression.

The read circuit (``reading/circuits.py``) becomes a computation graph: one
``Node`` per operation, with its ``inputs`` (other nodes), its forward
``value``, its ``local`` derivatives (∂node/∂input, one per input, in the same
order) and its ``grad`` (∂output/∂node). Constants are folded into the node that
uses them (``2·q`` is one node with one input), as CS231n draws its gates.

* **Order.** Nodes are numbered in topological order: the inputs (in the order
  ``--at`` gives them), then every operation after the nodes it reads.
* **Forward**, top to bottom: each value from its inputs' values.
* **Backward**, bottom to top: the output's gradient is 1, every gradient is
  reset to 0 first, and each node adds upstream × local into each input's
  gradient with ``+=`` (a node read twice, a fork, gets two contributions).
* **Exact where it can be.** Values are ``fractions.Fraction`` while the inputs
  and gates allow it (sums, products, quotients, whole powers, relu, max,
  σ(0) = 1/2, a perfect square's root), floats otherwise.
* **Kinks.** relu at 0, max/min with a tie and |u| at 0 have no derivative;
  the engine takes 0 for relu and |u|, splits a tie evenly, and flags the node.

A tree diagram (``graph/tree.py``) and this graph are two views of one
function: ``paths`` lists every path from the output to an input, with the
product of its local derivatives; summed per input, they give the gradient.

No SymPy here: ``chainrule backprop EXPR`` never imports it (the bench checks).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from chainrule_cli.errors import DomainError, InputError, TooLarge
from chainrule_cli.reading.circuits import Circuit, read_circuit, read_point
from chainrule_cli.reading.syntax import (
    Add,
    Call,
    Const,
    Div,
    Gate,
    Mul,
    Neg,
    Num,
    Pow,
    Var,
)
from chainrule_cli.reading.syntax import Node as Tree

Number = Fraction | float
#: A Fraction whose numerator or denominator grows past this many bits is turned
#: into a float (no 10⁴⁰⁰⁰⁰-digit numbers; Python's str limit is 4,300 digits).
MAX_BITS = 2000
#: The most paths ``paths`` lists one by one (they are always counted).
MAX_PATHS = 2000

#: Ops and their symbols in the staged table (JSON uses the op's name).
SYMBOLS: dict[str, str] = {
    "input": "input",
    "add": "+",
    "mul": "×",
    "div": "÷",
    "neg": "−",
    "pow": "^",
    "sigmoid": "σ",
}

#: The gate patterns a teacher names (CS231n): what the backward pass does at a gate.
PATTERNS: dict[str, str] = {
    "add": "add distributes: each input gets the upstream gradient unchanged",
    "sub": "subtract distributes with a sign: the input after − gets minus the upstream gradient",
    "mul": "multiply swaps: each input gets the upstream gradient times the other input",
    "scale": "multiply by a constant scales the upstream gradient by it",
    "neg": "negation flips the sign of the upstream gradient",
    "div": "divide: the numerator gets upstream/b, the denominator −upstream·a/b²",
    "max": "max routes: the larger input gets the whole upstream gradient, the other 0",
    "min": "min routes: the smaller input gets the whole upstream gradient, the other 0",
    "relu": "relu routes: the upstream gradient passes if the input is positive, else 0",
    "sigmoid": "σ′ = σ(1 − σ), from the node's own output",
    "tanh": "tanh′ = 1 − tanh², from the node's own output",
    "exp": "exp′ = exp, the node's own output",
    "ln": "ln′(u) = 1/u",
    "pow": "power rule: n·uⁿ⁻¹",
    "func": "the function's derivative at its input",
}


# -- exact and float arithmetic ----------------------------------------------------------
def tidy(value: Number) -> Number:
    """A Fraction kept while it is small, else a float; refuses inf and nan."""
    if isinstance(value, Fraction):
        if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
            try:
                value = float(value)
            except OverflowError:
                raise TooLarge("a value in this graph is too large to work with") from None
        else:
            return value
    if isinstance(value, complex) or not math.isfinite(value):
        raise TooLarge("a value in this graph is too large to work with")
    return float(value)


def _exact_root(value: Fraction, k: int) -> Fraction | None:
    """The exact k-th root of a non-negative Fraction, or None when it is not rational."""
    out = []
    for part in (value.numerator, value.denominator):
        if part.bit_length() > MAX_BITS:
            return None
        root = round(part ** (1 / k)) if part < 2**1000 else math.isqrt(part) if k == 2 else None
        if root is None:
            return None
        for guess in (root - 1, root, root + 1):
            if guess >= 0 and guess**k == part:
                out.append(guess)
                break
        else:
            return None
    return Fraction(out[0], out[1])


def power(base: Number, exponent: Number) -> Number:
    """base^exponent as a real number: exact for a Fraction to a whole power or a
    perfect root; an odd root of a negative number is negative (∛−8 = −2)."""
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        n = exponent.numerator
        if base == 0 and n < 0:
            raise DomainError("0 cannot be raised to a negative power (a division by 0)")
        if isinstance(base, Fraction):
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(n) <= 20 * MAX_BITS:
                return tidy(base**n)
            base = float(base)
        try:
            return tidy(float(base) ** n)
        except (OverflowError, ZeroDivisionError):
            raise TooLarge("a value in this graph is too large to work with") from None
    if base < 0:
        if isinstance(exponent, Fraction) and exponent.denominator % 2 == 1:
            magnitude = power(-base, exponent)
            return -magnitude if exponent.numerator % 2 else magnitude
        raise DomainError(f"a negative number to the power {show_number(exponent)} is not real")
    if base == 0:
        if exponent > 0:
            return Fraction(0)
        raise DomainError("0 cannot be raised to a negative power (a division by 0)")
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and exponent.denominator <= 12:
        root = _exact_root(base, exponent.denominator)
        if root is not None:
            return power(root, Fraction(exponent.numerator))
    try:
        return tidy(float(base) ** float(exponent))
    except OverflowError:
        raise TooLarge("a value in this graph is too large to work with") from None


def show_number(value: Number, figures: int = 6) -> str:
    """A value as the table shows it: −4, 1/4, 0.0625, 0.731059 (ASCII minus; the view
    turns it into −)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        if len(str(value.denominator)) <= 3 and len(str(value.numerator)) <= 6:
            return f"{value.numerator}/{value.denominator}"
        value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{figures}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def as_float(value: Number) -> float:
    return float(value)


def sigmoid(u: Number) -> Number:
    """σ(u) = 1/(1 + e^(−u)): exactly 1/2 at 0, else a float computed stably."""
    if u == 0:
        return Fraction(1, 2)
    f = float(u)
    if f >= 0:
        return 1.0 / (1.0 + math.exp(-f))
    e = math.exp(f)
    return e / (1.0 + e)


def _fn(name: str, u: Number) -> tuple[Number, Number]:
    """(f(u), f′(u)) for a one-argument function or gate; exact at the easy points."""
    zero = u == 0
    f = float(u)
    if name == "exp":
        value: Number = Fraction(1) if zero else math.exp(f)
        return value, value
    if name == "log":
        if u <= 0:
            raise DomainError(f"ln is not defined at {show_number(u)} (only for positive numbers)")
        return (Fraction(0) if u == 1 else math.log(f)), tidy(1 / u)
    if name == "sigmoid":
        s = sigmoid(u)
        return s, s * (1 - s)
    if name == "tanh":
        t: Number = Fraction(0) if zero else math.tanh(f)
        return t, 1 - t * t
    if name == "relu":
        return (u if u > 0 else Fraction(0)), (Fraction(1) if u > 0 else Fraction(0))
    if name == "abs":
        return (u if u >= 0 else -u), Fraction(1) if u > 0 else Fraction(-1) if u < 0 else Fraction(
            0
        )
    if name == "sqrt":
        if u < 0:
            raise DomainError(f"√ is not defined at {show_number(u)} (a negative number)")
        if zero:
            raise DomainError("√u has no derivative at u = 0")
        r = power(u, Fraction(1, 2))
        return r, tidy(1 / (2 * r))
    if name == "cbrt":
        if zero:
            raise DomainError("∛u has no derivative at u = 0")
        r = power(u, Fraction(1, 3))
        return r, tidy(1 / (3 * r * r))
    if name == "sin":
        return (Fraction(0) if zero else math.sin(f)), (Fraction(1) if zero else math.cos(f))
    if name == "cos":
        return (Fraction(1) if zero else math.cos(f)), (Fraction(0) if zero else -math.sin(f))
    if name == "atan":
        return (Fraction(0) if zero else math.atan(f)), tidy(1 / (1 + u * u))
    if name == "acot":
        return math.atan(1 / f) if f else math.pi / 2, tidy(-1 / (1 + u * u))
    table: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
        "tan": (math.tan, lambda v: 1 / math.cos(v) ** 2),
        "sec": (lambda v: 1 / math.cos(v), lambda v: math.tan(v) / math.cos(v)),
        "csc": (lambda v: 1 / math.sin(v), lambda v: -math.cos(v) / math.sin(v) ** 2),
        "cot": (lambda v: math.cos(v) / math.sin(v), lambda v: -1 / math.sin(v) ** 2),
        "sinh": (math.sinh, math.cosh),
        "cosh": (math.cosh, math.sinh),
        "sech": (lambda v: 1 / math.cosh(v), lambda v: -math.tanh(v) / math.cosh(v)),
        "csch": (lambda v: 1 / math.sinh(v), lambda v: -math.cosh(v) / math.sinh(v) ** 2),
        "coth": (lambda v: 1 / math.tanh(v), lambda v: -1 / math.sinh(v) ** 2),
        "asin": (math.asin, lambda v: 1 / math.sqrt(1 - v * v)),
        "acos": (math.acos, lambda v: -1 / math.sqrt(1 - v * v)),
        "asec": (lambda v: math.acos(1 / v), lambda v: 1 / (abs(v) * math.sqrt(v * v - 1))),
        "acsc": (lambda v: math.asin(1 / v), lambda v: -1 / (abs(v) * math.sqrt(v * v - 1))),
        "asinh": (math.asinh, lambda v: 1 / math.sqrt(v * v + 1)),
        "acosh": (math.acosh, lambda v: 1 / math.sqrt(v * v - 1)),
        "atanh": (math.atanh, lambda v: 1 / (1 - v * v)),
    }
    forward, slope = table[name]
    try:
        return tidy(forward(f)), tidy(slope(f))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise DomainError(
            f"{name} is not defined (or has no derivative) at {show_number(u)}"
        ) from None


# -- the graph ---------------------------------------------------------------------------
@dataclass
class Node:
    """One node of the computation graph.

    ``op`` is ``input`` or the operation (``add``, ``mul``, ``div``, ``neg``, ``pow``,
    ``sigmoid``, ``relu``, ``max``, ``min``, ``exp``, ``ln``, ``sin``, …). ``inputs``
    are the indices of the nodes it reads (a node read twice appears twice);
    ``formula`` is what it computes, in its inputs' names (``q·z``, ``2·s``, ``1/c``).
    ``pattern`` names the gate's backward pattern (a key of ``PATTERNS``).
    """

    index: int
    name: str
    op: str
    inputs: tuple[int, ...]
    formula: str = ""
    pattern: str = ""
    value: Number = Fraction(0)
    local: tuple[Number, ...] = ()
    grad: Number = Fraction(0)
    kink: bool = False
    #: What the forward pass needs beyond the inputs: signs of a sum's terms, a
    #: constant term or factor, a power's exponent or base, a function's name.
    params: dict[str, object] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.op, self.op)


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
            node.value, node.local, node.kink = _compute(node, args)

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
            value, _, _ = _compute(node, args)
            vals.append(float(value))
            sides.append(_side(node, args))
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


def _side(node: Node, args: Sequence[Number]) -> object:
    """Which piece of a piecewise gate is in use (for kink crossing)."""
    if node.op in ("relu", "abs"):
        return (args[0] > 0) - (args[0] < 0)
    if node.op in ("max", "min"):
        constants = node.params.get("constants", ())
        assert isinstance(constants, tuple)
        values = [*args, *constants]
        best = max(values) if node.op == "max" else min(values)
        return tuple(v == best for v in values)
    return None


def _compute(node: Node, args: Sequence[Number]) -> tuple[Number, tuple[Number, ...], bool]:
    """(value, local derivatives, at a kink) of one operation from its inputs' values."""
    p = node.params
    op = node.op
    if op == "add":
        signs = p["signs"]
        assert isinstance(signs, tuple)
        total: Number = p["constant"]  # type: ignore[assignment]
        for s, a in zip(signs, args, strict=True):
            total = total + a if s > 0 else total - a
        return tidy(total), tuple(Fraction(s) for s in signs), False
    if op == "neg":
        return -args[0], (Fraction(-1),), False
    if op == "mul":
        k: Number = p["factor"]  # type: ignore[assignment]
        product: Number = k
        for a in args:
            product = tidy(product * a)
        local = []
        for i in range(len(args)):
            rest: Number = k
            for j, a in enumerate(args):
                if j != i:
                    rest = tidy(rest * a)
            local.append(rest)
        return product, tuple(local), False
    if op == "div":
        num: Number = p["numerator"] if "numerator" in p else args[0]  # type: ignore[assignment]
        den: Number = p["denominator"] if "denominator" in p else args[-1]  # type: ignore[assignment]
        if den == 0:
            raise DomainError(f"{node.name} = {node.formula} divides by 0 here")
        value = tidy(num / den)
        locals_: list[Number] = []
        if "numerator" not in p:
            locals_.append(tidy(1 / den))
        if "denominator" not in p:
            locals_.append(tidy(-num / (den * den)))
        return value, tuple(locals_), False
    if op == "pow":
        if "exponent" in p:
            n: Number = p["exponent"]  # type: ignore[assignment]
            b = args[0]
            value = power(b, n)
            if n == 0:
                return value, (Fraction(0),), False
            if b == 0 and n < 1:
                raise DomainError(f"{node.formula} has no derivative where its base is 0")
            return value, (tidy(n * power(b, n - 1)),), False
        if "base" in p:
            base_value = p["base"]
            assert isinstance(base_value, Fraction | float)
            x = args[0]
            if base_value <= 0:
                raise DomainError(
                    f"{node.formula}: a power with a variable exponent needs a positive base"
                )
            value = power(base_value, x)
            return (
                value,
                (Fraction(0) if base_value == 1 else tidy(value * math.log(float(base_value))),),
                False,
            )
        b, x = args
        if b <= 0:
            raise DomainError(
                f"{node.formula}: a variable to a variable power needs a positive base"
            )
        value = power(b, x)
        return value, (tidy(x * power(b, x - 1)), tidy(value * math.log(float(b)))), False
    if op in ("max", "min"):
        constants = p.get("constants", ())
        assert isinstance(constants, tuple)
        values = [*args, *constants]
        best = max(values) if op == "max" else min(values)
        ties = [i for i, v in enumerate(values) if v == best]
        share = Fraction(1, len(ties))
        routed = tuple(share if i in ties else Fraction(0) for i in range(len(args)))
        return best, routed, len(ties) > 1
    if op == "ln" and "base" in p:
        log_base = p["base"]
        assert isinstance(log_base, Fraction | float)
        value, slope = _fn("log", args[0])
        scale = math.log(float(log_base))
        return tidy(float(value) / scale), (tidy(float(slope) / scale),), False
    name = {"ln": "log"}.get(op, op)
    value, slope = _fn(name, args[0])
    kink = op in ("relu", "abs") and args[0] == 0
    return tidy(value), (tidy(slope),), kink


# -- from the syntax tree to the graph ---------------------------------------------------
@dataclass(frozen=True)
class Constant:
    """A constant operand folded into the node that uses it: its value and how it is shown."""

    value: Number
    text: str


#: An operand: a node's index, or a constant.
_Operand = int | Constant

_FUNCTIONS = {"log": "ln"}
_PATTERN_OF = {
    "sigmoid": "sigmoid",
    "relu": "relu",
    "max": "max",
    "min": "min",
    "tanh": "tanh",
    "exp": "exp",
    "ln": "ln",
    "neg": "neg",
    "div": "div",
    "pow": "pow",
}


class _Builder:
    """Builds the nodes from a circuit's trees, in topological order (post-order)."""

    def __init__(self, circuit: Circuit) -> None:
        self.circuit = circuit
        self.nodes: list[Node] = []
        #: Node index → the name a --where line gave it.
        self.names: dict[int, str] = {}
        self.named: dict[str, _Operand] = {}
        self.definitions = dict(circuit.where)
        #: --where lines not used by name: they name a matching subtree instead.
        self.matches: dict[str, Tree] = {}
        self.shared: dict[str, int] = {}
        for name in circuit.inputs:
            index = len(self.nodes)
            self.nodes.append(Node(index, name, "input", (), name))
            self.named[name] = index

    # -- operands ----------------------------------------------------------------------
    def operand(self, tree: Tree) -> _Operand:
        for name, pattern in self.matches.items():
            if tree == pattern:
                if name in self.shared:
                    return self.shared[name]
                result = self.build(tree)
                self.shared[name] = self._name(result, name)
                return result
        return self.build(tree)

    def _name(self, result: _Operand, name: str) -> int:
        if isinstance(result, Constant) or result in self.names or self.nodes[result].op == "input":
            raise InputError(
                f"{name} = … only repeats a number or another name: "
                "a named node must compute something"
            )
        self.names[result] = name
        return result

    def build(self, tree: Tree) -> _Operand:
        if isinstance(tree, Num):
            return Constant(Fraction(tree.text), tree.text)
        if isinstance(tree, Const):
            if tree.name == "pi":
                return Constant(math.pi, "π")
            return Constant(math.e, "e")
        if isinstance(tree, Var):
            if tree.name in self.named:
                return self.named[tree.name]
            if tree.name in self.definitions:
                result = self.operand(self.definitions[tree.name])
                self._name(result, tree.name)
                self.named[tree.name] = result
                return result
            raise InputError(f"no value for {tree.name}: add {tree.name}=… to --at")
        if isinstance(tree, Add):
            return self.add(tree)
        if isinstance(tree, Neg):
            inner = self.operand(tree.operand)
            if isinstance(inner, Constant):
                return Constant(tidy(-inner.value), f"−{inner.text}")
            return self.make("neg", [inner], {}, "neg")
        if isinstance(tree, Mul):
            return self.mul([self.operand(f) for f in tree.factors])
        if isinstance(tree, Div):
            return self.div(self.operand(tree.numerator), self.operand(tree.denominator))
        if isinstance(tree, Pow):
            if isinstance(tree.base, Const) and tree.base.name == "e":
                return self.function("exp", self.operand(tree.exponent))
            return self.power(self.operand(tree.base), self.operand(tree.exponent))
        if isinstance(tree, Call):
            name = _FUNCTIONS.get(tree.name, tree.name)
            arg = self.operand(tree.arg)
            params: dict[str, object] = {}
            if tree.base is not None:
                base = self.build(tree.base)
                if not isinstance(base, Constant):
                    raise InputError("the base of a logarithm must be a number")
                params["base"] = base.value
            return self.function(name, arg, params)
        if isinstance(tree, Gate):
            args = [self.operand(a) for a in tree.args]
            if tree.name in ("sigmoid", "relu"):
                return self.function(tree.name, args[0])
            nodes: list[_Operand] = [a for a in args if isinstance(a, int)]
            constants = tuple(a.value for a in args if isinstance(a, Constant))
            if not nodes:
                value = max(constants) if tree.name == "max" else min(constants)
                return Constant(value, show_number(value))
            return self.make(tree.name, args, {"constants": constants}, tree.name, nodes)
        raise InputError("this expression cannot be drawn as a graph")

    def div(self, num: _Operand, den: _Operand) -> _Operand:
        if isinstance(num, Constant) and isinstance(den, Constant):
            if den.value == 0:
                raise DomainError("a division by 0")
            return Constant(tidy(num.value / den.value), f"{num.text}/{den.text}")
        params: dict[str, object] = {}
        ins: list[_Operand] = []
        for key, part in (("numerator", num), ("denominator", den)):
            if isinstance(part, Constant):
                params[key] = part.value
            else:
                ins.append(part)
        return self.make("div", [num, den], params, "div", ins)

    def power(self, base: _Operand, exponent: _Operand) -> _Operand:
        if isinstance(base, Constant) and isinstance(exponent, Constant):
            return Constant(power(base.value, exponent.value), f"{base.text}^{exponent.text}")
        if isinstance(exponent, Constant):
            return self.make("pow", [base, exponent], {"exponent": exponent.value}, "pow", [base])
        if isinstance(base, Constant):
            return self.make("pow", [base, exponent], {"base": base.value}, "func", [exponent])
        return self.make("pow", [base, exponent], {}, "func")

    def function(
        self, name: str, arg: _Operand, params: dict[str, object] | None = None
    ) -> _Operand:
        if isinstance(arg, Constant):
            probe = Node(-1, "", name, (), params=params or {})
            result, _, _ = _compute(probe, [arg.value])
            return Constant(result, show_number(result))
        return self.make(name, [arg], params or {}, _PATTERN_OF.get(name, "func"))

    def add(self, tree: Add) -> _Operand:
        signs: list[int] = []
        parts: list[_Operand] = []
        constant: Number = Fraction(0)
        written: list[tuple[int, _Operand]] = []
        for term in tree.terms:
            sign = 1
            while isinstance(term, Neg):
                sign, term = -sign, term.operand
            part = self.operand(term)
            if isinstance(part, Constant):
                constant = tidy(constant + part.value if sign > 0 else constant - part.value)
            else:
                signs.append(sign)
                parts.append(part)
            written.append((sign, part))
        if not parts:
            return Constant(constant, show_number(constant))
        if len(parts) == 1 and constant == 0 and signs[0] == 1:
            return parts[0]
        pattern = "add" if all(s > 0 for s in signs) else "sub"
        params: dict[str, object] = {
            "signs": tuple(signs),
            "constant": constant,
            "written": tuple(s for s, _ in written),
        }
        return self.make("add", [p for _, p in written], params, pattern, parts)

    def mul(self, factors: list[_Operand]) -> _Operand:
        k: Number = Fraction(1)
        nodes: list[_Operand] = []
        for f in factors:
            if isinstance(f, Constant):
                k = tidy(k * f.value)
            else:
                nodes.append(f)
        if not nodes:
            return Constant(k, show_number(k))
        if len(nodes) == 1 and k == 1:
            return nodes[0]
        pattern = "mul" if len(nodes) >= 2 else "scale"
        return self.make("mul", factors, {"factor": k}, pattern, nodes)

    def make(
        self,
        op: str,
        operands: list[_Operand],
        params: dict[str, object],
        pattern: str,
        inputs: list[_Operand] | None = None,
    ) -> int:
        ins = inputs if inputs is not None else operands
        index = len(self.nodes)
        node = Node(
            index,
            "",
            op,
            tuple(i for i in ins if isinstance(i, int)),
            pattern=pattern,
            params=params,
        )
        node.params["operands"] = tuple(operands)
        self.nodes.append(node)
        return index


def _formula(graph_nodes: list[Node], node: Node) -> str:
    """What a node computes, in its inputs' names and the constants as typed."""

    def show(operand: _Operand, bracket: bool = False) -> str:
        if isinstance(operand, Constant):
            text = operand.text.replace("-", "−")
            return f"({text})" if bracket and text.startswith("−") else text
        return graph_nodes[operand].name

    operands = node.params.get("operands", ())
    assert isinstance(operands, tuple)
    op = node.op
    if op == "add":
        written = node.params["written"]
        assert isinstance(written, tuple)
        out = ""
        for k, (sign, operand) in enumerate(zip(written, operands, strict=True)):
            text = show(operand)
            if k == 0:
                out = text if sign > 0 else f"−{text}"
            else:
                out += f" + {text}" if sign > 0 else f" − {text}"
        return out
    if op == "neg":
        return f"−{show(operands[0])}"
    if op == "mul":
        return "·".join(show(o, bracket=k > 0) for k, o in enumerate(operands))
    if op == "div":
        return f"{show(operands[0], True)}/{show(operands[1], True)}"
    if op == "pow":
        return f"{show(operands[0], True)}^{show(operands[1], True)}"
    if op in ("max", "min"):
        return f"{op}({', '.join(show(o) for o in operands)})"
    if op == "sigmoid":
        return f"σ({show(operands[0])})"
    if op == "abs":
        return f"|{show(operands[0])}|"
    if op == "sqrt":
        return f"√{show(operands[0])}"
    base = node.params.get("base")
    if op == "ln" and isinstance(base, Fraction | float):
        return f"log_{show_number(base)}({show(operands[0])})"
    return f"{op}({show(operands[0])})"


# -- the public door ---------------------------------------------------------------------
#: Letters for the nodes no --where names, in the order nodes are made (never e, the constant).
_LETTERS = "abcdfghijklmnopqrstuvwxyz"


def build(circuit: Circuit, values: Mapping[str, Number]) -> Graph:
    """The computation graph of ``circuit`` at ``values``, forward and backward done."""
    missing = [n for n in circuit.inputs if n not in values]
    if missing:
        raise InputError(f"no value for {missing[0]}: add {missing[0]}=… to --at")
    builder = _Builder(circuit)
    used_names = {name for name, _ in circuit.where}
    for name, tree in circuit.where:
        if not _mentions(circuit.tree, name) and not any(
            _mentions(t, name) for _, t in circuit.where
        ):
            builder.matches[name] = tree
    result = builder.operand(circuit.tree)
    if isinstance(result, Constant) or builder.nodes[result].op == "input":
        raise InputError("the expression must compute something from the variables in --at")
    for name in builder.matches:
        if name not in builder.shared:
            raise InputError(
                f"{name} is not used, and the expression has no part that is what it defines",
            )
    nodes = builder.nodes
    output = result
    unused = [n.name for n in nodes if n.op == "input" and not _reaches(nodes, output, n.index)]
    if unused:
        raise InputError(f"{unused[0]} is given a value in --at but is not in the expression")
    # Keep only what the output needs, in topological order.
    keep = sorted(i for i in range(len(nodes)) if _reaches(nodes, output, i))
    renumber = {old: new for new, old in enumerate(keep)}
    out_nodes: list[Node] = []
    taken = {*circuit.inputs, *used_names, *(builder.names.values())}
    out_name = circuit.output or ("f" if "f" not in taken else "out")
    taken.add(out_name)
    letters = (c for c in _LETTERS if c not in taken)
    for old in keep:
        node = nodes[old]
        node.index = renumber[old]
        node.inputs = tuple(renumber[i] for i in node.inputs)
        operands = node.params.get("operands")
        if isinstance(operands, tuple):
            node.params["operands"] = tuple(
                renumber[o] if isinstance(o, int) else o for o in operands
            )
        if old == output:
            node.name = circuit.output or builder.names.get(old) or out_name
        elif node.op != "input":
            node.name = builder.names.get(old) or next(letters, "") or f"n{node.index}"
        out_nodes.append(node)
    for node in out_nodes:
        if node.op != "input":
            node.formula = _formula(out_nodes, node)
    graph = Graph(circuit.text, out_nodes, renumber[output])
    graph.forward(values)
    graph.backward()
    return graph


def _mentions(tree: Tree, name: str) -> bool:
    from chainrule_cli.reading.syntax import children

    if isinstance(tree, Var):
        return tree.name == name
    return any(_mentions(c, name) for c in children(tree))


def _reaches(nodes: list[Node], start: int, target: int) -> bool:
    stack, seen = [start], set()
    while stack:
        i = stack.pop()
        if i == target:
            return True
        if i not in seen:
            seen.add(i)
            stack.extend(nodes[i].inputs)
    return False


def constant_value(tree: Tree, text: str = "") -> Number:
    """The value of a constant tree (a point's coordinate), exact where it can be."""
    result = _Builder(Circuit(text, None, tree, (), ())).build(tree)
    if not isinstance(result, Constant):
        raise InputError("a value in --at must be a number", text, 0)
    return result.value


@dataclass(frozen=True)
class Problem:
    """A backprop problem: the expression, its --where lines and the point.

    The interface for banks and quizzes: ``Problem("f = (x + y)*z", (), "x=-2,y=5,z=-4")``.
    """

    expression: str
    where: tuple[str, ...] = ()
    at: str = ""

    def graph(self) -> Graph:
        return solve(self.expression, self.at, self.where)


def solve(expression: str, at: str, where: Sequence[str] = ()) -> Graph:
    """Read ``expression`` with ``--where`` lines at the point ``at`` (``x=-2,y=5``): the graph."""
    point = read_point(at)
    values: dict[str, Number] = {}
    typed: dict[str, str] = {}
    for name, tree, text in point:
        try:
            values[name] = constant_value(tree, text)
        except InputError:
            raise InputError(f"the value of {name} must be a number", at, at.find(name)) from None
        typed[name] = text
    circuit = read_circuit(expression, [name for name, _, _ in point], where)
    graph = build(circuit, values)
    graph.typed = typed
    return graph
