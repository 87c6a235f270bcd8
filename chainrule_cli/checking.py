"""Is this answer the derivative? And if not, which chain-rule mistake is it?

Equivalence is never judged by form. As WeBWorK and edX do, the answer and the
expected derivative are compared at random real points inside the function's
domain first (fast, and it catches every wrong answer at once); when they
agree, SymPy confirms symbolically under a time limit, and a timeout or an
undecided result still accepts on the numeric evidence.

A wrong answer is compared, with the same comparator, against derivatives
built from the rule tree with one typical mistake each (``mistakes``): the
first that matches names the mistake, with a sentence about this problem's
own functions.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import DomainError, InputError
from chainrule_cli.explain import Step, explain, layers
from chainrule_cli.limits import attempt
from chainrule_cli.mathtext import show, show_product
from chainrule_cli.numeric import Undefined, float_function
from chainrule_cli.parsing import parse, symbol
from chainrule_cli.rules import Analysis, Chain, analyse, real_chains, real_value
from chainrule_cli.syntax import to_sympy

if TYPE_CHECKING:
    import sympy

MISTAKES = (
    "forgot_inner_derivative",
    "inner_not_substituted",
    "only_inner_derivative",
    "added_instead_of_multiplied",
    "sign_error",
    "power_not_reduced",
    "constant_factor",
)

POINTS = 6
REL_TOL = 1e-6
ABS_TOL = 1e-9
#: With --at, a decimal answer needs about 3 significant digits.
VALUE_REL_TOL = 1e-3


@dataclass
class Verdict:
    """The outcome of checking one answer."""

    correct: bool
    expected: Any  # the derivative (or its value at the point), evaluated
    answer: Any  # how the answer was read, evaluated
    read_as: str  # the answer as read, in the display notation
    mistake: str | None = None
    feedback: str = ""
    method: str = "numeric"  # numeric | symbolic | exact

    def to_json(self) -> dict[str, Any]:
        return {
            "correct": self.correct,
            "expected": str(self.expected),
            "answer": str(self.answer),
            "mistake": self.mistake,
            "feedback": self.feedback,
            "read_as": self.read_as,
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
        f = float_function(self.analysis.expr, self.analysis.variable)
        df = float_function(self.analysis.derivative, self.analysis.variable)
        rng = random.Random(str(self.analysis.expr))
        ranges = [(-3.0, 3.0), (0.05, 3.0), (-0.95, 0.95), (0.05, 0.95), (1.05, 5.0)]
        for low, high in ranges:
            for _ in range(60):
                v = rng.uniform(low, high)
                try:
                    f(v)
                    df(v)
                except Undefined:
                    continue
                self.points.append(v)
                if len(self.points) >= POINTS:
                    return

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
    """True or False when SymPy decides within its time limit, None when it cannot."""
    import sympy as sp

    def decide() -> bool | None:
        difference = a - b
        if difference == 0 or sp.expand(difference) == 0:
            return True
        if sp.simplify(difference) == 0:
            return True
        return None

    return attempt(0.5, decide, None)


# -- mistakes from the rule tree ------------------------------------------------------------
@dataclass
class Mistake:
    code: str
    derivative: Any  # the whole derivative with this one mistake
    node: Chain | None  # the layer where the mistake was made (None: the whole answer)
    #: A second slip made together with the first (only "forgot_inner_derivative" so far).
    also: str | None = None


def mistakes(analysis: Analysis) -> list[Mistake]:
    """Derivatives with one typical mistake each, built from the rule tree.

    Listed in the order they are tried: a match earlier in the list wins.
    """
    tree = analysis.tree
    correct = tree.derivative
    x = analysis.variable
    out: list[Mistake] = []

    def at_layer(target: Chain, change: Callable[[Chain, Any], Any]) -> Any:
        return tree.derive(lambda node, inner_d: change(node, inner_d) if node is target else None)

    chain_layers = real_chains(tree)
    for layer in chain_layers:
        out.append(
            Mistake(
                "forgot_inner_derivative", at_layer(layer, lambda n, d: n.outer_derivative), layer
            )
        )
    if len(chain_layers) > 1:
        forgot_all = tree.derive(lambda n, d: n.outer_derivative if not n.trivial else None)
        out.append(Mistake("forgot_inner_derivative", forgot_all, chain_layers[-1]))
    for layer in chain_layers:
        out.append(
            Mistake("inner_not_substituted", at_layer(layer, lambda n, d: n.o.at(x) * d), layer)
        )
        out.append(Mistake("only_inner_derivative", at_layer(layer, lambda n, d: d), layer))
        out.append(
            Mistake(
                "added_instead_of_multiplied",
                at_layer(layer, lambda n, d: n.outer_derivative + d),
                layer,
            )
        )
    out.append(Mistake("sign_error", -correct, None))
    for layer in chain_layers:
        n = layer.o.exponent
        if n is not None:

            def not_reduced(node: Chain, d: Any, n: Any = n) -> Any:
                return n * node.g.expr**n * d

            out.append(Mistake("power_not_reduced", at_layer(layer, not_reduced), layer))
    # Two slips at once, tried last: f′(x) alone (not at the inner function, no g′).
    for layer in chain_layers:
        out.append(
            Mistake(
                "inner_not_substituted",
                at_layer(layer, lambda n, d: n.o.at(x)),
                layer,
                also="forgot_inner_derivative",
            )
        )
    return out


def feedback_for(
    code: str | None,
    mistake: Mistake | None,
    analysis: Analysis,
    unicode: bool,
    steps: list[Step],
    ratio: float | None = None,
) -> str:
    """The sentence shown for a mistake, naming this problem's functions.

    ``steps`` is the problem's explanation (``explain``), shared with the solution
    shown to the learner, so the feedback quotes the very same forms.
    """
    m: Callable[..., str] = lambda e, written=False: show(e, unicode=unicode, ordered=not written)  # noqa: E731
    prime = "′" if unicode else "'"
    found = layers(steps)
    by_node = {id(s.node): s for s in found}
    layer = (
        by_node.get(id(mistake.node)) if mistake is not None and mistake.node is not None else None
    )
    if layer is None:
        real = [s for s in found if not s.trivial]
        layer = real[0] if real else None
    inner = m(layer.inner, written=True) if layer else ""
    inner_d = m(layer.inner_derivative) if layer else ""
    outer_d = m(layer.outer_derivative, written=True) if layer else ""
    if code == "forgot_inner_derivative" and layer:
        return (
            "you differentiated the outer function but forgot to multiply by the inner "
            f"derivative ({inner}){prime} = {inner_d}."
        )
    if code == "inner_not_substituted" and layer:
        at_x = m(layer.node.o.at(analysis.variable))
        sentence = (
            f"evaluate the outer derivative at the inner function, not at {analysis.variable}: "
            f"{m(layer.outer_derivative_form)} with {layer.letter} = {inner} is {outer_d}, not {at_x}."
        )
        if mistake is not None and mistake.also == "forgot_inner_derivative":
            sentence += f" Then multiply by the inner derivative ({inner}){prime} = {inner_d}."
        return sentence
    if code == "only_inner_derivative" and layer:
        return (
            f"that is only the inner derivative ({inner}){prime} = {inner_d}; multiply it by the "
            f"outer derivative {outer_d}."
        )
    if code == "added_instead_of_multiplied" and layer:
        times = "·" if unicode else "*"
        return (
            "you added the outer and inner derivatives; the chain rule multiplies them: "
            f"{outer_d}{times}{inner_d}."
        )
    if code == "sign_error":
        minus_rule = next(
            (s.rule for s in found if s.kind in ("cos", "cot", "csc", "acos")),
            None,
        )
        hint = f" Check the table: {minus_rule}." if minus_rule else " Check each minus sign."
        return "right size, wrong sign: your answer is the negative of the derivative." + hint
    if code == "power_not_reduced" and layer:
        return (
            f"lower the power by one: (u{_sup('n', unicode)}){prime} = n·u{_sup('n-1', unicode)}, "
            f"so the outer derivative is {outer_d}."
        )
    if code == "constant_factor":
        factor = f" (yours is {ratio:.4g} times the derivative)" if ratio is not None else ""
        return (
            f"right up to a constant factor{factor}: check the constants, such as the "
            "coefficient of the inner derivative or the 1/2 of a square root."
        )
    if layer:
        return (
            f"that is not the derivative. Take the chain apart: inner {layer.letter} = {inner}, "
            f"outer {m(layer.outer_form)}; then multiply f{prime}(g(x)) by g{prime}(x)."
        )
    return "that is not the derivative."


def _sup(text: str, unicode: bool) -> str:
    if not unicode:
        return "^" + ("(n-1)" if text == "n-1" else text)
    return {"n": "ⁿ", "n-1": "ⁿ⁻¹"}[text]


# -- the checker --------------------------------------------------------------------------
class Checker:
    """Checks answers to one problem: the derivative, or its value at ``at``.

    Built once per problem (the quiz keeps it across tries): the sample points,
    the compiled derivative and the mistake candidates are computed once.
    """

    def __init__(
        self,
        analysis: Analysis,
        at: sympy.Expr | None = None,
        unicode: bool = True,
        steps: list[Step] | None = None,
    ) -> None:
        self.analysis = analysis
        self._steps = steps
        self.at = at
        self.unicode = unicode
        self.x = analysis.variable
        self._expected_value: sympy.Expr | None = None
        if at is not None:
            value = real_value(analysis.derivative, self.x, at)
            if real_value(analysis.expr, self.x, at) is None or value is None:
                raise DomainError(f"{self.x} = {at} is outside the domain of the derivative")
            self._expected_value = value
        self._sampler: Sampler | None = None
        self._expected_fn: Callable[[float], float] | None = None
        self._mistakes: list[tuple[Mistake, Callable[[float], float]]] | None = None

    @classmethod
    def for_text(
        cls, expression: str, at: str | None = None, variable: str = "x", unicode: bool = True
    ) -> Checker:
        from chainrule_cli.parsing import parse_number

        point = parse_number(at) if at is not None else None
        return cls(analyse(expression, variable), point, unicode)

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

    def read(self, text: str) -> tuple[sympy.Expr, sympy.Expr]:
        """Parse an answer: (evaluated, as written). Raises InputError on bad input."""
        tree = parse(text, self.x.name)
        return to_sympy(tree, self.x), to_sympy(tree, self.x, evaluate=False)

    def check(self, text: str) -> Verdict:
        answer, written = self.read(text)
        read_as = show(written, unicode=self.unicode, ordered=False)
        verdict = (
            self._check_value(answer, read_as)
            if self.at is not None
            else self._check_derivative(answer, read_as)
        )
        verdict.answer = written
        return verdict

    # -- derivative answers --------------------------------------------------------------
    def _check_derivative(self, answer: sympy.Expr, read_as: str) -> Verdict:
        expected = self.analysis.derivative
        sampler = self.sampler
        if self._expected_fn is None:
            self._expected_fn = float_function(expected, self.x)
        answer_fn = float_function(answer, self.x)
        if sampler.usable:
            agree = numerically_equal(self._expected_fn, answer_fn, sampler.points)
            if agree:
                symbolic = symbolically_equal(expected, answer)
                method = "symbolic" if symbolic else "numeric"
                return self._correct(answer, read_as, method)
            return self._diagnose(answer, answer_fn, read_as)
        # No real points to sample (rare): decide symbolically.
        if symbolically_equal(expected, answer):
            return self._correct(answer, read_as, "symbolic")
        return self._diagnose(answer, answer_fn, read_as)

    def _correct(self, answer: sympy.Expr, read_as: str, method: str) -> Verdict:
        m = lambda e, written=False: show(e, unicode=self.unicode, ordered=not written)  # noqa: E731
        found = [s for s in layers(self.steps) if not s.trivial]
        why = m(self.analysis.clean)
        top = found[0] if found and found[0].node is _top_chain(self.analysis) else None
        if top is not None and show_product(top.factors, self.unicode) != why:
            why = f"{why} = {show_product(top.factors, self.unicode)}"
        return Verdict(True, self.analysis.clean, answer, read_as, None, why, method)

    def _diagnose(
        self, answer: sympy.Expr, answer_fn: Callable[[float], float], read_as: str
    ) -> Verdict:
        points = self.sampler.points
        for mistake, fn in self._candidates():
            if points and numerically_equal(fn, answer_fn, points):
                feedback = feedback_for(
                    mistake.code, mistake, self.analysis, self.unicode, self.steps
                )
                return Verdict(False, self.analysis.clean, answer, read_as, mistake.code, feedback)
        ratio = (
            constant_ratio(
                self._expected_fn or float_function(self.analysis.derivative, self.x),
                answer_fn,
                points,
            )
            if points
            else None
        )
        if ratio is not None and not _agree(ratio, 1.0) and not _agree(ratio, -1.0) and ratio != 0:
            feedback = feedback_for(
                "constant_factor", None, self.analysis, self.unicode, self.steps, ratio
            )
            return Verdict(False, self.analysis.clean, answer, read_as, "constant_factor", feedback)
        feedback = feedback_for(None, None, self.analysis, self.unicode, self.steps)
        return Verdict(False, self.analysis.clean, answer, read_as, None, feedback)

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
    def _check_value(self, answer: sympy.Expr, read_as: str) -> Verdict:
        assert self.at is not None and self._expected_value is not None
        if self.x in answer.free_symbols:
            answer = answer.xreplace({self.x: self.at})
        value = _float(answer)
        if value is None:
            raise InputError("the answer is not a real number", "", None)
        expected = _float(self._expected_value)
        assert expected is not None
        decimal = any(a.is_Float for a in answer.atoms())
        tolerance = VALUE_REL_TOL if decimal else REL_TOL
        if math.isclose(value, expected, rel_tol=tolerance, abs_tol=1e-6 if decimal else ABS_TOL):
            return Verdict(
                True,
                self._expected_value,
                answer,
                read_as,
                None,
                show(self._expected_value, unicode=self.unicode),
                "exact" if not decimal else "numeric",
            )
        for mistake in mistakes(self.analysis):
            candidate = real_value(mistake.derivative, self.x, self.at)
            wrong = _float(candidate) if candidate is not None else None
            if wrong is not None and math.isclose(value, wrong, rel_tol=tolerance, abs_tol=1e-6):
                feedback = feedback_for(
                    mistake.code, mistake, self.analysis, self.unicode, self.steps
                )
                return Verdict(False, self._expected_value, answer, read_as, mistake.code, feedback)
        feedback = feedback_for(None, None, self.analysis, self.unicode, self.steps)
        return Verdict(False, self._expected_value, answer, read_as, None, feedback)


def _float(value: sympy.Expr | None) -> float | None:
    if value is None:
        return None
    result = attempt(1.0, lambda: complex(value.evalf(30)), None)
    if result is None or abs(result.imag) > 1e-12 or not math.isfinite(result.real):
        return None
    return result.real


def _top_chain(analysis: Analysis) -> Chain | None:
    from chainrule_cli.rules import spine

    main = spine(analysis.tree)
    return main[0] if main and not main[0].trivial and main[0] is analysis.tree else None


def check(
    expression: str, answer: str, at: str | None = None, variable: str = "x", unicode: bool = True
) -> Verdict:
    """Check one answer to one problem (a convenience for scripts and tests)."""
    return Checker.for_text(expression, at, variable, unicode).check(answer)


__all__ = ["MISTAKES", "Checker", "Verdict", "check", "mistakes", "symbol"]


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

    def read(self, text: str) -> sympy.Expr:
        """The number in an answer, with the problem's unit (if any) taken off the end."""
        from chainrule_cli.parsing import parse_number

        try:
            return parse_number(text)
        except InputError as first:
            unit = self.problem.unit
            stripped = _strip_unit(text, unit) if unit else None
            if stripped is None:
                if unit and any(c.isalpha() for c in text):
                    raise InputError(
                        f"give a number, optionally followed by the unit {unit}",
                        text,
                        first.position,
                    ) from None
                raise
            return parse_number(stripped)

    def check(self, text: str) -> Verdict:
        value = self.read(text)
        shown = show(value, unicode=self.unicode)
        got = _float(value)
        expected = _float(self.expected)
        if got is None or expected is None:
            raise InputError("the answer is not a real number", text, 0)
        decimal = any(a.is_Float for a in value.atoms())
        tolerance = VALUE_REL_TOL if decimal else REL_TOL
        if math.isclose(got, expected, rel_tol=tolerance, abs_tol=1e-9):
            return Verdict(True, self.expected, value, shown, None, self.answer_text(), "exact")
        slips = [
            ("forgot_inner_derivative", self.outer_rate),
            ("only_inner_derivative", self.rate),
            ("added_instead_of_multiplied", self.outer_rate + self.rate),
            ("sign_error", -self.expected),
        ]
        for code, wrong in slips:
            w = _float(wrong)
            if w is not None and math.isclose(got, w, rel_tol=tolerance, abs_tol=1e-9):
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


def _strip_unit(text: str, unit: str) -> str | None:
    """``text`` without a trailing ``unit`` (spaces, ^ and superscripts ignored)."""

    def norm(s: str) -> str:
        return s.replace(" ", "").replace("**", "^").replace("^2", "²").replace("^3", "³").lower()

    target = norm(unit)
    compact = text.rstrip()
    for cut in range(len(compact), 0, -1):
        if norm(compact[cut:]) == target:
            number = compact[:cut].strip()
            return number or None
    return None
