"""Read math the way people type it, safely: text → syntax tree → SymPy.

A hand-written tokenizer and recursive-descent parser, not SymPy's
``parse_expr`` (which runs Python ``eval`` on its input). Nothing the user
types is ever evaluated as code: every token is checked against a whitelist,
and the tree is turned into SymPy by calling constructors.

What it accepts, and why:

* implicit multiplication (``2x``, ``2(3x+1)``, ``2x cos(x^2)``); a run of letters
  is split into known names (``2xsin(x^2)`` is 2·x·sin(x²), never 2·s·i·n·x³);
* ``^`` and ``**``; superscripts (``x²``, ``sin²x``); ``√`` and ``∛``; ``π``; ``·``,
  ``×``, ``−``, ``÷``; ``|x|``; brackets ``()``, ``[]``, ``{}``;
* functions with or without parentheses (``sin 3x``, ``cos x^2 * 2x`` is
  cos(x²)·2x: a bare argument stops at an explicit operator or another function);
* ``sin^2(x)`` means (sin x)²; ``sin^-1(x)`` is ambiguous and refused;
* no scientific notation: ``2e-3x`` is 2e − 3x, as a learner means it.

Limits (input length, nesting, number and exponent sizes) are checked on the
tree before SymPy sees it, so ``9^9^9`` is refused at once instead of hanging.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chainrule_cli.errors import InputError
from chainrule_cli.syntax import (
    CONSTANTS,
    FUNCTION_ALIASES,
    Add,
    Call,
    Const,
    Div,
    Mul,
    Neg,
    Node,
    Num,
    Pow,
    Var,
    children,
    depth,
    has_variable,
    to_sympy,
)

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_DIGITS = 30
MAX_EXPONENT = 1000
#: The largest constant magnitude (as a power of ten) allowed anywhere.
MAX_MAGNITUDE = 300

SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
}
MULTIPLY = {"*", "·", "×", "⋅", "∙"}
MINUS = {"-", "−", "–"}
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {")", "]", "}"}


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is num, name, op, sup, root or end."""

    kind: str
    value: str
    start: int
    end: int


def tokenize(text: str, variable: str = "x") -> list[Token]:
    """Split ``text`` into tokens, refusing anything outside the whitelist."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif _digit(c) or (c == "." and i + 1 < n and _digit(text[i + 1])):
            j = i
            while j < n and _digit(text[j]):
                j += 1
            if j < n and text[j] == ".":
                j += 1
                while j < n and _digit(text[j]):
                    j += 1
            literal = text[i:j]
            if literal.count(".") > 1 or (literal.endswith(".") and j < n and text[j] == "."):
                raise InputError("malformed number", text, i)
            digits = sum(ch.isdigit() for ch in literal)
            if digits > MAX_DIGITS:
                raise InputError(
                    f"number too long ({digits} digits; at most {MAX_DIGITS})", text, i
                )
            tokens.append(Token("num", literal, i, j))
            i = j
        elif c.isascii() and c.isalpha():
            j = i
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            tokens.extend(_split_name(text, i, j, variable))
            i = j
        elif c == "π":
            tokens.append(Token("name", "pi", i, i + 1))
            i += 1
        elif c in MINUS:
            tokens.append(Token("op", "-", i, i + 1))
            i += 1
        elif c == "+":
            tokens.append(Token("op", "+", i, i + 1))
            i += 1
        elif c == "*" and i + 1 < n and text[i + 1] == "*":
            tokens.append(Token("op", "^", i, i + 2))
            i += 2
        elif c in MULTIPLY:
            tokens.append(Token("op", "*", i, i + 1))
            i += 1
        elif c in "/÷":
            tokens.append(Token("op", "/", i, i + 1))
            i += 1
        elif c == "^":
            tokens.append(Token("op", "^", i, i + 1))
            i += 1
        elif c in OPENERS or c in CLOSERS or c == "|":
            tokens.append(Token("op", c, i, i + 1))
            i += 1
        elif c in SUPERSCRIPTS:
            j = i
            while j < n and text[j] in SUPERSCRIPTS:
                j += 1
            value = "".join(SUPERSCRIPTS[ch] for ch in text[i:j])
            if not value.lstrip("-").isdigit() or value.count("-") > 1:
                raise InputError("malformed superscript", text, i)
            tokens.append(Token("sup", value, i, j))
            i = j
        elif c in "√∛":
            tokens.append(Token("root", "sqrt" if c == "√" else "cbrt", i, i + 1))
            i += 1
        elif c == "=":
            raise InputError("type an expression, not an equation (no '=')", text, i)
        elif c == ",":
            raise InputError("unexpected ','", text, i)
        else:
            raise InputError(f"unexpected character {c!r}", text, i)
    tokens.append(Token("end", "", n, n))
    return tokens


def _digit(c: str) -> bool:
    """An ASCII digit (``str.isdigit`` also says yes to '²')."""
    return "0" <= c <= "9"


def _split_name(text: str, start: int, end: int, variable: str) -> list[Token]:
    """Split a run of letters into known names, longest name first.

    ``xsin`` is x·sin and ``exp`` is exp (not e·x·p). When the run cannot be split,
    the error names the unknown part: a lone letter after known names (``xy`` →
    'y'), otherwise the whole run (``factorial``).
    """
    run = text[start:end]
    known = sorted({*FUNCTION_ALIASES, *CONSTANTS, variable}, key=len, reverse=True)

    def split(pos: int) -> list[str] | None:
        if pos == len(run):
            return []
        for word in known:
            if run.startswith(word, pos):
                rest = split(pos + len(word))
                if rest is not None:
                    return [word, *rest]
        return None

    words = split(0)
    if words is None:
        # Find how far plain letters (the variable, constants) carry us.
        pos = 0
        while True:
            for word in (variable, *CONSTANTS):
                if run.startswith(word, pos) and pos + len(word) < len(run):
                    pos += len(word)
                    break
            else:
                break
        unknown = run[pos:] if pos else run
        if len(unknown) > 1 and pos:
            # 'xyz': report the first letter that is not known.
            unknown = unknown[0]
        message = f"unknown name {unknown!r}"
        if len(unknown) == 1 or (unknown.lower() == unknown and len(unknown) <= 2):
            message += f": the variable is {variable}"
        raise InputError(message, text, start + pos)
    tokens: list[Token] = []
    pos = start
    for word in words:
        tokens.append(Token("name", word, pos, pos + len(word)))
        pos += len(word)
    return tokens


class _Parser:
    """Recursive descent over the token list; one method per precedence level."""

    def __init__(self, text: str, tokens: list[Token], variable: str) -> None:
        self.text = text
        self.tokens = tokens
        self.variable = variable
        self.i = 0
        self.abs_depth = 0

    # -- helpers ---------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, message: str, position: int | None = None) -> InputError:
        return InputError(message, self.text, self.tok.start if position is None else position)

    def is_op(self, *values: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in values

    def is_function(self, tok: Token) -> bool:
        return tok.kind == "name" and tok.value in FUNCTION_ALIASES

    def starts_factor(self, bare_argument: bool = False) -> bool:
        """Whether the current token can begin an implicitly multiplied factor."""
        tok = self.tok
        if tok.kind in ("num", "root"):
            return True
        if tok.kind == "name":
            return not (bare_argument and self.is_function(tok))
        if tok.kind == "op":
            if tok.value in OPENERS:
                return True
            if tok.value == "|":
                return self.abs_depth == 0
        return False

    # -- grammar ---------------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression: type something like (3x+1)^2")
        node = self.expression()
        if self.tok.kind != "end":
            tok = self.tok
            if tok.value in CLOSERS:
                raise self.error(f"unbalanced brackets: this {tok.value!r} has no opening bracket")
            raise self.error(f"unexpected {tok.value!r}")
        return node

    def expression(self) -> Node:
        start = self.tok.start
        terms = [self.term()]
        while self.is_op("+", "-"):
            op = self.advance()
            self.expect_operand(op)
            term = self.term()
            terms.append(Neg(term, (op.start, _end(term))) if op.value == "-" else term)
        if len(terms) == 1:
            return terms[0]
        return Add(tuple(terms), (start, _end(terms[-1])))

    def expect_operand(self, op: Token) -> None:
        tok = self.tok
        if tok.kind == "end":
            raise self.error(f"the expression ends after {op.value!r}: something is missing")
        if tok.kind == "op" and (tok.value in CLOSERS or tok.value in "*/^+"):
            raise self.error(f"expected something after {op.value!r}, found {tok.value!r}")

    def term(self) -> Node:
        """A product or quotient. A leading sign covers the product: ``-2x`` is −(2x)."""
        if self.is_op("-", "+"):
            op = self.advance()
            self.expect_operand(op)
            operand = self.term()
            return Neg(operand, (op.start, _end(operand))) if op.value == "-" else operand
        node = self.power()
        while True:
            if self.is_op("*", "/"):
                op = self.advance()
                self.expect_operand(op)
                node = _combine(node, self.unary(), op.value)
            elif self.starts_factor():
                node = _combine(node, self.power(), "*")
            else:
                return node

    def unary(self) -> Node:
        """A factor after ``*`` or ``/``, which may carry a sign: ``2*-x``."""
        if self.is_op("-", "+"):
            op = self.advance()
            self.expect_operand(op)
            operand = self.unary()
            return Neg(operand, (op.start, _end(operand))) if op.value == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.is_op("^"):
            op = self.advance()
            self.expect_operand(op)
            exponent = self.exponent()
            return Pow(base, exponent, (_start(base), _end(exponent)))
        return base

    def exponent(self) -> Node:
        """A right-associative exponent: ``x^-1``, ``2^x^2`` = 2^(x²)."""
        if self.is_op("-"):
            op = self.advance()
            self.expect_operand(op)
            operand = self.exponent()
            return Neg(operand, (op.start, _end(operand)))
        if self.is_op("+"):
            self.advance()
            return self.exponent()
        return self.power()

    def postfix(self) -> Node:
        node = self.atom()
        while self.tok.kind == "sup":
            sup = self.advance()
            node = Pow(node, _sup_node(sup), (_start(node), sup.end))
        return node

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return Num(tok.value, (tok.start, tok.end))
        if tok.kind == "name":
            if tok.value in FUNCTION_ALIASES:
                return self.call()
            self.advance()
            if tok.value in CONSTANTS:
                return Const(tok.value, (tok.start, tok.end))
            return Var(tok.value, (tok.start, tok.end))
        if tok.kind == "root":
            self.advance()
            if self.tok.kind == "end":
                raise self.error(
                    f"{'√' if tok.value == 'sqrt' else '∛'} needs something to take the root of"
                )
            arg = self.power()
            return Call(tok.value, arg, (tok.start, _end(arg)))
        if tok.kind == "op" and tok.value in OPENERS:
            return self.group()
        if tok.kind == "op" and tok.value == "|":
            self.advance()
            self.abs_depth += 1
            if self.is_op("|"):
                raise self.error("empty absolute value '||'")
            inner = self.expression()
            self.abs_depth -= 1
            if not self.is_op("|"):
                raise self.error("unbalanced '|': this absolute value is never closed", tok.start)
            close = self.advance()
            return Call("abs", inner, (tok.start, close.end))
        if tok.kind == "end":
            raise self.error("the expression ends too early: something is missing")
        if tok.kind == "sup":
            raise self.error("a superscript needs something before it")
        if tok.value in CLOSERS:
            raise self.error(f"unexpected {tok.value!r}: nothing inside the brackets")
        raise self.error(f"unexpected {tok.value!r}")

    def group(self) -> Node:
        open_tok = self.advance()
        closer = OPENERS[open_tok.value]
        if self.is_op(closer):
            raise self.error("empty brackets")
        saved_abs = self.abs_depth
        self.abs_depth = 0
        inner = self.expression()
        self.abs_depth = saved_abs
        if not self.is_op(closer):
            if self.tok.kind == "end":
                raise self.error(
                    f"unbalanced brackets: this {open_tok.value!r} is never closed", open_tok.start
                )
            raise self.error(f"expected {closer!r} to close the {open_tok.value!r}")
        self.advance()
        return inner

    def call(self) -> Node:
        name_tok = self.advance()
        name = FUNCTION_ALIASES[name_tok.value]
        power: Node | None = None
        if self.is_op("^"):
            caret = self.advance()
            if self.is_op("-") or self.is_op("−"):
                raise self.error(
                    f"{name_tok.value}^-1 is ambiguous: write arc{name_tok.value}(x) for the inverse "
                    f"or 1/{name_tok.value}(x) for the reciprocal",
                    caret.start,
                )
            if self.tok.kind == "end":
                raise self.error(f"the expression ends after '{name_tok.value}^'")
            power = self.postfix()
        elif self.tok.kind == "sup":
            sup = self.advance()
            if sup.value.startswith("-"):
                raise InputError(
                    f"{name_tok.value}⁻¹ is ambiguous: write arc{name_tok.value}(x) for the inverse "
                    f"or 1/{name_tok.value}(x) for the reciprocal",
                    self.text,
                    sup.start,
                )
            power = _sup_node(sup)
        arg = self.argument(name_tok)
        node: Node = Call(name, arg, (name_tok.start, _end(arg)))
        if power is not None:
            node = Pow(node, power, node.span)
        return node

    def argument(self, name_tok: Token) -> Node:
        """``sin(…)``, or a bare argument: ``sin 3x``, ``sin x^2``, stopping at operators."""
        if self.is_op(*OPENERS):
            return self.group()
        if not self.starts_factor(bare_argument=True) and not self.is_function(self.tok):
            raise self.error(f"{name_tok.value} needs an argument, e.g. {name_tok.value}(x)")
        if self.is_function(self.tok):
            return self.call()
        node = self.power()
        while self.starts_factor(bare_argument=True):
            node = _combine(node, self.power(), "*")
        return node


def _start(node: Node) -> int:
    return node.span[0]


def _end(node: Node) -> int:
    return node.span[1]


def _sup_node(tok: Token) -> Node:
    if tok.value.startswith("-"):
        return Neg(Num(tok.value[1:], (tok.start, tok.end)), (tok.start, tok.end))
    return Num(tok.value, (tok.start, tok.end))


def _combine(left: Node, right: Node, op: str) -> Node:
    span = (_start(left), _end(right))
    if op == "/":
        return Div(left, right, span)
    if isinstance(left, Mul):
        return Mul((*left.factors, right), span)
    return Mul((left, right), span)


# -- limits on the tree -------------------------------------------------------
_MATH: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "cbrt": lambda v: math.copysign(abs(v) ** (1 / 3), v),
    "abs": abs,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "sec": lambda v: 1 / math.cos(v),
    "csc": lambda v: 1 / math.sin(v),
    "cot": lambda v: 1 / math.tan(v),
}


def _estimate(node: Node, text: str) -> float | None:
    """A float estimate of a constant subtree (None where it has the variable).

    Raises InputError where a constant is too large to be worth computing.
    """
    if isinstance(node, Num):
        return float(node.text)
    if isinstance(node, Const):
        return math.pi if node.name == "pi" else math.e
    if isinstance(node, Var):
        return None
    values = [_estimate(child, text) for child in children(node)]
    if any(v is None for v in values):
        if isinstance(node, Pow) and values[1] is not None and abs(values[1]) > MAX_EXPONENT:
            raise InputError(
                f"exponent too large (at most {MAX_EXPONENT})", text, _start(node.exponent)
            )
        return None
    try:
        if isinstance(node, Pow):
            base, exp = values[0], values[1]
            assert base is not None and exp is not None
            if base not in (0.0, 1.0, -1.0) and abs(exp) * math.log10(abs(base)) > MAX_MAGNITUDE:
                raise InputError("number too large to work with", text, _start(node.exponent))
            result = abs(base) ** exp if base > 0 or float(exp).is_integer() else float("nan")
            if base < 0 and float(exp).is_integer() and int(exp) % 2:
                result = -result
            return result
        if isinstance(node, Call):
            assert values[0] is not None
            return float(_MATH[node.name](values[0]))
        if isinstance(node, Mul):
            product = 1.0
            for v in values:
                assert v is not None
                product *= v
            return product
        if isinstance(node, Div):
            assert values[0] is not None and values[1] is not None
            return values[0] / values[1] if values[1] else float("nan")
        if isinstance(node, Add):
            return float(sum(v for v in values if v is not None))
        if isinstance(node, Neg):
            assert values[0] is not None
            return -values[0]
    except (OverflowError, ValueError, ZeroDivisionError):
        if isinstance(node, Call) and node.name in ("exp", "sinh", "cosh"):
            raise InputError("number too large to work with", text, _start(node)) from None
        return float("nan")
    return None


def check_limits(node: Node, text: str) -> None:
    """Refuse trees whose constants or exponents are too large to compute with."""
    if depth(node) > MAX_DEPTH:
        raise InputError(f"nested too deeply (at most {MAX_DEPTH} levels)", text, 0)
    value = _estimate(node, text)
    if value is not None and math.isfinite(value) and abs(value) > 10.0**MAX_MAGNITUDE:
        raise InputError("number too large to work with", text, 0)


def parse(text: str, variable: str = "x") -> Node:
    """Parse ``text`` into a syntax tree, or raise ``InputError`` with a position."""
    if (
        not variable.isascii()
        or not variable.isalpha()
        or variable in FUNCTION_ALIASES
        or variable in CONSTANTS
    ):
        raise InputError(f"the variable must be a plain letter name, not {variable!r}")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"input too long ({len(text)} characters; at most {MAX_LENGTH})", text, MAX_LENGTH
        )
    tokens = tokenize(text, variable)
    tree = _Parser(text, tokens, variable).parse()
    check_limits(tree, text)
    return tree


def parse_number(text: str) -> sympy.Expr:
    """Parse a point such as ``1``, ``-0.5``, ``pi/4`` or ``sqrt(2)``: no variable allowed."""
    import sympy as sp

    tree = parse(text, variable="x")
    if has_variable(tree):
        raise InputError("a point must be a number, not an expression in x", text, 0)
    value = to_sympy(tree, sp.Symbol("x", real=True))
    if not value.is_real or not value.is_finite:
        raise InputError(f"{text!r} is not a real number", text, 0)
    return value


def symbol(variable: str = "x") -> sympy.Symbol:
    """The SymPy symbol for the variable: always real, so |x|² = x² and ln|x|′ = 1/x."""
    import sympy as sp

    return sp.Symbol(variable, real=True)


def parse_sympy(text: str, variable: str = "x") -> sympy.Expr:
    """Parse straight to an evaluated SymPy expression (for answers)."""
    return to_sympy(parse(text, variable), symbol(variable))
