"""Bank problems of the graph types (``kinds.GRAPH_TYPES``): one place that knows, for each
type, how to build its engine and how to check a problem of it.

``bank.check`` calls ``validate(problem)`` for a problem with a ``function`` line;
``VALIDATORS`` maps each type to its validator (``register`` adds one: the backprop
type registers its own, ``VALIDATORS["backprop"]``). A validator returns what makes the
problem unusable, in words (empty when fine), and may raise ``ChainruleError``
(``bank.check`` reports it). The problem is anything with ``type``, ``function``,
``where`` ((name, text) pairs), ``wrt`` and ``point`` ((name, text) pairs or None),
such as ``bank.problem.Problem`` (this layer is below ``bank``).

* ``multivariable``: the function line and definitions read, the tree builds, some path
  to ``wrt`` has two edges at least (the chain rule is needed), the tree's derivative
  agrees with ``sympy.diff`` of the substituted function, the point is in the domain;
* ``backprop``: the graph builds, no gate sits at a kink, and the engine's value and
  gradients agree with ``sympy.diff`` at the point (``graph/backprop_check.py``);
* ``implicit``: the equation reads (x and y only), dy/dx = −F_x/F_y agrees with
  ``sympy.diff`` of both sides, the point is on the curve with ∂F/∂y ≠ 0 there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from chainrule_cli.errors import ChainruleError, DomainError, InputError

if TYPE_CHECKING:
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.tree import Tree


class GraphProblem(Protocol):
    """What a graph-type problem says (``bank.problem.Problem`` is one)."""

    @property
    def type(self) -> str: ...
    @property
    def function(self) -> str | None: ...
    @property
    def where(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def wrt(self) -> str | None: ...
    @property
    def point(self) -> tuple[tuple[str, str], ...] | None: ...


Validator = Callable[[GraphProblem], list[str]]


# -- the engines ----------------------------------------------------------------------------
def tree_of(problem: GraphProblem) -> Tree:
    """The tree diagram of a multivariable problem (``graph.tree.build_tree``)."""
    from chainrule_cli.graph.treebuild import build_tree

    return build_tree(problem.function or "", [f"{n} = {e}" for n, e in problem.where], problem.wrt)


def implicit_of(problem: GraphProblem) -> Implicit:
    """The equation of an implicit problem (``graph.implicit.Implicit``)."""
    from chainrule_cli.graph.implicit import Implicit

    return Implicit.from_text(problem.function or "")


def point_of(problem: GraphProblem) -> dict[str | None, Any] | None:
    """The problem's point as exact values by name (None without one)."""
    from chainrule_cli.reading.parsing import parse_number

    if problem.point is None:
        return None
    return {name: parse_number(text) for name, text in problem.point}


# -- validators -----------------------------------------------------------------------------
def check_multivariable(problem: GraphProblem) -> list[str]:
    """Everything that makes a multivariable problem unusable (empty when fine)."""
    import sympy as sp

    tree = _read(lambda: tree_of(problem))
    if isinstance(tree, str):
        return [tree]
    messages = []
    if not any(len(p.edges) >= 2 for p in tree.paths):
        messages.append(
            f"{tree.dependent} depends on {tree.wrt} directly only: "
            "no path goes through another variable, so the chain rule is not needed"
        )
    oracle = sp.diff(tree.expr, tree.symbol(tree.wrt))
    if not _same(tree.derivative, oracle):
        messages.append("the tree's derivative disagrees with sympy.diff (a bug: please report it)")
    if problem.point is not None:
        try:
            at = point_of(problem)
            assert at is not None
            tree.value(tree.point(at))
        except InputError as exc:
            messages.append(f"cannot read 'at': {exc.message}")
        except DomainError:
            messages.append(f"'at: {_pairs(problem.point)}' is outside the domain")
        except ChainruleError as exc:
            messages.append(f"'at': {exc}")
    return messages


def check_implicit(problem: GraphProblem) -> list[str]:
    """Everything that makes an implicit problem unusable (empty when fine)."""
    import sympy as sp

    curve = _read(lambda: implicit_of(problem))
    if isinstance(curve, str):
        return [curve]
    x, y = curve.x, curve.y
    f = curve.left - curve.right
    if sp.diff(f, y) == 0:
        return ["the equation does not involve y: there is no dy/dx to find"]
    oracle = -sp.diff(f, x) / sp.diff(f, y)
    messages = []
    if not _same(curve.derivative, oracle):
        messages.append("dy/dx disagrees with sympy.diff (a bug: please report it)")
    if problem.point is not None:
        try:
            at = point_of(problem)
            assert at is not None
            curve.value(curve.point(at))
        except InputError as exc:
            messages.append(f"cannot read 'at': {exc.message}")
        except ChainruleError as exc:
            messages.append(f"'at: {_pairs(problem.point)}': {exc}")
    return messages


def check_backprop(problem: GraphProblem) -> list[str]:
    """Everything that makes a backprop problem unusable (``graph.backprop_check``)."""
    from chainrule_cli.graph.backprop_check import validate as check

    return check(problem)


def _not_ready(problem: GraphProblem) -> list[str]:
    return [f"{problem.type} problems cannot be checked yet (no validator registered)"]


#: Each graph type's validator. The backprop type's is registered by its own module.
VALIDATORS: dict[str, Validator] = {
    "multivariable": check_multivariable,
    "implicit": check_implicit,
    "backprop": check_backprop,
}


def register(kind: str, validator: Validator) -> None:
    """Make ``validator`` the check of ``kind``'s bank problems."""
    VALIDATORS[kind] = validator


def validate(problem: GraphProblem) -> list[str]:
    """What makes a graph-type problem unusable, in words (empty when fine)."""
    validator = VALIDATORS.get(problem.type, _not_ready)
    return validator(problem)


# -- the slips a problem invites (drills: quiz --mistake) -----------------------------------
def invited(problem: GraphProblem) -> frozenset[str]:
    """The mistake codes (``judge.TREE_MISTAKES``; ``byhand.MISTAKES`` for backprop) whose
    slip gives a different answer for this problem: what ``quiz --mistake CODE`` may ask it for."""
    try:
        if problem.type == "multivariable":
            return _tree_slips(tree_of(problem))
        if problem.type == "implicit":
            return _curve_slips(implicit_of(problem))
        if problem.type == "backprop":
            from chainrule_cli.graph.backprop_check import invited as backprop_slips

            return backprop_slips(problem)
    except ChainruleError:
        pass
    return frozenset()


def _tree_slips(tree: Tree) -> frozenset[str]:
    from chainrule_cli.graph.judge import Probe
    from chainrule_cli.graph.treeslips import slips

    probe = Probe(tree)
    right = tree.derivative
    return frozenset(
        slip.code for slip in slips(tree) if probe.differ(tree.substitute(slip.expr), right)
    )


def _curve_slips(curve: Implicit) -> frozenset[str]:
    found = {"forgot_dy_dx"} if any(w != curve.derivative for w in curve.forgot_dy_dx()) else set()
    if _same(-curve.F_y / curve.F_x, curve.derivative) is False:
        found.add("wrong_variable")
    return frozenset(found)


# -- helpers --------------------------------------------------------------------------------
def _read(build: Callable[[], Any]) -> Any:
    """The engine ``build`` makes, or a message saying why the problem cannot be read."""
    try:
        return build()
    except InputError as exc:
        where = f" (at column {exc.position + 1})" if exc.position is not None else ""
        text = exc.text.strip() if exc.text else ""
        shown = f" {text[:60]!r}" if text else ""
        return f"cannot read{shown}: {exc.message}{where}"
    except ChainruleError as exc:
        return str(exc)


def _same(a: Any, b: Any) -> bool:
    """Whether two expressions are equal, exactly (the check's own time limit bounds it)."""
    import sympy as sp

    difference = a - b
    return bool(
        difference == 0
        or sp.cancel(difference) == 0
        or sp.expand(difference) == 0
        or sp.simplify(difference) == 0
    )


def _pairs(point: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f"{n}: {v}" for n, v in point) + "}"
