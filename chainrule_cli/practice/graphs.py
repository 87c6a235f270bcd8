"""Rounds of the graph types: one place that maps a problem type to how it is worked.

``KINDS`` maps each graph type (``kinds.GRAPH_TYPES``) to a builder of its ``GraphWork``:
the engine (``graph.tree.Tree`` or ``graph.implicit.Implicit``), the point, the judge
that gives a ``Verdict`` (``graph.judge.TreeJudge``, ``Implicit.check``), the hints
outermost first (``graph.hints.tree_hints``; for an equation, the four steps of
implicit differentiation) and the guided walk (``graph.hints.TreeWalk``). The session
(``practice.session``) asks ``work_for(problem)`` and drives what it returns as it
drives a one-variable round; nothing else looks at the type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.bank.problem import Problem
from chainrule_cli.graph.tree import Tree

if TYPE_CHECKING:
    from chainrule_cli.graph.hints import TreeHint, TreeWalk
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.maths.equivalence import Verdict


@dataclass
class GraphWork:
    """What one round of a graph type needs: its engine, judge, hints and walk."""

    problem: Problem
    engine: Tree | Implicit
    point: dict[str, Any] | None
    #: What is asked: ∂z/∂s, dz/dt, dy/dx.
    symbol: str
    #: The variables an answer may use.
    names: tuple[str, ...]
    judge: Callable[[str], Verdict]
    hints: list[TreeHint]
    walker: Callable[[], TreeWalk] | None = None
    unicode: bool = True
    #: The hint kinds, then "solution" (the last hint is the full solution).
    plan: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.plan = [*(h.kind for h in self.hints), "solution"]

    def check(self, text: str) -> Verdict:
        """The verdict on an answer, its mistake code named in the feedback."""
        verdict = self.judge(text)
        if not verdict.correct and verdict.mistake and verdict.mistake != "unconfirmed":
            verdict.feedback = f"{verdict.feedback} ({verdict.mistake})"
        return verdict

    def hint(self, index: int) -> TreeHint:
        """The hint at ``index`` (0-based) of the plan; the last is the full solution."""
        from chainrule_cli.graph.hints import TreeHint

        total = len(self.plan)
        if index < len(self.hints):
            h = self.hints[index]
            return TreeHint(h.kind, h.text, h.reveals, index + 1, total)
        return TreeHint("solution", "", (), total, total)

    def walk(self) -> TreeWalk:
        """The guided walk (ValueError when this kind has none)."""
        if self.walker is None:
            raise ValueError("no guided walk for this problem")
        return self.walker()

    @property
    def tree(self) -> Tree | None:
        return self.engine if isinstance(self.engine, Tree) else None

    def prompt(self) -> str:
        """The answer prompt: ``∂z/∂s = `` or ``dy/dx at x = 3, y = 4: ``."""
        if self.point is None:
            return f"{self.symbol} = "
        return f"{self.symbol} at {self.point_text()}: "

    def point_text(self) -> str:
        """``s = 1, t = 2`` (with the names as shown)."""
        from chainrule_cli.printing.mathtext import show
        from chainrule_cli.reading.equations import shown_name

        assert self.point is not None
        return ", ".join(
            f"{shown_name(n, self.unicode)} = {show(v, unicode=self.unicode)}"
            for n, v in self.point.items()
        )


# -- the kinds ------------------------------------------------------------------------------
def _tree_work(problem: Problem, unicode: bool) -> GraphWork:
    from chainrule_cli.graph.hints import TreeWalk, tree_hints
    from chainrule_cli.graph.judge import TreeJudge
    from chainrule_cli.graph.problems import point_of, tree_of

    tree = tree_of(problem)
    at = point_of(problem)
    point = tree.point(at) if at is not None else None
    judge = TreeJudge(tree, point, unicode)
    return GraphWork(
        problem,
        tree,
        point,
        tree.total_symbol(unicode),
        (*tree.where, *tree.independents),
        judge.check,
        tree_hints(tree, point, unicode),
        lambda: TreeWalk(tree, unicode),
        unicode,
    )


def _implicit_work(problem: Problem, unicode: bool) -> GraphWork:
    from chainrule_cli.graph.problems import implicit_of, point_of

    curve = implicit_of(problem)
    at = point_of(problem)
    point = curve.point(at) if at is not None else None
    return GraphWork(
        problem,
        curve,
        point,
        "dy/dx",
        ("x", "y"),
        lambda text: curve.check(text, point, unicode),
        implicit_hints(curve, point, unicode),
        None,
        unicode,
    )


#: Each graph type's round. The backprop type adds its own.
KINDS: dict[str, Callable[[Problem, bool], GraphWork]] = {
    "multivariable": _tree_work,
    "implicit": _implicit_work,
}


def work_for(problem: Problem, unicode: bool = True) -> GraphWork:
    """The round's work for a graph-type problem (ValueError for a type without one)."""
    builder = KINDS.get(problem.type)
    if builder is None:
        raise ValueError(f"{problem.type} problems cannot be practised yet")
    return builder(problem, unicode)


def implicit_hints(
    curve: Implicit, point: dict[str, Any] | None = None, unicode: bool = True
) -> list[TreeHint]:
    """The hints for dy/dx of an equation, outermost first: differentiate both sides with
    y = y(x), collect the dy/dx terms, solve (the shortcut −F_x/F_y), the value."""
    from chainrule_cli.graph.hints import TreeHint
    from chainrule_cli.maths.analysis import clean_form
    from chainrule_cli.printing.mathtext import show

    def m(expr: Any) -> str:
        return show(expr, unicode=unicode)

    def side(expr: Any) -> str:
        """d/dx of one side as A + B·dy/dx (a part that is 0 left out)."""
        a, b = clean_form(expr.diff(curve.x)), clean_form(expr.diff(curve.y))
        if b == 0:
            return m(a)
        factor = (
            "dy/dx"
            if b == 1
            else f"{m(b)}·dy/dx"
            if b.is_Atom or b.is_Mul or b.is_Pow
            else f"({m(b)})·dy/dx"
        )
        if a == 0:
            return factor
        return f"{m(a)} + {factor}"

    left, right = side(curve.left), side(curve.right)
    y_terms = [s for s in curve.side_steps(curve.left) if s.y_part != 0]
    y_terms += [s for s in curve.side_steps(curve.right) if s.y_part != 0]
    each = "; ".join(f"{m(s.term)} gives {m(s.y_part)}·dy/dx" for s in y_terms)
    out: list[tuple[str, str, tuple[Any, ...]]] = [
        (
            "differentiate",
            "Differentiate both sides with respect to x, with y = y(x): every y term gets the "
            f"chain-rule factor dy/dx ({each}).",
            (),
        ),
        (
            "collect",
            f"Both sides differentiated: {left} = {right}. Put the dy/dx terms on one "
            f"side: {m(clean_form(curve.F_y))}·dy/dx = {m(clean_form(-curve.F_x))}.",
            (),
        ),
        (
            "solve",
            f"Divide: dy/dx = {m(curve.derivative)} (the shortcut −F_x/F_y with F = {m(curve.F)}).",
            (curve.derivative,),
        ),
    ]
    if point is not None:
        value = curve.value(point)
        at = ", ".join(f"{n} = {m(v)}" for n, v in point.items())
        out.append(("value", f"At {at}: dy/dx = {m(value)}.", (value,)))
    n = len(out)
    return [TreeHint(k, t, r, i + 1, n) for i, (k, t, r) in enumerate(out)]


# -- your own function -------------------------------------------------------------------------
def own_graph_problem(
    function: str,
    where: list[str],
    wrt: str | None,
    implicit: bool,
    at: dict[str | None, Any] | None,
) -> Problem:
    """A tree or an equation the learner brings (``practise --where`` / ``--implicit``), as a
    problem with a stable id (``own-`` and a hash of what was read). Raises the engine's
    errors for input it cannot read, a point off the curve or outside the domain, and
    InputError when no path goes through another variable (no chain rule needed)."""
    import hashlib

    from chainrule_cli.errors import InputError
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.treebuild import build_tree

    engine: Tree | Implicit
    pairs: tuple[tuple[str, str], ...] = ()
    if implicit:
        engine = Implicit.from_text(function)
        kind, difficulty = "implicit", 1
        key = str(engine.F)
    else:
        engine = build_tree(function, where, wrt)
        if not any(len(p.edges) >= 2 for p in engine.paths):
            raise InputError(
                f"{engine.dependent} depends on {engine.wrt} directly only: no chain rule "
                "is needed; define an intermediate variable with --where"
            )
        kind = "multivariable"
        longest = max(len(p.edges) for p in engine.paths)
        difficulty = 3 if longest > 2 else 2 if len(engine.independents) > 1 else 1
        pairs = tuple((n, engine.texts[n].strip()) for n in engine.where)
        key = f"{engine.expr}|{engine.wrt}"
    point = engine.point(at) if at is not None else None
    if point is not None:
        engine.value(point)  # raises DomainError outside the domain
        key += "|" + ",".join(f"{n}={v}" for n, v in point.items())
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return Problem(
        id=f"own-{digest}",
        type=kind,
        expression=function,
        difficulty=difficulty,
        function=function,
        where=pairs,
        wrt=engine.wrt if isinstance(engine, Tree) else None,
        point=tuple((n, str(v)) for n, v in point.items()) if point is not None else None,
        generated=True,  # checked here, as a generated problem is when it is made
    )
