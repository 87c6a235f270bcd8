"""Is this answer the derivative? And if not, which chain-rule mistake is it?

Equivalence is never judged by form. As WeBWorK and edX do, the answer and the
expected derivative are compared at random real points inside the function's
domain first (fast, and it catches every wrong answer at once); when they
agree, SymPy confirms symbolically under a time limit, and a timeout or an
undecided result still accepts on the numeric evidence.

A wrong answer is compared, with the same comparator, against derivatives
built from the rule tree with one typical mistake each (``mistakes.py``): the
first that matches names the mistake, with a sentence about this problem's
own functions.

With a point, a number answer is judged by the documented rule in
``precision.py`` (exact forms exactly, decimals to the figures typed), and an
answer that still contains the variable is judged as a derivative: an
expression that only happens to take the right value at the point is wrong.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import DomainError, InputError, TooLarge
from chainrule_cli.explain import Step, explain, layers
from chainrule_cli.limits import attempt
from chainrule_cli.mathtext import show, show_product
from chainrule_cli.mistakes import (
    MISTAKES,
    Mistake,
    coefficient,
    constant_inner_derivatives,
    feedback_for,
    mistakes,
)
from chainrule_cli.numeric import Undefined, float_function, written_function
from chainrule_cli.parsing import parse, read, symbol
from chainrule_cli.points import require_real, sample_points
from chainrule_cli.precision import decimal_figures, judge, round_figures, same_number
from chainrule_cli.rules import Analysis, Chain, analyse, nice_value, real_value, spine, unscaled
from chainrule_cli.syntax import Node, to_sympy
from chainrule_cli.units import strip_unit

if TYPE_CHECKING:
    import sympy

POINTS = 6
REL_TOL = 1e-6
ABS_TOL = 1e-9
#: A number answer in decimals needs at least this many significant figures.
MIN_FIGURES = 2


@dataclass
class Verdict:
    """The outcome of checking one answer."""

    correct: bool
    expected: Any  # the derivative (or its value at the point), evaluated
    answer: Any  # how the answer was read, evaluated
    read_as: str  # the answer as read, in the display notation
    mistake: str | None = None
    feedback: str = ""
    method: str = "numeric"  # numeric | symbolic | exact | figures
    #: Ambiguity notes on how the answer was read ("read as e²·x; did you mean e^(2x)?").
    notes: list[str] = field(default_factory=list)
    #: Other mistakes that give the same wrong number at the point (slope answers only).
    also: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "expected": str(self.expected),
            "answer": str(self.answer),
            "mistake": self.mistake,
            "feedback": self.feedback,
            "read_as": self.read_as,
            "notes": self.notes,
        }


# -- sampling ------------------------------------------------------------------------------
@dataclass
class Sampler:
    """Random points where the function and its derivative are real and finite.

    Seeded per problem, so the same question is always probed at the same points.
    """

    analysis: Analysis
    points: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        x = self.analysis.variable
        functions = [
            float_function(self.analysis.expr, x),
            float_function(self.analysis.derivative, x),
        ]
        # The function as typed sets the domain: sin(arcsin x) is x only for |x| ≤ 1.
        written = written_function(self.analysis.tree.written, x)
        if written is not None:
            functions.insert(0, written)
        self.points = sample_points(functions, str(self.analysis.expr), POINTS)

    @property
    def usable(self) -> bool:
        return len(self.points) >= 2


def _agree(a: float, b: float, rel: float = REL_TOL) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=ABS_TOL)


def numerically_equal(
    expected: Callable[[float], float], answer: Callable[[float], float], points: list[float]
) -> bool:
    """Equal at every sample point; an answer undefined where the derivative is defined is not."""
    for v in points:
        try:
            if not _agree(expected(v), answer(v)):
                return False
        except Undefined:
            return False
    return True


def precisely_equal(
    expected: sympy.Expr, answer: sympy.Expr, x: sympy.Symbol, points: list[float]
) -> bool:
    """Equal at every point to 30 digits (SymPy raises its working precision as
    needed, up to 600 digits, so sec(2^81) is computed right; bounded in time)."""
    import sympy as sp

    from chainrule_cli.roots import real_branch

    expected, answer = real_branch(expected), real_branch(answer)  # ∛ of a negative is real

    def decide() -> bool:
        for v in points:
            at = sp.Rational(v)  # the sample point exactly, so no digits are lost on the way in
            a = complex(expected.xreplace({x: at}).evalf(30, maxn=600))
            b = complex(answer.xreplace({x: at}).evalf(30, maxn=600))
            if not (math.isfinite(a.real) and math.isfinite(b.real)):
                return False
            if abs(a - b) > 1e-12 * max(1.0, abs(a)):
                return False
        return True

    return bool(attempt(1.0, decide, False))


def constant_ratio(
    expected: Callable[[float], float], answer: Callable[[float], float], points: list[float]
) -> float | None:
    """The constant c with answer = c·expected at every point, if there is one."""
    ratio: float | None = None
    for v in points:
        try:
            e, a = expected(v), answer(v)
        except Undefined:
            return None
        if abs(e) < 1e-9:
            if abs(a) > 1e-9:
                return None
            continue
        r = a / e
        if ratio is None:
            ratio = r
        elif not _agree(r, ratio):
            return None
    return ratio


def symbolically_equal(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    """True when SymPy shows a − b = 0 by expanding (within 0.3 s), None when it cannot.

    This only confirms: the numeric comparison has already decided. ``simplify``
    is not used here, as it can take seconds on a long answer.
    """
    import sympy as sp

    def decide() -> bool | None:
        difference = a - b
        if difference == 0 or sp.expand(difference) == 0:
            return True
        return None

    return attempt(0.3, decide, None)


# -- the checker --------------------------------------------------------------------------
class Checker:
    """Checks answers to one problem: the derivative, or its value at ``at``.

    Built once per problem (the quiz keeps it across tries): the sample points,
    the compiled derivative and the mistake candidates are computed once.

    ``reveal``: whether a wrong slope's feedback may give the slope (``check``
    does; the quiz does not, while tries are left).
    """

    def __init__(
        self,
        analysis: Analysis,
        at: sympy.Expr | None = None,
        unicode: bool = True,
        steps: list[Step] | None = None,
        reveal: bool = False,
    ) -> None:
        self.analysis = analysis
        self._steps = steps
        self.at = at
        self.unicode = unicode
        self.reveal = reveal
        self.x = analysis.variable
        self._expected_value: sympy.Expr | None = None
        require_real(analysis)
        if at is not None:
            if real_value(analysis.expr, self.x, at) is None:
                raise DomainError(f"{self.x} = {show(at)} is outside the domain of the function")
            value = real_value(analysis.derivative, self.x, at)
            if value is None:
                raise DomainError(f"the derivative is undefined at {self.x} = {show(at)}")
            self._expected_value = nice_value(value)
        self._sampler: Sampler | None = None
        self._expected_fn: Callable[[float], float] | None = None
        self._mistakes: list[tuple[Mistake, Callable[[float], float]]] | None = None

    @classmethod
    def for_text(
        cls,
        expression: str,
        at: str | None = None,
        variable: str = "x",
        unicode: bool = True,
        reveal: bool = True,
    ) -> Checker:
        from chainrule_cli.parsing import parse_number

        point = parse_number(at) if at is not None else None
        return cls(analyse(expression, variable), point, unicode, reveal=reveal)

    @property
    def expected(self) -> sympy.Expr:
        if self._expected_value is not None:
            return self._expected_value
        return self.analysis.clean

    @property
    def steps(self) -> list[Step]:
        """The explanation of the problem (shared with its solution when given)."""
        if self._steps is None:
            self._steps = explain(self.analysis.tree)
        return self._steps

    @property
    def sampler(self) -> Sampler:
        if self._sampler is None:
            self._sampler = Sampler(self.analysis)
        return self._sampler

    def m(self, expr: Any, written: bool = False) -> str:
        return show(expr, unicode=self.unicode, ordered=not written)

    def read(self, text: str) -> tuple[sympy.Expr, sympy.Expr]:
        """Parse an answer: (evaluated, as written). Raises InputError on bad input."""
        tree = parse(text, self.x.name)
        return to_sympy(tree, self.x), to_sympy(tree, self.x, evaluate=False)

    def check(self, text: str) -> Verdict:
        try:
            reading = read(text, self.x.name)
        except InputError as error:
            # The inner function left as u (or v, w: a letter the solution gave a layer).
            put_in = layer_reading(text, self.x.name, self.steps, error)
            if put_in is None:
                raise
            return self._check_letters(text, *put_in)
        answer = to_sympy(reading.tree, self.x)
        written = to_sympy(reading.tree, self.x, evaluate=False)
        read_as = self.m(written, written=True)
        if self.at is not None and self.x not in answer.free_symbols:
            verdict = self._check_value(answer, reading.tree, read_as)
        elif self.at is not None:
            verdict = self._check_derivative(answer, read_as)
            if verdict.correct:
                verdict.expected = self._expected_value
                verdict.feedback += (
                    f"; at {self.x} = {self.m(self.at)} the slope is {self._slope_text()}"
                )
            else:
                why = f": {verdict.feedback}" if verdict.mistake else "."
                verdict.feedback = (
                    f"{read_as} is not the derivative (an answer in {self.x} is judged as the "
                    f"derivative everywhere, not only at {self.x} = {self.m(self.at)}){why}"
                )
                verdict.expected = self._expected_value
        else:
            verdict = self._check_derivative(answer, read_as)
        verdict.answer = written
        verdict.notes = reading.notes(self.unicode)
        return verdict

    def _check_letters(self, text: str, answer: sympy.Expr, used: list[tuple[str, Any]]) -> Verdict:
        """An answer with a layer's letter left in: inner_not_substituted, and whether
        putting the inner function in gives the derivative."""
        named = ", ".join(f"{letter} = {self.m(inner, written=True)}" for letter, inner in used)
        only = used[0][0] if len(used) == 1 else None
        read_as, shown = text.strip(), answer
        if only is not None:
            try:
                shown = to_sympy(parse(text, only), symbol(only), evaluate=False)
                read_as = self.m(shown, written=True)
            except InputError:
                pass
        put_in = self._check_derivative(answer, read_as)
        feedback = f"{named}: write the answer in terms of {self.x}"
        also: list[str] = []
        if put_in.correct:
            feedback += f". With that put in, your answer is the derivative {put_in.feedback}."
        else:
            feedback += f". Even with that put in, it is not the derivative: {put_in.feedback}"
            also = [put_in.mistake] if put_in.mistake else []
        expected = self._expected_value if self.at is not None else self.analysis.clean
        return Verdict(
            False, expected, shown, read_as, "inner_not_substituted", feedback, also=also
        )

    # -- derivative answers --------------------------------------------------------------
    def _check_derivative(self, answer: sympy.Expr, read_as: str) -> Verdict:
        expected = self.analysis.derivative
        sampler = self.sampler
        if self._expected_fn is None:
            self._expected_fn = float_function(expected, self.x)
        answer_fn = float_function(answer, self.x)
        if sampler.usable:
            agree = numerically_equal(self._expected_fn, answer_fn, sampler.points)
            if not agree and self._close_in_floats(answer_fn):
                # Floats can disagree where the answer's form loses digits
                # (sinh y + cosh y for large negative y, sin of a 10⁹ argument):
                # the same points in 30-digit arithmetic decide.
                agree = precisely_equal(expected, answer, self.x, sampler.points)
            if agree:
                symbolic = symbolically_equal(expected, answer)
                method = "symbolic" if symbolic else "numeric"
                return self._correct(answer, read_as, method)
            return self._diagnose(answer, answer_fn, read_as)
        # No real points to sample (rare): decide symbolically.
        if symbolically_equal(expected, answer):
            return self._correct(answer, read_as, "symbolic")
        return self._diagnose(answer, answer_fn, read_as)

    def _close_in_floats(self, answer_fn: Callable[[float], float]) -> bool:
        """Whether a float disagreement might only be lost digits: the answer is
        defined at every sample point (a wrong answer almost always is not close)."""
        try:
            for v in self.sampler.points:
                answer_fn(v)
        except Undefined:
            return False
        return True

    def _correct(self, answer: sympy.Expr, read_as: str, method: str) -> Verdict:
        found = [s for s in layers(self.steps) if not s.trivial]
        why = self.m(self.analysis.clean)
        top = found[0] if found and found[0].node is _top_chain(self.analysis) else None
        if top is not None and show_product(top.factors, self.unicode) != why:
            why = f"{why} = {show_product(top.factors, self.unicode)}"
        return Verdict(True, self.analysis.clean, answer, read_as, None, why, method)

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

    # -- value answers ------------------------------------------------------------------
    def _slope_text(self) -> str:
        """The slope as shown: exact, with a decimal when it is not one already."""
        assert self._expected_value is not None
        exact = self.m(self._expected_value)
        value = _float(self._expected_value)
        if value is None:
            return exact
        decimal = f"{value:.6g}".replace("-", "−" if self.unicode else "-")
        return exact if exact == decimal else f"{exact} ≈ {decimal}"

    def _check_value(self, answer: sympy.Expr, tree: Node, read_as: str) -> Verdict:
        """A number answer, judged by the documented rule (``precision.judge``)."""
        assert self.at is not None and self._expected_value is not None
        value = _float(answer)
        if value is None:
            raise InputError("the answer is not a real number", read_as, None)
        expected = self._expected_value
        figures = decimal_figures(tree)
        if figures is not None and figures < MIN_FIGURES and not same_number(answer, expected):
            raise InputError(
                f"give the slope to at least {MIN_FIGURES} significant figures "
                f"({read_as} has {figures})",
                read_as,
                None,
            )
        point = self.m(self.at)
        if judge(answer, tree, expected):
            method = "exact" if figures is None else "figures"
            return Verdict(
                True, expected, answer, read_as, None, f"the slope is {self._slope_text()}", method
            )
        tail = ""
        if self.reveal:
            tail = f" The slope at {self.x} = {point} is {self._slope_text()}."
            if figures is not None:
                rounded = round_figures(_float(expected) or 0.0, figures)
                tail += f" To the {figures} significant figures you gave, that is {rounded}."
        matched: list[Mistake] = []
        for mistake in mistakes(self.analysis):
            try:
                candidate = real_value(mistake.derivative, self.x, self.at)
            except TooLarge:
                continue
            new = all(m.code != mistake.code for m in matched)
            if new and candidate is not None and judge(answer, tree, candidate):
                matched.append(mistake)
        if matched:
            first = matched[0]
            sentence = feedback_for(first.code, first, self.analysis, self.unicode, self.steps)
            others = [m.code for m in matched[1:]]
            if others:
                sentence += (
                    " (The same number also comes from another slip: "
                    + ", ".join(label.replace("_", " ") for label in others)
                    + ".)"
                )
            feedback = f"{read_as} is not the slope at {self.x} = {point}: {sentence}{tail}"
            return Verdict(False, expected, answer, read_as, first.code, feedback, also=others)
        ratio = _simple_ratio(answer, expected)
        if ratio is not None:
            sentence = (
                f"your number is {self.m(ratio)} times the slope: check the constants, such as "
                "the coefficient of the inner derivative or the 1/2 of a square root."
            )
            feedback = f"{read_as} is not the slope at {self.x} = {point}: {sentence}{tail}"
            return Verdict(False, expected, answer, read_as, "constant_factor", feedback)
        feedback = f"{read_as} is not the slope at {self.x} = {point}.{tail}"
        if not self.reveal:
            feedback += " Work out the derivative first, then put in the point."
        return Verdict(False, expected, answer, read_as, None, feedback)


#: At most this many letters are put in for one answer.
MAX_LETTERS = 12


def layer_reading(
    text: str, variable: str, steps: list[Step], error: InputError
) -> tuple[sympy.Expr, list[tuple[str, Any]]] | None:
    """An answer read with each layer letter the solution named (u, v, w) replaced by
    its inner function: (the answer in x, [(letter, inner), …] in order of use).

    None when the unknown name is not such a letter, or the answer still cannot be read.
    """
    inner_of = {layer.letter: layer.inner for layer in layers(steps) if not layer.trivial}
    used: dict[str, Any] = {}
    for _ in range(MAX_LETTERS):
        pos = error.position
        if pos is None or not 0 <= pos < len(text):
            return None
        letter = text[pos]
        if letter not in inner_of or f"unknown name {letter!r}" not in error.message:
            return None
        used.setdefault(letter, inner_of[letter])
        inner = show(inner_of[letter], unicode=False, ordered=False)
        text = f"{text[:pos]}({inner}){text[pos + 1 :]}"
        try:
            tree = parse(text, variable)
        except InputError as again:
            error = again
            continue
        return to_sympy(tree, symbol(variable)), list(used.items())
    return None


def _simple_ratio(answer: sympy.Expr, expected: sympy.Expr) -> sympy.Expr | None:
    """answer/expected when it is a simple fraction other than ±1 (2, 1/2, 3/2, …), else None."""
    import sympy as sp

    if expected == 0:
        return None
    ratio = attempt(0.5, lambda: sp.nsimplify(sp.simplify(answer / expected)), None)
    if ratio is None or not isinstance(ratio, sp.Rational) or ratio in (0, 1, -1):
        return None
    if abs(ratio.p) > 12 or ratio.q > 12:
        return None
    return ratio


def _float(value: sympy.Expr | None) -> float | None:
    if value is None:
        return None
    result = attempt(1.0, lambda: complex(value.evalf(30)), None)
    if result is None or abs(result.imag) > 1e-12 or not math.isfinite(result.real):
        return None
    return result.real


def _top_chain(analysis: Analysis) -> Chain | None:
    main = spine(analysis.tree)
    if not main or main[0].trivial:
        return None
    return main[0] if unscaled(analysis.tree)[1] is main[0] else None


def check(
    expression: str, answer: str, at: str | None = None, variable: str = "x", unicode: bool = True
) -> Verdict:
    """Check one answer to one problem (a convenience for scripts and tests)."""
    return Checker.for_text(expression, at, variable, unicode).check(answer)


__all__ = [
    "MISTAKES",
    "AppliedChecker",
    "Checker",
    "Mistake",
    "Verdict",
    "check",
    "feedback_for",
    "mistakes",
    "numerically_equal",
    "symbol",
]


# -- applied problems ------------------------------------------------------------------------
class AppliedChecker:
    """Checks a rates problem: the answer is (outer rate at the point) × (given rate).

    The quantity y = f(u) (say V = (4/3)πr³) is differentiated by the same rule
    tree; the given rate du/dt is data. The answer is a number with an optional
    unit; a wrong number is compared with the typical slips (only one of the two
    rates, or their sum) and the feedback names both rates.
    """

    def __init__(self, problem: Any, unicode: bool = True) -> None:
        from chainrule_cli.parsing import parse_number
        from chainrule_cli.rules import nice_value

        self.problem = problem
        self.unicode = unicode
        self.analysis = analyse(problem.expression, problem.variable)
        self.x = self.analysis.variable
        if problem.at is None or problem.rate is None:
            raise DomainError("an applied problem needs 'at' and 'rate'")
        self.at = parse_number(problem.at)
        self.rate = parse_number(problem.rate)
        outer = real_value(self.analysis.derivative, self.x, self.at)
        if real_value(self.analysis.expr, self.x, self.at) is None or outer is None:
            raise DomainError(
                f"{self.x} = {problem.at} is outside the domain of {problem.expression}"
            )
        self.outer_rate = nice_value(outer)
        self.expected = nice_value(self.outer_rate * self.rate)
        names = list(problem.chain or ("y", self.x.name, "t"))
        self.names = [*names, "y", self.x.name, "t"][:3]

    def read(self, text: str) -> tuple[sympy.Expr, Node]:
        """The number in an answer (and its tree), with the problem's unit taken off the end."""
        from chainrule_cli.parsing import parse_number

        try:
            return parse_number(text), parse(text)
        except InputError as first:
            unit = self.problem.unit
            stripped = strip_unit(text, unit) if unit else None
            if stripped is None:
                if unit and any(c.isalpha() for c in text):
                    raise InputError(
                        f"give a number, optionally followed by the unit {unit}",
                        text,
                        first.position,
                    ) from None
                raise
            return parse_number(stripped), parse(stripped)

    def check(self, text: str) -> Verdict:
        value, tree = self.read(text)
        shown = show(value, unicode=self.unicode)
        if _float(value) is None or _float(self.expected) is None:
            raise InputError("the answer is not a real number", text, 0)
        figures = decimal_figures(tree)
        if figures is not None and figures < MIN_FIGURES and not same_number(value, self.expected):
            raise InputError(
                f"give the answer to at least {MIN_FIGURES} significant figures",
                text,
                0,
            )
        if judge(value, tree, self.expected):
            return Verdict(True, self.expected, value, shown, None, self.answer_text(), "exact")
        slips = [
            ("forgot_inner_derivative", self.outer_rate),
            ("only_inner_derivative", self.rate),
            ("added_instead_of_multiplied", self.outer_rate + self.rate),
            ("sign_error", -self.expected),
        ]
        for code, wrong in slips:
            if judge(value, tree, wrong):
                return Verdict(False, self.expected, value, shown, code, self.feedback(code))
        return Verdict(False, self.expected, value, shown, None, self.feedback(None))

    def rates_text(self) -> tuple[str, str]:
        """("dV/dr = 4πr² = 100π at r = 5", "dr/dt = 2")"""
        m = lambda e: show(e, unicode=self.unicode)  # noqa: E731
        y, u, t = self.names
        formula = m(self.analysis.clean)
        outer = f"d{y}/d{u} = {formula} = {m(self.outer_rate)} at {self.x.name} = {m(self.at)}"
        if formula == m(self.outer_rate):
            outer = f"d{y}/d{u} = {formula}"
        return outer, f"d{u}/d{t} = {m(self.rate)}"

    def answer_text(self) -> str:
        m = lambda e: show(e, unicode=self.unicode)  # noqa: E731
        approx = "≈" if self.unicode else "~"
        times = "×" if self.unicode else "*"
        unit = f" {self.problem.unit}" if self.problem.unit else ""
        numeric = _float(self.expected)
        tail = (
            f" {approx} {numeric:.6g}"
            if numeric is not None and m(self.expected) != f"{numeric:.6g}"
            else ""
        )
        return f"{m(self.outer_rate)} {times} {m(self.rate)} = {m(self.expected)}{tail}{unit}"

    def feedback(self, code: str | None) -> str:
        outer, inner = self.rates_text()
        if code == "forgot_inner_derivative":
            return f"that is only {outer}; multiply it by the given rate {inner}."
        if code == "only_inner_derivative":
            return f"that is only the given rate {inner}; multiply it by {outer}."
        if code == "added_instead_of_multiplied":
            return f"rates along a chain multiply, they do not add: ({outer}) times ({inner})."
        if code == "sign_error":
            return "right size, wrong sign: check whether each quantity grows or shrinks."
        return f"multiply the two rates: {outer}, and {inner}."
