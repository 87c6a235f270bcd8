"""A quiz session: problem order, hints, tries, guided walks and the score.

A plain class with no terminal I/O: the rich front end (``cli/quiz.py``) asks
it what to show and tells it what the learner typed, and tests drive it
directly. The clock is injectable so timing is testable too.

Hints teach in the order a teacher works a nested chain: name the layers from
the outside in; then the outer derivative of each layer with its inner kept;
where an inner derivative needs the chain rule again, the next layer is worked
out before it is used; then the products are multiplied back up, innermost
first. The last hint is the full solution. Everything shown comes from the
explanation of the rule tree (``explain``); the derivatives "as built" keep the
inner functions exactly as written, so one hint never shows two notations.

Scoring (``Round.credit``): a right answer earns 1, less a quarter for each hint
and for each wrong try (a wrong try costs what a hint costs, so guessing does
not pay), but never less than a quarter; after the guided walk at most a half.
The full solution, a skip or running out of tries earns nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.bank.load import Problem
from chainrule_cli.errors import InputError
from chainrule_cli.maths.analysis import analyse, clean_form, inner_sums, unscaled
from chainrule_cli.maths.applied import AppliedChecker, applied_feedback
from chainrule_cli.maths.checking import Checker, layer_reading
from chainrule_cli.maths.equivalence import Verdict, constant_ratio, numerically_equal
from chainrule_cli.maths.explain import Combination, Layer, Step, layers
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.rules import Scaled
from chainrule_cli.maths.solution import Solution, solve
from chainrule_cli.printing.mathtext import keep_typed_decimals, ordered, show
from chainrule_cli.reading.parsing import parse, parse_number, symbol
from chainrule_cli.reading.syntax import replace_unevaluated, to_sympy

if TYPE_CHECKING:
    import sympy

MAX_TRIES = 3
#: Tries at each step of the guided walk.
STEP_TRIES = 2
#: What a hint costs, and what a wrong try costs: the same.
COST = 0.25
HINT_COST = COST
#: A right answer never earns less than this.
MIN_CREDIT = 0.25
#: The guided walk caps the credit.
GUIDED_CREDIT = 0.5


# -- the steps as a tree ---------------------------------------------------------------------
def times(*factors: Any) -> Any:
    """The product of ``factors`` as built, unevaluated, nested products opened up
    (so a sign leads: −sin(2x)·2, not a "+ −" inside a sum)."""
    import sympy as sp

    flat: list[Any] = []
    for factor in factors:
        if isinstance(factor, sp.Mul):
            flat.extend(factor.args)
        else:
            flat.append(factor)
    flat = [f for f in flat if f != 1] or [sp.Integer(1)]
    return flat[0] if len(flat) == 1 else sp.Mul(*flat, evaluate=False)


def constant(layer: Layer) -> Any:
    """The layer's constant multiple c (3 in 3sin(x²)); 1 when it has none."""
    return getattr(layer, "constant", 1)


def _region(step: Step) -> set[int]:
    """The rule-tree nodes a step works on below itself."""
    if isinstance(step, Layer):
        return set() if step.trivial else {id(n) for n in step.node.g.walk()}
    return {id(n) for n in step.node.walk()} - {id(step.node)}


@dataclass(frozen=True)
class Part:
    """One part of a sum, product, quotient or constant multiple, for the rule hint."""

    written: Any
    #: Its derivative straight from the table, or None when it needs the chain rule.
    derivative: Any


class Outline:
    """The explanation's steps as a tree: which step works inside which, the
    layers numbered from the outside in, and each step's derivative as built
    from its parts (inner functions kept as written)."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.parent: dict[int, Step | None] = {}
        self.children: dict[int, list[Step]] = {id(s): [] for s in steps}
        self.by_node: dict[int, Step] = {id(s.node): s for s in steps}
        seen: list[tuple[Step, set[int]]] = []
        for step in steps:
            # Steps come outermost first, so the last one whose region holds this
            # step's node is its nearest enclosing step.
            parent = next((s for s, region in reversed(seen) if id(step.node) in region), None)
            self.parent[id(step)] = parent
            if parent is not None:
                self.children[id(parent)].append(step)
            seen.append((step, _region(step)))
        self.roots = [s for s in steps if self.parent[id(s)] is None]
        self.real: list[Layer] = [s for s in layers(steps) if not s.trivial]
        self.numbers = {id(s): i for i, s in enumerate(self.real, start=1)}
        self._built: dict[int, Any] = {}
        self._tidy: dict[int, Any] = {}

    # -- reading the tree ------------------------------------------------------------------
    def layer_number(self, step: Step | None) -> int:
        """1 for the outermost layer, 2 for the next …; 0 when there is only one layer."""
        if step is None or len(self.real) < 2:
            return 0
        return self.numbers.get(id(step), 0)

    def step_of(self, node: Any) -> Step | None:
        """The step that works on this rule-tree node (a layer also owns its constant multiple)."""
        found = self.by_node.get(id(node))
        if found is None:
            found = self.by_node.get(id(unscaled(node)[1]))
        return found

    def inner_step(self, layer: Layer) -> Step | None:
        """The step that works out this layer's inner derivative (None: straight from the table)."""
        if layer.trivial:
            return None
        return self.step_of(layer.node.g)

    def depth(self, step: Step) -> int:
        depth = 0
        parent = self.parent[id(step)]
        while parent is not None:
            depth += 1
            parent = self.parent[id(parent)]
        return depth

    def within(self, step: Step) -> list[Layer]:
        """The real layers at or below ``step``."""
        nodes = {id(n) for n in step.node.walk()}
        return [s for s in self.real if id(s.node) in nodes]

    @staticmethod
    def combines(step: Step) -> bool:
        """A combination whose parts must be put together: not a sum with one varying term."""
        if not isinstance(step, Combination):
            return False
        if step.kind != "sum":
            return True
        return sum(1 for c in step.node.children if c.derivative != 0) > 1

    def completes(self, step: Step) -> Layer | None:
        """The layer whose inner derivative is this step's result, once it is worked out."""
        parent = self.parent[id(step)]
        while isinstance(parent, Combination) and not self.combines(parent):
            parent = self.parent[id(parent)]
        return parent if isinstance(parent, Layer) else None

    # -- derivatives as built ------------------------------------------------------------
    def result(self, step: Step) -> Any:
        """The step's derivative as the hints leave it: tidied when that is safe, else as built."""
        tidy = self.tidy(step)
        return tidy if tidy is not None else self.built(step)

    def part_derivative(self, node: Any) -> Any:
        step = self.step_of(node)
        return (
            self.result(step)
            if step is not None
            else ordered(clean_form(node.derivative, inner_sums(node)))
        )

    def inner_derivative(self, layer: Layer) -> Any:
        """g′(x) as the hints worked it out: from the inner step when there is one,
        else from the table."""
        inner = self.inner_step(layer)
        return self.result(inner) if inner is not None else ordered(layer.inner_derivative)

    def factors(self, layer: Layer) -> list[Any]:
        """f′(g(x)) and g′(x) as built (just f′ when g′ = 1)."""
        inner = self.inner_derivative(layer)
        return [layer.outer_derivative] if inner == 1 else [layer.outer_derivative, inner]

    def built(self, step: Step) -> Any:
        """The step's derivative as its rule builds it, each inner function as written."""
        if id(step) not in self._built:
            self._built[id(step)] = self._build(step)
        return self._built[id(step)]

    def _build(self, step: Step) -> Any:
        import sympy as sp

        if isinstance(step, Layer):
            if step.trivial:
                return step.outer_derivative
            return times(*self.factors(step))
        node = step.node
        children = list(node.children)
        parts = [self.part_derivative(c) for c in children]
        if step.kind == "sum":
            terms = [d for d in parts if d != 0]
            if not terms:
                return sp.Integer(0)
            return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
        if isinstance(node, Scaled):
            return times(node.factor, parts[0])
        if step.kind == "product":
            terms = []
            for i, d in enumerate(parts):
                if d == 0:
                    continue
                # As in the formula f′·g + f·g′: the derivative stands in its part's place.
                before = [c.written for c in children[:i]]
                after = [c.written for c in children[i + 1 :]]
                terms.append(times(*before, d, *after))
            return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
        if step.kind == "quotient":
            (f, g), (df, dg) = children, parts
            top = sp.Add(times(df, g.written), times(-1, f.written, dg), evaluate=False)
            return sp.Mul(top, sp.Pow(g.written, -2, evaluate=False), evaluate=False)
        return step.derivative

    def tidy(self, step: Step) -> Any:
        """The step's derivative tidied, with its inner functions as written
        (2(3x + 1)·3 = 6(3x + 1), 1/x²·2x = 2/x); None when tidying would rewrite
        a function's argument (e^(x² + x) is never shown as e^(x(x + 1)) beside
        it) or would only reorder the factors."""
        if id(step) not in self._tidy:
            self._tidy[id(step)] = self._tidied(step)
        return self._tidy[id(step)]

    def _tidied(self, step: Step) -> Any:
        import sympy as sp

        clean = step.product if isinstance(step, Layer) else step.derivative
        known = set(sp.preorder_traversal(step.node.expr))
        for inside in clean.atoms(sp.Function):
            if any(arg not in known for arg in inside.args):
                return None
        for power in clean.atoms(sp.Pow):
            if isinstance(power.base, sp.Add) and power.base not in known:
                return None
        built = self.built(step)
        leads = not (  # a number further along moves to the front: cos(3x)·3 = 3cos(3x)
            isinstance(built, sp.Mul) and any(f.is_Number for f in built.args[1:])
        )
        try:
            if leads and clean == built.doit():
                return None  # the same factors in another order: nothing to tidy
        except (TypeError, ValueError):
            pass
        written = {layer.node.g.expr: layer.node.g.written for layer in self.within(step)}
        shown = replace_unevaluated(clean, written)  # 6(3x + 1) must not become 18x + 6
        return ordered(shown, frozenset(written.values()))

    def parts(self, step: Combination) -> tuple[Part, ...]:
        out = []
        for child in step.node.children:
            has_step = self.step_of(child) is not None
            derivative = None if has_step else clean_form(child.derivative, inner_sums(child))
            out.append(Part(child.written, derivative))
        return tuple(out)

    def rows(self) -> tuple[tuple[int, Step, int], ...]:
        """The overview: (depth, step, layer number) for every step, outermost first."""
        return tuple(
            (self.depth(s), s, self.layer_number(s))
            for s in self.steps
            if not (isinstance(s, Layer) and s.trivial)
        )


# -- hints --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanItem:
    """One hint in the plan: what it reveals about which step."""

    kind: str  # layers | identify | outer | inner | multiply | rule | combine | table | solution | applied-…
    step: Step | None = None


@dataclass(frozen=True)
class Hint:
    """One hint: what it reveals (``kind``) about which step, and its place in the plan."""

    kind: str
    step: Step | None
    number: int
    total: int
    #: Which layer, counted from the outside (1 = outermost); 0 when there is only one.
    layer: int = 0
    #: The step this one works inside of (the layer whose inner derivative needs it).
    parent: Step | None = None
    #: multiply/combine: the layer whose inner derivative this result is.
    completes: Layer | None = None
    #: multiply: the factors side by side, f′(g(x)) and g′(x) as built.
    factors: tuple[Any, ...] = ()
    #: multiply/combine: the derivative as built from its parts, and tidied when that is safe.
    result: Any = None
    tidy: Any = None
    #: rule: the parts and their table derivatives.
    parts: tuple[Part, ...] = ()
    #: layers: (depth, step, layer number) for every step, outermost first.
    rows: tuple[tuple[int, Step, int], ...] = ()
    #: The layer numbers of ``parent`` and ``completes``.
    parent_layer: int = 0
    completes_layer: int = 0


def hint_plan(steps: list[Step], outline: Outline | None = None) -> list[PlanItem]:
    """The hints in teaching order, ending with the full solution.

    One layer: identify, outer derivative, inner derivative, multiply (5 hints
    with the solution). Nested layers: the layers from the outside in; each
    layer's outer derivative, outside in; the innermost inner derivative; the
    products multiplied back up, innermost first (2n + 3 hints for n layers).
    A sum, product or quotient gets its rule first and, where parts must be put
    together, a hint that puts them together after its parts are worked out.
    """
    tree = outline or Outline(steps)
    overview = len(tree.real) >= 2
    plan: list[PlanItem] = [PlanItem("layers")] if overview else []

    def visit(step: Step) -> None:
        if isinstance(step, Layer):
            if step.trivial:
                plan.append(PlanItem("table", step))
                return
            if not overview:
                plan.append(PlanItem("identify", step))
            plan.append(PlanItem("outer", step))
            inner = tree.inner_step(step)
            if inner is None:
                plan.append(PlanItem("inner", step))
            else:
                visit(inner)
            plan.append(PlanItem("multiply", step))
            return
        plan.append(PlanItem("rule", step))
        for child in tree.children[id(step)]:
            visit(child)
        if tree.combines(step):
            plan.append(PlanItem("combine", step))

    for root in tree.roots:
        visit(root)
    plan.append(PlanItem("solution"))
    return plan


#: An applied problem's hints: the chain of quantities, each rate, then the product.
APPLIED_PLAN: list[PlanItem] = [
    PlanItem("applied-chain"),
    PlanItem("applied-outer"),
    PlanItem("applied-inner"),
    PlanItem("applied-multiply"),
    PlanItem("solution"),
]


def make_hint(item: PlanItem, number: int, total: int, tree: Outline | None) -> Hint:
    """Everything a hint panel shows, from the plan item and the outline."""
    step = item.step
    if tree is None or step is None:
        rows = tree.rows() if tree is not None and item.kind == "layers" else ()
        return Hint(item.kind, step, number, total, rows=rows)
    parent = tree.parent[id(step)]
    completes = tree.completes(step) if item.kind in ("multiply", "combine") else None
    extra: dict[str, Any] = {}
    if item.kind == "multiply" and isinstance(step, Layer):
        extra["factors"] = tuple(tree.factors(step))
    if item.kind in ("multiply", "combine"):
        extra["result"] = tree.built(step)
        extra["tidy"] = tree.tidy(step)
    if item.kind == "rule" and isinstance(step, Combination):
        extra["parts"] = tree.parts(step)
    return Hint(
        item.kind,
        step,
        number,
        total,
        layer=tree.layer_number(step),
        parent=parent,
        completes=completes,
        parent_layer=tree.layer_number(parent),
        completes_layer=tree.layer_number(completes),
        **extra,
    )


# -- a round -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """One try: the answer as typed, right or not, the mistake named, when (on the session clock)."""

    answer: str
    correct: bool
    mistake: str | None
    at: float


@dataclass
class Round:
    """One problem as it is being worked, and how it ended."""

    problem: Problem
    started: float
    checker: Checker | AppliedChecker
    solution: Solution
    plan: list[PlanItem]
    outline: Outline | None = None
    hints_used: int = 0
    tries: int = 0  # answers checked (a line that does not parse is not a try)
    wrong: int = 0  # of those, the wrong ones
    answers: list[str] = field(default_factory=list)
    outcome: str | None = None  # correct | missed | skipped | revealed; None while open
    mistake: str | None = None
    guided: bool = False
    finished: float | None = None
    checked: list[Checked] = field(default_factory=list)  # every try, first to last
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    #: Hints taken during the guided walk, one per step at most (``GuidedWalk.hint``).
    step_hints: int = 0
    #: Ended by q, Ctrl-C or the end of input, before the solution was shown.
    stopped: bool = False

    def tried(self, text: str, verdict: Verdict) -> None:
        """Count one checked answer, and keep it with its verdict and time."""
        self.tries += 1
        self.answers.append(text)
        mistake = None if verdict.correct else verdict.mistake
        self.checked.append(Checked(text, verdict.correct, mistake, self.clock()))

    @property
    def hints(self) -> int:
        """Every hint taken: from the hint list and at the guided walk's steps."""
        return self.hints_used + self.step_hints

    @property
    def credit(self) -> float:
        """1, less a quarter per hint and per wrong try (at least a quarter when right);
        at most a half after the guided walk; 0 unless answered right."""
        if self.outcome != "correct" or self.hints_used >= len(self.plan):
            return 0.0
        credit = max(MIN_CREDIT, 1.0 - COST * (self.hints + self.wrong))
        return min(credit, GUIDED_CREDIT) if self.guided else credit

    @property
    def seconds(self) -> float:
        return (self.finished or self.started) - self.started

    @property
    def answer_text(self) -> str:
        return self.answers[-1] if self.answers else ""


@dataclass
class AnswerResult:
    verdict: Verdict
    tries_left: int
    finished: bool


# -- the guided walk -----------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """One step of the guided walk: what is asked about which layer or rule."""

    kind: str  # inner | outer | inner_derivative | multiply | combine | answer
    step: Step | None
    expected: Any  # in x; for "outer", f′ in the layer's letter
    number: int = 0
    total: int = 0
    layer: int = 0
    #: multiply/combine: the layer whose inner derivative this step works out.
    completes: Layer | None = None
    #: The step this one works inside of (for a nested layer: the layer outside it).
    parent: Step | None = None
    #: Rules met just before this step (a sum, a product …), shown before the question.
    notes: tuple[Hint, ...] = ()
    #: The top of the tree is a chain layer (the answer is "multiply them").
    top_is_layer: bool = False
    parent_layer: int = 0
    completes_layer: int = 0


@dataclass(frozen=True)
class StepHint:
    """A hint for the guided step being asked: how to get its entry, never the entry itself.

    ``kind`` is the step's (inner, outer, inner_derivative, multiply, combine,
    answer); the words are the renderer's, from ``question`` and ``layer``.
    """

    kind: str
    question: Question
    #: The chain layer the step is about (for a rule: None).
    layer: Layer | None
    #: The point to put in at the last step ("at" of the problem), if any.
    at: str | None = None


@dataclass
class GuidedResult:
    ok: bool
    message: str
    expected: Any = None  # the right expression for this step, to show
    done: bool = False  # the walk is over
    verdict: Verdict | None = None
    tries_left: int = 0
    #: Missed twice: the expected answer is shown and the walk moves on.
    revealed: bool = False
    question: Question | None = None


ASKED = {
    "inner": "the inner function",
    "outer": "the outer derivative",
    "inner_derivative": "the inner derivative",
    "multiply": "the product",
    "combine": "the parts put together",
    "answer": "the answer",
}


class GuidedWalk:
    """The problem split into its chain-rule steps, each checked on its own, for
    every layer from the outside in: each layer's inner function and outer
    derivative; the inner derivative (worked out with the next layer when it
    needs the chain rule again); the products back up; the answer last.

    Each step allows ``STEP_TRIES`` tries; a wrong entry is compared with the
    other steps' expected expressions, so the message can say which step it is.
    """

    def __init__(self, round_: Round) -> None:
        self.round = round_
        if not isinstance(round_.checker, Checker) or round_.outline is None:
            raise ValueError("no chain layer to guide through")
        tree = round_.outline
        if not tree.real:
            raise ValueError("no chain layer to guide through")
        self.checker: Checker = round_.checker
        self.outline = tree
        self.analysis = round_.solution.analysis
        self.x = self.analysis.variable
        self.unicode = self.checker.unicode
        self.questions = self._questions()
        self.index = 0
        self.tries_left = STEP_TRIES
        self.misses = 0  # wrong entries over the whole walk
        self._catalogue: list[tuple[str, Any, Layer | None]] | None = None
        self._hinted: set[int] = set()  # the steps whose hint was shown

    # -- the questions -------------------------------------------------------------------
    def _questions(self) -> list[Question]:
        tree = self.outline
        top = tree.roots[0] if tree.roots else None
        raw: list[tuple[str, Step, Any, tuple[Hint, ...]]] = []
        pending: list[Hint] = []

        def ask(kind: str, step: Step, expected: Any) -> None:
            raw.append((kind, step, expected, tuple(pending)))
            pending.clear()

        def visit(step: Step) -> None:
            if isinstance(step, Layer):
                if step.trivial:
                    return
                ask("inner", step, step.node.g.expr)
                ask("outer", step, step.outer_derivative_form)
                inner = tree.inner_step(step)
                if inner is None:
                    ask("inner_derivative", step, step.node.inner_derivative)
                else:
                    visit(inner)
                if step is not top:
                    ask("multiply", step, constant(step) * step.node.derivative)
                return
            pending.append(make_hint(PlanItem("rule", step), 0, 0, tree))
            for child in tree.children[id(step)]:
                visit(child)
            if step is not top and tree.combines(step):
                ask("combine", step, step.node.derivative)

        for root in tree.roots:
            visit(root)
        assert top is not None
        ask("answer", top, self.analysis.derivative)
        total = len(raw)
        out = []
        for number, (kind, step, expected, notes) in enumerate(raw, start=1):
            parent = tree.parent[id(step)]
            completes = tree.completes(step) if kind in ("multiply", "combine") else None
            out.append(
                Question(
                    kind,
                    step,
                    expected,
                    number,
                    total,
                    tree.layer_number(step),
                    completes,
                    parent,
                    notes,
                    isinstance(top, Layer),
                    tree.layer_number(parent),
                    tree.layer_number(completes),
                )
            )
        return out

    @property
    def question(self) -> Question:
        return self.questions[self.index]

    def hint(self) -> StepHint:
        """A hint for the step being asked (never its entry, never the final answer).

        It counts as a hint once per step, however often it is shown again.
        """
        question = self.question
        if self.index not in self._hinted:
            self._hinted.add(self.index)
            self.round.step_hints += 1
        step = question.step
        layer = step if isinstance(step, Layer) else None
        at = self.round.problem.at if question.kind == "answer" else None
        return StepHint(question.kind, question, layer, at)

    @property
    def step(self) -> str:
        """The kind of the current step (inner, outer, inner_derivative, multiply, combine, answer)."""
        return self.question.kind

    @property
    def layer(self) -> Layer:
        """The layer the current step is about (the outermost for a rule)."""
        step = self.question.step
        if isinstance(step, Layer):
            return step
        return self.outline.real[0]

    @property
    def done(self) -> bool:
        return self.index >= len(self.questions)

    # -- checking an entry ---------------------------------------------------------------
    def _points(self) -> list[float]:
        return self.checker.sampler.points

    def _same(self, expected: Any, answer: Any, variable: Any, points: list[float]) -> bool:
        try:
            return numerically_equal(
                float_function(expected, variable), float_function(answer, variable), points
            )
        except (TypeError, ValueError):
            return False

    def _read(self, text: str, name: str) -> Any:
        return to_sympy(parse(text, name), symbol(name))

    def submit(self, text: str) -> GuidedResult:
        """Check the entry for the current step. InputError (bad syntax) costs no try."""
        question = self.question
        if question.kind == "answer":
            return self._answer(text, question)
        ok, answer_x, message = self._check(text, question)
        if ok:
            return self._advance(GuidedResult(True, "", self.shown(question), question=question))
        self.misses += 1
        self.tries_left -= 1
        if not message:
            message = self._diagnose(answer_x, question)
        if self.tries_left > 0:
            return GuidedResult(False, message, None, tries_left=self.tries_left, question=question)
        return self._advance(
            GuidedResult(False, message, self.shown(question), revealed=True, question=question)
        )

    def shown(self, question: Question) -> Any:
        """The right entry for a step, as the hints show it (inner functions as written)."""
        step = question.step
        if isinstance(step, Layer):
            if question.kind == "inner":
                return step.inner
            if question.kind == "outer":
                return step.outer_derivative_form
            if question.kind == "inner_derivative":
                return ordered(step.inner_derivative)
        if step is not None and question.kind in ("multiply", "combine"):
            tidy = self.outline.tidy(step)
            return tidy if tidy is not None else self.outline.built(step)
        return question.expected

    def _advance(self, result: GuidedResult) -> GuidedResult:
        self.index += 1
        self.tries_left = STEP_TRIES
        result.done = self.done
        return result

    def _answer(self, text: str, question: Question) -> GuidedResult:
        round_ = self.round
        verdict = self.checker.check(text)
        round_.tried(text, verdict)
        if verdict.correct:
            return self._advance(
                GuidedResult(
                    True, verdict.feedback, verdict.expected, verdict=verdict, question=question
                )
            )
        round_.wrong += 1
        round_.mistake = verdict.mistake
        self.misses += 1
        self.tries_left -= 1
        if self.tries_left > 0:
            return GuidedResult(
                False,
                verdict.feedback,
                None,
                verdict=verdict,
                tries_left=self.tries_left,
                question=question,
            )
        return self._advance(
            GuidedResult(
                False,
                verdict.feedback,
                verdict.expected,
                verdict=verdict,
                revealed=True,
                question=question,
            )
        )

    def _check(self, text: str, question: Question) -> tuple[bool, Any, str]:
        """(right, the entry in x or None, a message when the entry says more than 'wrong')."""
        x = self.x
        points = self._points()
        if question.kind != "outer":
            try:
                answer = self._read(text, x.name)
            except InputError as error:
                # The inner function left as u: the lesson, not a typo (checking.layer_reading).
                put_in = None
                if question.kind in ("multiply", "combine"):
                    put_in = layer_reading(text, x.name, self.checker.steps, error)
                if put_in is None:
                    raise
                answer, used = put_in
                named = ", ".join(f"{letter} = {self._m(g, True)}" for letter, g in used)
                right = self._same(question.expected, answer, x, points)
                then = "that is right" if right else "it is still not " + ASKED[question.kind]
                return False, None, f"{named}: write it in terms of {x}. With that put in, {then}."
            return self._same(question.expected, answer, x, points), answer, ""
        layer = question.step
        assert isinstance(layer, Layer)
        letter = symbol(layer.letter)
        try:
            answer_u = self._read(text, layer.letter)
        except InputError:
            # Written with the inner function put in, in x: compare f′(g(x)).
            answer = self._read(text, x.name)
            outer = constant(layer) * layer.node.outer_derivative
            return self._same(outer, answer, x, points), answer, ""
        u_points = self._inner_values(layer)
        if self._same(layer.outer_derivative_form, answer_u, letter, u_points):
            return True, None, ""
        m = self._m
        if self._same(layer.outer_form, answer_u, letter, u_points):
            return (
                False,
                None,
                f"that is the outer function {m(layer.outer_form)} itself; differentiate it "
                f"with respect to {layer.letter}.",
            )
        # The same entry read in x, to compare with the other steps.
        answer_x = answer_u.xreplace({letter: layer.node.g.expr}) if answer_u.has(letter) else None
        return False, answer_x, ""

    def _inner_values(self, layer: Layer) -> list[float]:
        inner = float_function(layer.node.g.expr, self.x)
        values = []
        for v in self._points():
            try:
                values.append(inner(v))
            except Undefined:
                continue
        return values

    def _m(self, expr: Any, written: bool = False) -> str:
        return show(expr, unicode=self.unicode, ordered=not written)

    def _of(self, layer: Layer | None) -> str:
        number = self.outline.layer_number(layer)
        return f" of layer {number}" if number else ""

    def catalogue(self) -> list[tuple[str, Any, Layer | None]]:
        """What each step of this problem expects, in x, with a name for it."""
        if self._catalogue is not None:
            return self._catalogue
        x = self.x
        times = "×" if self.unicode else "*"
        entries: list[tuple[str, Any, Layer | None]] = []
        for layer in self.outline.real:
            node, of, c = layer.node, self._of(layer), constant(layer)
            entries += [
                (
                    f"the outer derivative{of} with the inner still inside",
                    c * node.outer_derivative,
                    layer,
                ),
                (f"the inner derivative{of}", node.inner_derivative, layer),
                (f"the inner function{of}", node.g.expr, layer),
                (f"the product outer {times} inner derivative{of}", c * node.derivative, layer),
                (
                    f"the function {self._m(node.written, True)} itself, not its derivative",
                    c * node.expr,
                    layer,
                ),
                (
                    f"the outer derivative{of} taken at {x} instead of at the inner function",
                    c * node.o.at(x),
                    layer,
                ),
            ]
        for step in self.outline.steps:
            if isinstance(step, Combination):
                entries.append(
                    (f"the derivative of the whole {step.kind}", step.node.derivative, None)
                )
        entries.append((f"the whole derivative dy/d{x}", self.analysis.derivative, None))
        self._catalogue = entries
        return entries

    def _diagnose(self, answer: Any, question: Question) -> str:
        """Which step the entry is, or how it differs from the right one."""
        m = self._m
        step = question.step
        asked = ASKED[question.kind]
        if question.layer:
            asked += f" of layer {question.layer}"
        if answer is not None:
            x, points = self.x, self._points()
            expected = question.expected
            if question.kind == "outer" and isinstance(step, Layer):
                expected = constant(step) * step.node.outer_derivative
            own = [e for e in self.catalogue() if e[2] is step]
            others = [e for e in self.catalogue() if e[2] is not step]
            for label, candidate, _ in own + others:
                if self._same(candidate, expected, x, points):
                    continue  # the same as the right one: not a different step
                if self._same(candidate, answer, x, points):
                    return f"that is {label}, not {asked}."
            if self._same(-expected, answer, x, points):
                return "right size, wrong sign: check each minus sign."
            try:
                ratio = constant_ratio(
                    float_function(expected, x), float_function(answer, x), points
                )
            except (TypeError, ValueError):
                ratio = None
            if ratio is not None and ratio != 0:
                return f"right up to a constant factor (yours is {ratio:.4g} times it): check the constants."
        if isinstance(step, Layer):
            if question.kind == "inner":
                return (
                    f"look at what sits inside the outer function {m(step.outer_form)}: "
                    f"everything {step.letter} stands for."
                )
            if question.kind == "outer":
                return (
                    f"differentiate {m(step.outer_form)} with respect to {step.letter}, "
                    f"with {step.letter} kept as it is."
                )
            if question.kind == "inner_derivative":
                return f"differentiate the inner function {m(step.inner, True)} with respect to {self.x}."
            if question.kind == "multiply":
                return "multiply the outer derivative by the inner derivative you found."
        if isinstance(step, Combination) and question.kind == "combine":
            return f"put the parts together with the {step.kind} rule: {step.formula}."
        return "not this one."


# -- the session ---------------------------------------------------------------------------
class QuizSession:
    """Runs problems one at a time; knows nothing of terminals or databases.

    ``on_finish`` is called with each round as soon as it ends (the progress
    store records it then, so a killed quiz keeps what was answered).
    """

    def __init__(
        self,
        problems: Iterable[Problem],
        total: int | None = None,
        unicode: bool = True,
        max_tries: int = MAX_TRIES,
        clock: Callable[[], float] = time.monotonic,
        on_finish: Callable[[Round], None] | None = None,
    ) -> None:
        self._problems: Iterator[Problem] = iter(problems)
        self.total = total
        self.unicode = unicode
        self.max_tries = max_tries
        self.clock = clock
        self.on_finish = on_finish
        self.rounds: list[Round] = []
        self.current: Round | None = None
        self.skipped_broken: list[tuple[Problem, str]] = []

    # -- moving through problems ---------------------------------------------------------
    def next_problem(self) -> Round | None:
        """Start the next problem (None when there are no more).

        A bank problem is validated (``bank.check_problem``, time-limited) just
        before it is asked: one that fails is never asked, but kept in
        ``skipped_broken`` with the first reason, and the next one is tried.
        Generated problems were validated when they were made.
        """
        from chainrule_cli.limits import time_limit
        from chainrule_cli.practice.deck import trouble

        self.current = None
        for problem in self._problems:
            try:
                reason = trouble(problem)
                if reason is not None:
                    self.skipped_broken.append((problem, reason))
                    continue
                with time_limit(5.0, "Preparing this problem"):  # as long as checking it
                    self.current = self._start(problem)
            except Exception as exc:  # a broken user problem must not end the quiz
                self.skipped_broken.append((problem, str(exc)))
                continue
            return self.current
        return None

    def _start(self, problem: Problem) -> Round:
        checker: Checker | AppliedChecker
        keep_typed_decimals(
            problem.expression, problem.at, problem.rate, variable=problem.variable
        )  # 1.05, and a rate of 0.2, shown as typed in this round
        if problem.applied:
            checker = AppliedChecker(problem, self.unicode)
            analysis = checker.analysis
            solution = solve(problem.expression, checker.at, problem.variable, analysis=analysis)
            return Round(
                problem, self.clock(), checker, solution, list(APPLIED_PLAN), clock=self.clock
            )
        analysis = analyse(problem.expression, problem.variable)
        point = parse_number(problem.at) if problem.at is not None else None
        solution = solve(problem.expression, point, problem.variable, analysis=analysis)
        checker = Checker(analysis, point, self.unicode, solution.steps)
        outline = Outline(solution.steps)
        plan = hint_plan(solution.steps, outline)
        return Round(problem, self.clock(), checker, solution, plan, outline, clock=self.clock)

    @property
    def number(self) -> int:
        """1-based position of the current problem."""
        return len(self.rounds) + (1 if self.current is not None else 0)

    # -- actions -----------------------------------------------------------------------------
    def hint(self) -> Hint | None:
        """Reveal the next hint (None when all are shown).

        The last hint is the full solution: showing it ends the problem, with no credit.
        """
        round_ = self.current
        if round_ is None or round_.outcome is not None or round_.hints_used >= len(round_.plan):
            return None
        item = round_.plan[round_.hints_used]
        round_.hints_used += 1
        hint = make_hint(item, round_.hints_used, len(round_.plan), round_.outline)
        if item.kind == "solution":
            self._finish("revealed", round_.mistake)
        return hint

    def answer(self, text: str) -> AnswerResult:
        """Check an answer. InputError (bad syntax) does not use up a try."""
        round_ = self._open()
        verdict = round_.checker.check(text)
        round_.tried(text, verdict)
        if verdict.correct:
            self._finish("correct", None, round_.checked[-1].at)
            return AnswerResult(verdict, self.max_tries - round_.tries, True)
        round_.wrong += 1
        if isinstance(round_.checker, AppliedChecker):
            verdict.feedback = applied_feedback(round_.checker, verdict, round_.hints_used)
        round_.mistake = verdict.mistake
        if round_.tries >= self.max_tries:
            self._finish("missed", verdict.mistake, round_.checked[-1].at)
            return AnswerResult(verdict, 0, True)
        return AnswerResult(verdict, self.max_tries - round_.tries, False)

    def skip(self) -> Round:
        round_ = self._open()
        self._finish("skipped", round_.mistake)
        return round_

    def reveal(self) -> Round:
        """Show the answer: the problem ends as revealed, with no credit."""
        round_ = self._open()
        self._finish("revealed", round_.mistake)
        return round_

    def guided(self) -> GuidedWalk:
        """Start the guided walk (ValueError when there is no chain layer to walk)."""
        round_ = self._open()
        walk = GuidedWalk(round_)
        round_.guided = True
        return walk

    def finish_guided(self, result: GuidedResult) -> None:
        """The guided walk's last step is the answer itself: right ends the problem
        with (capped) credit, two misses end it as missed."""
        round_ = self._open()
        if result.verdict is not None and result.verdict.correct:
            self._finish("correct", None)
            return
        self._finish("missed", round_.mistake)

    def quit(self) -> None:
        """End now: a problem already tried counts as missed; an untouched one is dropped."""
        round_ = self.current
        if round_ is not None and round_.outcome is None:
            if round_.tries or round_.hints or round_.guided:
                round_.stopped = True
                self._finish("missed", round_.mistake)
            else:
                self.current = None

    # -- internals ---------------------------------------------------------------------------
    def _open(self) -> Round:
        if self.current is None or self.current.outcome is not None:
            raise RuntimeError("no problem is open")
        return self.current

    def _finish(self, outcome: str, mistake: str | None, at: float | None = None) -> None:
        """End the round, at ``at`` when it ends with a try (the try's own time)."""
        round_ = self._open()
        round_.outcome = outcome
        round_.mistake = mistake if outcome != "correct" else None
        round_.finished = self.clock() if at is None else at
        self.rounds.append(round_)
        if self.on_finish is not None:
            self.on_finish(round_)

    # -- the score ---------------------------------------------------------------------------
    def summary(self) -> Summary:
        return Summary.of(self.rounds)


# -- your own function -----------------------------------------------------------------------
def own_problem(expression: str, at: str | None = None, variable: str = "x") -> Problem:
    """A problem made of a function the learner brings (``chainrule practise``).

    Its id is stable: ``own-`` and a short hash of the parsed expression, the
    variable and the point, so "sin(x^2)" and "sin(x**2)" are the same problem.
    Raises InputError for input that does not parse, DomainError for a point
    outside the domain, and InputError too when no chain rule is needed at all.
    """
    from chainrule_cli.maths.analysis import real_chains

    analysis = analyse(expression, variable)
    real = real_chains(analysis.tree)
    if not real:
        raise InputError(
            f"{show(analysis.tree.written, ordered=False)} needs no chain rule: every part "
            "comes straight from the table of derivatives; practise a composite function, "
            "such as sin(x^2)"
        )
    point = parse_number(at) if at is not None else None
    if point is not None:
        Checker(analysis, point)  # raises DomainError outside the domain
    key = f"{analysis.expr}|{variable}|{point if point is not None else ''}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return Problem(
        id=f"own-{digest}",
        type=analysis.type or "other",
        expression=expression,
        difficulty=difficulty_of(analysis.tree),
        at=at,
        variable=variable,
        # Checked here, as a generated problem is when it is made: the bank's
        # check knows only the bank's types and the variable x.
        generated=True,
    )


def difficulty_of(tree: Any) -> int:
    """As the bank grades: 1 one layer around a linear inner function; 2 a
    non-linear inner function; 3 nested layers, or a chain inside a sum, product
    or constant multiple."""
    from chainrule_cli.maths.analysis import real_chains
    from chainrule_cli.maths.rules import Chain

    real = real_chains(tree)
    if len(real) > 1 or not isinstance(tree, Chain):
        return 3
    inner = real[0].g
    linear = inner.expr.is_polynomial(tree.variable) and _degree(inner.expr, tree.variable) <= 1
    return 1 if linear else 2


def _degree(expr: sympy.Expr, variable: Any) -> int:
    import sympy as sp

    return int(sp.Poly(expr, variable).degree())


# -- the summary -----------------------------------------------------------------------------
@dataclass
class TypeLine:
    type: str
    right: int = 0
    attempted: int = 0
    hints: int = 0
    wrong: int = 0
    credit: float = 0.0


@dataclass
class Summary:
    """The score of a quiz: per type, in all, and the rule that gave it."""

    lines: list[TypeLine]
    missed: list[Round]
    score: float
    attempted: int
    hints: int = 0
    wrong: int = 0
    right: int = 0
    skipped: int = 0
    revealed: int = 0
    guided: int = 0

    @classmethod
    def of(cls, rounds: list[Round]) -> Summary:
        by_type: dict[str, TypeLine] = {}
        for r in rounds:
            line = by_type.setdefault(r.problem.type, TypeLine(r.problem.type))
            line.attempted += 1
            line.right += r.outcome == "correct"
            line.hints += r.hints
            line.wrong += r.wrong
            line.credit += r.credit
        return cls(
            lines=sorted(by_type.values(), key=lambda line: line.type),
            missed=[r for r in rounds if r.outcome != "correct"],
            score=sum(r.credit for r in rounds),
            attempted=len(rounds),
            hints=sum(r.hints for r in rounds),
            wrong=sum(r.wrong for r in rounds),
            right=sum(r.outcome == "correct" for r in rounds),
            skipped=sum(r.outcome == "skipped" for r in rounds),
            revealed=sum(r.outcome == "revealed" for r in rounds),
            guided=sum(r.guided for r in rounds),
        )
