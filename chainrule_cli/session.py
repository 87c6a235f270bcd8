"""A quiz session: problem order, hints, tries, guided walks and the score.

A plain class with no terminal I/O: the rich front end (``cli/quiz.py``) asks
it what to show and tells it what the learner typed, and tests drive it
directly. The clock is injectable so timing is testable too.

Scoring: a right answer without hints earns full credit; each hint used costs
a quarter (never below a quarter for a right answer); the guided walk caps the
credit at a half; the full solution, three misses or a skip earn nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chainrule_cli.bank import Problem
from chainrule_cli.checking import AppliedChecker, Checker, Verdict, numerically_equal
from chainrule_cli.errors import InputError
from chainrule_cli.explain import Combination, Layer, Step, layers
from chainrule_cli.numeric import Undefined, float_function
from chainrule_cli.parsing import parse, parse_number, symbol
from chainrule_cli.rules import analyse
from chainrule_cli.solution import Solution, solve
from chainrule_cli.syntax import to_sympy

MAX_TRIES = 3
HINT_COST = 0.25
GUIDED_CREDIT = 0.5


@dataclass(frozen=True)
class Hint:
    """One hint: what it reveals (``kind``) about which step, and its place in the plan."""

    kind: str  # rule | identify | outer | inner | multiply | table | solution
    step: Step | None
    number: int
    total: int


def hint_plan(steps: list[Step]) -> list[tuple[str, Step | None]]:
    """The hints in order: each layer's four steps (walking nested chains from the
    outside in), a rule hint for each product, quotient or sum, then the solution."""
    plan: list[tuple[str, Step | None]] = []
    for step in steps:
        if isinstance(step, Combination):
            plan.append(("rule", step))
        elif step.trivial:
            plan.append(("table", step))
        else:
            plan.extend((kind, step) for kind in ("identify", "outer", "inner", "multiply"))
    plan.append(("solution", None))
    return plan


#: An applied problem's hints: the chain of quantities, each rate, then the product.
APPLIED_PLAN: list[tuple[str, Step | None]] = [
    ("applied-chain", None),
    ("applied-outer", None),
    ("applied-inner", None),
    ("applied-multiply", None),
    ("solution", None),
]


@dataclass
class Round:
    """One problem as it is being worked, and how it ended."""

    problem: Problem
    started: float
    checker: Checker | AppliedChecker
    solution: Solution
    plan: list[tuple[str, Step | None]]
    hints_used: int = 0
    tries: int = 0
    answers: list[str] = field(default_factory=list)
    outcome: str | None = None  # correct | missed | skipped | revealed; None while open
    mistake: str | None = None
    guided: bool = False
    finished: float | None = None

    @property
    def credit(self) -> float:
        if self.outcome != "correct" or self.hints_used >= len(self.plan):
            return 0.0
        credit = max(HINT_COST, 1.0 - HINT_COST * self.hints_used)
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


@dataclass
class GuidedResult:
    ok: bool
    message: str
    expected: Any = None  # the right expression for this step, to show
    done: bool = False
    verdict: Verdict | None = None


class GuidedWalk:
    """The problem split into its chain-rule steps, each checked on its own:
    the inner function, f′(u), g′(x), then the product (the answer itself)."""

    STEPS = ("inner", "outer", "inner_derivative", "product")

    def __init__(self, round_: Round) -> None:
        self.round = round_
        real = [s for s in layers(round_.solution.steps) if not s.trivial]
        if not real or not isinstance(round_.checker, Checker):
            raise ValueError("no chain layer to guide through")
        self.checker: Checker = round_.checker
        self.layer: Layer = real[0]
        self.index = 0
        self.analysis = round_.solution.analysis
        self.x = self.analysis.variable

    @property
    def step(self) -> str:
        return self.STEPS[self.index]

    @property
    def done(self) -> bool:
        return self.index >= len(self.STEPS)

    def _points(self) -> list[float]:
        return self.checker.sampler.points

    def _same(self, expected: Any, answer: Any, variable: Any, points: list[float]) -> bool:
        try:
            return numerically_equal(
                float_function(expected, variable), float_function(answer, variable), points
            )
        except (TypeError, ValueError):
            return False

    def submit(self, text: str) -> GuidedResult:
        """Check the learner's entry for the current step, then move on."""
        layer = self.layer
        step = self.step
        if step == "product":
            verdict = self.checker.check(text)
            self.index += 1
            return GuidedResult(
                verdict.correct, verdict.feedback, self.analysis.clean, True, verdict
            )
        if step == "inner":
            answer = to_sympy(parse(text, self.x.name), self.x)
            expected = layer.node.g.expr
            ok = self._same(expected, answer, self.x, self._points())
            message = "" if ok else "look at what sits inside the outer function."
        elif step == "outer":
            letter = symbol(layer.letter)
            expected = layer.outer_derivative_form
            try:
                answer = to_sympy(parse(text, layer.letter), letter)
                inner = float_function(layer.node.g.expr, self.x)
                u_points = []
                for v in self._points():
                    try:
                        u_points.append(inner(v))
                    except Undefined:
                        continue
                ok = self._same(expected.xreplace({symbol("u"): letter}), answer, letter, u_points)
            except InputError:
                # Written with the inner function substituted, in x: compare f′(g(x)).
                answer = to_sympy(parse(text, self.x.name), self.x)
                ok = self._same(layer.node.outer_derivative, answer, self.x, self._points())
            message = (
                "" if ok else "differentiate the outer function, with the inner kept as it is."
            )
        else:
            answer = to_sympy(parse(text, self.x.name), self.x)
            expected = layer.node.inner_derivative
            ok = self._same(expected, answer, self.x, self._points())
            message = "" if ok else "differentiate what sits inside, with respect to x."
        self.index += 1
        return GuidedResult(ok, message, expected)


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
        """Start the next problem (None when there are no more)."""
        self.current = None
        for problem in self._problems:
            try:
                checker: Checker | AppliedChecker
                if problem.applied:
                    checker = AppliedChecker(problem, self.unicode)
                    analysis = checker.analysis
                    point = checker.at
                    solution = solve(problem.expression, point, problem.variable, analysis=analysis)
                else:
                    analysis = analyse(problem.expression)
                    point = parse_number(problem.at) if problem.at is not None else None
                    solution = solve(problem.expression, point, problem.variable, analysis=analysis)
                    checker = Checker(analysis, point, self.unicode, solution.steps)
            except Exception as exc:  # a broken user problem must not end the quiz
                self.skipped_broken.append((problem, str(exc)))
                continue
            self.current = Round(
                problem=problem,
                started=self.clock(),
                checker=checker,
                solution=solution,
                plan=list(APPLIED_PLAN) if problem.applied else hint_plan(solution.steps),
            )
            return self.current
        return None

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
        kind, step = round_.plan[round_.hints_used]
        round_.hints_used += 1
        hint = Hint(kind, step, round_.hints_used, len(round_.plan))
        if kind == "solution":
            self._finish("revealed", round_.mistake)
        return hint

    def answer(self, text: str) -> AnswerResult:
        """Check an answer. InputError (bad syntax) does not use up a try."""
        round_ = self._open()
        verdict = round_.checker.check(text)
        round_.tries += 1
        round_.answers.append(text)
        if verdict.correct:
            self._finish("correct", None)
            return AnswerResult(verdict, self.max_tries - round_.tries, True)
        round_.mistake = verdict.mistake
        if round_.tries >= self.max_tries:
            self._finish("missed", verdict.mistake)
            return AnswerResult(verdict, 0, True)
        return AnswerResult(verdict, self.max_tries - round_.tries, False)

    def skip(self) -> Round:
        round_ = self._open()
        self._finish("skipped", round_.mistake)
        return round_

    def guided(self) -> GuidedWalk:
        round_ = self._open()
        round_.guided = True
        return GuidedWalk(round_)

    def finish_guided(self, result: GuidedResult) -> None:
        """The guided walk's last step is the answer itself."""
        round_ = self._open()
        round_.tries += 1
        if result.verdict is not None:
            round_.answers.append(str(result.verdict.read_as))
            if result.verdict.correct:
                self._finish("correct", None)
                return
            round_.mistake = result.verdict.mistake
        self._finish("missed", round_.mistake)

    def quit(self) -> None:
        """End now: a problem already tried counts as missed; an untouched one is dropped."""
        round_ = self.current
        if round_ is not None and round_.outcome is None:
            if round_.tries or round_.hints_used:
                self._finish("missed", round_.mistake)
            else:
                self.current = None

    # -- internals ---------------------------------------------------------------------------
    def _open(self) -> Round:
        if self.current is None or self.current.outcome is not None:
            raise RuntimeError("no problem is open")
        return self.current

    def _finish(self, outcome: str, mistake: str | None) -> None:
        round_ = self._open()
        round_.outcome = outcome
        round_.mistake = mistake if outcome != "correct" else None
        round_.finished = self.clock()
        self.rounds.append(round_)
        if self.on_finish is not None:
            self.on_finish(round_)

    # -- the score ---------------------------------------------------------------------------
    def summary(self) -> Summary:
        return Summary.of(self.rounds)


@dataclass
class TypeLine:
    type: str
    right: int = 0
    attempted: int = 0
    hints: int = 0
    credit: float = 0.0


@dataclass
class Summary:
    lines: list[TypeLine]
    missed: list[Round]
    score: float
    attempted: int

    @classmethod
    def of(cls, rounds: list[Round]) -> Summary:
        by_type: dict[str, TypeLine] = {}
        for r in rounds:
            line = by_type.setdefault(r.problem.type, TypeLine(r.problem.type))
            line.attempted += 1
            line.right += r.outcome == "correct"
            line.hints += r.hints_used
            line.credit += r.credit
        return cls(
            lines=sorted(by_type.values(), key=lambda line: line.type),
            missed=[r for r in rounds if r.outcome != "correct"],
            score=sum(r.credit for r in rounds),
            attempted=len(rounds),
        )
