"""The verdict on an answer to a tree problem, and the name of its mistake.

An answer may be written in four forms, all judged against the same tree:

* fully substituted, in the independent variables;
* in terms of the intermediate variables (as APEX's answer key prints them):
  it is substituted before it is compared;
* a number, with a point;
* a chain-rule formula with derivative symbols, ``∂z/∂x·∂x/∂s + ∂z/∂y·∂y/∂s``
  or ``dz/dx*dx/dt + …``: judged as a sum over the right paths (each term one
  path's product, each path once); symbols mixed with worked-out factors are
  judged by their value.

"A verdict is a promise": numbers (floats at random points) may only reject;
an answer is accepted only when SymPy shows the difference is 0, or, when
that algebra cannot decide in time, when the two agree to 60 digits at exact
rational points (``maths.checking``'s machinery, applied along random lines
through the independent variables). Otherwise the verdict is ``unconfirmed``.

A wrong answer is compared with the derivatives one typical slip gives
(``slips``, in ``graph/treeslips.py``); the first that matches names the mistake
(``TREE_MISTAKES``).
"""

from __future__ import annotations

import contextlib
import random
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.tree import Edge, Tree
from chainrule_cli.graph.treeslips import Slip, as_math, slips
from chainrule_cli.maths.checking import UNCONFIRMED, UNCONFIRMED_TEXT, Verdict

if TYPE_CHECKING:
    from chainrule_cli.reading.symbols import Formula

#: How many points per random line, and how many lines.
POINTS, LINES = 3, 2


# -- comparing ------------------------------------------------------------------------------
class Probe:
    """Random lines through the independent variables, and points on them where the
    function and its derivative are real: numbers reject, 60 digits confirm."""

    def __init__(self, tree: Tree, extra: tuple[Any, ...] = ()) -> None:
        import sympy as sp

        from chainrule_cli.maths.numeric import float_function
        from chainrule_cli.maths.points import sample_points

        self.tau = sp.Symbol("tau", real=True)
        rng = random.Random(str(tree.expr) + tree.wrt)
        self.lines: list[tuple[dict[Any, Any], list[float]]] = []
        for _ in range(LINES):
            line = {
                tree.symbol(n): sp.Rational(rng.randint(3, 17), 10)
                + sp.Rational(rng.randint(-9, 9), 20) * self.tau
                for n in tree.independents
            }
            functions = [
                float_function(e.xreplace(line), self.tau)
                for e in (tree.expr, tree.derivative, *extra)
            ]
            points = sample_points(functions, str(line), POINTS)
            if points:
                self.lines.append((line, points))

    @property
    def usable(self) -> bool:
        return sum(len(p) for _, p in self.lines) >= 2

    def differ(self, a: Any, b: Any) -> bool:
        """True when the floats show a ≠ b (or one is undefined where the other is not)."""
        from chainrule_cli.maths.checking import numerically_equal
        from chainrule_cli.maths.numeric import float_function

        for line, points in self.lines:
            try:
                fa = float_function(a.xreplace(line), self.tau)
                fb = float_function(b.xreplace(line), self.tau)
            except Exception:  # an expression the float library cannot build
                return False
            if not numerically_equal(fa, fb, points) and _apart(fa, fb, points):
                return True
        return False

    def precisely(self, a: Any, b: Any) -> bool | None:
        """60 digits at exact rational points on each line (``precisely_equal``)."""
        from chainrule_cli.maths.checking import precisely_equal

        for line, points in self.lines:
            same = precisely_equal(a.xreplace(line), b.xreplace(line), self.tau, points)
            if same is not True:
                return same
        return True


def _apart(fa: Any, fb: Any, points: list[float]) -> bool:
    """Different beyond float noise at some point: by more than 10⁻⁹ of the larger value
    (or of 1, so that a 10⁻¹⁷ left by cancelling terms is not taken for "not 0").
    Only used to reject: anything closer goes on to exact algebra or 60 digits."""
    from chainrule_cli.maths.numeric import Undefined

    for v in points:
        try:
            a, b = fa(v), fb(v)
        except Undefined:
            return True
        if abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)):
            return True
    return False


#: Seconds for the second algebraic try (a tree's substituted sums are longer than a chain's).
CANCEL_SECONDS = 1.0


def _cancels(a: Any, b: Any) -> bool:
    """a − b expanded, over one denominator and cancelled is 0 (within ``CANCEL_SECONDS``):
    exact algebra, for the homogeneous quotients trees produce (∂z/∂u = 0)."""
    import sympy as sp

    from chainrule_cli.limits import attempt

    return bool(
        attempt(CANCEL_SECONDS, lambda: sp.cancel(sp.together(sp.expand(a - b))) == 0, False)
    )


def equal(a: Any, b: Any, probe: Probe) -> tuple[bool | None, str]:
    """(True, method) only when exact algebra (or 60 digits) says a = b; (False, method)
    when numbers or 60 digits show a difference; (None, "unconfirmed") otherwise."""
    from chainrule_cli.maths.checking import symbolically_equal

    if probe.differ(a, b):
        return False, "numeric"
    if symbolically_equal(a, b) or _cancels(a, b):
        return True, "symbolic"
    same = probe.precisely(a, b) if probe.usable else None
    if same is None:
        return None, UNCONFIRMED
    return same, "precise"


# -- the judge ------------------------------------------------------------------------------
class TreeJudge:
    """Checks answers for one tree (and optionally a point); see the module docstring."""

    def __init__(self, tree: Tree, point: dict[str, Any] | None = None, unicode: bool = True):
        self.tree = tree
        self.point = point
        self.unicode = unicode
        self.probe = Probe(tree)

    @property
    def expected(self) -> Any:
        return self.tree.derivative

    def check(self, text: str) -> Verdict:
        """The verdict on ``text``: one of the four forms (``InputError`` if unreadable)."""
        from chainrule_cli.reading.symbols import read_formula

        formula = read_formula(text)
        self._refuse_unknown(formula, text)
        if formula.derivatives:
            return self._check_formula(formula, text)
        answer = formula.expr
        read_as = as_math(answer, self.unicode)
        if self.point is not None and not answer.free_symbols:
            return self._check_value(answer, formula, read_as)
        return self._check_expression(self.tree.substitute(answer), answer, read_as)

    def _refuse_unknown(self, formula: Formula, text: str) -> None:
        tree = self.tree
        known = set(tree.where) | set(tree.independents)
        for name in formula.read.names:
            if name not in known:
                where = (
                    "the dependent variable" if name == tree.dependent else "not a variable here"
                )
                raise InputError(
                    f"{name} is {where}: write the answer in "
                    + " and ".join(
                        part
                        for part in (
                            ", ".join(tree.independents),
                            ", ".join(tree.where),
                        )
                        if part
                    ),
                    text,
                    _position(text, name),
                )

    # -- an expression ---------------------------------------------------------------------
    def _check_expression(self, answer: Any, typed: Any, read_as: str) -> Verdict:
        same, method = equal(self.expected, answer, self.probe)
        if same:
            return Verdict(True, self.expected, typed, read_as, None, self._right_text(), method)
        if same is None:
            return Verdict(
                False, self.expected, typed, read_as, UNCONFIRMED, UNCONFIRMED_TEXT, method
            )
        slip = self.diagnose(answer)
        if slip is not None:
            return Verdict(False, self.expected, typed, read_as, slip.code, slip.sentence, method)
        return Verdict(False, self.expected, typed, read_as, None, self._not_text(), method)

    def diagnose(self, answer: Any) -> Slip | None:
        """The first slip whose derivative the answer (substituted) matches, in floats."""
        for slip in slips(self.tree, self.unicode):
            wrong = self.tree.substitute(slip.expr)
            if not self.probe.differ(wrong, answer) and self.probe.differ(wrong, self.expected):
                return slip
        return None

    def _right_text(self) -> str:
        """``∂z/∂s = …`` (and its value at the point)."""
        from chainrule_cli.maths.analysis import clean_form

        total = self.tree.total_symbol(self.unicode)
        text = f"{total} = {as_math(clean_form(self.tree.derivative), self.unicode)}"
        if self.point is not None:
            with contextlib.suppress(ChainruleError):  # undefined or too large there
                text += (
                    f", which is {as_math(self.tree.value(self.point), self.unicode)} at the point"
                )
        return text

    def _not_text(self) -> str:
        return (
            f"not {self.tree.total_symbol(self.unicode)}: add up, over the paths from "
            f"{self.tree.dependent} to {self.tree.wrt}, the product of the labels along each"
        )

    # -- a number -------------------------------------------------------------------------------
    def _check_value(self, answer: Any, formula: Formula, read_as: str) -> Verdict:
        from chainrule_cli.maths.precision import judge

        assert self.point is not None
        expected = self.tree.value(self.point)
        tree = formula.read.tree
        if judge(answer, tree, expected):
            return Verdict(True, expected, answer, read_as, None, self._right_text(), "exact")
        for slip in slips(self.tree, self.unicode):
            try:
                value = self.tree.at_point(slip.expr, self.point)
            except Exception:  # undefined or too large there: not this slip
                continue
            if value != expected and judge(answer, tree, value):
                return Verdict(False, expected, answer, read_as, slip.code, slip.sentence, "exact")
        return Verdict(False, expected, answer, read_as, None, self._not_text(), "exact")

    # -- a formula ------------------------------------------------------------------------------
    def _check_formula(self, formula: Formula, text: str) -> Verdict:
        import sympy as sp

        tree = self.tree
        read_as = text.strip()
        edges: dict[Any, Edge | None] = {}
        for placeholder, d in formula.derivatives.items():
            edges[placeholder] = tree.edge(d.top, d.bottom)
        value = formula.expr.xreplace(
            {p: (e.expr if e is not None else sp.nan) for p, e in edges.items()}
        )
        structural = self._structure(formula, edges)
        if structural is not None:
            code, sentence = structural
            return Verdict(False, self.expected, formula.expr, read_as, code, sentence, "symbolic")
        if value.has(sp.nan):  # pragma: no cover - every unknown symbol is named above
            return Verdict(False, self.expected, formula.expr, read_as, None, self._not_text())
        return self._check_expression(tree.substitute(value), formula.expr, read_as)

    def _structure(self, formula: Formula, edges: dict[Any, Edge | None]) -> tuple[str, str] | None:
        """The mistake in a formula's paths (None when each term is one right path's
        product, each path once, or when the terms mix in worked-out factors)."""
        import sympy as sp

        tree = self.tree
        u = self.unicode
        for placeholder, edge in edges.items():
            if edge is None:
                d = formula.derivatives[placeholder]
                shown = (
                    ("∂" if d.partial and u else "d")
                    + f"{d.top}/"
                    + ("∂" if d.partial and u else "d")
                    + d.bottom
                )
                parent_kids = tree.children.get(d.top, ())
                if parent_kids and d.bottom in (*tree.independents, *tree.where):
                    return (
                        "wrong_variable",
                        f"{shown} is not an edge of the tree: {d.top} depends on "
                        f"{', '.join(parent_kids)}, so its labels are "
                        + ", ".join(e.symbol(u) for e in tree.edges if e.parent == d.top),
                    )
                return ("wrong_variable", f"{shown} is not an edge of the tree")
        terms = sp.Add.make_args(sp.expand(formula.expr))
        placeholders = set(edges)
        sets: list[frozenset[Edge]] = []
        for term in terms:
            factors = term.as_coeff_mul()[1]
            used = [f for f in factors if f in placeholders]
            if len(used) != len(factors) or term.as_coeff_mul()[0] != 1:
                return None  # worked-out factors mixed in: judged by value
            chosen = [edges[f] for f in used]
            sets.append(frozenset(e for e in chosen if e is not None))
        right = {frozenset(p.edges): p for p in tree.paths}
        every = {frozenset(p.edges): p for p in tree.all_paths}
        for other in tree.independents:
            theirs = {frozenset(p.edges) for p in tree.all_paths if p.leaf == other}
            if other != tree.wrt and set(sets) == theirs:
                return (
                    "wrong_variable",
                    f"that is the formula for the derivative with respect to {other}, "
                    f"not {tree.wrt}: follow the paths that end at {tree.wrt}",
                )
        for s in sets:
            if s in every and s not in right:
                q = every[s]
                for p_set, p in right.items():
                    if p_set not in sets and len(p_set) == len(s) and len(p_set - s) == 1:
                        (mine,) = s - p_set
                        (wanted,) = p_set - s
                        return (
                            "wrong_variable",
                            f"on the path {p.label(u)}, {wanted.symbol(u)} is wanted, "
                            f"not {mine.symbol(u)}: differentiate with respect to {tree.wrt}",
                        )
                return (
                    "extra_path",
                    f"the path {q.label(u)} ends at {q.leaf}, not {tree.wrt}: "
                    f"it is not part of {tree.total_symbol(u)}",
                )
        unmatched = [s for s in sets if s not in right]
        for p_set, p in right.items():
            if p_set in sets:
                continue
            parts = [s for s in unmatched if s and s < p_set]
            if len(parts) >= 2 and frozenset().union(*parts) == p_set:
                return (
                    "added_instead_of_multiplied",
                    f"along the path {p.label(u)} the factors are multiplied "
                    f"({p.symbols(u)}), not added",
                )
            if parts:
                missing = [e.symbol(u) for e in p.edges if e not in parts[0]]
                return (
                    "forgot_inner_derivative",
                    f"the path {p.label(u)} has lost its factor {', '.join(missing)}: "
                    "multiply every label along the path",
                )
            return (
                "missing_path",
                f"the path {p.label(u)} is missing: {tree.total_symbol(u)} has a term "
                f"{p.symbols(u)} for it",
            )
        if unmatched or len(sets) != len(set(sets)):
            return ("extra_path", "a term is not the product along a path to " + tree.wrt)
        return None


def _position(text: str, name: str) -> int | None:
    import re

    match = re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text)
    if match is None:
        match = re.search(re.escape(name), text)
    return match.start() if match else None
