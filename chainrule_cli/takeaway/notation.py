"""Math on paper: SymPy expressions as boxes, written out as LaTeX or MathML.

``layout`` reads an expression the way ``mathtext`` does for the terminal
(textbook order, 2x·cos(x²), sin²(x), ln, e, a leading −1 read as a minus
sign, unevaluated products "as written" kept whole) but lays it out in two
dimensions: quotients become fractions, powers superscripts, roots radicals.
The boxes are written out by ``markup.to_latex`` (worksheets, Anki's MathJax)
and ``markup.to_mathml`` (HTML worksheets). One layout, two notations, so the
three worksheet formats and the Anki cards show the same math.

SymPy's own ``latex`` and ``mathml`` printers are not used for expressions:
on the unevaluated forms that the worked steps keep ("the inner kept as it
is") they print artefacts such as ``1 \\frac{1}{x}`` or ``x^{(-1) 2}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sympy

# -- boxes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ident:
    """A name: a variable (italic) or a function such as sin (upright)."""

    name: str
    function: bool = False


@dataclass(frozen=True)
class Num:
    text: str


@dataclass(frozen=True)
class Op:
    """An operator or relation, in unicode: + − = · × → ≈ / , ′; "" joins factors silently."""

    text: str


@dataclass(frozen=True)
class Txt:
    """Upright words inside math (a unit, "at")."""

    text: str


@dataclass(frozen=True)
class Space:
    """A thin space, between a number and its unit."""


@dataclass(frozen=True)
class Row:
    items: tuple[Box, ...]


@dataclass(frozen=True)
class Frac:
    num: Box
    den: Box


@dataclass(frozen=True)
class Sup:
    base: Box
    exp: Box


@dataclass(frozen=True)
class Sqrt:
    body: Box
    index: Box | None = None


@dataclass(frozen=True)
class Fenced:
    body: Box
    open: str = "("
    close: str = ")"


@dataclass(frozen=True)
class Apply:
    """A function applied to its argument: sin(x), sin²(x), ln|x|."""

    head: Box
    arg: Box


@dataclass(frozen=True)
class Prime:
    """A derivative mark: (sin x)′."""

    body: Box


Box = Ident | Num | Op | Txt | Space | Row | Frac | Sup | Sqrt | Fenced | Apply | Prime


def row(*items: Box | str) -> Row:
    """A row of boxes; a string is an operator (" = ", "→" …)."""
    return Row(tuple(Op(i.strip()) if isinstance(i, str) else i for i in items))


def rate(top: str, bottom: str) -> Frac:
    """dy/dx as a fraction."""
    return Frac(Row((Ident("d"), Ident(top))), Row((Ident("d"), Ident(bottom))))


# -- layout: sympy → boxes ---------------------------------------------------------------------

# Precedence: a child binding looser than its context gets brackets.
ADD, MUL, NEG, FRAC, POW, ATOM = 1, 2, 3, 4, 5, 6

FUNCTION_NAMES = {"log": "ln", "asin": "arcsin", "acos": "arccos", "atan": "arctan"}


def layout(expr: Any, ordered: bool = True) -> Box:
    """``expr`` as boxes. ``ordered`` sorts the terms of sums (3x + 1, not 1 + 3x);
    pass False for an expression kept as it was typed."""
    import sympy as sp

    return _Layout(ordered).box(sp.sympify(expr))


def number(value: float) -> Box:
    """A decimal approximation, to six significant figures."""
    return _Layout(True).decimal(value)


class _Layout:
    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered

    def box(self, expr: sympy.Basic) -> Box:
        return self.render(expr)[0]

    def wrap(self, expr: sympy.Basic, level: int) -> Box:
        box, own = self.render(expr)
        return Fenced(box) if own < level else box

    def render(self, expr: sympy.Basic) -> tuple[Box, int]:
        """The boxes of ``expr`` and their precedence level."""
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
            return Ident("e"), ATOM
        if expr is sp.pi:
            return Ident("π"), ATOM
        if expr in (sp.oo, sp.zoo):
            return Ident("∞"), ATOM
        if expr is sp.S.NegativeInfinity:
            return row("−", Ident("∞")), NEG
        if isinstance(expr, sp.Symbol):
            return Ident(greek(expr.name)), ATOM
        if isinstance(expr, sp.Abs):
            return Fenced(self.box(expr.args[0]), "|", "|"), ATOM
        if isinstance(expr, sp.exp):
            return self.power(sp.E, expr.args[0]), POW
        if isinstance(expr, sp.Function):
            return Apply(self.head(expr), self.arguments(expr)), ATOM
        return Txt(str(expr)), ATOM

    def head(self, expr: sympy.Basic) -> Ident:
        name = expr.func.__name__
        return Ident(FUNCTION_NAMES.get(name, name), function=True)

    def arguments(self, expr: sympy.Basic) -> Box:
        import sympy as sp

        if len(expr.args) == 1 and isinstance(expr.args[0], sp.Abs):
            return self.box(expr.args[0])  # ln|x|, not ln(|x|)
        items: list[Box] = []
        for index, arg in enumerate(expr.args):
            if index:
                items.append(Op(","))
            items.append(self.box(arg))
        return Fenced(items[0] if len(items) == 1 else Row(tuple(items)))

    # -- numbers -------------------------------------------------------------------------------
    def number(self, expr: sympy.Expr) -> tuple[Box, int]:
        import sympy as sp

        if isinstance(expr, sp.Float):
            box = self.decimal(float(expr))
            return box, NEG if isinstance(box, Row) and box.items[0] == Op("−") else ATOM
        if isinstance(expr, sp.Integer):
            value = int(expr)
            return (row("−", Num(str(-value))), NEG) if value < 0 else (Num(str(value)), ATOM)
        p, q = int(expr.p), int(expr.q)
        frac = Frac(Num(str(abs(p))), Num(str(q)))
        return (row("−", frac), NEG) if p < 0 else (frac, FRAC)

    def decimal(self, value: float) -> Box:
        text = f"{value:.6g}"
        negative = text.startswith("-")
        text = text.lstrip("-")
        box: Box = Num(text)
        if "e" in text:
            mantissa, exponent = text.split("e")
            box = row(Num(mantissa), "×", Sup(Num("10"), self.box(int(exponent))))
        return row("−", box) if negative else box

    # -- sums ----------------------------------------------------------------------------------
    def add(self, expr: sympy.Add) -> Box:
        terms = list(expr.as_ordered_terms()) if self.ordered else list(expr.args)
        items: list[Box] = []
        for index, term in enumerate(terms):
            negative, magnitude = split_sign(term)
            box = self.wrap(magnitude, ADD + 1) if negative else self.wrap(term, ADD + 1)
            if index == 0:
                items.extend([Op("−"), box] if negative else [box])
            else:
                items.extend([Op("−" if negative else "+"), box])
        return Row(tuple(items))

    # -- products ------------------------------------------------------------------------------
    def mul(self, expr: sympy.Mul) -> tuple[Box, int]:
        import sympy as sp

        flat = flat_factors(expr)
        if self.ordered and len(flat) > 1:
            # Textbook (and ``str``) order: numbers first, then by SymPy's sort key.
            flat = sorted(flat, key=lambda f: (not f.is_Number, f.sort_key()))
        if len(flat) > 1 and flat[0] == -1:
            # An unevaluated −1·(…) reads as a minus sign: −sin(3x)·3.
            rest = flat[1:]
            magnitude = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
            return row("−", self.wrap(magnitude, MUL)), NEG
        negative, magnitude = split_sign(expr)
        if negative:
            if isinstance(magnitude, sp.Add):
                return row("−", Fenced(self.box(magnitude))), NEG
            return row("−", self.wrap(magnitude, MUL)), NEG
        numerator: list[sympy.Expr] = []
        denominator: list[sympy.Expr] = []
        for factor in flat:
            if isinstance(factor, sp.Pow) and factor.exp.is_number and factor.exp.is_negative:
                flipped = (
                    factor.base
                    if factor.exp == -1
                    else sp.Pow(factor.base, -factor.exp, evaluate=False)
                )
                denominator.append(flipped)
            elif isinstance(factor, sp.Rational) and not isinstance(factor, sp.Integer):
                if factor.p != 1:
                    numerator.append(sp.Integer(factor.p))
                denominator.append(sp.Integer(factor.q))
            elif factor == 1 and len(flat) > 1:
                continue  # 1·(1/x), as the parser keeps it
            else:
                numerator.append(factor)
        if not denominator:
            return (
                (self.product(numerator), MUL)
                if len(numerator) > 1
                else self.render(top_of(numerator))
            )
        top = self.product(numerator) if numerator else Num("1")
        return Frac(top, self.product(denominator)), FRAC

    def product(self, factors: Sequence[sympy.Expr]) -> Box:
        """Factors side by side: 2x, 6(3x + 1), 2x·cos(x²); a lone factor needs no brackets."""
        import sympy as sp

        if len(factors) == 1:
            return self.box(factors[0])

        items: list[Box] = []
        previous: sympy.Expr | None = None
        for factor in factors:
            box = self.wrap(factor, MUL + 1)
            if isinstance(factor, sp.Number) and factor.is_negative and previous is not None:
                box = Fenced(box)
            if previous is not None:
                start = starts_with(box)
                juxtapose = (
                    (isinstance(previous, sp.Number) and start in ("letter", "function", "open"))
                    or (isinstance(previous, sp.Symbol) and start == "open")
                    or (previous is sp.pi and start == "letter" and factor is not sp.E)
                )
                items.append(Op("" if juxtapose else "·"))
            items.append(box)
            previous = factor
        return items[0] if len(items) == 1 else Row(tuple(items))

    # -- powers --------------------------------------------------------------------------------
    def pow(self, expr: sympy.Pow) -> tuple[Box, int]:
        import sympy as sp

        base, exp = expr.args
        exp = numeric(exp)
        if exp == sp.Rational(1, 2):
            return Sqrt(self.box(base)), ATOM
        if exp == sp.Rational(1, 3):
            return Sqrt(self.box(base), Num("3")), ATOM
        if exp.is_number and exp.is_negative:
            flipped = base if exp == -1 else sp.Pow(base, -exp, evaluate=False)
            return Frac(Num("1"), self.box(flipped)), FRAC
        if (
            isinstance(base, sp.Function)
            and not isinstance(base, sp.Abs | sp.exp)
            and isinstance(exp, sp.Integer)
            and 1 < int(exp) < 100
        ):
            # sin²(x): the textbook way to write (sin x)².
            return Apply(Sup(self.head(base), Num(str(exp))), self.arguments(base)), ATOM
        return self.power(base, exp), POW

    def power(self, base: sympy.Expr, exp: sympy.Expr) -> Box:
        import sympy as sp

        exp = numeric(exp)
        base_box = self.wrap(base, ATOM)
        if isinstance(base, sp.Pow | sp.exp) and not isinstance(base_box, Fenced):
            base_box = Fenced(base_box)
        if isinstance(exp, sp.Rational) and not isinstance(exp, sp.Integer):
            sign: list[Box] = [Op("−")] if exp.p < 0 else []
            exp_box: Box = Row((*sign, Num(str(abs(exp.p))), Op("/"), Num(str(exp.q))))
        else:
            exp_box = self.box(exp)
        return Sup(base_box, exp_box)


def numeric(exp: Any) -> Any:
    """An exponent kept unevaluated as typed, −1·2 or 2·3⁻¹, as the number it is."""
    import sympy as sp

    if exp.is_number and isinstance(exp, sp.Mul | sp.Add | sp.Pow):
        evaluated = exp.func(*exp.args)
        if isinstance(evaluated, sp.Rational):
            return evaluated
    return exp


def top_of(numerator: list[Any]) -> Any:
    """The one factor of a numerator (1 when there is none)."""
    import sympy as sp

    return numerator[0] if numerator else sp.Integer(1)


def split_sign(term: sympy.Expr) -> tuple[bool, sympy.Expr]:
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


def flat_factors(expr: sympy.Mul) -> list[sympy.Expr]:
    """The factors of a product, with unevaluated nested products opened up."""
    import sympy as sp

    out: list[sympy.Expr] = []
    for factor in expr.args:
        if isinstance(factor, sp.Mul):
            out.extend(flat_factors(factor))
        else:
            out.append(factor)
    return out


def starts_with(box: Box) -> str:
    """What a box begins with, to decide between 2x and 2·(…)."""
    if isinstance(box, Row):
        return starts_with(box.items[0]) if box.items else "op"
    if isinstance(box, Sup | Prime):
        return starts_with(box.base if isinstance(box, Sup) else box.body)
    if isinstance(box, Ident):
        return "function" if box.function else "letter"
    if isinstance(box, Apply):
        return "function"
    if isinstance(box, Fenced | Sqrt):
        return "open"
    if isinstance(box, Num):
        return "number"
    if isinstance(box, Frac):
        return "fraction"
    return "op"


def greek(name: str) -> str:
    """theta → θ; any other name unchanged."""
    if len(name) > 1 and name.isalpha() and name.isascii():
        try:
            return unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}")
        except KeyError:
            return name
    return name
