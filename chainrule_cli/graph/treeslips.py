"""The typical slips on a tree problem: each mistake's code, and the wrong derivative it gives.

``slips`` lists, for one tree, the derivatives a learner gets by one typical
mistake (a path missing, a factor forgotten, the factors added, …), each with
its code (a key of ``TREE_MISTAKES``) and a sentence; the judge
(``graph/judge.py``) compares a wrong answer with them to name its mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainrule_cli.graph.tree import Path, Tree

#: The mistake codes of a tree (and of implicit differentiation), with what each means.
TREE_MISTAKES: dict[str, str] = {
    "missing_path": "a path to the variable is missing from the sum",
    "extra_path": "a path that does not end at the variable was added",
    "forgot_inner_derivative": "a path is missing one of its factors",
    "wrong_variable": "a partial derivative was taken with respect to the wrong variable",
    "added_instead_of_multiplied": "the factors along a path were added, not multiplied",
    "substituted_wrong": "the intermediate variables were replaced by the wrong expressions",
    "forgot_dy_dx": "the chain-rule factor dy/dx was dropped from a y term",
}


@dataclass(frozen=True)
class Slip:
    """A derivative made with one typical mistake: its code, the path it is on,
    a sentence for the learner, and the wrong derivative (intermediates allowed)."""

    code: str
    path: Path | None
    sentence: str
    expr: Any


def _product(exprs: list[Any]) -> Any:
    import sympy as sp

    return sp.Mul(*exprs)


def slips(tree: Tree, unicode: bool = True) -> list[Slip]:
    """Every one-slip derivative of ``tree``, in the order of ``TREE_MISTAKES``."""
    import sympy as sp

    u = tree.unsubstituted
    out: list[Slip] = []
    paths = tree.paths
    total = tree.total_symbol(unicode)
    for p in paths:
        rest = u - p.product
        if len(paths) > 1:
            out.append(
                Slip(
                    "missing_path",
                    p,
                    f"the path {p.label(unicode)} is missing: {total} has a term "
                    f"{p.symbols(unicode)} for it",
                    rest,
                )
            )
    for q in tree.all_paths:
        if q.leaf != tree.wrt:
            out.append(
                Slip(
                    "extra_path",
                    q,
                    f"the path {q.label(unicode)} ends at {q.leaf}, not {tree.wrt}: "
                    f"it is not part of {total}",
                    u + q.product,
                )
            )
    for p in paths:
        rest = u - p.product
        for i, e in enumerate(p.edges):
            if len(p.edges) < 2:
                break
            kept = [f.expr for j, f in enumerate(p.edges) if j != i]
            out.append(
                Slip(
                    "forgot_inner_derivative",
                    p,
                    f"the path {p.label(unicode)} has lost its factor {e.symbol(unicode)}: "
                    "multiply every label along the path",
                    rest + _product(kept),
                )
            )
    for p in paths:
        rest = u - p.product
        for i, e in enumerate(p.edges):
            for other in tree.children.get(e.parent, ()):
                if other == e.child:
                    continue
                wrong = tree.definition(e.parent).diff(tree.symbol(other))
                exprs = [wrong if j == i else f.expr for j, f in enumerate(p.edges)]
                out.append(
                    Slip(
                        "wrong_variable",
                        p,
                        f"on the path {p.label(unicode)}, {e.symbol(unicode)} was taken "
                        f"with respect to {other} instead of {e.child}",
                        rest + _product(exprs),
                    )
                )
    if any(len(p.edges) >= 2 for p in paths):
        out.append(
            Slip(
                "forgot_inner_derivative",
                None,
                f"every path has lost its inner factors: {total} multiplies, along each path, "
                "the outer partial derivative by the inner ones",
                sp.Add(*(p.edges[0].expr for p in paths)),
            )
        )
        out.append(
            Slip(
                "forgot_inner_derivative",
                None,
                f"every path has lost its last factor (the derivative with respect to {tree.wrt})",
                sp.Add(*(_product([e.expr for e in p.edges[:-1]]) for p in paths)),
            )
        )
    for other in tree.independents:
        if other == tree.wrt:
            continue
        wrong = sp.Add(*(q.product for q in tree.all_paths if q.leaf == other))
        out.append(
            Slip(
                "wrong_variable",
                None,
                f"that is the derivative with respect to {other}, not {tree.wrt}: "
                f"follow the paths that end at {tree.wrt}",
                wrong,
            )
        )
    for p in paths:
        if len(p.edges) >= 2:
            out.append(
                Slip(
                    "added_instead_of_multiplied",
                    p,
                    f"along the path {p.label(unicode)} the factors are multiplied "
                    f"({p.symbols(unicode)}), not added",
                    u - p.product + sp.Add(*(e.expr for e in p.edges)),
                )
            )
    out.extend(_substitution_slips(tree, unicode))
    return out


def _substitution_slips(tree: Tree, unicode: bool) -> list[Slip]:
    """The right sum substituted wrongly: two definitions swapped, or an intermediate
    variable replaced by an independent one."""
    names = list(tree.where)
    out: list[Slip] = []
    u = tree.unsubstituted
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            swapped = u.xreplace({tree.symbol(a): tree.symbol(b), tree.symbol(b): tree.symbol(a)})
            out.append(
                Slip(
                    "substituted_wrong",
                    None,
                    f"the definitions of {a} and {b} were swapped when substituting",
                    swapped,
                )
            )
        for v in tree.independents:
            out.append(
                Slip(
                    "substituted_wrong",
                    None,
                    f"{a} was replaced by {v}, not by its definition {as_math(tree.where[a], unicode)}",
                    u.xreplace({tree.symbol(a): tree.symbol(v)}),
                )
            )
    return out


def as_math(expr: Any, unicode: bool) -> str:
    """An expression as the learner reads it (``printing.mathtext.show``)."""
    from chainrule_cli.printing.mathtext import show

    return show(expr, unicode=unicode)
