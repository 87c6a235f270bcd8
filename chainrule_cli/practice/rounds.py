"""One round: a problem as it is being worked, its tries, and the credit it earns.

Scoring (``Round.credit``): a right answer earns 1, less a quarter for each hint
and for each wrong try (a wrong try costs what a hint costs, so guessing does
not pay), but never less than a quarter; after the guided walk at most a half.
The full solution, a skip or running out of tries earns nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from chainrule_cli.bank.load import Problem
from chainrule_cli.maths.applied import AppliedChecker
from chainrule_cli.maths.checking import Checker
from chainrule_cli.maths.equivalence import Verdict
from chainrule_cli.maths.solution import Solution
from chainrule_cli.practice.graphs import GraphWork
from chainrule_cli.practice.outline import Outline, PlanItem

#: Tries at each problem.
MAX_TRIES = 3
#: What a hint costs, and what a wrong try costs: the same.
COST = 0.25
#: A right answer never earns less than this.
MIN_CREDIT = 0.25
#: The guided walk caps the credit.
GUIDED_CREDIT = 0.5


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
    checker: Checker | AppliedChecker | GraphWork
    #: The worked solution (None for a graph type: its ``graph`` work shows the tree).
    solution: Solution | None
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
    #: A graph type's work (``practice.graphs``): its tree or equation, hints and walk.
    graph: GraphWork | None = None

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
