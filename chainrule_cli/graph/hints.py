"""Hints and the guided walk for a tree problem, as plain data (no terminal).

``tree_hints(tree, point)`` gives the hints outermost first, as the issue
orders them: the tree, the paths to the variable, each factor, the sum, the
substitution, the value (the last only with a point). Each ``TreeHint`` has a
``kind``, a one-line ``text`` and the SymPy expressions it reveals, for a
renderer to show as it likes.

``TreeWalk`` is the guided mode: it asks for the number of paths, then each
path's product, then the sum; two tries a step (``STEP_TRIES``), a diagnosis
for each wrong entry, and the expected entry shown after the second miss.
The practice session (``practice/``) drives it like its single-chain walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainrule_cli.errors import InputError
from chainrule_cli.graph.judge import Probe, equal
from chainrule_cli.graph.tree import Path, Tree
from chainrule_cli.graph.treeslips import slips

#: Tries for each guided step before its answer is shown.
STEP_TRIES = 2

HINT_KINDS = ("tree", "paths", "factors", "sum", "substitution", "value")


@dataclass(frozen=True)
class TreeHint:
    """One hint: ``kind`` (one of ``HINT_KINDS``), its text, what it reveals."""

    kind: str
    text: str
    reveals: tuple[Any, ...] = ()
    number: int = 0
    total: int = 0


def tree_hints(
    tree: Tree, point: dict[str, Any] | None = None, unicode: bool = True
) -> list[TreeHint]:
    """The hints for ``tree``, outermost first (see the module docstring)."""
    from chainrule_cli.maths.analysis import clean_form
    from chainrule_cli.printing.mathtext import show
    from chainrule_cli.reading.equations import shown_name

    def m(expr: Any) -> str:
        return show(expr, unicode=unicode)

    arrow = "→" if unicode else "->"
    dot = "·" if unicode else "*"
    total = tree.total_symbol(unicode)
    edges = "; ".join(
        f"{shown_name(n, unicode)} {arrow} {', '.join(shown_name(k, unicode) for k in kids)}"
        for n, kids in tree.children.items()
        if kids
    )
    out: list[tuple[str, str, tuple[Any, ...]]] = [
        (
            "tree",
            f"Draw the tree: {tree.dependent} at the top, an edge to each variable its "
            f"formula uses ({edges}); the leaves are {', '.join(tree.independents)}.",
            (),
        ),
        (
            "paths",
            f"{len(tree.paths)} path{'s' if len(tree.paths) != 1 else ''} end at {tree.wrt}: "
            + "; ".join(p.label(unicode) for p in tree.paths)
            + f". So {total} = {tree.formula_text(unicode, dot)}.",
            (),
        ),
    ]
    seen: list[Any] = []
    factors: list[str] = []
    for p in tree.paths:
        for e in p.edges:
            if e not in seen:
                seen.append(e)
                factors.append(f"{e.symbol(unicode)} = {m(tree.factor(e).clean)}")
    out.append(("factors", "Each factor: " + "; ".join(factors) + ".", tuple(e.expr for e in seen)))
    unsub = clean_form(tree.unsubstituted)
    out.append(("sum", f"Multiply along each path and add: {total} = {m(unsub)}.", (unsub,)))
    if tree.where:
        given = ", ".join(f"{n} = {m(e)}" for n, e in tree.where.items())
        derivative = clean_form(tree.derivative)
        out.append(
            (
                "substitution",
                f"Put in {given}: {total} = {m(derivative)}.",
                (derivative,),
            )
        )
    if point is not None:
        value = tree.value(point)
        at = ", ".join(f"{n} = {m(v)}" for n, v in point.items())
        out.append(("value", f"At {at}: {total} = {m(value)}.", (value,)))
    n = len(out)
    return [TreeHint(k, t, r, i + 1, n) for i, (k, t, r) in enumerate(out)]


@dataclass(frozen=True)
class Question:
    """One guided step: ``kind`` is paths (a count), product (one path) or sum."""

    kind: str
    prompt: str
    expected: Any
    path: Path | None = None


@dataclass
class StepResult:
    """The outcome of one entry: right, or wrong with a diagnosis; ``revealed`` after the
    last try (the expected entry is then in ``expected`` and the walk moves on)."""

    ok: bool
    message: str
    expected: Any = None
    revealed: bool = False
    done: bool = False
    tries_left: int = 0
    mistake: str | None = None


@dataclass
class TreeWalk:
    """The guided walk over a tree (see the module docstring)."""

    tree: Tree
    unicode: bool = True
    index: int = 0
    tries: int = 0
    questions: list[Question] = field(default_factory=list)

    def __post_init__(self) -> None:
        from chainrule_cli.reading.equations import shown_name

        tree, u = self.tree, self.unicode
        wrt = shown_name(tree.wrt, u)
        self.questions = [
            Question(
                "paths",
                f"How many paths go from {shown_name(tree.dependent, u)} down to {wrt}?",
                len(tree.paths),
            )
        ]
        for p in tree.paths:
            self.questions.append(
                Question(
                    "product",
                    f"The product along {p.label(u)} ({p.symbols(u)})?",
                    p.product,
                    p,
                )
            )
        self.questions.append(
            Question("sum", f"{tree.total_symbol(u)}, the sum over the paths?", tree.unsubstituted)
        )
        self.probe = Probe(tree)

    @property
    def done(self) -> bool:
        return self.index >= len(self.questions)

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def submit(self, text: str) -> StepResult:
        """Judge ``text`` for the current question (``InputError`` when unreadable)."""
        q = self.question
        ok, message, mistake = self._judge(q, text)
        if ok:
            return self._advance(StepResult(True, "right", q.expected))
        self.tries += 1
        left = STEP_TRIES - self.tries
        if left > 0:
            return StepResult(False, message, tries_left=left, mistake=mistake)
        return self._advance(StepResult(False, message, q.expected, revealed=True, mistake=mistake))

    def _advance(self, result: StepResult) -> StepResult:
        self.index += 1
        self.tries = 0
        result.done = self.done
        return result

    def _judge(self, q: Question, text: str) -> tuple[bool, str, str | None]:
        from chainrule_cli.reading.parsing import parse_number

        tree = self.tree
        if q.kind == "paths":
            value = parse_number(text)
            if value == q.expected:
                return True, "", None
            if value < q.expected:
                return (
                    False,
                    f"more than that: follow every edge from {tree.dependent}; a variable "
                    f"reached two ways ({tree.wrt} under two parents) counts once per path",
                    "missing_path",
                )
            return (
                False,
                f"fewer: count only the paths that end at {tree.wrt}",
                "extra_path",
            )
        from chainrule_cli.reading.equations import read_expression

        read = read_expression(text)
        known = set(tree.where) | set(tree.independents)
        for name in read.names:
            if name not in known:
                raise InputError(f"{name} is not a variable here", text, text.find(name))
        answer = tree.substitute(read.expr)
        expected = tree.substitute(q.expected)
        same, _ = equal(expected, answer, self.probe)
        if same:
            return True, "", None
        if q.kind == "product" and q.path is not None:
            p = q.path
            if not self.probe.differ(tree.substitute(_sum(p)), answer):
                return (
                    False,
                    "multiply the labels along the path, do not add them",
                    ("added_instead_of_multiplied"),
                )
            for i, e in enumerate(p.edges):
                kept = [f.expr for j, f in enumerate(p.edges) if j != i]
                if len(p.edges) > 1 and not self.probe.differ(tree.substitute(_mul(kept)), answer):
                    return (
                        False,
                        f"a factor is missing: {e.symbol(self.unicode)}",
                        ("forgot_inner_derivative"),
                    )
            return False, f"that is not {p.symbols(self.unicode)}: work out each factor", None
        for slip in slips(tree, self.unicode):
            if not self.probe.differ(tree.substitute(slip.expr), answer):
                return False, slip.sentence, slip.code
        return False, "add the products of all the paths to " + tree.wrt, None


def _sum(p: Path) -> Any:
    import sympy as sp

    return sp.Add(*(e.expr for e in p.edges))


def _mul(exprs: list[Any]) -> Any:
    import sympy as sp

    return sp.Mul(*exprs)
