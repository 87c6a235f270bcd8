"""Where the way a student typed maths may not say what they meant: the table of ambiguous
patterns (``AMBIGUITIES``), one note found while reading (``Ambiguity``) and the ``Reading``
that carries them. The words of a note, with its maths, are written by ``printing.notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule_cli.reading.syntax import Node

# -- ambiguity notes ---------------------------------------------------------------
#: Where the left-to-right reading of implicit multiplication or a bare function
#: argument may not be what the student meant. The verdict follows the reading;
#: solve, check and the quiz show the note. code → (example, what the rule is).
AMBIGUITIES: dict[str, tuple[str, str]] = {
    "exponent_then_factor": (
        "e^2x",
        "an exponent without brackets is one number or letter: e^2x is e²·x",
    ),
    "fraction_then_factor": (
        "1/3x",
        "a / divides by the next factor only: 1/3x is (1/3)·x and x/2x is (x/2)·x",
    ),
    "bare_argument_divided": (
        "sin 1/x",
        "a function without brackets takes the product after it, up to / : "
        "sin 1/x is sin(1)/x and ln x/2 is ln(x)/2",
    ),
    "bare_argument_power": (
        "sin x^2",
        "sin x^2 is sin(x²), as textbooks print it; (sin x)² is written sin^2 x",
    ),
    "bare_argument_root": (
        "cos x √(x+4)",
        "a function without brackets takes the product after it, up to a root or | : "
        "cos x √(x+4) is cos(x)·√(x + 4) and ln x |x| is ln(x)·|x|",
    ),
    "exponent_then_fraction": (
        "x^1/2",
        "an exponent without brackets is one number or letter, so / divides the power: "
        "x^1/2 is x¹/2 and e^-x/2 is e⁻ˣ/2; write x^(1/2) for the root",
    ),
    "power_one": (
        "(2x-7)^1",
        "the power 1 does nothing: (2x − 7)¹ is read as 2x − 7",
    ),
    "power_zero": (
        "cos^0 x",
        "the power 0 makes a function 1: cos⁰x is read as 1",
    ),
    "log_is_natural": (
        "log(x)",
        "log is the natural logarithm ln; for base 10 write log10(x), log_10(x) or lg(x)",
    ),
    "log_digits": (
        "log2x",
        "digits run into log are part of the argument: log2x is ln(2x); for base 2 write log_2(x)",
    ),
    "scientific_notation": (
        "1e-9",
        "e is the number e, never a calculator's exponent: 1e-9 is e − 9; "
        "for 10⁻⁹ write 10^-9 or 1*10^-9",
    ),
}


@dataclass(frozen=True)
class Ambiguity:
    """One place where the input may not say what the student meant.

    ``read`` is the subtree as read and ``meant`` the likely intended one (None
    when the note is only informative, as for ``log``).
    """

    code: str
    read: Node
    meant: Node | None = None


@dataclass
class Reading:
    """A parsed input: its syntax tree and the ambiguity notes met on the way."""

    text: str
    tree: Node
    variable: str
    ambiguities: list[Ambiguity] = field(default_factory=list)
    #: What a left side such as ``y =`` or ``dy/dx =`` named: "function",
    #: "derivative", or None when there was none (``left_side``).
    left: str | None = None


def typed(reading: Reading, node: Node) -> str:
    """The input as typed for ``node``: x^1 as typed, where SymPy would print x."""
    start, end = node.span[0], node.span[1]
    depth = lowest = 0
    for c in reading.text[start:end]:
        depth += (c in "([{") - (c in ")]}")
        lowest = min(lowest, depth)
    unopened, unclosed = -lowest, depth - lowest
    while unopened > 0 and start > 0:  # (2x-7)^1: the base's bracket
        start -= 1
        unopened -= reading.text[start] in "([{"
    while unclosed > 0 and end < len(reading.text):  # x^(1): the exponent's
        unclosed -= reading.text[end] in ")]}"
        end += 1
    return reading.text[start:end].strip()
