"""One-line math as people write it: ``6(3x + 1)``, ``2x·cos(x²)``, ``1/(2√(x + 1))``.

SymPy's ``str`` is for programs (``2*x*cos(x**2)``) and its pretty printer takes
several lines. This printer writes textbook notation on one line, in unicode
(superscripts, √, π, ·, −) or in ASCII that the parser reads back (``^``, ``*``,
``sqrt``). It works on evaluated and unevaluated expressions alike, so the
product "as written", 2(3x + 1)·3, prints as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chainrule_cli.reading.syntax import GREEK_LETTERS

if TYPE_CHECKING:
    import sympy

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

# Precedence levels: a child binding looser than its context gets brackets.
ADD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5

FUNCTION_NAMES = {
    "log": "ln",
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "asec": "arcsec",
    "acsc": "arccsc",
    "acot": "arccot",
    "asinh": "arsinh",
    "acosh": "arcosh",
    "atanh": "artanh",
}
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: Integers longer than this are shown in scientific form (and never converted
#: to text in full: Python refuses to print integers of more than 4300 digits).
MAX_INT_DIGITS = 40


#: The decimals the learner typed in the problem at hand, by exact value: the
#: algebra works with 21/20, but a student who typed 1.05 reads 1.05 back
#: (500000·1.05^x·ln(1.05), e^(0.1T)), never a fraction they did not write.
_TYPED: ContextVar[Mapping[Any, str]] = ContextVar("typed_decimals", default=MappingProxyType({}))


def typed_decimals(*texts: str | None, variable: str = "x") -> dict[Any, str]:
    """The decimals written in these expressions or numbers, by their exact value.

    Read with the parser's own tokenizer (a text it refuses gives none),
    trailing zeros dropped: 1.50 is shown as 1.5. Whole numbers (2.0) are left out.
    """
    import sympy as sp

    from chainrule_cli.errors import InputError
    from chainrule_cli.reading.tokens import tokenize

    found: dict[Any, str] = {}
    for text in texts:
        try:
            tokens = tokenize(text or "", variable)
        except InputError:
            continue
        for token in tokens:
            if token.kind != "num" or "." not in token.value:
                continue
            value = sp.Rational(token.value)
            if not value.is_Integer:
                shown = token.value.rstrip("0")
                found.setdefault(value, "0" + shown if shown.startswith(".") else shown)
    return found


#: Significant digits up to which a number worked out from typed decimals is a decimal.
DECIMAL_DIGITS = 6


def decimal_text(value: Any) -> str | None:
    """A positive rational as a decimal, in a problem the learner typed with decimals.

    The decimals typed are shown as typed; a number worked out from them (u =
    0.1·0.5) is a decimal too when it has one of at most six significant digits
    (0.05, not 1/20; 1/3 stays 1/3). Outside such a problem: None, a fraction.
    """
    typed = _TYPED.get()
    if not typed or value.q == 1:  # whole numbers are whole numbers
        return None
    if value in typed:
        return typed[value]
    p, q = int(value.p), int(value.q)
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return None
    places = max(twos, fives)
    digits = str(p * 10**places // int(value.q))
    if len(digits.strip("0")) > DECIMAL_DIGITS:
        return None
    whole, fraction = digits[:-places] or "0", digits[-places:].rjust(places, "0")
    return f"{whole}.{fraction}".rstrip("0").rstrip(".")


def keep_typed_decimals(*texts: str | None, variable: str = "x") -> None:
    """Show the decimals of these texts as typed, from now on in this thread (one problem)."""
    _TYPED.set(typed_decimals(*texts, variable=variable))


@contextmanager
def decimals_as_typed(*texts: str | None, variable: str = "x") -> Iterator[None]:
    """Show the decimals of these texts as typed, inside the block (one command)."""
    token = _TYPED.set(typed_decimals(*texts, variable=variable))
    try:
        yield
    finally:
        _TYPED.reset(token)


@contextmanager
def also_typed(*texts: str | None, variable: str = "x") -> Iterator[None]:
    """Show the decimals of these texts (an answer) as typed too, inside the block."""
    token = _TYPED.set({**typed_decimals(*texts, variable=variable), **_TYPED.get()})
    try:
        yield
    finally:
        _TYPED.reset(token)


def show(expr: sympy.Basic, unicode: bool = True, ordered: bool = True) -> str:
    """Format ``expr`` on one line.

    ``ordered`` sorts the terms of sums (3x + 1, not 1 + 3x); pass False for an
    expression kept as the user typed it.
    """
    return _Printer(unicode, ordered).text(expr)


def ordered(expr: Any, keep: frozenset[Any] = frozenset()) -> Any:
    """``expr`` with every sum's terms in the printed order (3x + 1), kept unevaluated,
    so a derivative reads the same beside inner functions printed as written
    (the parts in ``keep`` are left exactly as they are)."""
    import sympy as sp

    if not isinstance(expr, sp.Basic) or not expr.args or expr in keep:
        return expr
    if isinstance(expr, sp.Add):
        return sp.Add(*(ordered(t, keep) for t in expr.as_ordered_terms()), evaluate=False)
    try:
        return expr.func(*(ordered(a, keep) for a in expr.args), evaluate=False)
    except TypeError:
        return expr


def show_product(factors: list[sympy.Basic], unicode: bool = True) -> str:
    """Factors side by side as the rule built them, f′(g(x))·g′(x), each kept whole:
    1/(x² + 1)·2x, 2(3x + 1)·3, −sin(3x)·3."""
    printer = _Printer(unicode, ordered=False)
    parts = []
    for index, factor in enumerate(factors):
        text, level = printer.render(factor)
        if level <= ADD or (index and level == NEG):
            text = f"({text})"
        parts.append(text)
    return printer.times.join(parts)


def join_terms(signed: list[tuple[bool, str]], minus: str) -> str:
    """Terms of a sum, each (negative, text of its size): ``a + b − c``, ``−a + b``."""
    parts: list[str] = []
    for index, (negative, text) in enumerate(signed):
        if index == 0:
            parts.append(f"{minus}{text}" if negative else text)
        else:
            parts.append(f" {minus} {text}" if negative else f" + {text}")
    return "".join(parts)


class _Printer:
    def __init__(self, unicode: bool, ordered: bool) -> None:
        self.unicode = unicode
        self.ordered = ordered
        self.times = "·" if unicode else "*"
        self.minus = "−" if unicode else "-"

    # -- entry -----------------------------------------------------------------
    def text(self, expr: sympy.Basic) -> str:
        return self.render(expr)[0]

    def wrap(self, expr: sympy.Basic, level: int) -> str:
        """``expr`` in brackets if it binds more loosely than ``level``."""
        text, own = self.render(expr)
        return f"({text})" if own < level else text

    def render(self, expr: sympy.Basic) -> tuple[str, int]:
        """The text of ``expr`` and its precedence level."""
        import sympy as sp

        if isinstance(expr, sp.Add):
            return self.add(expr), ADD
        if isinstance(expr, sp.Mul):
            return self.mul(expr)
        if isinstance(expr, sp.Pow):
            return self.pow(expr)
        if isinstance(expr, sp.Rational | sp.Float):
            return self.number(expr)
        if expr is sp.E:
            return "e", ATOM
        if expr is sp.pi:
            return ("π" if self.unicode else "pi"), ATOM
        if expr in (sp.oo, sp.zoo):
            return ("∞" if self.unicode else "oo"), ATOM
        if expr is sp.S.NegativeInfinity:
            return (self.minus + ("∞" if self.unicode else "oo")), NEG
        if isinstance(expr, sp.Symbol):
            if self.unicode and expr.name in GREEK_LETTERS:
                return GREEK_LETTERS[expr.name], ATOM
            return expr.name, ATOM
        if isinstance(expr, sp.Abs):
            return f"|{self.text(expr.args[0])}|", ATOM
        if isinstance(expr, sp.exp):
            return self.power_text(sp.E, expr.args[0]), POW
        if type(expr).__name__ == "LogBase":
            return self.log_base(expr.args[0], expr.args[1]), ATOM
        if isinstance(expr, sp.Function):
            name = FUNCTION_NAMES.get(expr.func.__name__, expr.func.__name__)
            if len(expr.args) == 1 and isinstance(expr.args[0], sp.Abs):
                return f"{name}{self.text(expr.args[0])}", ATOM
            args = ", ".join(self.text(a) for a in expr.args)
            return f"{name}({args})", ATOM
        return str(expr), ATOM

    # -- numbers ---------------------------------------------------------------
    def number(self, expr: sympy.Expr) -> tuple[str, int]:
        import sympy as sp

        if isinstance(expr, sp.Float):
            text = _float_text(expr)
            if "e" in text:
                mantissa, exponent = text.split("e")
                text = f"{mantissa}{self.times}10^({int(exponent)})"
            return (self.minus + text[1:], NEG) if text.startswith("-") else (text, ATOM)
        if isinstance(expr, sp.Integer):
            value = int(expr)
            text = _int_text(abs(value), self.times)
            return (
                (self.minus + text, NEG) if value < 0 else (text, ATOM if text.isdigit() else MUL)
            )
        p, q = int(expr.p), int(expr.q)
        sign = self.minus if p < 0 else ""
        typed = decimal_text(abs(expr))
        if typed is not None:  # 1.05 as the learner wrote it, not 21/20
            return (f"{sign}{typed}", NEG) if sign else (typed, ATOM)
        if _digits(abs(p)) > MAX_INT_DIGITS or _digits(q) > MAX_INT_DIGITS:
            return f"{sign}{_approx(abs(expr), self.times)}", MUL
        return f"{sign}{abs(p)}/{q}", MUL

    # -- sums ------------------------------------------------------------------
    def add(self, expr: sympy.Add) -> str:
        terms = list(expr.as_ordered_terms()) if self.ordered else list(expr.args)
        split = [(term, *self.split_sign(term)) for term in terms]
        if self.ordered:
            # A sum starts with a positive term: x² + 1 − 2x²·ln(x), not −2x²·ln(x) + x² + 1.
            lead = next((i for i, (_, negative, _) in enumerate(split) if not negative), 0)
            split = split[lead:] + split[:lead]
        signed = []
        for term, negative, magnitude in split:
            signed.append((negative, self.wrap(magnitude if negative else term, ADD + 1)))
        return join_terms(signed, self.minus)

    def split_sign(self, term: sympy.Expr) -> tuple[bool, sympy.Expr]:
        """(True, |term|) when the term prints with a leading minus."""
        import sympy as sp

        if isinstance(term, sp.Number) and term.is_negative:
            return True, -term
        if isinstance(term, sp.Mul) and term.args:
            first = term.args[0]
            if isinstance(first, sp.Number) and first.is_negative:
                rest = term.args[1:]
                if first == -1:
                    magnitude = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
                else:
                    magnitude = sp.Mul(-first, *rest, evaluate=False)
                return True, magnitude
        return False, term

    # -- products ----------------------------------------------------------------
    def mul(self, expr: sympy.Mul) -> tuple[str, int]:
        import sympy as sp

        flat = _flat_factors(expr)
        if len(flat) > 1 and flat[0] == -1:
            # An unevaluated −1·(…) reads as a minus sign: −sin(3x)·3.
            rest = flat[1:]
            magnitude = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
            return f"{self.minus}{self.wrap(magnitude, MUL)}", NEG
        negative, magnitude = self.split_sign(expr)
        if negative:
            text = (
                self.wrap(magnitude, MUL)
                if not isinstance(magnitude, sp.Add)
                else f"({self.text(magnitude)})"
            )
            return f"{self.minus}{text}", NEG
        numerator: list[sympy.Expr] = []
        denominator: list[sympy.Expr] = []
        for factor in _flat_factors(expr):
            if isinstance(factor, sp.Pow) and factor.exp.is_number and factor.exp.is_negative:
                flipped = (
                    factor.base
                    if factor.exp == -1
                    else sp.Pow(factor.base, -factor.exp, evaluate=False)
                )
                denominator.append(flipped)
            elif (
                isinstance(factor, sp.Rational)
                and not isinstance(factor, sp.Integer)
                and decimal_text(abs(factor)) is None
            ):
                if factor.p != 1:
                    numerator.append(sp.Integer(factor.p))
                denominator.append(sp.Integer(factor.q))
            else:
                numerator.append(factor)
        if len(numerator) > 1:
            numerator = [f for f in numerator if f != 1] or [sp.Integer(1)]
        top = self.product(numerator) if numerator else "1"
        if not denominator:
            return top, MUL
        bottom = self.product(denominator)
        if len(denominator) > 1 or bottom.startswith(self.minus):
            bottom = f"({bottom})"  # 1/(2x·y), 1/(−x)
        return f"{top}/{bottom}", MUL

    def product(self, factors: list[sympy.Expr]) -> str:
        """Join factors: ``2x``, ``6(3x + 1)``, ``2x·cos(x²)``."""
        import sympy as sp

        out = ""
        previous: sympy.Expr | None = None
        for factor in factors:
            text = self.wrap(factor, MUL + 1)
            if previous is not None and text.startswith(self.minus):
                text = f"({text})"  # a negative factor after another: 2(−x), x·(−1)
            if previous is None:
                out = text
            elif (
                (isinstance(previous, sp.Number) and (text[0].isalpha() or text[0] in "(√∛π|"))
                or (isinstance(previous, sp.Symbol) and text[0] == "(")
                or (previous is sp.pi and self.unicode and text[0].isalpha() and text[0] != "e")
            ):
                # 2x, 6(3x + 1), x(x + 1): juxtapose, as on paper.
                out += text
            else:
                out += self.times + text
            previous = factor
        return out

    # -- powers ----------------------------------------------------------------
    def pow(self, expr: sympy.Pow) -> tuple[str, int]:
        import sympy as sp

        base, exp = expr.args
        if exp == 1:  # an unevaluated u¹ is just u: never (x² + 1)^1
            return self.render(base)
        if exp == sp.Rational(1, 2):
            return self.root("√" if self.unicode else "sqrt", base), ATOM
        if exp == sp.Rational(1, 3):
            return self.root("∛" if self.unicode else "cbrt", base), ATOM
        if exp.is_number and exp.is_negative:
            flipped = base if exp == -1 else sp.Pow(base, -exp, evaluate=False)
            bottom = self.wrap(flipped, POW)  # 1/x², 1/(2x), 1/(−x)
            return f"1/{bottom}", MUL
        if (
            isinstance(base, sp.Function)
            and not isinstance(base, sp.Abs | sp.exp)
            and len(base.args) == 1
            and _small_int(exp)
        ):
            # sin²(x): the textbook way to write (sin x)².
            name, _ = self.render(base.func(sp.Symbol("·")))
            head = name.split("(")[0]
            args = ", ".join(self.text(a) for a in base.args)
            return f"{head}{self.superscript(exp)}({args})", ATOM
        return self.power_text(base, exp), POW

    def log_base(self, arg: sympy.Expr, base: sympy.Expr) -> str:
        """log₂(x), log₁₀(3x); ASCII log_2(x), which the parser reads back."""
        import sympy as sp

        if isinstance(base, sp.Integer) and base > 0:
            sub = str(int(base)).translate(SUBSCRIPT) if self.unicode else f"_{int(base)}"
        else:
            sub = f"_({self.text(base)})"
        return f"log{sub}({self.text(arg)})"

    def root(self, sign: str, base: sympy.Expr) -> str:
        import sympy as sp

        atom = isinstance(base, sp.Symbol | sp.Integer) or base is sp.pi
        if self.unicode and atom and not base.is_negative:
            return f"{sign}{self.text(base)}"
        return f"{sign}({self.text(base)})"

    def power_text(self, base: sympy.Expr, exp: sympy.Expr) -> str:
        import sympy as sp

        base_text = self.wrap(base, ATOM)
        if isinstance(base, sp.Pow | sp.exp):
            base_text = f"({self.text(base)})"
        if self.unicode and _small_int(exp):
            return base_text + self.superscript(exp)
        exp_text, level = self.render(exp)
        if level < ATOM or not isinstance(exp, sp.Symbol | sp.Integer):
            exp_text = f"({exp_text})"
        return f"{base_text}^{exp_text}"

    def superscript(self, exp: sympy.Expr) -> str:
        return str(int(exp)).translate(SUPERSCRIPT) if self.unicode else f"^{int(exp)}"


def _float_text(value: sympy.Float) -> str:
    """A decimal with every digit it carries (2.0000001, as typed), or six significant digits.

    A Float made from a typed decimal has two or more digits of precision to
    spare, and its expansion ends before them: it is shown whole, never rounded
    to 2 next to a ✓. A Float worked out by arithmetic fills its precision
    (0.333333333333333) and is shown to six significant digits.
    """
    from mpmath.libmp import prec_to_dps, to_str

    dps = prec_to_dps(value._prec)
    text = to_str(value._mpf_, dps, strip_zeros=True, min_fixed=-dps, max_fixed=dps + 1)
    significant = text.split("e")[0].lstrip("-").replace(".", "").strip("0")
    if "e" not in text and len(significant) <= dps - 2:
        return text
    return f"{float(value):.6g}"


def _digits(value: int) -> int:
    """How many decimal digits ``value`` has, without converting it to text."""
    if value < 10**MAX_INT_DIGITS:
        return len(str(value))
    return int(value.bit_length() * 0.30103) + 1


def _int_text(value: int, times: str) -> str:
    """A non-negative integer: in full, or ≈ 1.23457·10^5000 when it is very long."""
    if _digits(value) <= MAX_INT_DIGITS:
        return str(value)
    import sympy as sp

    return _approx(sp.Integer(value), times)


def _approx(value: sympy.Expr, times: str) -> str:
    """A huge positive number in scientific form, marked as approximate."""
    import sympy as sp

    text = str(sp.N(value, 6))
    mantissa, _, exponent = text.lower().partition("e")
    exponent = exponent.lstrip("+")
    return f"≈{float(mantissa):.6g}{times}10^{exponent}" if exponent else text


def _small_int(exp: sympy.Expr) -> bool:
    import sympy as sp

    return isinstance(exp, sp.Integer) and 1 < int(exp) < 100


def _flat_factors(expr: sympy.Mul) -> list[sympy.Expr]:
    """The factors of a product, with unevaluated nested products opened up."""
    import sympy as sp

    out: list[sympy.Expr] = []
    for index, factor in enumerate(expr.args):
        negative = bool(factor.args) and isinstance(factor.args[0], sp.Number)
        if isinstance(factor, sp.Mul) and not (index and negative and factor.args[0] < 0):
            out.extend(_flat_factors(factor))  # but 2·(−x) stays 2(−x), not 2(−1)x
        else:
            out.append(factor)
    return out
