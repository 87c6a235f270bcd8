"""The one layout of maths: the printers' tree (``nodes``) as boxes, by the same-form rules.

Every way the project shows maths goes through here: the terminal's one line
(unicode or ASCII, ``text``), worksheets and Anki cards (``latex``, ``mathml``),
from the parser's syntax tree or from SymPy. Like SymPy's ``Printer``, ``Layout``
dispatches on the node's type (``_print_Add``, ``_print_Mul`` …). The same-form
rules live here and nowhere else:

- one minus sign: a leading −1 or negative coefficient is a minus sign (−sin(3x)·3),
  a sum's negative term is subtracted (a − b), never a + (−b);
- a negative factor after another is bracketed: 2(−x), x·(−1);
- the order of a sum: textbook order, led by a positive term (x² + 1 − 2x·ln(x));
- typed decimals as typed (1.05, not 21/20), long numbers in scientific form;
- unicode superscripts (x², sin²(x)), √ and ∛, ln, arcsin, log₂;
- factors side by side as on paper (2x, 6(3x + 1), x(x + 1)), else ·;
- negative powers and fractions as fractions (1/x², 1/(2√(x + 1))).

A layout is for one line (``linear``: brackets and slashes placed here, glyphs
for unicode or ASCII) or for paper (stacked fractions, radicals, superscripts).
"""

from __future__ import annotations

from chainrule_cli.printing import nodes as n
from chainrule_cli.printing.boxes import (
    Apply,
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Row,
    Sqrt,
    Sub,
    Sup,
    Txt,
)
from chainrule_cli.reading.syntax import GREEK_LETTERS

# Precedence levels: a child binding looser than its context gets brackets.
ADD, MUL, NEG, FRAC, POW, ATOM = 1, 2, 3, 4, 5, 6

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
#: Function names with a glyph of their own where the terminal has it (σ, a graph's gate).
UNICODE_NAMES = {"sigmoid": "σ"}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MAX_INT_DIGITS = n.MAX_INT_DIGITS
#: What a factor may start with to stand right after a number: 2x, 2sin(x), 2(x + 1), 2√x, 2π, 2|x|.
AFTER_A_NUMBER = "(√∛π|"


class Layout:
    """Boxes for one target: ``unicode`` glyphs or ASCII, ``linear`` (one line) or paper."""

    def __init__(self, unicode: bool = True, linear: bool = True) -> None:
        self.unicode = unicode
        self.linear = linear
        self.times = "·" if unicode else "*"
        self.minus = "−" if unicode else "-"

    # -- dispatch --------------------------------------------------------------------------------
    def box(self, e: n.Expr) -> Box:
        return self.render(e)[0]

    def render(self, e: n.Expr) -> tuple[Box, int]:
        """The boxes of ``e`` and their precedence level."""
        method = getattr(self, f"_print_{type(e).__name__}")
        result: tuple[Box, int] = method(e)
        return result

    def wrap(self, e: n.Expr, level: int) -> Box:
        """``e`` in brackets if it binds more loosely than ``level``."""
        box, own = self.render(e)
        return Fenced(box) if own < level else box

    def neg(self, box: Box) -> Row:
        return Row((Op(self.minus), box))

    # -- atoms -----------------------------------------------------------------------------------
    def _print_Constant(self, e: n.Constant) -> tuple[Box, int]:
        if e.name == "E":
            return Ident("e"), ATOM
        if e.name == "pi":
            return Ident("π" if self.unicode else "pi"), ATOM
        infinity = Ident("∞" if self.unicode else "oo")
        return (self.neg(infinity), NEG) if e.name == "-oo" else (infinity, ATOM)

    def _print_Symbol(self, e: n.Symbol) -> tuple[Box, int]:
        return Ident(GREEK_LETTERS.get(e.name, e.name) if self.unicode else e.name), ATOM

    def _print_Other(self, e: n.Other) -> tuple[Box, int]:
        return (Ident(e.text) if self.linear else Txt(e.text)), ATOM

    def _print_Abs(self, e: n.Abs) -> tuple[Box, int]:
        return Fenced(self.box(e.arg), "|", "|"), ATOM

    def _print_Exp(self, e: n.Exp) -> tuple[Box, int]:
        return self.power(n.Constant("E"), e.arg), POW

    def _print_LogBase(self, e: n.LogBase) -> tuple[Box, int]:
        """log₂(x), log₁₀(3x); ASCII log_2(x), which the parser reads back."""
        if isinstance(e.base, n.Int) and e.base.value > 0:
            sub: Box = Num(str(e.base.value))
        else:
            sub = Fenced(self.box(e.base)) if self.linear else self.box(e.base)
        return Apply(Sub(Ident("log", function=True), sub), Fenced(self.box(e.arg))), ATOM

    def _print_Function(self, e: n.Function) -> tuple[Box, int]:
        return Apply(self.head(e), self.arguments(e)), ATOM

    def head(self, e: n.Function) -> Ident:
        name = FUNCTION_NAMES.get(e.name, e.name)
        return Ident(UNICODE_NAMES.get(name, name) if self.unicode else name, function=True)

    def arguments(self, e: n.Function, bare_abs: bool = True) -> Box:
        if bare_abs and len(e.args) == 1 and isinstance(e.args[0], n.Abs):
            return self.box(e.args[0])  # ln|x|, not ln(|x|)
        items: list[Box] = []
        for index, arg in enumerate(e.args):
            if index:
                items.append(Op(","))
            items.append(self.box(arg))
        return Fenced(items[0] if len(items) == 1 else Row(tuple(items)))

    # -- numbers ---------------------------------------------------------------------------------
    def _print_Float(self, e: n.Float) -> tuple[Box, int]:
        negative = e.text.startswith("-")
        text = e.text.lstrip("-")
        box: Box = Num(text)
        if "e" in text:
            mantissa, exponent = text.split("e")
            if self.linear:
                box = Num(f"{mantissa}{self.times}10^({int(exponent)})")
            else:
                ten = Sup(Num("10"), self.box(n.Int(int(exponent))))
                box = Row((Num(mantissa), Op("×"), ten))
        return (self.neg(box), NEG) if negative else (box, ATOM)

    def _print_Int(self, e: n.Int) -> tuple[Box, int]:
        value = e.value
        text = _int_text(abs(value), self.times)
        if value < 0:
            return self.neg(Num(text)), NEG
        return Num(text), ATOM if text.isdigit() else MUL

    def _print_Rational(self, e: n.Rational) -> tuple[Box, int]:
        sign = e.p < 0
        if e.shown is not None:  # 1.05 as the learner wrote it, not 21/20
            return (self.neg(Num(e.shown)), NEG) if sign else (Num(e.shown), ATOM)
        p, q = abs(e.p), e.q
        if _digits(p) > MAX_INT_DIGITS or _digits(q) > MAX_INT_DIGITS:
            box: Box = Num(_approx_ratio(p, q, self.times))
        elif self.linear:
            box = Row((Num(str(p)), Op("/"), Num(str(q))))
        else:
            box = Frac(Num(str(p)), Num(str(q)))
        if sign:
            return self.neg(box), NEG if not self.linear else MUL
        return box, MUL if self.linear or not isinstance(box, Frac) else FRAC

    # -- sums ------------------------------------------------------------------------------------
    def _print_Add(self, e: n.Add) -> tuple[Box, int]:
        split = [(term, *split_sign(term)) for term in e.args]
        if e.ordered and self.linear:
            # A sum starts with a positive term: x² + 1 − 2x²·ln(x), not −2x²·ln(x) + x² + 1.
            lead = next((i for i, (_, negative, _) in enumerate(split) if not negative), 0)
            split = split[lead:] + split[:lead]
        items: list[Box] = []
        for index, (term, negative, magnitude) in enumerate(split):
            box = self.wrap(magnitude if negative else term, ADD + 1)
            if negative:
                items.extend([Op(self.minus), box])
            else:
                items.extend([Op("+"), box] if index else [box])
        return Row(tuple(items)), ADD

    # -- products --------------------------------------------------------------------------------
    def _print_Mul(self, e: n.Mul) -> tuple[Box, int]:
        flat = flat_factors(e)
        if len(flat) > 1 and flat[0] == n.MINUS_ONE:
            # An unevaluated −1·(…) reads as a minus sign: −sin(3x)·3.
            rest = flat[1:]
            magnitude = rest[0] if len(rest) == 1 else n.Mul(tuple(rest))
            return self.neg(self.wrap(magnitude, MUL)), NEG
        negative, magnitude = split_sign(e)
        if negative:
            if isinstance(magnitude, n.Add):
                return self.neg(Fenced(self.box(magnitude))), NEG
            return self.neg(self.wrap(magnitude, MUL)), NEG
        numerator: list[n.Expr] = []
        denominator: list[n.Expr] = []
        for factor in flat:
            if isinstance(factor, n.Pow) and factor.flipped is not None:
                flipped = factor.base if factor.exp == n.MINUS_ONE else _flip(factor)
                denominator.append(flipped)
            elif isinstance(factor, n.Rational) and factor.shown is None:
                if factor.p != 1:
                    numerator.append(n.Int(factor.p))
                denominator.append(n.Int(factor.q))
            else:
                numerator.append(factor)
        if len(numerator) > 1:
            numerator = [f for f in numerator if f != n.ONE] or [n.ONE]
        if not self.linear:
            if not denominator:
                if len(numerator) == 1:
                    return self.render(numerator[0])
                return self.product(numerator), MUL
            top = self.product(numerator) if numerator else Num("1")
            return Frac(top, self.product(denominator)), FRAC
        top = self.product(numerator) if numerator else Num("1")
        if not denominator:
            return top, MUL
        bottom = self.product(denominator)
        if len(denominator) > 1 or first_char(bottom, self.unicode) == self.minus:
            bottom = Fenced(bottom)  # 1/(2x·y), 1/(−x)
        return Row((top, Op("/"), bottom)), MUL

    def product(self, factors: list[n.Expr]) -> Box:
        """Factors side by side: ``2x``, ``6(3x + 1)``, ``2x·cos(x²)``."""
        if len(factors) == 1 and not self.linear:
            return self.box(factors[0])  # a lone factor on paper needs no brackets
        items: list[Box] = []
        previous: n.Expr | None = None
        for factor in factors:
            box = self.wrap(factor, MUL + 1)
            start = first_char(box, self.unicode)
            if previous is not None and start == self.minus:
                box = Fenced(box)  # a negative factor after another: 2(−x), x·(−1)
                start = "("
            if previous is not None:
                items.append(Op("" if self.juxtaposed(previous, box, start) else self.times))
            items.append(box)
            previous = factor
        return items[0] if len(items) == 1 else Row(tuple(items))

    def juxtaposed(self, previous: n.Expr, box: Box, start: str) -> bool:
        """Whether ``box`` stands right after the factor ``previous``: 2x, 6(3x + 1), x(x + 1),
        2√x, πx, as on paper; else a · between them (x·√x on a line, where x√x runs
        together; π·sin(x) on paper)."""
        if isinstance(previous, n.Int | n.Float | n.Rational):
            return start.isalpha() or start in AFTER_A_NUMBER
        if isinstance(previous, n.Symbol):
            return start == "(" or (not self.linear and start in "√∛|")
        if previous == n.Constant("pi"):
            if self.linear:
                return self.unicode and start.isalpha() and start != "e"
            return start.isalpha() and box != Ident("e") and not _starts_with_function(box)
        return False

    # -- powers ----------------------------------------------------------------------------------
    def _print_Pow(self, e: n.Pow) -> tuple[Box, int]:
        base, exp = e.base, e.exp
        if exp == n.ONE:  # an unevaluated u¹ is just u: never (x² + 1)^1
            return self.render(base)
        if n.is_ratio(exp, 1, 2):
            return self.root(base), ATOM
        if n.is_ratio(exp, 1, 3):
            return self.root(base, Num("3")), ATOM
        if e.flipped is not None:
            flipped = base if exp == n.MINUS_ONE else _flip(e)
            if self.linear:
                return Row((Num("1"), Op("/"), self.wrap(flipped, POW))), MUL  # 1/x², 1/(2x)
            return Frac(Num("1"), self.box(flipped)), FRAC
        if isinstance(base, n.Function) and len(base.args) == 1 and n.small_int(exp):
            # sin²(x): the textbook way to write (sin x)².
            assert isinstance(exp, n.Int)
            # On one line its argument is always bracketed: sin²(|x|).
            args = self.arguments(base, bare_abs=not self.linear)
            return Apply(Sup(self.head(base), Num(str(exp.value))), args), ATOM
        return self.power(base, exp), POW

    def root(self, base: n.Expr, index: Box | None = None) -> Box:
        """√x and √(x + 1) on a line (sqrt(x) in ASCII); a radical on paper."""
        body = self.box(base)
        if self.linear:
            atom = isinstance(base, n.Symbol | n.Int) or base == n.Constant("pi")
            if not (self.unicode and atom and not n.is_negative_number(base)):
                body = Fenced(body)
        return Sqrt(body, index)

    def power(self, base: n.Expr, exp: n.Expr) -> Box:
        base_box = self.wrap(base, ATOM)
        if isinstance(base, n.Pow | n.Exp) and not isinstance(base_box, Fenced):
            base_box = Fenced(base_box)
        if not self.linear:
            if isinstance(exp, n.Rational):  # a small a/b, not a stacked fraction
                sign: list[Box] = [Op("−")] if exp.p < 0 else []
                return Sup(base_box, Row((*sign, Num(str(abs(exp.p))), Op("/"), Num(str(exp.q)))))
            return Sup(base_box, self.box(exp))
        if n.small_int(exp):
            assert isinstance(exp, n.Int)
            return Sup(base_box, Num(str(exp.value)))
        exp_box, level = self.render(exp)
        if level < ATOM or not isinstance(exp, n.Symbol | n.Int):
            exp_box = Fenced(exp_box)
        return Row((base_box, Op("^"), exp_box))


def _flip(e: n.Pow) -> n.Pow:
    """base^(−exp) for a negative exponent exp: the denominator of 1/x²."""
    assert e.flipped is not None
    flipped = e.flipped
    return n.Pow(e.base, flipped)


def split_sign(term: n.Expr) -> tuple[bool, n.Expr]:
    """(True, |term|) when the term prints with a leading minus."""
    if isinstance(term, n.Int | n.Float | n.Rational) and n.is_negative_number(term):
        return True, n.negated(term)
    if isinstance(term, n.Mul) and term.args:
        first = term.args[0]
        if isinstance(first, n.Int | n.Float | n.Rational) and n.is_negative_number(first):
            rest = term.args[1:]
            if first == n.MINUS_ONE:
                return True, rest[0] if len(rest) == 1 else n.Mul(rest)
            return True, n.Mul((n.negated(first), *rest))
    return False, term


def flat_factors(e: n.Mul) -> list[n.Expr]:
    """The factors of a product, nested products opened up, but 2·(−x) kept whole."""
    out: list[n.Expr] = []
    for index, factor in enumerate(e.args):
        if isinstance(factor, n.Mul):
            first = factor.args[0] if factor.args else None
            negative = first is not None and n.is_negative_number(first)
            if not (index and negative):
                out.extend(flat_factors(factor))
                continue
        out.append(factor)
    return out


def first_char(box: Box, unicode: bool) -> str:
    """The character a box starts with on one line, to choose between 2x and 2·(…)."""
    if isinstance(box, Row):
        return first_char(box.items[0], unicode) if box.items else ""
    if isinstance(box, Sup | Sub):
        return first_char(box.base, unicode)
    if isinstance(box, Apply):
        return first_char(box.head, unicode)
    if isinstance(box, Ident):
        return box.name[:1]
    if isinstance(box, Num | Op | Txt):
        return box.text[:1]
    if isinstance(box, Fenced):
        return box.open
    if isinstance(box, Sqrt):
        if unicode:
            return "√" if box.index is None else "∛"
        return "s" if box.index is None else "c"
    return "/"  # a stacked fraction: 2·x/y, never 2x/y run together


def _starts_with_function(box: Box) -> bool:
    """Whether a box begins with a function's name (sin, ln)."""
    while isinstance(box, Row | Sup | Sub | Apply):
        if isinstance(box, Apply):
            return True
        box = box.items[0] if isinstance(box, Row) else box.base
    return isinstance(box, Ident) and box.function


def _digits(value: int) -> int:
    """How many decimal digits ``value`` has, without converting it to text."""
    if value < 10**MAX_INT_DIGITS:
        return len(str(value))
    return int(value.bit_length() * 0.30103) + 1


def _int_text(value: int, times: str) -> str:
    """A non-negative integer: in full, or ≈ 1.23457·10^5000 when it is very long."""
    if _digits(value) <= MAX_INT_DIGITS:
        return str(value)
    return _approx_ratio(value, 1, times)


def _approx_ratio(p: int, q: int, times: str) -> str:
    """A huge positive number in scientific form, marked as approximate (only SymPy makes one)."""
    import sympy as sp

    text = str(sp.N(sp.Rational(p, q), 6))
    mantissa, _, exponent = text.lower().partition("e")
    exponent = exponent.lstrip("+")
    return f"≈{float(mantissa):.6g}{times}10^{exponent}" if exponent else text
