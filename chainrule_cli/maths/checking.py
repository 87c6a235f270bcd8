"""Is this answer the derivative? And if not, which chain-rule mistake is it?

``Checker`` checks answers to one problem. Equivalence is never judged by form,
and numbers may only reject: only exact algebra may accept
(``equivalence.py``: floats at random real points of the domain first, then
``expand``/``cancel`` under a time limit, then 60 significant figures at exact
points, to 1 part in 10⁴⁵ of the size of the terms). When neither can decide
in time, the answer is not marked right: the verdict is ``unconfirmed``
("could not confirm this form; try writing it another way").

A wrong answer is diagnosed (``diagnosis.py``) against derivatives built from
the rule tree with one typical mistake each (``mistakes.py``): the first that
matches names the mistake, with a sentence about this problem's own functions.
An answer with a layer's letter left in (u, v) is read with the inner function
put in (``layer_reading``).

With a point, a number answer is judged by the documented rule in
``precision.py`` (exact forms exactly, decimals to the figures typed), and an
answer that still contains the variable is judged as a derivative: an
expression that only happens to take the right value at the point is wrong.
Rates problems have their own checker (``applied.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import DomainError, InputError, TooLarge
from chainrule_cli.limits import attempt
from chainrule_cli.maths.analysis import Analysis, analyse, spine, unscaled
from chainrule_cli.maths.diagnosis import Diagnosis
from chainrule_cli.maths.equivalence import (
    ROUNDING,
    UNCONFIRMED,
    UNCONFIRMED_TEXT,
    Sampler,
    Verdict,
    numerically_equal,
    precisely_equal,
    rounding_text,
    symbolically_equal,
)
from chainrule_cli.maths.explain import Step, explain, layers
from chainrule_cli.maths.mistakes import (
    MISTAKES,
    Mistake,
    feedback_for,
    mistakes,
)
from chainrule_cli.maths.numeric import Undefined, float_function
from chainrule_cli.maths.points import require_real
from chainrule_cli.maths.precision import (
    MIN_FIGURES,
    approximately,
    decimal_figures,
    judge,
    rounding,
    same_number,
    whole_rounding,
)
from chainrule_cli.maths.rules import Chain
from chainrule_cli.maths.values import nice_value, real_value
from chainrule_cli.printing.mathtext import also_typed, show, show_product
from chainrule_cli.printing.notes import notes as reading_notes
from chainrule_cli.reading.parsing import parse, read, symbol
from chainrule_cli.reading.syntax import Node, to_sympy

if TYPE_CHECKING:
    import sympy


# -- the checker --------------------------------------------------------------------------
class Checker(Diagnosis):
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
    "Checker",
    "Mistake",
    "Verdict",
    "check",
    "feedback_for",
    "mistakes",
    "numerically_equal",
    "symbol",
]
