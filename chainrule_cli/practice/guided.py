"""The guided walk: a problem split into its chain-rule steps, each checked on its own.

For every layer from the outside in: its inner function and outer derivative;
the inner derivative (worked out with the next layer when it needs the chain
rule again); the products back up; the answer last. A wrong entry is compared
with the other steps' expected expressions, so the message can say which step
it is. Plain classes with no terminal I/O, like the session that starts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainrule_cli.errors import InputError
from chainrule_cli.maths.checking import Checker, layer_reading
from chainrule_cli.maths.equivalence import Verdict, constant_ratio, numerically_equal
from chainrule_cli.maths.explain import Combination, Layer, Step
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.practice.outline import Hint, PlanItem, constant, make_hint
from chainrule_cli.practice.rounds import Round
from chainrule_cli.printing.mathtext import ordered, show
from chainrule_cli.reading.parsing import parse, symbol
from chainrule_cli.reading.syntax import to_sympy

#: Tries at each step of the guided walk.
STEP_TRIES = 2


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
        if (
            not isinstance(round_.checker, Checker)
            or round_.outline is None
            or round_.solution is None
        ):
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
