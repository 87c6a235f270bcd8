"""The gates of the backprop engine: numbers, the gate table and local derivatives.

A ``Node`` is one gate of the computation graph; ``compute`` gives its value
and its local derivatives (∂node/∂input, one per input) from its inputs'
values, exactly (``fractions.Fraction``) while it can, in floats otherwise.
``PATTERNS`` names what the backward pass does at each kind of gate.
See ``graph/engine.py`` for the whole engine. No SymPy here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from chainrule_cli.errors import DomainError, TooLarge

Number = Fraction | float
#: A Fraction whose numerator or denominator grows past this many bits is turned
#: into a float (no 10⁴⁰⁰⁰⁰-digit numbers; Python's str limit is 4,300 digits).
MAX_BITS = 2000

#: Ops and their symbols in the staged table (JSON uses the op's name).
SYMBOLS: dict[str, str] = {
    "input": "input",
    "add": "+",
    "mul": "×",
    "div": "÷",
    "neg": "−",
    "pow": "^",
    "sigmoid": "σ",
}

#: The gate patterns a teacher names (CS231n): what the backward pass does at a gate.
PATTERNS: dict[str, str] = {
    "add": "add distributes: each input gets the upstream gradient unchanged",
    "sub": "subtract distributes with a sign: the input after − gets minus the upstream gradient",
    "mul": "multiply swaps: each input gets the upstream gradient times the other input",
    "scale": "multiply by a constant scales the upstream gradient by it",
    "neg": "negation flips the sign of the upstream gradient",
    "div": "divide: the numerator gets upstream/b, the denominator −upstream·a/b²",
    "max": "max routes: the larger input gets the whole upstream gradient, the other 0",
    "min": "min routes: the smaller input gets the whole upstream gradient, the other 0",
    "relu": "relu routes: the upstream gradient passes if the input is positive, else 0",
    "sigmoid": "σ′ = σ(1 − σ), from the node's own output",
    "tanh": "tanh′ = 1 − tanh², from the node's own output",
    "exp": "exp′ = exp, the node's own output",
    "ln": "ln′(u) = 1/u",
    "pow": "power rule: n·uⁿ⁻¹",
    "func": "the function's derivative at its input",
}


def tidy(value: Number) -> Number:
    """A Fraction kept while it is small, else a float; refuses inf and nan."""
    if isinstance(value, Fraction):
        if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
            try:
                value = float(value)
            except OverflowError:
                raise TooLarge("a value in this graph is too large to work with") from None
        else:
            return value
    if isinstance(value, complex) or not math.isfinite(value):
        raise TooLarge("a value in this graph is too large to work with")
    return float(value)


def _exact_root(value: Fraction, k: int) -> Fraction | None:
    """The exact k-th root of a non-negative Fraction, or None when it is not rational."""
    out = []
    for part in (value.numerator, value.denominator):
        if part.bit_length() > MAX_BITS:
            return None
        root = round(part ** (1 / k)) if part < 2**1000 else math.isqrt(part) if k == 2 else None
        if root is None:
            return None
        for guess in (root - 1, root, root + 1):
            if guess >= 0 and guess**k == part:
                out.append(guess)
                break
        else:
            return None
    return Fraction(out[0], out[1])


def power(base: Number, exponent: Number) -> Number:
    """base^exponent as a real number: exact for a Fraction to a whole power or a
    perfect root; an odd root of a negative number is negative (∛−8 = −2)."""
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        n = exponent.numerator
        if base == 0 and n < 0:
            raise DomainError("0 cannot be raised to a negative power (a division by 0)")
        if isinstance(base, Fraction):
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if size * abs(n) <= 20 * MAX_BITS:
                return tidy(base**n)
            base = float(base)
        try:
            return tidy(float(base) ** n)
        except (OverflowError, ZeroDivisionError):
            raise TooLarge("a value in this graph is too large to work with") from None
    if base < 0:
        if isinstance(exponent, Fraction) and exponent.denominator % 2 == 1:
            magnitude = power(-base, exponent)
            return -magnitude if exponent.numerator % 2 else magnitude
        raise DomainError(f"a negative number to the power {show_number(exponent)} is not real")
    if base == 0:
        if exponent > 0:
            return Fraction(0)
        raise DomainError("0 cannot be raised to a negative power (a division by 0)")
    if isinstance(base, Fraction) and isinstance(exponent, Fraction) and exponent.denominator <= 12:
        root = _exact_root(base, exponent.denominator)
        if root is not None:
            return power(root, Fraction(exponent.numerator))
    try:
        return tidy(float(base) ** float(exponent))
    except OverflowError:
        raise TooLarge("a value in this graph is too large to work with") from None


def show_number(value: Number, figures: int = 6) -> str:
    """A value as the table shows it: −4, 1/4, 0.0625, 0.731059 (ASCII minus; the view
    turns it into −)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        if len(str(value.denominator)) <= 3 and len(str(value.numerator)) <= 6:
            return f"{value.numerator}/{value.denominator}"
        value = float(value)
    if value == 0:
        return "0"
    text = f"{value:.{figures}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def math_number(value: Number) -> str:
    """``show_number`` with the minus sign of maths: −4, −1/4 (the screens spell it back
    to ASCII where the terminal needs it)."""
    return show_number(value).replace("-", "−")


def math_factor(value: Number) -> str:
    """``math_number`` bracketed when negative, as a factor: 2 × (−1), not 2 × −1."""
    text = math_number(value)
    return f"({text})" if text.startswith("−") else text


def as_float(value: Number) -> float:
    return float(value)


def sigmoid(u: Number) -> Number:
    """σ(u) = 1/(1 + e^(−u)): exactly 1/2 at 0, else a float computed stably."""
    if u == 0:
        return Fraction(1, 2)
    f = float(u)
    if f >= 0:
        return 1.0 / (1.0 + math.exp(-f))
    e = math.exp(f)
    return e / (1.0 + e)


def _fn(name: str, u: Number) -> tuple[Number, Number]:
    """(f(u), f′(u)) for a one-argument function or gate; exact at the easy points."""
    zero = u == 0
    f = float(u)
    if name == "exp":
        value: Number = Fraction(1) if zero else math.exp(f)
        return value, value
    if name == "log":
        if u <= 0:
            raise DomainError(f"ln is not defined at {show_number(u)} (only for positive numbers)")
        return (Fraction(0) if u == 1 else math.log(f)), tidy(1 / u)
    if name == "sigmoid":
        s = sigmoid(u)
        return s, s * (1 - s)
    if name == "tanh":
        t: Number = Fraction(0) if zero else math.tanh(f)
        return t, 1 - t * t
    if name == "relu":
        return (u if u > 0 else Fraction(0)), (Fraction(1) if u > 0 else Fraction(0))
    if name == "abs":
        return (u if u >= 0 else -u), Fraction(1) if u > 0 else Fraction(-1) if u < 0 else Fraction(
            0
        )
    if name == "sqrt":
        if u < 0:
            raise DomainError(f"√ is not defined at {show_number(u)} (a negative number)")
        if zero:
            raise DomainError("√u has no derivative at u = 0")
        r = power(u, Fraction(1, 2))
        return r, tidy(1 / (2 * r))
    if name == "cbrt":
        if zero:
            raise DomainError("∛u has no derivative at u = 0")
        r = power(u, Fraction(1, 3))
        return r, tidy(1 / (3 * r * r))
    if name == "sin":
        return (Fraction(0) if zero else math.sin(f)), (Fraction(1) if zero else math.cos(f))
    if name == "cos":
        return (Fraction(1) if zero else math.cos(f)), (Fraction(0) if zero else -math.sin(f))
    if name == "atan":
        return (Fraction(0) if zero else math.atan(f)), tidy(1 / (1 + u * u))
    if name == "acot":
        return math.atan(1 / f) if f else math.pi / 2, tidy(-1 / (1 + u * u))
    table: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
        "tan": (math.tan, lambda v: 1 / math.cos(v) ** 2),
        "sec": (lambda v: 1 / math.cos(v), lambda v: math.tan(v) / math.cos(v)),
        "csc": (lambda v: 1 / math.sin(v), lambda v: -math.cos(v) / math.sin(v) ** 2),
        "cot": (lambda v: math.cos(v) / math.sin(v), lambda v: -1 / math.sin(v) ** 2),
        "sinh": (math.sinh, math.cosh),
        "cosh": (math.cosh, math.sinh),
        "sech": (lambda v: 1 / math.cosh(v), lambda v: -math.tanh(v) / math.cosh(v)),
        "csch": (lambda v: 1 / math.sinh(v), lambda v: -math.cosh(v) / math.sinh(v) ** 2),
        "coth": (lambda v: 1 / math.tanh(v), lambda v: -1 / math.sinh(v) ** 2),
        "asin": (math.asin, lambda v: 1 / math.sqrt(1 - v * v)),
        "acos": (math.acos, lambda v: -1 / math.sqrt(1 - v * v)),
        "asec": (lambda v: math.acos(1 / v), lambda v: 1 / (abs(v) * math.sqrt(v * v - 1))),
        "acsc": (lambda v: math.asin(1 / v), lambda v: -1 / (abs(v) * math.sqrt(v * v - 1))),
        "asinh": (math.asinh, lambda v: 1 / math.sqrt(v * v + 1)),
        "acosh": (math.acosh, lambda v: 1 / math.sqrt(v * v - 1)),
        "atanh": (math.atanh, lambda v: 1 / (1 - v * v)),
    }
    forward, slope = table[name]
    try:
        return tidy(forward(f)), tidy(slope(f))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise DomainError(
            f"{name} is not defined (or has no derivative) at {show_number(u)}"
        ) from None


# -- one gate ---------------------------------------------------------------------------
@dataclass
class Node:
    """One node of the computation graph.

    ``op`` is ``input`` or the operation (``add``, ``mul``, ``div``, ``neg``, ``pow``,
    ``sigmoid``, ``relu``, ``max``, ``min``, ``exp``, ``ln``, ``sin``, …). ``inputs``
    are the indices of the nodes it reads (a node read twice appears twice);
    ``formula`` is what it computes, in its inputs' names (``q·z``, ``2·s``, ``1/c``).
    ``pattern`` names the gate's backward pattern (a key of ``PATTERNS``).
    """

    index: int
    name: str
    op: str
    inputs: tuple[int, ...]
    formula: str = ""
    pattern: str = ""
    value: Number = Fraction(0)
    local: tuple[Number, ...] = ()
    grad: Number = Fraction(0)
    kink: bool = False
    #: What the forward pass needs beyond the inputs: signs of a sum's terms, a
    #: constant term or factor, a power's exponent or base, a function's name.
    params: dict[str, object] = field(default_factory=dict)

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.op, self.op)


def side(node: Node, args: Sequence[Number]) -> object:
    """Which piece of a piecewise gate is in use (for kink crossing)."""
    if node.op in ("relu", "abs"):
        return (args[0] > 0) - (args[0] < 0)
    if node.op in ("max", "min"):
        constants = node.params.get("constants", ())
        assert isinstance(constants, tuple)
        values = [*args, *constants]
        best = max(values) if node.op == "max" else min(values)
        return tuple(v == best for v in values)
    return None


def compute(node: Node, args: Sequence[Number]) -> tuple[Number, tuple[Number, ...], bool]:
    """(value, local derivatives, at a kink) of one operation from its inputs' values."""
    p = node.params
    op = node.op
    if op == "add":
        signs = p["signs"]
        assert isinstance(signs, tuple)
        total: Number = p["constant"]  # type: ignore[assignment]
        for s, a in zip(signs, args, strict=True):
            total = total + a if s > 0 else total - a
        return tidy(total), tuple(Fraction(s) for s in signs), False
    if op == "neg":
        return -args[0], (Fraction(-1),), False
    if op == "mul":
        k: Number = p["factor"]  # type: ignore[assignment]
        product: Number = k
        for a in args:
            product = tidy(product * a)
        local = []
        for i in range(len(args)):
            rest: Number = k
            for j, a in enumerate(args):
                if j != i:
                    rest = tidy(rest * a)
            local.append(rest)
        return product, tuple(local), False
    if op == "div":
        num: Number = p["numerator"] if "numerator" in p else args[0]  # type: ignore[assignment]
        den: Number = p["denominator"] if "denominator" in p else args[-1]  # type: ignore[assignment]
        if den == 0:
            raise DomainError(f"{node.name} = {node.formula} divides by 0 here")
        value = tidy(num / den)
        locals_: list[Number] = []
        if "numerator" not in p:
            locals_.append(tidy(1 / den))
        if "denominator" not in p:
            locals_.append(tidy(-num / (den * den)))
        return value, tuple(locals_), False
    if op == "pow":
        if "exponent" in p:
            n: Number = p["exponent"]  # type: ignore[assignment]
            b = args[0]
            value = power(b, n)
            if n == 0:
                return value, (Fraction(0),), False
            if b == 0 and n < 1:
                raise DomainError(f"{node.formula} has no derivative where its base is 0")
            return value, (tidy(n * power(b, n - 1)),), False
        if "base" in p:
            base_value = p["base"]
            assert isinstance(base_value, Fraction | float)
            x = args[0]
            if base_value <= 0:
                raise DomainError(
                    f"{node.formula}: a power with a variable exponent needs a positive base"
                )
            value = power(base_value, x)
            return (
                value,
                (Fraction(0) if base_value == 1 else tidy(value * math.log(float(base_value))),),
                False,
            )
        b, x = args
        if b <= 0:
            raise DomainError(
                f"{node.formula}: a variable to a variable power needs a positive base"
            )
        value = power(b, x)
        return value, (tidy(x * power(b, x - 1)), tidy(value * math.log(float(b)))), False
    if op in ("max", "min"):
        constants = p.get("constants", ())
        assert isinstance(constants, tuple)
        values = [*args, *constants]
        best = max(values) if op == "max" else min(values)
        ties = [i for i, v in enumerate(values) if v == best]
        share = Fraction(1, len(ties))
        routed = tuple(share if i in ties else Fraction(0) for i in range(len(args)))
        return best, routed, len(ties) > 1
    if op == "ln" and "base" in p:
        log_base = p["base"]
        assert isinstance(log_base, Fraction | float)
        value, slope = _fn("log", args[0])
        scale = math.log(float(log_base))
        return tidy(float(value) / scale), (tidy(float(slope) / scale),), False
    name = {"ln": "log"}.get(op, op)
    value, slope = _fn(name, args[0])
    kink = op in ("relu", "abs") and args[0] == 0
    return tidy(value), (tidy(slope),), kink
