"""The chain rule on a tree diagram: several variables, a sum over paths.

A ``Tree`` is built from the function line (``z = x^2*y + sin(y)``), the
``--where`` definitions (``x = s*t``, ``y = s + t^2``) and the variable to
differentiate by (``wrt``). Its parts, as a textbook draws them:

* the **dependent** variable (z), the **intermediate** variables (those with a
  ``--where``) and the **independent** ones (what is left free: s, t);
* the **edges**: from a variable to each variable its definition uses, labelled
  with the partial derivative (∂z/∂x, or dz/dx where z has one variable: the
  ordinary d a textbook would write);
* the **paths** from the dependent variable down to ``wrt`` (a variable reached
  both directly and through another, f(x, u(x, y)), has a path for each);
* the **formula**: the sum over those paths of the product of the edge labels,
  ∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s; worked out, then substituted, then at the point.

Each factor of one variable (dx/dt with x = cos t) is worked out by the
single-variable engine (``maths.solution.solve``: its rule tree and steps);
a partial derivative in several variables holds the others constant.

Core API (used by ``judge``, ``hints``, ``render/tree.py`` and the CLI):
``build_tree(function_line, where, wrt)`` (``graph/treebuild.py``) → ``Tree``; ``Tree.paths``,
``Tree.edges``, ``Tree.factor(edge)``, ``Tree.unsubstituted``,
``Tree.derivative``, ``Tree.substitute``, ``Tree.value(point)``,
``Tree.point(at)``, ``Tree.number_check(point)``, ``Tree.to_json(point)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import ChainruleError, DomainError, TooLarge
from chainrule_cli.reading.equations import (
    shown_name,
    symbol_for,
)

if TYPE_CHECKING:
    import sympy

    from chainrule_cli.maths.analysis import Analysis
    from chainrule_cli.maths.points import NumberCheck
    from chainrule_cli.maths.solution import Solution


def derivative_symbol(top: str, bottom: str, partial: bool, unicode: bool = True) -> str:
    """``∂z/∂x`` or ``dz/dx`` (ASCII: ``dz/dx`` for both)."""
    d = "∂" if partial and unicode else "d"
    return f"{d}{shown_name(top, unicode)}/{d}{shown_name(bottom, unicode)}"


@dataclass(frozen=True)
class Edge:
    """From ``parent`` to a variable ``child`` its definition uses.

    ``partial``: the parent has several variables, so the label is ∂parent/∂child.
    ``expr``: that derivative, in the parent's own variables.
    """

    parent: str
    child: str
    partial: bool
    expr: Any

    def symbol(self, unicode: bool = True) -> str:
        return derivative_symbol(self.parent, self.child, self.partial, unicode)


@dataclass(frozen=True)
class Path:
    """A path from the dependent variable down to a leaf: its edges in order."""

    edges: tuple[Edge, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.edges[0].parent, *(e.child for e in self.edges))

    @property
    def leaf(self) -> str:
        return self.edges[-1].child

    @property
    def product(self) -> sympy.Expr:
        """The product of the edge derivatives, each in its parent's own variables."""
        import sympy as sp

        return sp.Mul(*(e.expr for e in self.edges))

    def symbols(self, unicode: bool = True, times: str = "·") -> str:
        """``∂z/∂x·∂x/∂s``."""
        return times.join(e.symbol(unicode) for e in self.edges)

    def label(self, unicode: bool = True) -> str:
        """``z → x → s`` (ASCII ``z -> x -> s``)."""
        arrow = " → " if unicode else " -> "
        return arrow.join(shown_name(n, unicode) for n in self.names)


@dataclass(frozen=True)
class Factor:
    """One edge's derivative worked out: the derivative, its clean form, and the
    single-variable analysis (the rule tree) when the parent has one variable."""

    edge: Edge
    derivative: Any
    clean: Any
    analysis: Analysis | None
    held: tuple[str, ...]  # the variables held constant (a partial derivative)


@dataclass(eq=False)
class Tree:
    """A tree diagram; build it with ``build_tree``. See the module docstring."""

    dependent: str
    function: Any
    where: dict[str, Any]
    texts: dict[str, str]  # each variable's definition as typed (right side)
    written: dict[str, Any]  # each definition unevaluated, as typed (for showing)
    independents: tuple[str, ...]
    wrt: str
    children: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # -- structure --------------------------------------------------------------------
    @property
    def intermediates(self) -> tuple[str, ...]:
        return tuple(self.where)

    def definition(self, name: str) -> Any:
        """The expression that defines ``name`` (the function for the dependent variable)."""
        return self.function if name == self.dependent else self.where[name]

    def symbol(self, name: str) -> sympy.Symbol:
        return symbol_for(name)

    @functools.cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every edge once, from the root down, in the order the definitions use them."""
        out: list[Edge] = []
        seen: set[tuple[str, str]] = set()
        stack = [self.dependent]
        order: list[str] = []
        while stack:
            name = stack.pop(0)
            if name in order:
                continue
            order.append(name)
            kids = self.children.get(name, ())
            for kid in kids:
                if (name, kid) not in seen:
                    seen.add((name, kid))
                    expr = self.definition(name).diff(self.symbol(kid))
                    out.append(Edge(name, kid, len(kids) > 1, expr))
                stack.append(kid)
        return tuple(out)

    def edge(self, parent: str, child: str) -> Edge | None:
        for e in self.edges:
            if (e.parent, e.child) == (parent, child):
                return e
        return None

    @functools.cached_property
    def all_paths(self) -> tuple[Path, ...]:
        """Every path from the root to a leaf (leaves repeated per path, as drawn)."""
        found: list[Path] = []

        def walk(name: str, edges: tuple[Edge, ...]) -> None:
            kids = self.children.get(name, ())
            if not kids:
                found.append(Path(edges))
                return
            for kid in kids:
                e = self.edge(name, kid)
                assert e is not None
                walk(kid, (*edges, e))

        walk(self.dependent, ())
        return tuple(found)

    @property
    def paths(self) -> tuple[Path, ...]:
        """The paths that end at ``wrt``: the terms of the formula."""
        return tuple(p for p in self.all_paths if p.leaf == self.wrt)

    @property
    def partial(self) -> bool:
        """∂ for the whole derivative: the dependent variable has several independents."""
        return len(self.independents) > 1

    def total_symbol(self, unicode: bool = True) -> str:
        """``∂z/∂s`` or ``dz/dt``: what is computed. When ``wrt`` is also an edge from
        the root (f(x, u(x, y))), ``∂/∂x f(x, u)`` as CLP-3 writes it, so that the total
        is not mistaken for the edge's ∂f/∂x."""
        if self.edge(self.dependent, self.wrt) is not None and len(self.paths) > 1:
            d = "∂" if self.partial and unicode else "d"
            args = ", ".join(shown_name(n, unicode) for n in self.children[self.dependent])
            return f"{d}/{d}{shown_name(self.wrt, unicode)} {shown_name(self.dependent, unicode)}({args})"
        return derivative_symbol(self.dependent, self.wrt, self.partial, unicode)

    def formula_text(self, unicode: bool = True, times: str = "·") -> str:
        """``∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s``: the sum over the paths of the edge labels."""
        return " + ".join(p.symbols(unicode, times) for p in self.paths)

    # -- the algebra ----------------------------------------------------------------------
    def substitute(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with every intermediate variable replaced by its definition, fully."""
        mapping = {self.symbol(n): self.where[n] for n in self.where}
        for _ in range(len(mapping) + 1):
            new = expr.xreplace(mapping)
            if new == expr:
                return new
            expr = new
        return expr

    @functools.cached_property
    def unsubstituted(self) -> sympy.Expr:
        """The sum of the path products, in the intermediate (and independent) variables."""
        import sympy as sp

        return sp.Add(*(p.product for p in self.paths))

    @functools.cached_property
    def derivative(self) -> sympy.Expr:
        """The derivative, fully substituted: in the independent variables only."""
        return self.substitute(self.unsubstituted)

    @functools.cached_property
    def expr(self) -> sympy.Expr:
        """The dependent variable as a function of the independent ones."""
        return self.substitute(self.function)

    def term(self, path: Path) -> sympy.Expr:
        """One path's product, substituted."""
        return self.substitute(path.product)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - a tree is never changed once built
    def factor(self, edge: Edge) -> Factor:
        """``edge``'s derivative worked out (see ``Factor``)."""
        from chainrule_cli.maths.analysis import clean_form

        kids = self.children.get(edge.parent, ())
        analysis = None
        if len(kids) == 1:
            analysis = _single_variable(self.texts.get(edge.parent, ""), edge.child)
        clean = analysis.clean if analysis is not None else clean_form(edge.expr)
        held = tuple(k for k in kids if k != edge.child)
        return Factor(edge, edge.expr, clean, analysis, held)

    def steps(self, edge: Edge) -> Solution | None:
        """The single-variable engine's worked solution of ``edge``'s factor (its steps),
        or None for a partial derivative in several variables."""
        from chainrule_cli.maths.solution import solve

        analysis = self.factor(edge).analysis
        if analysis is None:
            return None
        try:
            return solve(analysis.text, variable=edge.child, analysis=analysis)
        except ChainruleError:
            return None

    # -- a point ------------------------------------------------------------------------
    def point(self, at: dict[str | None, Any]) -> dict[str, Any]:
        """``--at`` read (``read_point``) as values of the independent variables.

        A plain number is for a tree with one independent variable. Every
        independent variable needs a value; a name that is not one is refused.
        """
        if None in at:
            if len(self.independents) != 1:
                raise ChainruleError(
                    f"--at needs a value for each of {listed(self.independents)}, "
                    f"as in --at {','.join(f'{n}=1' for n in self.independents)}"
                )
            return {self.independents[0]: at[None]}
        for name in at:
            if name not in self.independents:
                assert name is not None
                what = (
                    "is an intermediate variable (from --where)"
                    if name in self.where or name == self.dependent
                    else "is not a variable of this function"
                )
                raise ChainruleError(
                    f"--at {name}: {name} {what}; give values for {listed(self.independents)}"
                )
        missing = [n for n in self.independents if n not in at]
        if missing:
            raise ChainruleError(f"--at needs a value for {listed(tuple(missing))} too")
        return {n: at[n] for n in self.independents}

    def at_point(self, expr: sympy.Expr, point: dict[str, Any]) -> sympy.Expr:
        """``expr`` (intermediates allowed) at the point, exactly; DomainError where it
        is not a finite real number."""
        import sympy as sp

        from chainrule_cli.maths.values import nice_value
        from chainrule_cli.reading.roots import real_branch

        values = {self.symbol(n): sp.sympify(v) for n, v in point.items()}
        full = real_branch(self.substitute(expr))
        refuse_huge(full, values)
        value = full.xreplace(values)
        if (
            value.has(sp.nan, sp.zoo, sp.oo, -sp.oo)
            or not value.is_finite
            or value.is_real is False
        ):
            raise DomainError(f"{_point_text(point)} is outside the domain")
        return nice_value(value)

    def value(self, point: dict[str, Any]) -> sympy.Expr:
        """The derivative at the point, exactly."""
        return self.at_point(self.unsubstituted, point)

    def intermediate_values(self, point: dict[str, Any]) -> dict[str, Any]:
        """Each intermediate variable's value at the point (x = 2 when x = s·t at s=1,t=2)."""
        return {n: self.at_point(self.symbol(n), point) for n in self.where}

    def number_check(self, point: dict[str, Any]) -> NumberCheck | None:
        """The check with numbers: a central difference in ``wrt``, the others held fixed."""
        from chainrule_cli.maths.points import number_check

        others = {self.symbol(n): v for n, v in point.items() if n != self.wrt}
        line = _Line(
            self.symbol(self.wrt), self.expr.xreplace(others), self.derivative.xreplace(others)
        )
        try:
            return number_check(line, float(point[self.wrt]))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return None

    # -- JSON ---------------------------------------------------------------------------
    def to_json(self, point: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``solve --json`` contract for a tree (README: several variables)."""
        from chainrule_cli.reading.roots import real_branch

        def value_of(expr: Any) -> str | None:
            if point is None:
                return None
            try:
                return str(self.at_point(expr, point))
            except DomainError:
                return None

        return {
            "dependent": self.dependent,
            "function": str(self.function),
            "where": {n: str(e) for n, e in self.where.items()},
            "independent": list(self.independents),
            "wrt": self.wrt,
            "at": None if point is None else {n: str(v) for n, v in point.items()},
            "paths": [
                [
                    {
                        "from": e.parent,
                        "to": e.child,
                        "symbol": e.symbol(),
                        "expression": str(e.expr),
                        "value": value_of(e.expr),
                    }
                    for e in p.edges
                ]
                for p in self.paths
            ],
            "formula": self.formula_text(unicode=True, times="·"),
            "derivative": str(real_branch(self.derivative)),
            "unsubstituted": str(self.unsubstituted),
            "value": value_of(self.unsubstituted),
        }


def refuse_huge(expr: sympy.Expr, values: dict[Any, Any]) -> None:
    """``TooLarge`` when a power in ``expr`` whose base and exponent are rational numbers at
    the point would be an exact number beyond 10³⁰⁰ (SymPy would compute all its digits:
    9^(9^9) never ends). Judged from logarithms in floats, before anything exact is built.
    Powers of e and other symbolic bases stay symbolic and are not refused."""
    import math

    import sympy as sp

    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Pow):
            continue
        base, exponent = (sp.sympify(a.xreplace(values)) for a in node.args)
        if not (base.is_Rational and exponent.is_Rational) or base == 0:
            continue
        size = abs(float(exponent)) * abs(math.log10(abs(float(base))))
        if size > 300:
            raise TooLarge("a value at this point is too large to compute exactly (over 10^300)")


@dataclass(frozen=True)
class _Line:
    """The function along the ``wrt`` axis, others held fixed: what ``number_check`` needs."""

    variable: Any
    expr: Any
    derivative: Any


def _single_variable(text: str, variable: str) -> Analysis | None:
    """The single-variable rule tree of a definition in one variable (``analyse``,
    cached), or None when that engine cannot read it (its steps are then not shown)."""
    from chainrule_cli.maths.analysis import analyse

    if not text.strip():
        return None
    try:
        return analyse(text.strip(), variable)
    except ChainruleError:
        return None


def listed(names: Sequence[str]) -> str:
    """Names as a sentence lists them: ``s``, ``s and t``, ``r, s and t``."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _point_text(point: dict[str, Any]) -> str:
    return ", ".join(f"{n} = {v}" for n, v in point.items())
