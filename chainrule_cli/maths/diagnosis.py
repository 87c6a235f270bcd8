"""Naming the mistake in a wrong derivative: the answer is compared, with the same comparator
as the verdict, against derivatives built from the rule tree with one typical mistake each
(``mistakes.py``); the first that matches names the mistake. Failing that, a constant factor
off (a forgotten constant inner derivative, a wrong coefficient) or a near miss is said.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chainrule_cli.maths.analysis import Analysis
from chainrule_cli.maths.equivalence import (
    Sampler,
    Verdict,
    _agree,
    constant_ratio,
    numerically_equal,
)
from chainrule_cli.maths.explain import Step
from chainrule_cli.maths.mistakes import (
    Mistake,
    coefficient,
    constant_inner_derivatives,
    feedback_for,
    mistakes,
)
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.precision import (
    approximately,
)

if TYPE_CHECKING:
    import sympy


class Diagnosis:
    """The diagnosis half of ``checking.Checker``: what a wrong derivative answer got wrong."""

    analysis: Analysis
    x: Any
    unicode: bool
    _expected_fn: Callable[[float], float] | None
    _mistakes: list[tuple[Mistake, Callable[[float], float]]] | None

    @property
    def sampler(self) -> Sampler:
        raise NotImplementedError

    @property
    def steps(self) -> list[Step]:
        raise NotImplementedError

    def _near_miss(self, answer_fn: Callable[[float], float]) -> str | None:
        """A wrong answer within a millionth of the derivative everywhere: say it is
        close but not exact, and by how much (a rounded constant, a stray 10⁻⁹)."""
        assert self._expected_fn is not None
        worst: tuple[float, float] | None = None
        for v in self.sampler.points:
            try:
                e, a = self._expected_fn(v), answer_fn(v)
            except Undefined:
                return None
            if abs(a - e) > 1e-6 * max(abs(e), abs(a)) or (e == 0 and a != 0):
                return None
            if worst is None or abs(a - e) > worst[1]:
                worst = (v, abs(a - e))
        if worst is None or worst[1] == 0:
            return None
        import sympy as sp

        gap = approximately(sp.Float(worst[1]), 2, self.unicode)
        point = f"{worst[0]:.3g}".replace("-", "−" if self.unicode else "-")
        return (
            f"close, but not exact: your answer differs from the derivative by about {gap} "
            f"(at {self.x} = {point}). Keep every number exact."
        )

    def _diagnose(
        self, answer: sympy.Expr, answer_fn: Callable[[float], float], read_as: str
    ) -> Verdict:
        points = self.sampler.points
        matched: list[Mistake] = []
        for mistake, fn in self._candidates():
            new = all(m.code != mistake.code for m in matched)
            if new and points and numerically_equal(fn, answer_fn, points):
                matched.append(mistake)
        if matched:
            first = matched[0]
            feedback = feedback_for(first.code, first, self.analysis, self.unicode, self.steps)
            also = [m.code for m in matched[1:]]
            return Verdict(
                False, self.analysis.clean, answer, read_as, first.code, feedback, also=also
            )
        expected_fn = self._expected_fn or float_function(self.analysis.derivative, self.x)
        ratio = constant_ratio(expected_fn, answer_fn, points) if points else None
        if ratio is not None and ratio != 0 and not _agree(ratio, 1.0) and not _agree(ratio, -1.0):
            forgot = self._forgot_constant(ratio)
            if forgot is not None:
                feedback = feedback_for(
                    "forgot_inner_derivative", forgot, self.analysis, self.unicode, self.steps
                )
                return Verdict(
                    False,
                    self.analysis.clean,
                    answer,
                    read_as,
                    "forgot_inner_derivative",
                    feedback,
                )
            coefficients = self._coefficients(answer)
            feedback = feedback_for(
                "constant_factor",
                None,
                self.analysis,
                self.unicode,
                self.steps,
                ratio,
                coefficients,
            )
            return Verdict(False, self.analysis.clean, answer, read_as, "constant_factor", feedback)
        feedback = feedback_for(None, None, self.analysis, self.unicode, self.steps)
        return Verdict(False, self.analysis.clean, answer, read_as, None, feedback)

    def _forgot_constant(self, ratio: float) -> Mistake | None:
        """The answer is the derivative divided by constant inner derivatives: forgot g′.

        sin(3x) + cos(3x) answered cos(3x) − sin(3x) is short by the factor 3 of
        every term; (2x + 1)³·… short by 2. Any subset of the constant inner
        derivatives (along one chain they multiply) is tried.
        """
        constants = constant_inner_derivatives(self.analysis)
        for size in range(1, len(constants) + 1):
            for subset in itertools.combinations(constants, size):
                product = 1.0
                for _, d in subset:
                    product *= float(d)
                if _agree(ratio * product, 1.0, 1e-9):
                    layer = subset[0][0]
                    return Mistake("forgot_inner_derivative", None, layer)
        return None

    def _coefficients(self, answer: sympy.Expr) -> tuple[Any, Any] | None:
        """(the answer's constant, the derivative's constant) when both are plain numbers."""
        yours = coefficient(answer, self.x)
        exact = coefficient(self.analysis.clean, self.x)
        if yours.is_number and exact.is_number and yours != 1 and exact != 1:
            return yours, exact
        return None

    def _candidates(self) -> list[tuple[Mistake, Callable[[float], float]]]:
        if self._mistakes is None:
            built = []
            for mistake in mistakes(self.analysis):
                try:
                    built.append((mistake, float_function(mistake.derivative, self.x)))
                except (TypeError, ValueError, SyntaxError):
                    continue
            self._mistakes = built
        return self._mistakes
