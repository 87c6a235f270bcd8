"""The lesson: the chapter retold for the terminal, in sections with checkpoints.

Plain data (Markdown text, worked examples to run through ``solve``, and one
checkpoint per section); ``cli/learn.py`` pages through it and the ``render`` package
draws it. The order follows the chapter: intuition, the four steps, why we
multiply, checking with numbers, nested chains, the six problem types,
applications, and backpropagation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Checkpoint:
    """A question answered like the quiz.

    ``kind``: ``derivative`` (of ``expression``), ``slope`` (of ``expression`` at
    ``at``), ``number`` (a value, ``answer``), or ``applied`` (a rates problem,
    ``problem_id`` from the bank). ``hint`` is what ``h`` shows.
    """

    prompt: str
    kind: str
    expression: str = ""
    at: str | None = None
    answer: float | None = None
    problem_id: str = ""
    hint: str = ""


#: The hint for a checkpoint that has none of its own: the lesson's key idea.
KEY_IDEA = "Outer derivative times inner derivative: dy/dx = dy/du · du/dx."


@dataclass(frozen=True)
class Screen:
    text: str  # Markdown
    example: str | None = None  # an expression to show with the live solve renderer
    example_at: str | None = None
    backprop: tuple[int, str] | None = None  # (layers, activation) to show a backprop table


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    screens: tuple[Screen, ...]
    checkpoint: Checkpoint
    tags: tuple[str, ...] = field(default=())


SECTIONS: tuple[Section, ...] = (
    Section(
        "intuition",
        "Rates multiply along a chain",
        (
            Screen(
                "A **composite function** is a function inside another: y = f(u) with u = g(x). "
                "The chain rule says how fast y changes when x changes.\n\n"
                "Picture a push passed along: **you** push a **friend**, who pushes a **cart**. "
                "If a push from you moves your friend **2×** as much, and your friend's push moves the "
                "cart **3×** as much, the cart moves **2 × 3 = 6×** your push.\n\n"
                "Meshed gears work the same way: the gear ratios multiply. That is the whole idea:\n\n"
                "> **dy/dx = dy/du · du/dx** — the outer rate times the inner rate."
            ),
        ),
        Checkpoint(
            "u changes 3 times as fast as x, and y changes 4 times as fast as u. "
            "How many times as fast as x does y change?",
            "number",
            answer=12,
            hint="Rates along a chain multiply: (y per u) × (u per x).",
        ),
    ),
    Section(
        "four-steps",
        "The four steps",
        (
            Screen(
                "Every chain-rule problem is the same four steps:\n\n"
                "1. **Identify** the inner function u = g(x) and the outer y = f(u).\n"
                "2. **Outer derivative**: differentiate f with respect to u, and keep the inner "
                "function as it is inside: f′(g(x)).\n"
                "3. **Inner derivative**: g′(x).\n"
                "4. **Multiply**: f′(g(x)) · g′(x).\n\n"
                "Here they are for (3x + 1)²:",
                example="(3x+1)^2",
            ),
            Screen(
                "The most common slip is step 4: stopping at f′(g(x)). For (3x + 1)² that gives "
                "2(3x + 1), three times too small. The inner function's rate, 3, must be multiplied in."
            ),
        ),
        Checkpoint(
            "Differentiate y = (2x + 1)².",
            "derivative",
            expression="(2x+1)^2",
            hint="Inner u = 2x + 1, outer u². Outer derivative 2u, kept as 2(2x + 1); "
            "then multiply by the inner derivative.",
        ),
    ),
    Section(
        "why-multiply",
        "Why multiply, not add",
        (
            Screen(
                "Derivatives are **rates**, and rates along a chain multiply.\n\n"
                "A car drives at 100 km/h, and a fuel gauge drops 0.08 litres per km. Fuel per hour is "
                "100 km/h × 0.08 L/km = **8 L/h**: the km cancel. Adding 100 km/h to 0.08 L/km means "
                "nothing: the units do not even match.\n\n"
                "In the same way dy/du · du/dx: the du cancels and leaves dy/dx. "
                "Adding dy/du + du/dx mixes two different kinds of rate."
            ),
        ),
        Checkpoint(
            "A learner wrote (sin(x²))′ = cos(x²) + 2x. Type the right derivative of sin(x²).",
            "derivative",
            expression="sin(x^2)",
            hint="Outer derivative cos(x²), inner derivative 2x: multiply them, don't add.",
        ),
    ),
    Section(
        "check-with-numbers",
        "Check with numbers",
        (
            Screen(
                "You can always test a derivative with a calculator. Take y = (2x + 1)² at x = 1: "
                "the chain rule says the slope is 2(2x + 1)·2 = 4(2·1 + 1) = **12**.\n\n"
                "Move x a little, from 1 to 1.01. Then y goes from 9 to 9.1204: a change of about 0.12 "
                "for a change of 0.01 in x, a rate of about **12**. It matches.",
                example="(2x+1)^2",
                example_at="1",
            ),
        ),
        Checkpoint(
            "What is the slope of y = e^(3x) at x = 0?",
            "slope",
            expression="e^(3x)",
            at="0",
            hint="The derivative is e^(3x) · 3; then put in x = 0 (and e⁰ = 1).",
        ),
    ),
    Section(
        "nested",
        "Chains inside chains",
        (
            Screen(
                "When the inner function is itself a composite, apply the rule again: treat the inside "
                "as one block, differentiate the outside, multiply by the derivative of the block, and "
                "repeat. Give each layer its own letter: x → u → v → y.\n\n"
                "For sin(e^(x²)): u = x², v = eᵘ, y = sin v, and the rates multiply along the whole chain:",
                example="sin(e^(x^2))",
            ),
        ),
        Checkpoint(
            "Differentiate y = e^(sin(3x)).",
            "derivative",
            expression="e^(sin(3x))",
            hint="Outer e^u stays e^(sin(3x)). The inner sin(3x) is a chain too: "
            "its derivative is cos(3x) · 3. Multiply them all.",
        ),
    ),
    Section(
        "types",
        "Six kinds of problem",
        (
            Screen(
                "| type | looks like | outer derivative |\n"
                "|---|---|---|\n"
                "| power | (ax + b)ⁿ | n·uⁿ⁻¹ |\n"
                "| exponential | e^(g(x)) | e^(g(x)) itself |\n"
                "| trig | sin(g(x)), cos(g(x)) | cos u, −sin u |\n"
                "| root | √(g(x)) | 1/(2√u) |\n"
                "| log | ln(g(x)) | 1/u |\n"
                "| quadratic inside | f(ax² + bx + c) | f′, times 2ax + b |\n\n"
                "In every one: outer derivative × inner derivative."
            ),
        ),
        Checkpoint(
            "Differentiate y = ln(x² + 1).",
            "derivative",
            expression="ln(x^2+1)",
            hint="ln u has derivative 1/u; the inner x² + 1 has derivative 2x.",
        ),
    ),
    Section(
        "applications",
        "Rates in the real world",
        (
            Screen(
                "If A affects B and B affects C, the effect of A on C is the product of the effects.\n\n"
                "| situation | what we find | chain rule |\n"
                "|---|---|---|\n"
                "| cost → output → time | how cost changes over time | (cost/output) × (output/time) |\n"
                "| volume → radius → time | how fast a balloon's volume grows | (volume/radius) × (radius/time) |\n"
                "| error → output → weight | how to update a weight | (error/output) × (output/weight) |\n\n"
                "A balloon: V = (4/3)πr³, so dV/dr = 4πr². If the radius grows at dr/dt = 2 cm/s, then "
                "at r = 5 cm the volume grows at 4π·25 · 2 = **200π ≈ 628 cm³/s**."
            ),
        ),
        Checkpoint(
            "A circular ripple's radius grows at 3 cm/s. How fast does its area A = πr² grow "
            "when r = 4 cm? (A number, in cm²/s.)",
            "applied",
            problem_id="applied-002",
            hint="dA/dr = 2πr, which is 8π at r = 4; multiply by dr/dt = 3.",
        ),
    ),
    Section(
        "backprop",
        "Backpropagation is the chain rule",
        (
            Screen(
                "A neural network is a long composite function: layer after layer, "
                "h₁ = act(w₁x + b₁), h₂ = act(w₂h₁ + b₂), … To learn, it needs how the error changes "
                "with each weight: the chain rule, multiplied backwards from the output, one local "
                "derivative per layer. Frameworks do this when you call `loss.backward()`.\n\n"
                "Multiply many numbers below 1 and the product shrinks toward 0. Sigmoid's derivative is "
                "at most 1/4, so deep sigmoid chains have **vanishing gradients**:",
                backprop=(8, "sigmoid"),
            ),
            Screen(
                "ReLU's derivative is 1 wherever the neuron is active, and a **skip connection** "
                "(hₖ = hₖ₋₁ + act(…)) adds 1 to every factor. Either keeps the product from vanishing:",
                backprop=(8, "relu"),
            ),
        ),
        Checkpoint(
            "Ten layers each multiply the gradient by 0.25. What is left of a gradient of 1? "
            "(A decimal is fine.)",
            "number",
            answer=0.25**10,
            hint="Multiply 0.25 by itself ten times: 0.25^10.",
        ),
    ),
)

NAMES = tuple(s.name for s in SECTIONS)


def section(name: str) -> Section:
    for s in SECTIONS:
        if s.name == name:
            return s
    raise KeyError(name)


def check_number(text: str, expected: float) -> bool:
    """A numeric answer: exact forms (4/5, 2e) or decimals to about 3 significant digits."""
    from chainrule_cli.reading.parsing import parse_number

    value = float(parse_number(text))
    return math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-12)


class CheckpointJudge:
    """Checks a checkpoint's answers with the same checkers as the quiz."""

    def __init__(self, checkpoint: Checkpoint, unicode: bool = True) -> None:
        from chainrule_cli.maths.applied import AppliedChecker
        from chainrule_cli.maths.checking import Checker

        self.checkpoint = checkpoint
        self.unicode = unicode
        self.checker: Checker | AppliedChecker | None = None
        if checkpoint.kind in ("derivative", "slope"):
            self.checker = Checker.for_text(checkpoint.expression, checkpoint.at, unicode=unicode)
            self.prompt = (
                f"slope at x = {checkpoint.at}: " if checkpoint.kind == "slope" else "dy/dx = "
            )
        elif checkpoint.kind == "applied":
            from chainrule_cli.bank.load import load

            problem = next(p for p in load().problems if p.id == checkpoint.problem_id)
            self.checker = AppliedChecker(problem, unicode)
            self.prompt = "answer: "
        else:
            self.prompt = "answer: "

    def check(self, text: str) -> tuple[bool, str]:
        """(right?, the sentence to show). Raises InputError for unreadable input."""
        if self.checker is not None:
            verdict = self.checker.check(text)
            return verdict.correct, verdict.feedback
        assert self.checkpoint.answer is not None
        right = check_number(text, self.checkpoint.answer)
        return right, "" if right else "not that number: multiply the rates along the chain."

    def answer_text(self) -> str:
        from chainrule_cli.maths.applied import AppliedChecker
        from chainrule_cli.printing.mathtext import show

        if isinstance(self.checker, AppliedChecker):
            return self.checker.answer_text()
        if self.checker is not None:
            return show(self.checker.expected, unicode=self.unicode)
        return f"{self.checkpoint.answer:.6g}"
