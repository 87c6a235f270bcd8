"""Rates problems ("the radius grows at 2 cm/s; how fast does the volume grow?"): the checker
of an answer, and every sentence of feedback on one, with the hints taken into account.

The quantity y = f(u) (say V = (4/3)πr³) is differentiated by the same rule tree as
any problem; the given rate du/dt is data; the answer is their product at the point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainrule_cli.errors import DomainError, InputError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.equivalence import ROUNDING, Verdict, as_float, as_typed, rounding_text
from chainrule_cli.maths.precision import (
    MIN_FIGURES,
    decimal_figures,
    judge,
    rounding,
    same_number,
)
from chainrule_cli.maths.values import nice_value, real_value
from chainrule_cli.printing.mathtext import show
from chainrule_cli.reading.parsing import parse
from chainrule_cli.reading.syntax import Node
from chainrule_cli.reading.units import strip_unit

if TYPE_CHECKING:
    import sympy


class AppliedChecker:
    """Checks a rates problem: the answer is (outer rate at the point) × (given rate).

    The quantity y = f(u) (say V = (4/3)πr³) is differentiated by the same rule
    tree; the given rate du/dt is data. The answer is a number with an optional
    unit; a wrong number is compared with the typical slips (only one of the two
    rates, or their sum) and the feedback names both rates.
    """

    def __init__(self, problem: Any, unicode: bool = True) -> None:
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
        shown = as_typed(tree) or show(value, unicode=self.unicode)
        if as_float(value) is None or as_float(self.expected) is None:
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
        numeric = as_float(self.expected)
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


def applied_feedback(checker: AppliedChecker, verdict: Verdict, hints_used: int) -> str:
    """The feedback on a wrong rate, revealing no rate the hints have not shown yet.

    The hints show the first rate at hint 2 and the given rate at hint 3; until
    then the feedback names the rates (dV/dr, dr/dt) but not their values.
    """
    y, u, t = checker.names
    times = "×" if checker.unicode else "*"
    outer_rate, given_rate = f"d{y}/d{u}", f"d{u}/d{t}"
    outer_text, given_text = checker.rates_text()
    at = f"{u} = {show(checker.at, unicode=checker.unicode)}"
    outer = outer_text if hints_used >= 2 else f"{outer_rate} at {at}"
    given = given_text if hints_used >= 3 else f"the given rate {given_rate}"
    code = verdict.mistake
    if code in ("rounding", "unconfirmed"):
        return verdict.feedback  # a right number badly rounded: said in numbers, no method
    if code == "forgot_inner_derivative":
        return f"that is only the first rate, {outer_rate} at {at}; multiply it by {given}."
    if code == "only_inner_derivative":
        return f"that is only the given rate {given_rate}; multiply it by {outer}."
    if code == "added_instead_of_multiplied":
        return f"rates along a chain multiply, they do not add: d{y}/d{t} = {outer_rate} {times} {given_rate}."
    if code == "sign_error":
        return checker.feedback(code)
    return (
        f"d{y}/d{t} = {outer_rate} {times} {given_rate}: find {outer}, then multiply it by {given}."
    )
