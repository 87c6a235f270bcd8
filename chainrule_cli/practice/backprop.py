"""A backprop problem as a quiz round: every blank of the staged table, by hand.

``BackpropRound`` is plain data and no terminal, like ``rounds.Round``, and
has the same face towards the session, the summary and the progress store
(``problem``, ``outcome``, ``mistake``, ``hints``, ``wrong``, ``tries``,
``checked``, ``credit``, ``seconds``). Inside, it walks the steps of
``graph/byhand.py`` (the forward values in order, then the gradients from the
output back) with that module's verdicts, mistake codes and hints; the prompt
loop that drives it is ``cli/quiz.py``'s ``play_steps``, the same for
``backprop --practise`` and the quiz.

* **Tries.** Two at each blank; then the answer is shown and the walk goes on.
* **The mistake kept** is the first wrong blank's: its code when an answer to
  it matched a typical mistake (``overwrote_at_fork`` …), else None, as for a
  chain-rule answer no mistake explains; ``first_wrong`` names that node.
* **Outcome and credit.** Every blank right: ``correct``, with the quiz's
  credit rule spread over the blanks (each hint and wrong try costs a quarter
  of one blank's share; at least a quarter in all).
  A blank shown or skipped: ``missed`` (``revealed`` when every blank was shown
  before any was tried). Quitting with blanks left: ``missed``, marked stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chainrule_cli.graph import byhand
from chainrule_cli.graph.compgraph import Graph
from chainrule_cli.practice.rounds import COST, MIN_CREDIT, Checked

#: Tries at each blank before its answer is shown.
STEP_TRIES = 2


@dataclass
class BackpropRound:
    """One backprop problem being worked blank by blank, and how it ended."""

    problem: Any  # bank.problem.Problem, or anything with id, type, expression, difficulty
    graph: Graph
    started: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    steps: list[byhand.Step] = field(default_factory=list)
    index: int = 0
    step_tries: int = 0
    step_hints: int = 0
    right: int = 0
    shown: int = 0
    tries: int = 0
    wrong: int = 0
    hints_used: int = 0
    answers: list[str] = field(default_factory=list)
    checked: list[Checked] = field(default_factory=list)
    outcome: str | None = None
    mistake: str | None = None
    first_wrong: tuple[byhand.Step, byhand.Verdict] | None = None
    finished: float | None = None
    stopped: bool = False
    guided: bool = False
    on_finish: Callable[[BackpropRound], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.steps:
            self.steps = byhand.steps(self.graph)

    # -- where the walk is -----------------------------------------------------------------
    @property
    def step(self) -> byhand.Step | None:
        """The blank being asked (None when the walk is over)."""
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def question(self) -> str:
        step = self._open()
        return step.question(self.graph)

    # -- actions ---------------------------------------------------------------------------
    def hint(self) -> str | None:
        """The next hint for this blank (None when its three are shown)."""
        step = self._open()
        hints = byhand.hints(self.graph, step)
        if self.step_hints >= len(hints):
            return None
        self.step_hints += 1
        self.hints_used += 1
        return hints[self.step_hints - 1]

    def answer(self, text: str) -> byhand.Verdict:
        """Check ``text`` for this blank. InputError (not a number) uses no try.

        A right answer, or a second wrong one, moves to the next blank.
        """
        step = self._open()
        verdict = byhand.check(self.graph, step, text)
        self.tries += 1
        self.step_tries += 1
        self.answers.append(text)
        mistake = None if verdict.right else verdict.code
        self.checked.append(Checked(text, verdict.right, mistake, self.clock()))
        if verdict.right:
            self.right += 1
            self._next()
            return verdict
        self.wrong += 1
        if self.first_wrong is None or (
            self.first_wrong[0] == step and self.first_wrong[1].code is None and verdict.code
        ):  # the first wrong blank, named by its first try that shows a typical mistake
            self.first_wrong = (step, verdict)
            self.mistake = mistake
        if self.step_tries >= STEP_TRIES:
            self.shown += 1
            self._next()
        return verdict

    def reveal(self) -> str:
        """This blank's answer (upstream × local written out); the walk moves on."""
        step = self._open()
        answer = byhand.hints(self.graph, step)[-1]
        self.shown += 1
        self._next()
        return answer

    def answer_line(self, step: byhand.Step) -> str:
        return byhand.hints(self.graph, step)[-1]

    def quit(self) -> None:
        """End now: blanks tried or shown count as missed; an untouched round is dropped."""
        if self.outcome is not None:
            return
        self.stopped = True
        if self.tries or self.hints_used or self.shown:
            self._finish("missed")
        else:
            self.outcome = "dropped"

    # -- the score, as rounds.Round has it ----------------------------------------------------
    @property
    def hints(self) -> int:
        return self.hints_used

    @property
    def credit(self) -> float:
        if self.outcome != "correct":
            return 0.0
        return max(MIN_CREDIT, 1.0 - COST * (self.hints + self.wrong) / max(1, len(self.steps)))

    @property
    def seconds(self) -> float:
        return (self.finished or self.started) - self.started

    @property
    def answer_text(self) -> str:
        return self.answers[-1] if self.answers else ""

    @property
    def first_wrong_text(self) -> str | None:
        """The first wrong blank's verdict, with its code: what the summary repeats."""
        if self.first_wrong is None:
            return None
        _, verdict = self.first_wrong
        return verdict.message + (f" [{verdict.code}]" if verdict.code else "")

    # -- internals ----------------------------------------------------------------------------
    def _open(self) -> byhand.Step:
        step = self.step
        if step is None or self.outcome is not None:
            raise RuntimeError("no blank is open")
        return step

    def _next(self) -> None:
        self.index += 1
        self.step_tries = 0
        self.step_hints = 0
        if self.index >= len(self.steps):
            if self.shown == 0:
                self._finish("correct")
            elif self.shown == len(self.steps) and not self.tries:
                self._finish("revealed")
            else:
                self._finish("missed")

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        if outcome == "correct":
            self.mistake = None
        self.finished = self.clock()
        if self.on_finish is not None:
            self.on_finish(self)
