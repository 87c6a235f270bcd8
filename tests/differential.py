"""The differential test against SymPy: right answers in several forms must be accepted,
wrong answers made by each mistake must be caught. SymPy is the oracle throughout.

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

from chainrule_cli.checking import Checker
from chainrule_cli.errors import ChainruleError
from chainrule_cli.limits import attempt
from chainrule_cli.mistakes import mistakes
from chainrule_cli.numeric import Undefined, float_function
from chainrule_cli.rules import analyse
from tests.functions import functions

X = sp.Symbol("x", real=True)
#: Generated functions for the full run; each gives about 16 pairs, so 330 give over 5 000.
FUNCTIONS = 330
SEED = 2026


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

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "right_answers": self.right,
            "wrong_answers": self.wrong,
            "false_accepts": len(self.false_accepts),
            "false_rejects": len(self.false_rejects),
            "right_forms": dict(sorted(self.forms.items())),
            "wrong_by_mistake": dict(sorted(self.codes.items())),
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
        if len(text) <= 480 and not re.search(r"\bI\b", text)
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


def run(count: int, seed: int = 0, on_pair: Callable[[], None] | None = None) -> Tally:
    """Check right and wrong answers for ``count`` generated functions."""
    tally = Tally()
    for text in functions(count, seed):
        try:
            analysis = analyse(text)
            checker = Checker(analysis)
        except ChainruleError:
            continue
        if not checker.sampler.usable:
            continue
        oracle = sp.diff(analysis.expr, analysis.variable)
        for name, answer in right_forms(oracle).items():
            tally.pairs += 1
            tally.right += 1
            tally.forms[name] += 1
            try:
                verdict = checker.check(answer)
            except ChainruleError as exc:
                tally.false_rejects.append((text, f"{name}: {answer} ({exc})"))
                continue
            if not verdict.correct:
                tally.false_rejects.append((text, f"{name}: {answer}"))
        seen: set[str] = set()
        for mistake in mistakes(analysis):
            if mistake.code in seen or _differs(mistake.derivative, oracle) is not True:
                continue
            seen.add(mistake.code)
            for answer in (_sympy_text(mistake.derivative), sp.latex(mistake.derivative)):
                if len(answer) > 480:
                    continue
                tally.pairs += 1
                tally.wrong += 1
                tally.codes[mistake.code] += 1
                try:
                    verdict = checker.check(answer)
                except ChainruleError:
                    continue  # refused, not accepted
                if verdict.correct:
                    tally.false_accepts.append((text, f"{mistake.code}: {answer}"))
        if on_pair is not None:
            on_pair()
    return tally
