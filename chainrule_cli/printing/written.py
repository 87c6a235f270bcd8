"""A problem as written, on one line, without SymPy: the quiz's first screen.

The quiz shows each problem as typed (``mathtext.show`` of the unevaluated
SymPy tree, ``ordered=False``). Importing SymPy takes a few hundred
milliseconds, and the first problem should be on screen before that: this
module prints the parser's own syntax tree the same way.

It mirrors the unevaluated tree ``syntax.to_sympy(..., evaluate=False)``
builds (a ``Neg`` is −1·u, a ``Div`` is u·v⁻¹, √u is u^½) and walks it with
the same rules as ``mathtext._Printer``. Where that printer asks SymPy about
a number (is an exponent negative? what is −n?), only the simple forms met in
banks are answered here (n, −n, a/b, −a/b, π, e); for anything else, and for
numbers too long to print exactly, ``show`` returns None and the caller uses
SymPy. The tests check the two printers agree on every shipped problem.
"""

from __future__ import annotations

from typing import Any, Union

from chainrule_cli.printing.mathtext import (
    ADD,
    ATOM,
    FUNCTION_NAMES,
    MAX_INT_DIGITS,
    MUL,
    NEG,
    POW,
    SUBSCRIPT,
    SUPERSCRIPT,
    join_terms,
)
from chainrule_cli.reading import syntax
from chainrule_cli.reading.syntax import GREEK_LETTERS

#: The most digits of a decimal shown here: SymPy keeps a decimal of up to 13 digits
#: in 15 (53 bits), exactly the double that ``float`` reads.
MAX_DECIMAL_DIGITS = 13


class Unsupported(Exception):
    """A form this printer does not answer for: SymPy must print it."""


# -- the mirror of the unevaluated SymPy tree ----------------------------------------------------
# Plain classes, not dataclasses: this module is imported before the first problem is
# shown, and a dozen dataclasses take 10 ms to create. Equal means same class, same fields.
class _Node:
    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self), self._fields()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._fields()!r}"


class Int(_Node):
    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value


class Float(_Node):
    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value


class Rational(_Node):
    """Only ½ and ⅓, the exponents of √ and ∛."""

    __slots__ = ("p", "q")

    def __init__(self, p: int, q: int) -> None:
        self.p = p
        self.q = q


class Symbol(_Node):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Constant(_Node):
    __slots__ = ("name",)  # "E" or "pi"

    def __init__(self, name: str) -> None:
        self.name = name


class Function(_Node):
    __slots__ = ("arg", "name")  # name: SymPy's class name (sin, log, asin, …)

    def __init__(self, name: str, arg: Expr) -> None:
        self.name = name
        self.arg = arg


class Abs(_Node):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr) -> None:
        self.arg = arg


class Exp(_Node):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr) -> None:
        self.arg = arg


class LogBase(_Node):
    __slots__ = ("arg", "base")

    def __init__(self, arg: Expr, base: Expr) -> None:
        self.arg = arg
        self.base = base


class Add(_Node):
    __slots__ = ("args",)

    def __init__(self, args: tuple[Expr, ...]) -> None:
        self.args = args


class Mul(_Node):
    __slots__ = ("args",)

    def __init__(self, args: tuple[Expr, ...]) -> None:
        self.args = args


class Pow(_Node):
    __slots__ = ("base", "exp")

    def __init__(self, base: Expr, exp: Expr) -> None:
        self.base = base
        self.exp = exp


Number = Int | Float | Rational
Expr = Union[Int, Float, Rational, Symbol, Constant, Function, Abs, Exp, LogBase, Add, Mul, Pow]  # noqa: UP007
MINUS_ONE = Int(-1)


def mirror(node: syntax.Node, variable: str) -> Expr:
    """The unevaluated SymPy tree of ``node``, as ``syntax.to_sympy(evaluate=False)`` builds it."""

    def build(n: syntax.Node) -> Expr:
        if isinstance(n, syntax.Num):
            return _number(n.text)
        if isinstance(n, syntax.Var):
            return Symbol(variable)
        if isinstance(n, syntax.Const):
            return Constant("pi" if n.name == "pi" else "E")
        if isinstance(n, syntax.Call):
            arg = build(n.arg)
            if n.base is not None:
                return LogBase(arg, build(n.base))
            if n.name == "sqrt":
                return Pow(arg, Rational(1, 2))
            if n.name == "cbrt":
                return Pow(arg, Rational(1, 3))
            if n.name == "abs":
                return Abs(arg)
            if n.name == "exp":
                return Exp(arg)
            return Function(n.name, arg)
        if isinstance(n, syntax.Pow):
            return Pow(build(n.base), build(n.exponent))
        if isinstance(n, syntax.Mul):
            return Mul(tuple(build(f) for f in n.factors))
        if isinstance(n, syntax.Div):
            return Mul((build(n.numerator), Pow(build(n.denominator), MINUS_ONE)))
        if isinstance(n, syntax.Add):
            return Add(tuple(build(t) for t in n.terms))
        if isinstance(n, syntax.Neg):
            return Mul((MINUS_ONE, build(n.operand)))
        raise Unsupported(type(n).__name__)

    return build(node)


def _typed_decimal(value: float) -> str:
    """A typed decimal with every digit typed (2.0000001, 123456.5, 0.00001), as
    ``mathtext`` shows it: the shortest text that reads back as the same double is
    the text typed (at most 13 digits), written without an exponent."""
    text = repr(value)
    if "e" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text


def _number(text: str) -> Number:
    if "." not in text:
        value = int(text)
        if len(str(value)) > MAX_INT_DIGITS:
            raise Unsupported("a long integer")
        return Int(value)
    if sum(c.isdigit() for c in text) > MAX_DECIMAL_DIGITS:
        raise Unsupported("a long decimal")
    return Float(float(text))


# -- what the printer asks SymPy about numbers -------------------------------------------------
def _is_number(e: Expr) -> bool:
    """No variable inside (SymPy's ``is_number``)."""
    if isinstance(e, Symbol):
        return False
    if isinstance(e, Int | Float | Rational | Constant):
        return True
    if isinstance(e, Function | Abs | Exp):
        return _is_number(e.arg)
    if isinstance(e, LogBase):
        return _is_number(e.arg) and _is_number(e.base)
    if isinstance(e, Pow):
        return _is_number(e.base) and _is_number(e.exp)
    return all(_is_number(a) for a in e.args)


def _fraction(e: Expr) -> tuple[int, int] | None:
    """(a, b) for the exponent a/b as the parser builds it (a ≥ 0, b > 0); else None."""
    if (
        isinstance(e, Mul)
        and len(e.args) == 2
        and isinstance(e.args[0], Int)
        and isinstance(e.args[1], Pow)
        and isinstance(e.args[1].base, Int)
        and e.args[1].exp == MINUS_ONE
    ):
        a, b = e.args[0].value, e.args[1].base.value
        if b <= 0 or a < 0:
            raise Unsupported("a fraction over zero")
        return a, b
    return None


def _negated(e: Expr) -> Expr | None:
    """u for −1·u where u is a number or a fraction a/b: SymPy's −(−1·u) is u itself."""
    if isinstance(e, Mul) and len(e.args) == 2 and e.args[0] == MINUS_ONE:
        inner = e.args[1]
        if isinstance(inner, Int | Float) or _fraction(inner) is not None:
            return inner
    return None


def _is_negative(e: Expr) -> bool:
    """SymPy's ``is_negative`` for a constant (``is_number``) exponent or factor."""
    if isinstance(e, Int | Float):
        return e.value < 0
    if isinstance(e, Rational):
        return e.p < 0
    if isinstance(e, Constant):
        return False
    if _fraction(e) is not None:
        return False
    inner = _negated(e)
    if inner is not None:
        if isinstance(inner, Int | Float):
            return inner.value > 0
        fraction = _fraction(inner)
        return fraction is not None and fraction[0] > 0
    if (
        isinstance(e, Pow)
        and isinstance(e.base, Int)
        and e.base.value > 0
        and isinstance(e.exp, Int)
    ):
        return False
    raise Unsupported("the sign of this number")


def _negative_exponent(e: Expr) -> bool:
    return _is_number(e) and _is_negative(e)


def _minus(e: Expr) -> Expr:
    """SymPy's −e for a negative exponent e."""
    inner = _negated(e)
    if inner is not None:
        return inner
    raise Unsupported("minus this number")


def _small_int(e: Expr) -> bool:
    return isinstance(e, Int) and 1 < e.value < 100


# -- the printer (mathtext._Printer, on the mirror) ----------------------------------------------
class _Printer:
    def __init__(self, unicode: bool) -> None:
        self.unicode = unicode
        self.times = "·" if unicode else "*"
        self.minus = "−" if unicode else "-"

    def text(self, e: Expr) -> str:
        return self.render(e)[0]

    def wrap(self, e: Expr, level: int) -> str:
        text, own = self.render(e)
        return f"({text})" if own < level else text

    def render(self, e: Expr) -> tuple[str, int]:
        if isinstance(e, Add):
            return self.add(e), ADD
        if isinstance(e, Mul):
            return self.mul(e)
        if isinstance(e, Pow):
            return self.pow(e)
        if isinstance(e, Int | Float | Rational):
            return self.number(e)
        if isinstance(e, Constant):
            if e.name == "E":
                return "e", ATOM
            return ("π" if self.unicode else "pi"), ATOM
        if isinstance(e, Symbol):
            if self.unicode and e.name in GREEK_LETTERS:
                return GREEK_LETTERS[e.name], ATOM
            return e.name, ATOM
        if isinstance(e, Abs):
            return f"|{self.text(e.arg)}|", ATOM
        if isinstance(e, Exp):
            return self.power_text(Constant("E"), e.arg), POW
        if isinstance(e, LogBase):
            return self.log_base(e.arg, e.base), ATOM
        name = FUNCTION_NAMES.get(e.name, e.name)
        if isinstance(e.arg, Abs):
            return f"{name}{self.text(e.arg)}", ATOM
        return f"{name}({self.text(e.arg)})", ATOM

    def number(self, e: Number) -> tuple[str, int]:
        if isinstance(e, Float):
            text = _typed_decimal(e.value)
            return (self.minus + text[1:], NEG) if text.startswith("-") else (text, ATOM)
        if isinstance(e, Int):
            text = str(abs(e.value))
            return (self.minus + text, NEG) if e.value < 0 else (text, ATOM)
        sign = self.minus if e.p < 0 else ""
        return f"{sign}{abs(e.p)}/{e.q}", MUL

    def add(self, e: Add) -> str:
        signed = []
        for term in e.args:
            negative, magnitude = self.split_sign(term)
            signed.append((negative, self.wrap(magnitude if negative else term, ADD + 1)))
        return join_terms(signed, self.minus)

    def split_sign(self, term: Expr) -> tuple[bool, Expr]:
        if isinstance(term, Int | Float | Rational) and _is_negative(term):
            raise Unsupported("a negative number")  # never built by the parser
        if isinstance(term, Mul) and term.args:
            first = term.args[0]
            if isinstance(first, Int | Float | Rational) and _is_negative(first):
                if first != MINUS_ONE:
                    raise Unsupported("a negative coefficient")  # never built by the parser
                rest = term.args[1:]
                return True, rest[0] if len(rest) == 1 else Mul(rest)
        return False, term

    def mul(self, e: Mul) -> tuple[str, int]:
        flat = _flat_factors(e)
        if len(flat) > 1 and flat[0] == MINUS_ONE:
            rest = flat[1:]
            magnitude = rest[0] if len(rest) == 1 else Mul(tuple(rest))
            return f"{self.minus}{self.wrap(magnitude, MUL)}", NEG
        negative, magnitude = self.split_sign(e)
        if negative:
            text = (
                self.wrap(magnitude, MUL)
                if not isinstance(magnitude, Add)
                else f"({self.text(magnitude)})"
            )
            return f"{self.minus}{text}", NEG
        numerator: list[Expr] = []
        denominator: list[Expr] = []
        for factor in flat:
            if isinstance(factor, Pow) and _negative_exponent(factor.exp):
                flipped = (
                    factor.base if factor.exp == MINUS_ONE else Pow(factor.base, _minus(factor.exp))
                )
                denominator.append(flipped)
            elif isinstance(factor, Rational):
                if factor.p != 1:
                    numerator.append(Int(factor.p))
                denominator.append(Int(factor.q))
            else:
                numerator.append(factor)
        if len(numerator) > 1:
            numerator = [f for f in numerator if f != Int(1)] or [Int(1)]
        top = self.product(numerator) if numerator else "1"
        if not denominator:
            return top, MUL
        bottom = self.product(denominator)
        if len(denominator) > 1 or bottom.startswith(self.minus):
            bottom = f"({bottom})"
        return f"{top}/{bottom}", MUL

    def product(self, factors: list[Expr]) -> str:
        out = ""
        previous: Expr | None = None
        for factor in factors:
            text = self.wrap(factor, MUL + 1)
            if previous is not None and text.startswith(self.minus):
                text = f"({text})"
            if previous is None:
                out = text
            elif (
                (
                    isinstance(previous, Int | Float | Rational)
                    and (text[0].isalpha() or text[0] in "(√∛π|")
                )
                or (isinstance(previous, Symbol) and text[0] == "(")
                or (
                    previous == Constant("pi")
                    and self.unicode
                    and text[0].isalpha()
                    and text[0] != "e"
                )
            ):
                out += text
            else:
                out += self.times + text
            previous = factor
        return out

    def pow(self, e: Pow) -> tuple[str, int]:
        base, exp = e.base, e.exp
        if exp == Int(1):
            return self.render(base)
        if exp == Rational(1, 2):
            return self.root("√" if self.unicode else "sqrt", base), ATOM
        if exp == Rational(1, 3):
            return self.root("∛" if self.unicode else "cbrt", base), ATOM
        if _negative_exponent(exp):
            flipped = base if exp == MINUS_ONE else Pow(base, _minus(exp))
            return f"1/{self.wrap(flipped, POW)}", MUL
        if isinstance(base, Function) and _small_int(exp):
            name = FUNCTION_NAMES.get(base.name, base.name)
            return f"{name}{self.superscript(exp)}({self.text(base.arg)})", ATOM
        return self.power_text(base, exp), POW

    def log_base(self, arg: Expr, base: Expr) -> str:
        if isinstance(base, Int) and base.value > 0:
            sub = str(base.value).translate(SUBSCRIPT) if self.unicode else f"_{base.value}"
        else:
            sub = f"_({self.text(base)})"
        return f"log{sub}({self.text(arg)})"

    def root(self, sign: str, base: Expr) -> str:
        atom = isinstance(base, Symbol | Int) or base == Constant("pi")
        if self.unicode and atom and not (isinstance(base, Int) and base.value < 0):
            return f"{sign}{self.text(base)}"
        return f"{sign}({self.text(base)})"

    def power_text(self, base: Expr, exp: Expr) -> str:
        base_text = self.wrap(base, ATOM)
        if isinstance(base, Pow | Exp):
            base_text = f"({self.text(base)})"
        if self.unicode and _small_int(exp):
            return base_text + self.superscript(exp)
        exp_text, level = self.render(exp)
        if level < ATOM or not isinstance(exp, Symbol | Int):
            exp_text = f"({exp_text})"
        return f"{base_text}^{exp_text}"

    def superscript(self, exp: Expr) -> str:
        assert isinstance(exp, Int)
        return str(exp.value).translate(SUPERSCRIPT) if self.unicode else f"^{exp.value}"


def _flat_factors(e: Mul) -> list[Expr]:
    """The factors of a product, nested products opened up, but 2·(−x) kept whole."""
    out: list[Expr] = []
    for index, factor in enumerate(e.args):
        if isinstance(factor, Mul):
            first = factor.args[0] if factor.args else None
            negative = isinstance(first, Int | Float | Rational) and _is_negative(first)
            if not (index and negative):
                out.extend(_flat_factors(factor))
                continue
        out.append(factor)
    return out


def show(tree: syntax.Node, variable: str = "x", unicode: bool = True) -> str | None:
    """``tree`` as ``mathtext.show`` prints it unevaluated (``ordered=False``), or None
    when only SymPy can say (an unusual constant exponent, a very long number)."""
    try:
        return _Printer(unicode).text(mirror(tree, syntax.variable_name(variable)))
    except (Unsupported, RecursionError, ValueError):
        return None


def problem_text(expression: str, variable: str = "x", unicode: bool = True) -> str | None:
    """A problem's expression as the quiz shows it, or None (unreadable, or SymPy needed)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    try:
        tree = parse(expression, variable)
    except (ChainruleError, RecursionError):
        return None
    return show(tree, variable, unicode)


def as_read(text: str, variable: str = "x", unicode: bool = True) -> str | None:
    """``text`` as the quiz read it ("read as …"): the parsed reading printed by the one
    printer (SymPy's tree when this one cannot say, its decimals as typed), or None
    when it does not parse (any more)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    try:
        tree = parse(text, variable)
    except (ChainruleError, RecursionError):
        return None
    shown = show(tree, variable, unicode)
    if shown is not None:
        return shown
    from chainrule_cli.printing.mathtext import decimals_as_typed
    from chainrule_cli.printing.mathtext import show as sympy_show
    from chainrule_cli.reading.parsing import symbol
    from chainrule_cli.reading.syntax import to_sympy

    try:
        with decimals_as_typed(text, variable=variable):
            return sympy_show(
                to_sympy(tree, symbol(variable), evaluate=False), unicode, ordered=False
            )
    except (ChainruleError, RecursionError, ValueError):
        return None


def variable_of(expression: str) -> str:
    """The variable a stored problem is in: x when it reads in x, else the first
    letter it reads in (r for 4/3 pi r^3), else x."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.reading.parsing import parse

    letters = sorted({c for c in expression if c.isascii() and c.isalpha()} - {"x", "e"})
    for letter in ("x", *letters):
        try:
            parse(expression, letter)
        except (ChainruleError, RecursionError):
            continue
        return letter
    return "x"


def point_text(at: str, variable: str = "x", unicode: bool = True) -> str:
    """A problem's point as read (π for pi, π/4 for pi/4), or as written when it does not parse."""
    return as_read(at, variable, unicode) or at
