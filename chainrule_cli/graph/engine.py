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

Three modules, one way: ``graph/gates.py`` (numbers, the gate table, each
gate's value and local derivatives), ``graph/compgraph.py`` (the ``Graph``: the
passes, the gradient check, paths, JSON and DOT), and this one, which builds the
graph from the read circuit and is the door (``solve``, ``Problem``).

No SymPy here: ``chainrule backprop EXPR`` never imports it (the bench checks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from chainrule_cli.errors import DomainError, InputError
from chainrule_cli.graph.compgraph import Graph
from chainrule_cli.graph.gates import Node, Number, compute, power, show_number, tidy
from chainrule_cli.printing.layout import SUPERSCRIPT
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
            result, _, _ = compute(probe, [arg.value])
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
        lower, exponent = show(operands[0], True), show(operands[1], True)
        if exponent.isdigit() and len(exponent) <= 2:  # c², as the tree and the quiz write it
            return lower + exponent.translate(SUPERSCRIPT)
        return f"{lower}^{exponent}"
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
    graph = Graph(circuit.text, out_nodes, renumber[output], read=circuit.tree)
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
