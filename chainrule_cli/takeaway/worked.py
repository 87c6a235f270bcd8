"""A problem and its worked solution as lines of words and math, for paper and for Anki.

Everything comes from the ``Solution`` that ``solve`` prints (``solution.solve``)
and, for a rates problem, from ``applied.AppliedChecker``: the chain, each layer's four
steps (identify, outer derivative with the inner kept, inner derivative,
multiply), the rules for sums, products and quotients, the derivative and the
slope. Nothing is differentiated here; this module only arranges what the
rule tree already worked out. Each line is a tuple of parts: a ``str`` is
words, a ``Box`` is math (``notation``). The writers (``worksheet``, ``anki``)
turn the parts into Markdown, LaTeX, HTML or Anki fields.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from chainrule_cli.printing.boxes import (
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Prime,
    Row,
    Space,
    Sup,
    Txt,
    rate,
    row,
)
from chainrule_cli.takeaway.notation import layout, number

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.maths.explain import Combination, Layer
    from chainrule_cli.maths.solution import Solution

Part = str | Box
Parts = tuple[Part, ...]


@dataclass(frozen=True)
class Line:
    """One step: a label ("Outer derivative") and its words and math."""

    label: str
    parts: Parts


@dataclass(frozen=True)
class Block:
    """A group of steps, such as one layer of the chain, under an optional title."""

    title: Parts
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Node:
    """One variable of a tree diagram (``takeaway.graphs``), the label of the edge from its
    parent, its children; ``marked``: a leaf that is the variable differentiated by."""

    name: Box
    edge: Box | None
    children: tuple[Node, ...] = ()
    marked: bool = False


@dataclass(frozen=True)
class Item:
    """One problem: what is asked, the answer, and how to get there."""

    problem: Problem
    prompt: Parts  # y = sin(x²), or a rates problem's question
    task: Parts  # Find dy/dx.
    answer: Parts  # dy/dx = 2x·cos(x²)
    blocks: tuple[Block, ...]
    note: str | None = None
    solution: Solution | None = field(default=None, compare=False, repr=False)
    #: A graph type's tree diagram (``takeaway.graphs``), drawn by each writer.
    tree: Node | None = field(default=None, compare=False, repr=False)


COMBINATION_TITLES = {
    "sum": "Sum rule",
    "constant multiple": "Constant multiple",
    "product": "Product rule",
    "quotient": "Quotient rule",
    "general power": "General power",
}


def build(problem: Problem) -> Item:
    """The item for ``problem``. Raises the core's errors for a problem that cannot be solved."""
    if problem.applied:
        return _applied(problem)
    if problem.type == "backprop":
        return _backprop(problem)
    from chainrule_cli.maths.solution import solve
    from chainrule_cli.reading.parsing import parse_number

    point = parse_number(problem.at) if problem.at is not None else None
    solution = solve(problem.expression, point, problem.variable)
    x = solution.analysis.variable.name
    y = function_name(x)
    prompt: Parts = (row(Ident(y), "=", layout(solution.analysis.tree.written, ordered=False)),)
    if point is None:
        task: Parts = ("Find ", rate(y, x), ".")
        answer: Parts = (row(rate(y, x), "=", layout(solution.analysis.clean)),)
    else:
        at = row(Ident(x), "=", layout(point))
        task = ("Find the slope ", rate(y, x), " at ", at, ".")
        answer = (row(rate(y, x), "=", *value(solution.slope)), " at ", at)
    blocks = tuple(steps(solution))
    return Item(problem, prompt, task, answer, blocks, printable(problem.note), solution)


def function_name(variable: str) -> str:
    """y, or z when the variable itself is y."""
    return "z" if variable == "y" else "y"


def steps(solution: Solution) -> list[Block]:
    """The worked solution: the chain, each step of ``solution.steps``, the result."""
    from chainrule_cli.maths.explain import Layer

    x = solution.analysis.variable.name
    y = function_name(x)
    blocks: list[Block] = []
    if solution.pairs:
        chain: list[Box | str] = [Ident(x)]
        for name, definition in solution.pairs:
            chain.extend(["→", row(Ident(name), "=", layout(definition, ordered=False))])
        blocks.append(Block((), (Line("The chain", (row(*chain),)),)))
    for step in solution.steps:
        if isinstance(step, Layer):
            blocks.append(layer_block(step, x))
        else:
            blocks.append(Block((), (combination_line(step),)))
    result = [Line("So", (row(rate(y, x), "=", layout(solution.analysis.clean)),))]
    if solution.at is not None and solution.slope is not None:
        at = row(Ident(x), "=", layout(solution.at))
        result.append(Line("Slope", (row(rate(y, x), "=", *value(solution.slope)), " at ", at)))
    blocks.append(Block((), tuple(result)))
    return blocks


def layer_block(layer: Layer, x: str) -> Block:
    """The four steps of one layer (or the table rule, when the inside is just x)."""
    out, letter = layer.output, layer.letter
    if layer.trivial:
        rule = row(
            Prime(_fenced(layout(layer.outer_form))), "=", layout(layer.outer_derivative_form)
        )
        line = Line("Table rule", (rule, " (no chain needed: the inside is just ", Ident(x), ")"))
        return Block((), (line,))
    outer = row(Ident(out), "=", layout(layer.outer_form))
    title: Parts = ("Layer ", outer)
    identify = (
        "inner ",
        row(Ident(letter), "=", layout(layer.inner, ordered=False)),
        ", outer ",
        outer,
    )
    outer_step = (
        row(
            rate(out, letter),
            "=",
            layout(layer.outer_derivative_form),
            "→",
            layout(layer.outer_derivative, ordered=False),
        ),
        " (inner kept as it is)",
    )
    inner_step = (row(rate(letter, x), "=", layout(layer.inner_derivative)),)
    multiply = (row(rate(out, letter), "·", rate(letter, x), "=", *product(layer)),)
    return Block(
        title,
        (
            Line("Identify", identify),
            Line("Outer derivative", outer_step),
            Line("Inner derivative", inner_step),
            Line("Multiply", multiply),
        ),
    )


def product(layer: Layer) -> list[Box | str]:
    """f′(g(x))·g′(x) as the rule builds it, then its clean form when that reads differently."""
    factors = list(layer.factors)
    boxes: list[Box | str] = []
    for index, factor in enumerate(factors):
        box = layout(factor, ordered=index > 0)
        if (len(factors) > 1 and _loose(box)) or (index and _negative(box)):
            box = _fenced(box)
        if index:
            boxes.append("·")
        boxes.append(box)
    clean = layout(layer.product)
    if len(factors) == 1 and clean == boxes[0]:
        return boxes
    return [*boxes, "=", clean]


def combination_line(step: Combination) -> Line:
    """Sum, constant multiple, product, quotient or general power: the rule, its parts, the result."""
    default = ("u", "v") if step.kind == "general power" else ("f", "g", "h", "k")
    names = list(getattr(step, "names", None) or default)
    parts: list[Part] = [formula(step.formula)]
    if step.kind in ("product", "quotient", "general power"):
        parts.append(" with ")
        for index, (name, part) in enumerate(zip(names, step.parts, strict=False)):
            if index:
                parts.append(", ")
            parts.append(row(Ident(name), "=", layout(part, ordered=False)))
    elif step.kind == "constant multiple" and step.parts:
        parts.extend([" with ", row(Ident(names[0]), "=", layout(step.parts[0], ordered=False))])
    parts.extend([", which gives ", layout(step.derivative)])
    title = COMBINATION_TITLES.get(step.kind, step.kind.capitalize())
    return Line(title, tuple(parts))


# -- rates problems ---------------------------------------------------------------------------


def _applied(problem: Problem) -> Item:
    from chainrule_cli.maths.applied import AppliedChecker
    from chainrule_cli.maths.solution import solve

    checker = AppliedChecker(problem)
    solution = solve(problem.expression, checker.at, problem.variable, analysis=checker.analysis)
    y, u, t = checker.names
    unit = unit_box(problem.unit) if problem.unit else None
    task: Parts = ("Give the answer in ", unit, ".") if unit is not None else ()
    at = row(Ident(u), "=", layout(checker.at))
    first: list[Box | str] = [rate(y, u), "=", layout(checker.analysis.clean)]
    if layout(checker.analysis.clean) != layout(checker.outer_rate):
        first.extend(["=", layout(checker.outer_rate)])
    given = layout(checker.rate)
    total: list[Box | str] = [rate(y, t), "=", layout(checker.outer_rate), "×"]
    total += [_fenced_if_negative(given), "="]
    answer_value: list[Box | str] = [
        *value(checker.expected),
        *([Space(), unit] if unit is not None else []),
    ]
    rates = Block(
        ("Rates along the chain ", row(Ident(y), "→", Ident(u), "→", Ident(t))),
        (
            Line("First rate", (row(*first), " at ", at)),
            Line("Given rate", (row(rate(u, t), "=", layout(checker.rate)),)),
            Line("Multiply", (row(*total, *answer_value),)),
        ),
    )
    blocks = [*steps_without_result(solution), rates]
    answer: Parts = (row(rate(y, t), "=", *answer_value),)
    prompt: Parts = (printable(problem.question or ""),)
    return Item(problem, prompt, task, answer, tuple(blocks), printable(problem.note), solution)


#: A blank to fill in on a backprop worksheet.
BLANK = Txt("______")


def _backprop(problem: Problem) -> Item:
    """A backprop problem: the staged table with blanks (every forward value in order,
    then every gradient from the output back), and the key filled in, upstream × local
    written out and the contributions at a fork added (``graph.byhand``'s steps)."""
    from chainrule_cli.graph import byhand
    from chainrule_cli.graph.backprop_check import graph_problem
    from chainrule_cli.graph.gates import show_number

    graph = graph_problem(problem).graph()
    out = graph.out.name

    def num(value: Any) -> Box:
        return formula(show_number(value).replace("-", "−"))

    def partial(name: str) -> Box:
        return Frac(Row((Op("∂"), Ident(out))), Row((Op("∂"), Ident(name))))

    def sep(items: Sequence[Box], between: str = "; ") -> list[Part]:
        parts: list[Part] = []
        for i, item in enumerate(items):
            parts += [*([between] if i else []), item]
        return parts

    def typed(text: str) -> Box:
        return formula(text.replace("*", "·"))

    point = [row(Ident(n.name), "=", num(n.value)) for n in graph.inputs]
    defined = [typed(f"{name} = {text}") for name, text in problem.where]
    prompt: Parts = (
        typed(problem.function or ""),
        *((" with ", *sep(defined)) if defined else ()),
        " at ",
        *sep(point, ", "),
    )
    steps_asked = byhand.steps(graph)
    blanks: list[Box] = []
    forward: list[Line] = []
    backward: list[Line] = [Line("", (row(partial(out), "=", Num("1")),))]
    for step in steps_asked:
        node = graph.nodes[step.node]
        if step.kind == "value":
            blanks.append(row(Ident(node.name), "=", formula(node.formula), "=", BLANK))
            forward.append(
                Line("", (row(Ident(node.name), "=", formula(node.formula), "=", num(node.value)),))
            )
            continue
        blanks.append(row(partial(node.name), "=", BLANK))
        sums: list[Box | str] = []
        for c in graph.received(node.index):
            sums += [*(["+"] if sums else []), _fenced_if_negative(num(c.upstream)), "×"]
            sums.append(_fenced_if_negative(num(c.local)))
        backward.append(Line("", (row(partial(node.name), "=", *sums, "=", num(node.grad)),)))
    task: Parts = (
        "Fill in the staged table: each forward value in order, then each gradient "
        "from the output back (upstream × local; add at a fork): ",
        *sep(blanks),
        ".",
    )
    answer: Parts = tuple(sep([row(partial(n.name), "=", num(n.grad)) for n in graph.inputs], ", "))
    blocks = (
        Block(("Forward, top to bottom",), tuple(forward)),
        Block(("Backward, upstream × local",), tuple(backward)),
    )
    return Item(problem, prompt, task, answer, blocks, printable(problem.note))


def steps_without_result(solution: Solution) -> list[Block]:
    """The differentiation of a rates problem's formula (its rates block says the rest)."""
    return steps(solution)[:-1]


def unit_box(unit: str) -> Box:
    """cm^3/s as upright text with a real superscript."""
    pieces = re.split(r"\^(-?\d+)", unit)
    items: list[Box] = []
    for index, piece in enumerate(pieces):
        if index % 2:
            base = items.pop() if items else Txt("")
            items.append(Sup(base, Num(piece)))
        elif piece:
            items.append(Txt(piece))
    return Row(tuple(items))


# -- small helpers ----------------------------------------------------------------------------


def value(exact: Any) -> list[Box | str]:
    """An exact value, and its decimal when that says more (2e·cos(e) ≈ −2.93)."""
    import sympy as sp

    boxes: list[Box | str] = [layout(exact)]
    if not (isinstance(exact, sp.Rational | sp.Float)):
        with contextlib.suppress(TypeError, ValueError):
            boxes.extend(["≈", number(float(exact))])
    return boxes


def _fenced(box: Box) -> Box:
    return box if isinstance(box, Ident | Num | Fenced) else Fenced(box)


def _fenced_if_negative(box: Box) -> Box:
    """−1/10 as a factor after ×: (−1/10)."""
    return _fenced(box) if _negative(box) else box


def _loose(box: Box) -> bool:
    """A sum or difference, which needs brackets as a factor."""
    return isinstance(box, Row) and any(
        isinstance(i, Op) and i.text in ("+", "−") for i in box.items[1:]
    )


def _negative(box: Box) -> bool:
    return isinstance(box, Row) and bool(box.items) and box.items[0] == Op("−")


def formula(text: str) -> Box:
    """A rule in symbols, "(f·g)′ = f′·g + f·g′", read into boxes."""
    items: list[Box] = []
    superscripts = {"²": "2", "³": "3", "ᵛ": "v", "ᵍ": "g", "ⁿ": "n", "ᵘ": "u"}
    for token in re.findall(r"[A-Za-z]+|\d+|\S", text):
        if token in superscripts and items:
            sup = superscripts[token]
            items.append(Sup(items.pop(), Num(sup) if sup.isdigit() else Ident(sup)))
        elif token.isalpha():
            items.append(Ident(token, function=token in ("ln", "sin", "cos", "exp")))
        elif token.isdigit():
            items.append(Num(token))
        elif token == "′" and items:
            items.append(Prime(items.pop()))
        elif token == ")" and Op("(") in items:
            opening = len(items) - 1 - items[::-1].index(Op("("))
            inside = items[opening + 1 :]
            del items[opening:]
            items.append(Fenced(inside[0] if len(inside) == 1 else Row(tuple(inside))))
        else:
            items.append(Op(token))
    return Row(tuple(items))


@overload
def printable(text: str) -> str: ...
@overload
def printable(text: None) -> None: ...
def printable(text: str | None) -> str | None:
    """Text from a bank without control characters (they would break LaTeX and HTML)."""
    if text is None:
        return None
    return "".join(
        " " if c in "\t\n\r" else ("\ufffd" if c < " " or c == "\x7f" else c) for c in text
    )
