"""Whether two derivatives are equal, and the verdict on an answer.

Numbers may only reject: the answer and the expected derivative are compared in
floats at random real points of the domain (``numerically_equal``). Only exact
algebra may accept (``symbolically_equal``: ``expand``, then ``cancel``, under a
time limit), or, where it cannot decide, agreement at exact rational points to
60 significant figures, to 1 part in 10⁴⁵ of the size of their terms
(``precisely_equal``). ``Verdict`` is what a check says.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.limits import attempt
from chainrule_cli.maths.analysis import Analysis
from chainrule_cli.maths.numeric import Undefined, float_function, written_function
from chainrule_cli.maths.points import sample_points
from chainrule_cli.reading.syntax import Node

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
#: A point vouches for equality only where its terms are at most this large: there a
#: difference of 10⁻¹⁵ or more (any number a learner could type) is 60 figures deep.
MODERATE_SCALE = 10**30
#: How many such points must agree (besides every other point) before it accepts.
WITNESSES = 1
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

    True: equal (as good as exact: no typed number hides in 10⁻⁴⁵) at ``WITNESSES``
    points where the terms are of moderate size; False: they differ at a point, or
    one is not a finite number there; None: not decided within the time limit, or
    too few moderate points (at astronomically large values a missing constant is
    invisible even at 60 figures, so those points may reject but never accept).
    """
    import mpmath
    import sympy as sp

    from chainrule_cli.reading.roots import real_branch

    expected, answer = real_branch(expected), real_branch(answer)  # ∛ of a negative is real

    def same_at(a_expr: sympy.Expr, b_expr: sympy.Expr, at: sympy.Expr) -> tuple[bool, Any]:
        """Whether the two agree at ``at``, and a function giving the size of their
        terms there (summing them term by term is slow, so only when it is needed)."""
        a = _mp(a_expr.xreplace({x: at}).evalf(PRECISE_DIGITS, maxn=600))
        b = _mp(b_expr.xreplace({x: at}).evalf(PRECISE_DIGITS, maxn=600))
        if a is None or b is None:
            return False, None
        gap, largest = abs(a - b), max(abs(a), abs(b))

        def scale() -> Any:
            return max(largest, _size_of_terms(a_expr, x, at), _size_of_terms(b_expr, x, at))

        if gap <= PRECISE_TOL * largest:
            return True, scale
        return bool(gap <= PRECISE_TOL * scale()), scale

    def decide() -> bool | None:
        witnesses = 0
        for v in points:
            at = sp.Rational(v)  # the sample point exactly, so no digits are lost on the way in
            same, scale = same_at(expected, answer, at)
            if not same:
                # SymPy's tan(2¹¹⁸) is wrong from the 24th digit; its sin and cos are not.
                slow = _sines_and_cosines(expected), _sines_and_cosines(answer)
                if slow == (expected, answer):
                    return False
                same, scale = same_at(*slow, at)
                if not same:
                    return False
            # Where the terms are astronomically large, 60 figures cannot see a
            # missing constant (1 beside e^(10⁴⁰)): such a point may reject, never vouch.
            # Every point must agree; the terms are sized only until enough have vouched.
            if witnesses < WITNESSES and scale() <= MODERATE_SCALE:
                witnesses += 1
        return True if witnesses >= min(WITNESSES, len(points)) else None

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


def as_float(value: sympy.Expr | None) -> float | None:
    """A real number's value as a float (None when it is not real, not finite or too slow)."""
    if value is None:
        return None
    result = attempt(1.0, lambda: complex(value.evalf(30)), None)
    if result is None or abs(result.imag) > 1e-12 or not math.isfinite(result.real):
        return None
    return result.real


def as_typed(tree: Node, unicode: bool = True) -> str | None:
    """A single number as it was typed (628.4, −22), or None for an expression."""
    from chainrule_cli.reading.syntax import Neg, Num

    if isinstance(tree, Num):
        return tree.text
    if isinstance(tree, Neg) and isinstance(tree.operand, Num):
        return ("−" if unicode else "-") + tree.operand.text
    return None
