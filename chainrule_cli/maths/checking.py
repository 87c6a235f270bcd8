"""Is this answer the derivative? And if not, which chain-rule mistake is it?

Equivalence is never judged by form, and numbers may only reject: only exact
algebra may accept. The answer and the expected derivative are compared in
floats at random real points inside the function's domain first (fast, and it
rejects almost every wrong answer at once). An answer that agrees there is
accepted only when SymPy shows a − b = 0 (``expand``, then ``cancel``, under a
time limit), or, where that algebra cannot decide, when the two agree at the
same points taken as exact rationals and evaluated to 60 significant figures,
to 1 part in 10⁴⁵ of the size of their terms: no number a person types hides
in that (``3.0000001`` for 3, ``+ 10^-9``, a factor 10⁻¹²). When neither can
decide in time, the answer is not marked right: the verdict is ``unconfirmed``
("could not confirm this form; try writing it another way").

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
from chainrule_cli.limits import attempt
from chainrule_cli.maths.explain import Step, explain, layers
from chainrule_cli.maths.mistakes import (
    MISTAKES,
    Mistake,
    coefficient,
    constant_inner_derivatives,
    feedback_for,
    mistakes,
)
from chainrule_cli.maths.numeric import Undefined, float_function, written_function
from chainrule_cli.maths.points import require_real, sample_points
from chainrule_cli.maths.precision import (
    MIN_FIGURES,
    approximately,
    decimal_figures,
    judge,
    rounding,
    same_number,
    whole_rounding,
)
from chainrule_cli.maths.rules import (
    Analysis,
    Chain,
    analyse,
    nice_value,
    real_value,
    spine,
    unscaled,
)
from chainrule_cli.printing.mathtext import also_typed, show, show_product
from chainrule_cli.printing.notes import notes as reading_notes
from chainrule_cli.reading.parsing import parse, read, symbol
from chainrule_cli.reading.syntax import Node, to_sympy
from chainrule_cli.reading.units import strip_unit

if TYPE_CHECKING:
    import sympy

POINTS = 6
#: Floats agree to this relative tolerance (no absolute one: 10⁻¹²·cos x is not 0).
#: Floats only reject quickly and name mistakes; they never accept.
REL_TOL = 1e-9
#: Significant figures of the exact-rational evaluation that stands in for algebra.
PRECISE_DIGITS = 60
#: Two values agree when they differ by less than this part of the size of their terms.
PRECISE_TOL = 1e-45
#: Seconds for the algebra (a − b = 0), then for the 60-digit evaluation.
ALGEBRA_SECONDS = 0.3
PRECISE_SECONDS = 2.0
#: The mistake code and method of an answer neither algebra nor 60 digits could decide.
UNCONFIRMED = "unconfirmed"
UNCONFIRMED_TEXT = "could not confirm this form; try writing it another way"
#: The mistake code of a number that is right but for its rounding.
ROUNDING = "rounding"


def rounding_text(finer: str, right: str, typed: str, unicode: bool = True, unit: str = "") -> str:
    """ "close: 125.7 rounds to 126, not 125" (a right number badly rounded)."""
    minus = "−" if unicode else "-"
    finer, right = finer.replace("-", minus), right.replace("-", minus)
    unit = f" {unit}" if unit else ""
    return f"close: {finer} rounds to {right}{unit}, not {typed}."


@dataclass
class Verdict:
    """The outcome of checking one answer."""

    correct: bool
    expected: Any  # the derivative (or its value at the point), evaluated
    answer: Any  # how the answer was read, evaluated
    read_as: str  # the answer as read, in the display notation
    mistake: str | None = None
    feedback: str = ""
    #: How it was decided. Right: symbolic (algebra), precise (60 digits at exact
    #: rational points), exact or figures (a number); not right: numeric (floats
    #: differ), precise, unconfirmed, exact or figures. "numeric" never accepts.
    method: str = "numeric"
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
            "method": self.method,
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
    """Equal in floats to ``rel`` of their size; there is no absolute tolerance."""
    return a == b or math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


def numerically_equal(
    expected: Callable[[float], float], answer: Callable[[float], float], points: list[float]
) -> bool:
    """Equal in floats at every sample point; an answer undefined where the derivative is
    defined is not. Used to reject quickly and to name mistakes, never to accept."""
    for v in points:
        try:
            if not _agree(expected(v), answer(v)):
                return False
        except Undefined:
            return False
    return True


def _mp(value: sympy.Expr) -> Any | None:
    """A SymPy number as an mpmath complex (no exponent limit), or None when not finite."""
    import mpmath
    import sympy as sp

    re, im = value.as_real_imag()
    if not (re.is_Number and im.is_Number) or not (re.is_finite and im.is_finite):
        return None
    return mpmath.mpc(sp.Float(re, PRECISE_DIGITS)._mpf_, sp.Float(im, PRECISE_DIGITS)._mpf_)


def _size_of_terms(expr: sympy.Expr, x: sympy.Symbol, at: sympy.Expr) -> Any:
    """The largest |term| of ``expr`` at ``at`` (the scale a cancellation starts from)."""
    import mpmath

    terms = expr.args if expr.is_Add else (expr,)
    size = mpmath.mpf(0)
    for term in terms:
        value = _mp(term.xreplace({x: at}).evalf(15, maxn=600))
        if value is not None:
            size = max(size, abs(value))
    return size


def precisely_equal(
    expected: sympy.Expr, answer: sympy.Expr, x: sympy.Symbol, points: list[float]
) -> bool | None:
    """Equal at every point taken as an exact rational, evaluated to 60 significant
    figures (SymPy raises its working precision as needed, so sinh y + cosh y at
    y = −100 and sec(2⁸¹) come out right), to 1 part in 10⁴⁵ of the size of the terms.

    True: equal (as good as exact: no typed number hides in 10⁻⁴⁵); False: they
    differ at a point, or one is not a finite number there; None: not decided
    within the time limit.
    """
    import mpmath
    import sympy as sp

    from chainrule_cli.reading.roots import real_branch

    expected, answer = real_branch(expected), real_branch(answer)  # ∛ of a negative is real

    def same_at(a_expr: sympy.Expr, b_expr: sympy.Expr, at: sympy.Expr) -> bool:
        a = _mp(a_expr.xreplace({x: at}).evalf(PRECISE_DIGITS, maxn=600))
        b = _mp(b_expr.xreplace({x: at}).evalf(PRECISE_DIGITS, maxn=600))
        if a is None or b is None:
            return False
        gap = abs(a - b)
        if gap <= PRECISE_TOL * max(abs(a), abs(b)):
            return True
        scale = max(_size_of_terms(a_expr, x, at), _size_of_terms(b_expr, x, at))
        return bool(scale != 0 and gap <= PRECISE_TOL * scale)

    def decide() -> bool:
        for v in points:
            at = sp.Rational(v)  # the sample point exactly, so no digits are lost on the way in
            if same_at(expected, answer, at):
                continue
            # SymPy's tan(2¹¹⁸) is wrong from the 24th digit; its sin and cos are not.
            slow = _sines_and_cosines(expected), _sines_and_cosines(answer)
            if slow == (expected, answer) or not same_at(*slow, at):
                return False
        return True

    with mpmath.workdps(PRECISE_DIGITS + 10):
        return attempt(PRECISE_SECONDS, decide, None)


def _sines_and_cosines(expr: sympy.Expr) -> sympy.Expr:
    """tan, sec, csc and cot written with sin and cos, which SymPy evaluates with the
    extra digits a large argument needs (its tan(2¹¹⁸) is wrong from the 24th digit)."""
    import sympy as sp

    if not expr.has(sp.tan, sp.sec, sp.csc, sp.cot):
        return expr
    return (
        expr.replace(sp.tan, lambda u: sp.sin(u) / sp.cos(u))
        .replace(sp.sec, lambda u: 1 / sp.cos(u))
        .replace(sp.csc, lambda u: 1 / sp.sin(u))
        .replace(sp.cot, lambda u: sp.cos(u) / sp.sin(u))
    )


def constant_ratio(
    expected: Callable[[float], float], answer: Callable[[float], float], points: list[float]
) -> float | None:
    """The constant c with answer = c·expected at every point, if there is one.

    A point where the derivative is 0 (to 10⁻¹² of its size elsewhere) says
    nothing about c; the answer must be 0 there too.
    """
    pairs: list[tuple[float, float]] = []
    for v in points:
        try:
            pairs.append((expected(v), answer(v)))
        except Undefined:
            return None
    scale = max((abs(e) for e, _ in pairs), default=0.0)
    answers = max((abs(a) for _, a in pairs), default=0.0)
    ratio: float | None = None
    for e, a in pairs:
        if abs(e) <= 1e-12 * scale:
            if abs(a) > 1e-12 * answers:
                return None
            continue
        r = a / e
        if ratio is None:
            ratio = r
        elif not _agree(r, ratio):
            return None
    return ratio


def symbolically_equal(a: sympy.Expr, b: sympy.Expr) -> bool | None:
    """True when SymPy shows a − b = 0 (by expanding, then by putting it over one
    denominator and cancelling; within 0.3 s), None when it cannot.

    ``simplify`` and ``equals`` are not used here: they can take seconds on a
    long answer.
    """
    import sympy as sp

    def decide() -> bool | None:
        difference = a - b
        if difference == 0 or sp.expand(difference) == 0:
            return True
        if sp.cancel(sp.together(difference)) == 0:
            return True
        return None

    return attempt(ALGEBRA_SECONDS, decide, None)


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
        from chainrule_cli.reading.parsing import parse_number

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
        with also_typed(text, variable=self.x.name):  # 3.0000001 shown as typed, not 30000001/10⁷
            return self._check(text)

    def _check(self, text: str) -> Verdict:
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
                    f"; at {self.x} = {self.m(self.at)} the slope is {self.slope_text()}"
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
        verdict.notes = reading_notes(reading, self.unicode)
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
        if not sampler.usable:
            # No real points to sample (rare): only algebra can decide, and cannot reject.
            if symbolically_equal(expected, answer):
                return self._correct(answer, read_as, "symbolic")
            return self._unconfirmed(answer, read_as)
        floats = numerically_equal(self._expected_fn, answer_fn, sampler.points)
        if not floats and not self._close_in_floats(answer_fn):
            return self._diagnose(answer, answer_fn, read_as)
        if floats and symbolically_equal(expected, answer):
            return self._correct(answer, read_as, "symbolic")
        # Floats can disagree where the answer's form loses digits (sinh y + cosh y
        # for large negative y, sin of a 10⁹ argument), and agree where a typed
        # number hides below their tolerance: 60 digits at exact points decide.
        precise = precisely_equal(expected, answer, self.x, sampler.points)
        if precise:
            return self._correct(answer, read_as, "precise")
        verdict = self._diagnose(answer, answer_fn, read_as)
        if precise is None and (floats or verdict.mistake is None):
            # Out of time, and floats that may have lost digits say nothing better than
            # "differs": only an answer that matches a typical mistake is rejected.
            return self._unconfirmed(answer, read_as)
        verdict.method = "precise" if floats else "numeric"
        vague = verdict.mistake == "constant_factor" and self._coefficients(answer) is None
        near = self._near_miss(answer_fn) if verdict.mistake is None or vague else None
        if near is not None:  # say by how much, not "1 times the derivative"
            verdict.feedback = near
        return verdict

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

    def _unconfirmed(self, answer: sympy.Expr, read_as: str) -> Verdict:
        """Neither algebra nor 60 digits decided in time: not marked right, and said so."""
        return Verdict(
            False,
            self.analysis.clean,
            answer,
            read_as,
            UNCONFIRMED,
            f"{UNCONFIRMED_TEXT}.",
            UNCONFIRMED,
        )

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
    def slope_text(self) -> str:
        """The slope as shown: exact, with a decimal when it is not one already
        (however small: 4e^(−1000) ≈ 2.03038×10⁻⁴³⁴, never ≈ 0)."""
        assert self._expected_value is not None
        exact = self.m(self._expected_value)
        decimal = approximately(self._expected_value, unicode=self.unicode)
        if decimal is None:
            return exact
        return exact if exact == decimal else f"{exact} ≈ {decimal}"

    def _check_value(self, answer: sympy.Expr, tree: Node, read_as: str) -> Verdict:
        """A number answer, judged by the documented rule (``precision.judge``)."""
        assert self.at is not None and self._expected_value is not None
        if approximately(answer) is None:
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
            method = (
                "exact" if figures is None and not whole_rounding(tree, expected) else "figures"
            )
            return Verdict(
                True, expected, answer, read_as, None, f"the slope is {self.slope_text()}", method
            )
        close = rounding(answer, tree, expected)
        if close is not None:
            finer, right = close
            feedback = rounding_text(finer, right, read_as, self.unicode)
            return Verdict(False, expected, answer, read_as, ROUNDING, feedback, "figures")
        tail = ""
        if self.reveal:
            tail = f" The slope at {self.x} = {point} is {self.slope_text()}."
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


def _as_typed(tree: Node, unicode: bool = True) -> str | None:
    """A single number as it was typed (628.4, −22), or None for an expression."""
    from chainrule_cli.reading.syntax import Neg, Num

    if isinstance(tree, Num):
        return tree.text
    if isinstance(tree, Neg) and isinstance(tree.operand, Num):
        return ("−" if unicode else "-") + tree.operand.text
    return None


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
        from chainrule_cli.maths.rules import nice_value
        from chainrule_cli.reading.parsing import parse_number

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
        from chainrule_cli.reading.parsing import parse_number

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
        shown = _as_typed(tree) or show(value, unicode=self.unicode)
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
        close = rounding(value, tree, self.expected)
        if close is not None:
            unit = self.problem.unit or ""
            feedback = rounding_text(*close, shown, self.unicode, unit)
            return Verdict(False, self.expected, value, shown, ROUNDING, feedback, "figures")
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
