"""A graph-type problem for paper and for Anki: its tree, the sum over the paths, the answer.

Built from the engines (``graph.tree.Tree``, ``graph.implicit.Implicit``) as ``worked``
builds a chain problem from its ``Solution``: nothing is differentiated here. The tree
is a ``Node`` (a variable, the label of the edge that reaches it, its children; the
leaves that are the variable asked for are marked) that each writer draws: LaTeX with
``forest``, HTML and Markdown as nested lists. An equation is drawn as the tree of
F(x, y) = 0, with y = y(x): F → x, F → y → x.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainrule_cli.printing.boxes import Box, Frac, Ident, Op, Row, row
from chainrule_cli.takeaway.notation import layout
from chainrule_cli.takeaway.worked import Block, Item, Line, Node, Parts, printable

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.graph.tree import Path, Tree


def symbol(top: str, bottom: str, partial: bool) -> Box:
    """∂z/∂x or dz/dx as a fraction."""
    d: Box = Op("∂") if partial else Ident("d")
    return Frac(Row((d, _name(top))), Row((d, _name(bottom))))


def _name(name: str) -> Box:
    return Ident(name)


def build(problem: Problem) -> Item:
    """The item for a graph-type problem (multivariable or implicit)."""
    from chainrule_cli.graph.problems import implicit_of, point_of, tree_of

    at = point_of(problem)
    if problem.type == "implicit":
        curve = implicit_of(problem)
        return _implicit(problem, curve, curve.point(at) if at is not None else None)
    tree = tree_of(problem)
    return _tree(problem, tree, tree.point(at) if at is not None else None)


# -- a tree -----------------------------------------------------------------------------------
def tree_node(tree: Tree) -> Node:
    """The tree diagram: the dependent variable at the top, leaves repeated per path."""

    def node(name: str, parent: str | None) -> Node:
        edge = None
        if parent is not None:
            e = tree.edge(parent, name)
            assert e is not None
            edge = symbol(parent, name, e.partial)
        kids = tree.children.get(name, ())
        return Node(
            _name(name),
            edge,
            tuple(node(k, name) for k in kids),
            marked=not kids and name == tree.wrt,
        )

    return node(tree.dependent, None)


def _path_symbols(path: Path) -> Box:
    items: list[Box | str] = []
    for i, e in enumerate(path.edges):
        if i:
            items.append("·")
        items.append(symbol(e.parent, e.child, e.partial))
    return row(*items)


def _total(tree: Tree) -> Box:
    return symbol(tree.dependent, tree.wrt, tree.partial)


def _point_row(point: dict[str, Any]) -> Box:
    items: list[Box | str] = []
    for i, (name, value) in enumerate(point.items()):
        if i:
            items.append(",")
        items += [_name(name), "=", layout(value)]
    return row(*items)


def _tree(problem: Problem, tree: Tree, point: dict[str, Any] | None) -> Item:
    from chainrule_cli.maths.analysis import clean_form

    total = _total(tree)
    prompt: list[Box | str] = [
        row(_name(tree.dependent), "=", layout(tree.written[tree.dependent], ordered=False))
    ]
    if tree.where:
        prompt.append(", where ")
        for i, name in enumerate(tree.where):
            if i:
                prompt.append(", ")
            prompt.append(row(_name(name), "=", layout(tree.written[name], ordered=False)))
    task: Parts = ("Find ", total, *((" at ", _point_row(point)) if point else ()), ".")
    derivative = clean_form(tree.derivative)
    if point is None:
        answer: Parts = (row(total, "=", layout(derivative)),)
    else:
        answer = (row(total, "=", layout(tree.value(point))), " at ", _point_row(point))
    paths: list[Line] = []
    for p in tree.paths:
        names = row(
            *[x for i, n in enumerate(p.names) for x in ((("→",) if i else ()) + (_name(n),))]
        )
        product = clean_form(p.product)
        paths.append(Line("", (names, ": ", row(_path_symbols(p), "=", layout(product)))))
    formula = row(
        *[
            x
            for i, p in enumerate(tree.paths)
            for x in ((("+",) if i else ()) + (_path_symbols(p),))
        ]
    )
    lines = [
        Line("Sum over the paths", (row(total, "=", formula),)),
        Line("", (row(total, "=", layout(clean_form(tree.unsubstituted))),)),
    ]
    if tree.where:
        lines.append(Line("Substituted", (row(total, "=", layout(derivative)),)))
    if point is not None:
        lines.append(
            Line(
                "At the point",
                (_point_row(point), ": ", row(total, "=", layout(tree.value(point)))),
            )
        )
    blocks = (
        Block(
            (
                f"{len(tree.paths)} path{'s' if len(tree.paths) != 1 else ''} end at ",
                _name(tree.wrt),
            ),
            tuple(paths),
        ),
        Block((), tuple(lines)),
    )
    return Item(
        problem, tuple(prompt), task, answer, blocks, printable(problem.note), tree=tree_node(tree)
    )


# -- an equation ----------------------------------------------------------------------------
def curve_node() -> Node:
    """F(x, y) = 0 with y = y(x) as a tree: F → x, and F → y → x."""
    x, y = _name("x"), _name("y")
    return Node(
        _name("F"),
        None,
        (
            Node(x, symbol("F", "x", True), marked=True),
            Node(y, symbol("F", "y", True), (Node(x, symbol("y", "x", False), marked=True),)),
        ),
    )


def _implicit(problem: Problem, curve: Any, point: dict[str, Any] | None) -> Item:
    from chainrule_cli.maths.analysis import clean_form

    dydx = symbol("y", "x", False)
    left, right = curve.written
    prompt: Parts = (row(layout(left, ordered=False), "=", layout(right, ordered=False)),)
    task: Parts = (
        "Find ",
        dydx,
        *((" at ", _point_row(point)) if point else ()),
        ", with y a function of x.",
    )
    if point is None:
        answer: Parts = (row(dydx, "=", layout(curve.derivative)),)
    else:
        answer = (row(dydx, "=", layout(curve.value(point))), " at ", _point_row(point))
    fx, fy = symbol("F", "x", True), symbol("F", "y", True)
    lines = [
        Line("F", (row(_name("F"), "=", layout(curve.F)),)),
        Line("Sum over the paths", (row(fx, "+", fy, "·", dydx, "=", layout(0)),)),
        Line(
            "Each factor",
            (
                row(fx, "=", layout(clean_form(curve.F_x))),
                ", ",
                row(fy, "=", layout(clean_form(curve.F_y))),
            ),
        ),
        Line("Solve", (row(dydx, "=", Op("−"), Frac(fx, fy), "=", layout(curve.derivative)),)),
    ]
    if point is not None:
        lines.append(
            Line(
                "At the point",
                (_point_row(point), ": ", row(dydx, "=", layout(curve.value(point)))),
            )
        )
    return Item(
        problem,
        prompt,
        task,
        answer,
        (Block((), tuple(lines)),),
        printable(problem.note),
        tree=curve_node(),
    )
