"""SymPy expressions as the printers' tree (``nodes``), and decimals shown as typed.

Everything the printers need to ask SymPy is asked here, once: the order of a
sum's terms, whether an exponent is a negative number and what its negative is,
how a number reads (a typed decimal as typed, a long one in scientific form).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from chainrule_cli.printing import nodes as n

if TYPE_CHECKING:
    import sympy

#: The decimals the learner typed in the problem at hand, by exact value: the
#: algebra works with 21/20, but a student who typed 1.05 reads 1.05 back
#: (500000·1.05^x·ln(1.05), e^(0.1T)), never a fraction they did not write.
_TYPED: ContextVar[Mapping[Any, str]] = ContextVar("typed_decimals", default=MappingProxyType({}))

#: Significant digits up to which a number worked out from typed decimals is a decimal.
DECIMAL_DIGITS = 6


def typed_decimals(*texts: str | None, variable: str = "x") -> dict[Any, str]:
    """The decimals written in these expressions or numbers, by their exact value.

    Read with the parser's own tokenizer (a text it refuses gives none),
    trailing zeros dropped: 1.50 is shown as 1.5. Whole numbers (2.0) are left out.
    """
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
            import sympy as sp  # only for a decimal: a backprop quiz starts without SymPy

            value = sp.Rational(token.value)
            if not value.is_Integer:
                shown = token.value.rstrip("0")
                found.setdefault(value, "0" + shown if shown.startswith(".") else shown)
    return found


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


def from_sympy(expr: Any, ordered: bool = True, paper: bool = False) -> n.Expr:
    """``expr`` as the printers' tree.

    ``ordered`` puts every sum's terms in textbook order (3x + 1, not 1 + 3x); pass
    False for an expression kept as the user typed it. On ``paper`` an exponent kept
    unevaluated as typed (−1·2, 2·3⁻¹) reads as the number it is, and the factors of
    an ordered product are sorted, numbers first.
    """
    import sympy as sp

    evaluate_exponents = sort_factors = paper

    log_base = None

    def build(e: Any) -> n.Expr:
        nonlocal log_base
        if isinstance(e, sp.Add):
            terms = e.as_ordered_terms() if ordered else e.args
            return n.Add(tuple(build(t) for t in terms), ordered)
        if isinstance(e, sp.Mul):
            if sort_factors and ordered:
                # Numbers first, then by SymPy's sort key: (8x + 12)(x² + 3x)³ on paper.
                flat = sorted(_flat(e), key=lambda f: (not f.is_Number, f.sort_key()))
                return n.Mul(tuple(build(f) for f in flat))
            return n.Mul(tuple(build(f) for f in e.args))
        if isinstance(e, sp.Pow):
            base, exp = e.args
            if evaluate_exponents:
                exp = _numeric(exp)
            flipped = None
            if exp.is_number and exp.is_negative:
                flipped = build(-exp)
            return n.Pow(build(base), build(exp), flipped)
        if isinstance(e, sp.Float):
            return n.Float(_float_text(e))
        if isinstance(e, sp.Integer):
            return n.Int(int(e))
        if isinstance(e, sp.Rational):
            return n.Rational(int(e.p), int(e.q), decimal_text(abs(e)))
        if e is sp.E:
            return n.Constant("E")
        if e is sp.pi:
            return n.Constant("pi")
        if e in (sp.oo, sp.zoo):
            return n.Constant("oo")
        if e is sp.S.NegativeInfinity:
            return n.Constant("-oo")
        if isinstance(e, sp.Symbol):
            return n.Symbol(e.name)
        if isinstance(e, sp.Abs):
            return n.Abs(build(e.args[0]))
        if isinstance(e, sp.exp):
            return n.Exp(build(e.args[0]))
        if type(e).__name__ == "LogBase":
            return n.LogBase(build(e.args[0]), build(e.args[1]))
        if isinstance(e, sp.Function):
            return n.Function(e.func.__name__, tuple(build(a) for a in e.args))
        return n.Other(str(e))

    return build(sp.sympify(expr))


def _flat(e: Any) -> list[Any]:
    """The factors of a product, nested products opened up."""
    import sympy as sp

    out: list[Any] = []
    for factor in e.args:
        out.extend(_flat(factor) if isinstance(factor, sp.Mul) else [factor])
    return out


def _numeric(exp: Any) -> Any:
    """An exponent kept unevaluated as typed, −1·2 or 2·3⁻¹, as the number it is."""
    import sympy as sp

    if exp.is_number and isinstance(exp, sp.Mul | sp.Add | sp.Pow):
        evaluated = exp.func(*exp.args)
        if isinstance(evaluated, sp.Rational):
            return evaluated
    return exp


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
