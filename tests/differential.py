"""The differential test against SymPy: right answers in several forms must be accepted,
wrong answers made by each mistake must be caught. SymPy is the oracle throughout.

Besides the typical mistakes, answers that only a float tolerance would let
through are wrong too: the derivative times 10⁻¹² or 10¹², plus 10⁻⁹ or 10⁻¹²,
times 1.0000001; functions scaled by 10⁻¹² or 10¹² (right and wrong answers to
them); and slopes of exponentials far out (10⁻¹⁷³ is not 0). No answer may be
accepted by floats alone ("numbers_alone", the verdicts whose method is
``numeric``), and answers the checker could not confirm are counted apart.

Shared by ``tests/test_differential.py`` (which asserts 0 false accepts and 0
false rejects) and ``bench/run.py`` (which records the counts in
``bench/results.json``).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from chainrule_cli.errors import ChainruleError
from chainrule_cli.limits import attempt
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.checking import Checker
from chainrule_cli.maths.mistakes import mistakes
from chainrule_cli.maths.numeric import Undefined, float_function
from tests.functions import functions

X = sp.Symbol("x", real=True)
#: Generated functions for the full run; each gives about 16 pairs, so 330 give over 5 000.
FUNCTIONS = 330
SEED = 2026
#: Answers longer than this are not judged: the reader refuses input past 500 characters.
MAX_ANSWER = 480


@dataclass
class Tally:
    """What the differential run found."""

    pairs: int = 0
    right: int = 0
    wrong: int = 0
    false_accepts: list[tuple[str, str]] = field(default_factory=list)
    false_rejects: list[tuple[str, str]] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    #: Right answers that were neither accepted nor rejected: "could not confirm".
    unconfirmed: list[tuple[str, str]] = field(default_factory=list)
    #: Accepted with no exact algebra or 60-digit evaluation behind it (must stay empty).
    numbers_alone: list[tuple[str, str]] = field(default_factory=list)
    #: Pairs of the classes a float tolerance would get wrong, by class.
    near: Counter[str] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)

    def judge(self, checker: Checker, text: str, answer: str, right: bool, label: str) -> None:
        """Check one answer and count its verdict as the oracle says it should be."""
        self.pairs += 1
        if right:
            self.right += 1
        else:
            self.wrong += 1
        try:
            verdict = checker.check(answer)
        except ChainruleError as exc:
            if right:
                self.false_rejects.append((text, f"{label}: {answer} ({exc})"))
            return  # a wrong answer refused is not accepted
        if verdict.correct:
            self.methods[verdict.method] += 1
            if verdict.method == "numeric":
                self.numbers_alone.append((text, f"{label}: {answer}"))
            if not right:
                self.false_accepts.append((text, f"{label}: {answer}"))
        elif right and verdict.mistake == "unconfirmed":
            self.unconfirmed.append((text, f"{label}: {answer}"))
        elif right:
            self.false_rejects.append((text, f"{label}: {answer}"))

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "right_answers": self.right,
            "wrong_answers": self.wrong,
            "false_accepts": len(self.false_accepts),
            "false_rejects": len(self.false_rejects),
            "unconfirmed": len(self.unconfirmed),
            "accepted_by_numbers_alone": len(self.numbers_alone),
            "accepted_by": dict(sorted(self.methods.items())),
            "right_forms": dict(sorted(self.forms.items())),
            "wrong_by_mistake": dict(sorted(self.codes.items())),
            "near_misses": dict(sorted(self.near.items())),
        }


def _sympy_text(expr: sp.Expr) -> str:
    """SymPy's own string, with its E written e (as a person types it)."""
    return re.sub(r"\bE\b", "e", str(expr))


def right_forms(derivative: sp.Expr) -> dict[str, str]:
    """The oracle's derivative written several equal ways."""
    forms = {"sympy": _sympy_text(derivative), "latex": sp.latex(derivative)}
    expanded = attempt(1.0, lambda: sp.expand(derivative), None)
    if expanded is not None:
        forms["expanded"] = _sympy_text(expanded)
    factored = attempt(1.0, lambda: sp.factor(derivative), None)
    if factored is not None:
        forms["factored"] = _sympy_text(factored)
    if derivative.has(sp.tan, sp.sec, sp.csc, sp.cot):
        rewritten = attempt(1.0, lambda: derivative.rewrite(sp.cos), None)
        if rewritten is not None:
            forms["trig-identity"] = _sympy_text(rewritten)
    if derivative.has(sp.sin, sp.cos):
        doubled = attempt(1.0, lambda: sp.expand_trig(derivative), None)
        if doubled is not None and doubled != derivative:
            forms["trig-expanded"] = _sympy_text(doubled)
    # SymPy's rewrites can bring in the imaginary unit: not a form a person types.
    return {
        name: text
        for name, text in forms.items()
        if len(text) <= MAX_ANSWER and not re.search(r"\bI\b", text)
    }


def _differs(a: sp.Expr, b: sp.Expr) -> bool | None:
    """The oracle's view: True when a ≠ b at some real point where both are defined."""
    fa, fb = float_function(a, X), float_function(b, X)
    rng = random.Random(99)
    seen = 0
    for _ in range(400):
        v = rng.uniform(-4, 4)
        try:
            ya, yb = fa(v), fb(v)
        except Undefined:
            continue
        seen += 1
        if not math.isclose(ya, yb, rel_tol=1e-5, abs_tol=1e-8):
            return True
        if seen >= 12:
            return False
    return None


def _nonzero(derivative: sp.Expr) -> bool:
    """The oracle's view: the derivative is not 0 everywhere (so c·f′ ≠ f′ for c ≠ 1)."""
    return _differs(derivative, sp.Integer(0)) is True


def near_misses(derivative: sp.Expr) -> dict[str, str]:
    """Wrong answers a float tolerance lets through: tiny offsets and factors, near-miss decimals."""
    d = _sympy_text(derivative)
    out = {"offset-1e-9": f"({d}) + 10^-9", "offset-1e-12": f"({d}) - 10^-12"}
    if _nonzero(derivative):
        out["factor-1e-12"] = f"10^-12*({d})"
        out["factor-1e12"] = f"10^12*({d})"
        out["near-decimal"] = f"1.0000001*({d})"
    return {name: text for name, text in out.items() if len(text) <= MAX_ANSWER}


#: Exponentials far out: (function, point, its slope there as typed).
FAR_OUT = [
    ("e^(4x)", "-100", "4e^(-400)"),
    ("e^(4x)", "-50", "4e^(-200)"),
    ("e^(x/2)", "200", "e^100/2"),
    ("3e^(2x+1)", "-90", "6e^(-179)"),
    ("e^(-3x)", "60", "-3e^(-180)"),
    ("2^(5x)", "-70", "5ln(2)*2^(-350)"),
]


def far_out(tally: Tally) -> None:
    """Slopes of exponentials far out: the exact value is right, 0 and near misses are not."""
    for function, point, slope in FAR_OUT:
        checker = Checker.for_text(function, point)
        text = f"{function} at {point}"
        tally.judge(checker, text, slope, True, "far-out")
        for name, wrong in (
            ("far-out-zero", "0"),
            ("far-out-near", f"1.0000001*{slope}"),
            ("far-out-offset", f"{slope} + 10^-300"),
        ):
            tally.near[name] += 1
            tally.judge(checker, text, wrong, False, name)


def scaled(tally: Tally, text: str, oracle: sp.Expr, analysis_mistakes: list[sp.Expr]) -> None:
    """The function times 10⁻¹² and 10¹²: its derivative so scaled is right, a mistake is not."""
    for power in ("-12", "12"):
        try:
            checker = Checker(analyse(f"10^{power}*({text})"))
        except ChainruleError:
            continue
        if not checker.sampler.usable:
            continue
        name = f"scaled-1e{power}"
        right = f"10^{power}*({_sympy_text(oracle)})"
        if len(right) <= MAX_ANSWER:  # longer is refused as input, unjudged
            tally.forms[name] += 1
            tally.judge(checker, text, right, True, name)
        for wrong in analysis_mistakes[:2]:
            tally.near[f"{name}-mistake"] += 1
            tally.judge(checker, text, f"10^{power}*({_sympy_text(wrong)})", False, name)


def run(
    count: int,
    seed: int = 0,
    on_pair: Callable[[], None] | None = None,
    part: tuple[int, int] = (0, 1),
) -> Tally:
    """Check right and wrong answers for ``count`` generated functions. ``part=(k, n)``
    checks only the functions whose index is k modulo n (the whole run dealt out in n
    parts that test workers can take side by side); part 0 also takes the far-out slopes."""
    tally = Tally()
    k, n = part
    for index, text in enumerate(functions(count, seed)):
        if index % n != k:
            continue
        try:
            analysis = analyse(text)
            checker = Checker(analysis)
        except ChainruleError:
            continue
        if not checker.sampler.usable:
            continue
        oracle = sp.diff(analysis.expr, analysis.variable)
        for name, answer in right_forms(oracle).items():
            tally.forms[name] += 1
            tally.judge(checker, text, answer, True, name)
        seen: set[str] = set()
        caught: list[sp.Expr] = []
        for mistake in mistakes(analysis):
            if mistake.code in seen or _differs(mistake.derivative, oracle) is not True:
                continue
            seen.add(mistake.code)
            caught.append(mistake.derivative)
            for answer in (_sympy_text(mistake.derivative), sp.latex(mistake.derivative)):
                if len(answer) > MAX_ANSWER:
                    continue
                tally.codes[mistake.code] += 1
                tally.judge(checker, text, answer, False, mistake.code)
        for name, answer in near_misses(oracle).items():
            tally.near[name] += 1
            tally.judge(checker, text, answer, False, name)
        if (index // n) % 4 == 0:  # a quarter of the functions of each part (of all, unparted)
            scaled(tally, text, oracle, caught)
        if on_pair is not None:
            on_pair()
    if k == 0:
        far_out(tally)
    return tally
