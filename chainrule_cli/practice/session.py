"""A quiz session: problem order, hints, tries, guided walks and the score.

A plain class with no terminal I/O: the rich front end (``cli/play.py``) asks
it what to show and tells it what the learner typed, and tests drive it
directly. The clock is injectable so timing is testable too.

The hints come from the outline (``practice.outline``), the guided walk from
``practice.guided``, and each problem is worked as a ``practice.rounds.Round``,
which also holds the scoring rule.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chainrule_cli.bank.load import Problem
from chainrule_cli.errors import InputError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.applied import AppliedChecker, applied_feedback
from chainrule_cli.maths.checking import Checker
from chainrule_cli.maths.equivalence import Verdict
from chainrule_cli.maths.solution import solve
from chainrule_cli.practice.backprop import BackpropRound
from chainrule_cli.practice.graphs import work_for
from chainrule_cli.practice.guided import GuidedResult, GuidedWalk
from chainrule_cli.practice.outline import (
    APPLIED_PLAN,
    Hint,
    Outline,
    PlanItem,
    hint_plan,
    make_hint,
)
from chainrule_cli.practice.rounds import MAX_TRIES, Round
from chainrule_cli.printing.mathtext import keep_typed_decimals, show
from chainrule_cli.reading.parsing import parse_number

if TYPE_CHECKING:
    import sympy

    from chainrule_cli.graph.hints import StepResult, TreeHint, TreeWalk


#: A round of either kind: a chain-rule problem's, or a backprop problem's blanks.
AnyRound = Round | BackpropRound


@dataclass
class AnswerResult:
    verdict: Verdict
    tries_left: int
    finished: bool


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
        on_finish: Callable[[AnyRound], None] | None = None,
    ) -> None:
        self._problems: Iterator[Problem] = iter(problems)
        self.total = total
        self.unicode = unicode
        self.max_tries = max_tries
        self.clock = clock
        self.on_finish = on_finish
        self.rounds: list[AnyRound] = []
        self.current: AnyRound | None = None
        self.skipped_broken: list[tuple[Problem, str]] = []

    # -- moving through problems ---------------------------------------------------------
    def next_problem(self) -> AnyRound | None:
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

    def _start(self, problem: Problem) -> AnyRound:
        # 1.05, and a rate of 0.2, shown as typed in this round; and nothing from the last
        # round (its decimals would turn this one's −3/4 into −0.75).
        where = [expr for _, expr in problem.where]
        keep_typed_decimals(
            problem.expression, problem.at, problem.rate, *where, variable=problem.variable
        )
        if problem.type == "backprop":
            from chainrule_cli.graph.backprop_check import graph_problem

            graph = graph_problem(problem).graph()
            return BackpropRound(
                problem, graph, self.clock(), clock=self.clock, on_finish=self._ended
            )
        checker: Checker | AppliedChecker
        if problem.graph:
            work = work_for(problem, self.unicode)
            plan = [PlanItem(kind) for kind in work.plan]
            return Round(problem, self.clock(), work, None, plan, clock=self.clock, graph=work)
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
    def hint(self) -> Hint | TreeHint | None:
        """Reveal the next hint (None when all are shown).

        The last hint is the full solution: showing it ends the problem, with no credit.
        """
        round_ = self.current
        if isinstance(round_, BackpropRound):
            return None  # its hints are per blank: BackpropRound.hint
        if round_ is None or round_.outcome is not None or round_.hints_used >= len(round_.plan):
            return None
        item = round_.plan[round_.hints_used]
        round_.hints_used += 1
        hint: Hint | TreeHint
        if round_.graph is not None:
            hint = round_.graph.hint(round_.hints_used - 1)
        else:
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

    def tree_walk(self) -> TreeWalk:
        """Start a graph type's guided walk (ValueError when its kind has none)."""
        round_ = self._open()
        if round_.graph is None:
            raise ValueError("not a graph problem")
        walk = round_.graph.walk()
        round_.guided = True
        return walk

    def walk_step(self, result: StepResult) -> None:
        """One step of a graph type's walk: a miss is remembered by its mistake code; the
        last step ends the problem, right with (capped) credit or missed."""
        round_ = self._open()
        if not result.ok and result.mistake:
            round_.mistake = result.mistake
        if result.done:
            if result.ok:
                self._finish("correct", None)
            else:
                self._finish("missed", round_.mistake)

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
        if isinstance(round_, BackpropRound):
            round_.quit()
            if round_.outcome == "dropped":
                self.current = None
            return
        if round_ is not None and round_.outcome is None:
            if round_.tries or round_.hints or round_.guided:
                round_.stopped = True
                self._finish("missed", round_.mistake)
            else:
                self.current = None

    # -- internals ---------------------------------------------------------------------------
    def _ended(self, round_: BackpropRound) -> None:
        """A backprop round ended itself (its last blank, or a quit): keep it and record it."""
        self.rounds.append(round_)
        if self.on_finish is not None:
            self.on_finish(round_)

    def _open(self) -> Round:
        if self.current is None or self.current.outcome is not None:
            raise RuntimeError("no problem is open")
        if isinstance(self.current, BackpropRound):
            raise RuntimeError("a backprop problem is worked blank by blank (BackpropRound)")
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
    missed: list[AnyRound]
    score: float
    attempted: int
    hints: int = 0
    wrong: int = 0
    right: int = 0
    skipped: int = 0
    revealed: int = 0
    guided: int = 0

    @classmethod
    def of(cls, rounds: list[AnyRound]) -> Summary:
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
