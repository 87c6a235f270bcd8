"""Read math the way people type it and textbooks print it, safely: text → syntax tree → SymPy.

A hand-written tokenizer and recursive-descent parser, not SymPy's
``parse_expr`` (which runs Python ``eval`` on its input), and no LaTeX library:
nothing the user types is ever evaluated as code. Every token is checked
against a whitelist, and the tree is turned into SymPy by calling constructors.

What it reads (the README's notation table lists it all):

* implicit multiplication (``2x``, ``2(3x+1)``, ``2x cos(x^2)``); a run of letters
  is split into known names (``2xsin(x^2)`` is 2·x·sin(x²), never 2·s·i·n·x³);
* ``^`` and ``**``; superscripts (``x²``, ``sin²x``, ``x⁻¹``); ``√``, ``∛``, ``∜``;
  ``π``; ``·``, ``×``, ``−``, ``÷``; ``|x|``; brackets ``()``, ``[]``, ``{}``;
* functions with or without brackets (``sin 3x``; ``cos x^2 * 2x`` is
  cos(x²)·2x: a bare argument stops at an explicit operator or another function);
* ``sin^2(x)`` is (sin x)²; ``sin^-1 x``, ``sin^(-1)(x)``, ``sin^{-1}x`` and ``sin⁻¹x``
  are arcsin, as in every calculus text; any other negative power on a function
  name is refused;
* ``ln`` and ``log`` are the natural log; ``log10(u)``, ``log_10(u)``, ``log_2 u``,
  ``log_b(u)`` and ``lg u`` (base 10) have a base;
* Greek letters as the variable, as symbols or names (``θ``, ``theta``);
* LaTeX as pasted from notes: ``\\frac{a}{b}``, ``\\sqrt[n]{u}``, ``\\sin``, ``\\cdot``,
  ``\\left( … \\right)``, ``e^{…}``, ``\\log_{2}``, ``\\pi``, ``\\theta``, ``\\operatorname{asec}``;
* no scientific notation: ``2e-3x`` is 2e − 3x, as a learner means it.

Where the left-to-right reading may not be what the student meant (``e^2x``,
``1/3x``, ``sin 1/x``), the reading follows the documented rule and ``read``
returns a note that says what it was read as, with a "did you mean …?"
(``AMBIGUITIES`` is the table of these patterns).

Limits (input length, nesting, number and exponent sizes) are checked on the
tree before SymPy sees it, so ``9^9^9`` is refused at once instead of hanging.

The tokens come from ``tokens.py`` (the whitelist, LaTeX commands, name
splitting) and the size limits from ``sizes.py``; this module is the grammar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chainrule_cli.errors import InputError
from chainrule_cli.reading.sizes import MAX_DEPTH, check_limits, estimate
from chainrule_cli.reading.syntax import (
    CONSTANTS,
    FUNCTION_ALIASES,
    INVERSES,
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
    has_variable,
    to_sympy,
    variable_name,
)
from chainrule_cli.reading.tokens import CLOSERS, OPENERS, Token, tokenize

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500

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

    def notes(self, unicode: bool = True) -> list[str]:
        """One line per ambiguity: what it was read as, and "did you mean …?"."""
        from chainrule_cli.printing.mathtext import show

        x = symbol(self.variable)

        def m(node: Node) -> str:
            return show(to_sympy(node, x, evaluate=False), unicode=unicode, ordered=False)

        def typed(node: Node) -> str:
            """The input as typed for ``node``: x^1 as typed, where SymPy would print x."""
            start, end = _start(node), _end(node)
            depth = lowest = 0
            for c in self.text[start:end]:
                depth += (c in "([{") - (c in ")]}")
                lowest = min(lowest, depth)
            unopened, unclosed = -lowest, depth - lowest
            while unopened > 0 and start > 0:  # (2x-7)^1: the base's bracket
                start -= 1
                unopened -= self.text[start] in "([{"
            while unclosed > 0 and end < len(self.text):  # x^(1): the exponent's
                unclosed -= self.text[end] in ")]}"
                end += 1
            return self.text[start:end].strip()

        out: list[str] = []
        for item in self.ambiguities:
            if item.code == "log_is_natural":
                line = (
                    f"read as {m(item.read)}: log is the natural log; "
                    "for base 10 write log10(…) or log_10(…)"
                )
            elif item.code == "log_digits":
                line = f"read as {m(item.read)}; for a base, write it as log_2(…)"
            elif item.code == "bare_argument_power" and item.meant is not None:
                line = f"read as {m(item.read)}; for {m(item.meant)} write the power on the name, as in sin^2 x"
            elif item.code == "power_one" and item.meant is not None:
                line = f"the power 1 does nothing: {typed(item.read)} = {m(item.meant)}"
            elif item.code == "power_zero":
                line = f"the power 0 makes it 1: {typed(item.read)} = 1"
            elif item.code == "exponent_then_fraction" and isinstance(item.read, Div):
                read = f"({typed(item.read.numerator)})/{typed(item.read.denominator)}"
                line = f"read as {read}; did you mean {m(item.meant or item.read)}?"
            elif item.meant is not None:
                line = f"read as {m(item.read)}; did you mean {m(item.meant)}?"
            else:
                line = f"read as {m(item.read)}"
            if line not in out:
                out.append(line)
        return out


# -- the grammar -------------------------------------------------------------------
class _Parser:
    """Recursive descent over the token list; one method per precedence level."""

    def __init__(
        self, text: str, tokens: list[Token], variable: str, others: tuple[str, ...] = ()
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.variable = variable
        self.names = {variable, *others}
        self.i = 0
        self.abs_depth = 0
        self.ambiguities: list[Ambiguity] = []
        #: Nodes whose exponent or denominator was a bare atom, or calls with a
        #: bare argument: candidates for an ambiguity note (by id).
        self.bare_exponent: set[int] = set()
        self.bare_denominator: set[int] = set()
        self.bare_call: set[int] = set()
        #: Powers already noted as "x^1/2": no second note that their power 1 does nothing.
        self.fraction_exponent: set[int] = set()
        self.log_digits = False

    # -- helpers ---------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

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
        if tok.kind in ("num", "frac"):
            return True
        if tok.kind == "root":  # cos x √(x+4): a bare argument ends before a root
            return not bare_argument
        if tok.kind == "name":
            return not (bare_argument and self.is_function(tok))
        if tok.kind == "op":
            if tok.value in OPENERS:
                return True
            if tok.value == "|":  # ln x |x|: and before an absolute value
                return self.abs_depth == 0 and not bare_argument
        return False

    def adjacent(self) -> bool:
        """No space between the previous token and the current one."""
        return self.i > 0 and self.tokens[self.i - 1].end == self.tok.start

    # -- grammar ---------------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression: type something like (3x+1)^2")
        node = self.expression()
        if self.tok.kind != "end":
            tok = self.tok
            if tok.value in CLOSERS:
                raise self.error(f"unbalanced brackets: this {tok.value!r} has no opening bracket")
            if tok.value == "|":
                raise self.error("unbalanced '|': this absolute value was never opened")
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
        if tok.kind == "op" and (tok.value in CLOSERS or tok.value in "*/^+_"):
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
                right = self.unary()
                if op.value == "/":
                    self.note_bare_call_divided(node, right)
                    self.note_exponent_divided(node, right, op)
                    combined = _combine(node, right, "/")
                    if _bare_atom(right) and self.starts_factor() and self.adjacent():
                        self.bare_denominator.add(id(combined))
                    node = combined
                else:
                    node = _combine(node, right, "*")
            elif self.starts_factor():
                adjacent = self.adjacent()
                after_bare_call = self.tok.kind == "root" or self.tok.value == "|"
                right = self.power()
                self.note_implicit(node, right, adjacent)
                if after_bare_call:
                    self.note_bare_call_root(node, right)
                node = _combine(node, right, "*")
            else:
                return node

    def note_implicit(self, left: Node, right: Node, adjacent: bool) -> None:
        """``e^2x`` and ``1/3x``: a bare exponent or denominator, then a factor."""
        last = left.factors[-1] if isinstance(left, Mul) else left
        if id(last) in self.bare_exponent and adjacent and isinstance(last, Pow):
            exponent = _combine(last.exponent, right, "*")
            raised = Pow(last.base, exponent, (_start(last), _end(right)))
            read = _combine(last, right, "*")
            self.ambiguities.append(Ambiguity("exponent_then_factor", read, raised))
        elif id(left) in self.bare_denominator and isinstance(left, Div):
            divided = Div(left.numerator, _combine(left.denominator, right, "*"), left.span)
            self.ambiguities.append(
                Ambiguity("fraction_then_factor", _combine(left, right, "*"), divided)
            )

    def note_exponent_divided(self, left: Node, right: Node, op: Token) -> None:
        """``x^1/2``, ``x^-1/2``, ``e^-x/2``: a bare exponent, then ``/`` written against it."""
        last = left.factors[-1] if isinstance(left, Mul) else left
        if not (isinstance(last, Pow) and id(last) in self.bare_exponent):
            return
        if not (_end(last) == op.start and op.end == _start(right) and _bare_atom(right)):
            return
        span = (_start(last.exponent), _end(right))
        exponent: Node = Div(last.exponent, right, span)
        if isinstance(last.exponent, Neg):  # x^-1/2 meant as x^(−(1/2))
            exponent = Neg(Div(last.exponent.operand, right, span), span)
        raised: Node = Pow(last.base, exponent, (_start(last), _end(right)))
        if isinstance(left, Mul):
            raised = Mul((*left.factors[:-1], raised), (_start(left), _end(right)))
        self.fraction_exponent.add(id(last))
        self.ambiguities.append(
            Ambiguity("exponent_then_fraction", _combine(left, right, "/"), raised)
        )

    def note_bare_call_root(self, left: Node, right: Node) -> None:
        """``cos x √(x+4)``, ``ln x |x|``: a bare argument ends before a root or ``|``."""
        last = left.factors[-1] if isinstance(left, Mul) else left
        if isinstance(last, Call) and id(last) in self.bare_call:
            arg = _combine(last.arg, right, "*")
            meant = Call(last.name, arg, (_start(last), _end(right)), last.base)
            self.ambiguities.append(
                Ambiguity("bare_argument_root", _combine(last, right, "*"), meant)
            )

    def note_bare_call_divided(self, left: Node, right: Node) -> None:
        """``sin 1/x`` and ``ln x/2``: a bare argument ends at the division."""
        last = left.factors[-1] if isinstance(left, Mul) else left
        if isinstance(last, Call) and id(last) in self.bare_call:
            meant = Call(
                last.name,
                Div(last.arg, right, (_start(last.arg), _end(right))),
                last.span,
                last.base,
            )
            self.ambiguities.append(
                Ambiguity("bare_argument_divided", _combine(left, right, "/"), meant)
            )

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
            bare = not (self.tok.kind == "op" and self.tok.value in OPENERS)
            exponent = self.exponent()
            node = Pow(base, exponent, (_start(base), _end(exponent)))
            if bare and _bare_atom(exponent):
                self.bare_exponent.add(id(node))
            return node
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
            if tok.value not in self.names:
                raise self.error(
                    f"unknown name {tok.value!r}: the variable is {self.variable}", tok.start
                )
            return Var(tok.value, (tok.start, tok.end))
        if tok.kind == "root":
            return self.root()
        if tok.kind == "frac":
            return self.fraction()
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
        if tok.kind == "op" and tok.value == "_":
            raise self.error("'_' is only for the base of a logarithm, as in log_2(x)")
        if tok.value in CLOSERS:
            raise self.error(f"unexpected {tok.value!r}: nothing inside the brackets")
        raise self.error(f"unexpected {tok.value!r}")

    def root(self) -> Node:
        """``√u``, ``∛u``, ``∜u``, ``\\sqrt{u}`` and ``\\sqrt[n]{u}``."""
        tok = self.advance()
        index: Node | None = None
        if tok.value == "latex-sqrt" and self.is_op("["):
            self.advance()
            index = self.expression()
            if has_variable(index):
                raise self.error("the index of a root must be a number", _start(index))
            if not self.is_op("]"):
                raise self.error("expected ']' to close the root's index")
            self.advance()
        if self.tok.kind == "end":
            raise self.error(
                f"{self.text[tok.start : tok.end]} needs something to take the root of"
            )
        arg = self.group() if tok.value == "latex-sqrt" and self.is_op("{") else self.power()
        span = (tok.start, _end(arg))
        if tok.value in ("sqrt", "cbrt"):
            return Call(tok.value, arg, span)
        if tok.value == "root4":
            index = Num("4", (tok.start, tok.end))
        if index is None or (isinstance(index, Num) and index.text == "2"):
            return Call("sqrt", arg, span)
        if isinstance(index, Num) and index.text == "3":
            return Call("cbrt", arg, span)
        return Pow(arg, Div(Num("1", index.span), index, index.span), span)

    def fraction(self) -> Node:
        """``\\frac{a}{b}`` (also ``\\frac12`` and ``\\frac{1}2``, as LaTeX allows)."""
        tok = self.advance()
        numerator = self.latex_argument(tok)
        denominator = self.latex_argument(tok)
        return Div(numerator, denominator, (tok.start, _end(denominator)))

    def latex_argument(self, command: Token) -> Node:
        if self.is_op(*OPENERS):
            return self.group()
        tok = self.tok
        if tok.kind == "num" and len(tok.value) > 1 and "." not in tok.value:
            # \frac12: one digit is one argument.
            self.tokens[self.i] = Token("num", tok.value[1:], tok.start + 1, tok.end)
            return Num(tok.value[0], (tok.start, tok.start + 1))
        if tok.kind in ("num", "name"):
            return self.atom()
        raise self.error("\\frac needs two arguments in braces, e.g. \\frac{1}{2}")

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
        typed = name_tok.value
        name = FUNCTION_ALIASES[typed]
        base: Node | None = Num("10", (name_tok.start, name_tok.end)) if typed == "lg" else None
        self.log_digits = False
        if name == "log" and base is None:
            base = self.log_base(name_tok)
        power: Node | None = None
        if self.is_op("^"):
            caret = self.advance()
            if self.tok.kind == "end":
                raise self.error(f"the expression ends after '{typed}^'")
            negative = self.negative_power()
            if negative is not None:
                name = self.inverse(name_tok, name, negative, caret.start)
            else:
                power = self.postfix()
        elif self.tok.kind == "sup":
            sup = self.advance()
            if sup.value.startswith("-"):
                name = self.inverse(name_tok, name, sup.value, sup.start)
            else:
                power = _sup_node(sup)
        log_digits, self.log_digits = self.log_digits, False
        arg, bare = self.argument(name_tok)
        node: Node = Call(name, arg, (name_tok.start, _end(arg)), base)
        if log_digits:
            self.ambiguities.append(Ambiguity("log_digits", node))
        elif name == "log" and base is None and typed == "log":
            self.ambiguities.append(Ambiguity("log_is_natural", node))
        if bare:
            self.bare_call.add(id(node))
            if isinstance(arg, Pow) and isinstance(arg.base, Var) and power is None:
                meant = Pow(Call(name, arg.base, node.span, base), arg.exponent, node.span)
                self.ambiguities.append(Ambiguity("bare_argument_power", node, meant))
        if power is not None:
            node = Pow(node, power, node.span)
        return node

    def log_base(self, name_tok: Token) -> Node | None:
        """The base of a logarithm: ``log_2``, ``log_{10}``, ``\\log_{2}``, ``log10(``, ``log10 x``."""
        if self.is_op("_"):
            underscore = self.advance()
            if self.tok.kind == "end":
                raise self.error("the base of the logarithm is missing after '_'")
            base = self.group() if self.is_op(*OPENERS) else self.atom()
            if has_variable(base):
                raise self.error("the base of a logarithm must be a number", underscore.end)
            value = estimate(base, self.text)
            if value is None or not value > 0 or value == 1:
                raise self.error(
                    "the base of a logarithm must be a positive number other than 1",
                    underscore.end,
                )
            if isinstance(base, Const) and base.name == "e":
                return None
            return base
        tok = self.tok
        if tok.kind == "num" and tok.start == name_tok.end and "." not in tok.value:
            after = self.peek()
            opens = after.kind == "op" and after.value in OPENERS
            starts = after.kind in ("num", "name", "root", "frac") or opens or after.value == "|"
            if opens or (starts and after.start > tok.end):
                # log10(x), log2 x: digits written against "log" are its base.
                self.advance()
                if int(tok.value) in (0, 1):
                    raise self.error(
                        "the base of a logarithm must be a positive number other than 1",
                        tok.start,
                    )
                return Num(tok.value, (tok.start, tok.end))
            if starts:
                self.log_digits = True
        return None

    def negative_power(self) -> str | None:
        """After ``sin^``: the power as text when it is a negative number (``-1``,
        ``(-1)``, ``{-1}``, ``(−2)``), consuming it; else None, consuming nothing."""
        start = self.i
        closer = None
        if self.is_op(*OPENERS):
            closer = OPENERS[self.advance().value]
        if not self.is_op("-"):
            self.i = start
            return None
        self.advance()
        if self.tok.kind != "num":
            raise self.error("a negative power on a function name must be a number, as in sin^-1")
        number = self.advance().value
        if closer is not None:
            if not self.is_op(closer):
                self.i = start
                return None
            self.advance()
        return "-" + number

    def inverse(self, name_tok: Token, name: str, power: str, position: int) -> str:
        """``sin^-1`` is arcsin; any other negative power on a function name is refused."""
        typed = name_tok.value
        if power in ("-1", "-1.0") and name in INVERSES:
            return INVERSES[name]
        if power in ("-1", "-1.0"):
            raise InputError(
                f"{typed}^-1 has no standard meaning: write 1/{typed}(x) for the reciprocal",
                self.text,
                position,
            )
        n = power.lstrip("-")
        raise InputError(
            f"{typed}^{power}: a negative power on a function name is not standard notation "
            f"(only {typed}^-1 is, for the inverse); write 1/{typed}(x)^{n}",
            self.text,
            position,
        )

    def argument(self, name_tok: Token) -> tuple[Node, bool]:
        """``sin(…)``, or a bare argument: ``sin 3x``, ``sin x^2``, stopping at operators.

        Returns the argument and whether it was bare (no brackets).
        """
        if self.is_op(*OPENERS):
            return self.group(), False
        if not self.starts_factor():
            raise self.error(f"{name_tok.value} needs an argument, e.g. {name_tok.value}(x)")
        if self.is_function(self.tok):
            return self.call(), True
        node = self.power()
        while self.starts_factor(bare_argument=True):
            node = _combine(node, self.power(), "*")
        return node, True


def _start(node: Node) -> int:
    return node.span[0]


def _end(node: Node) -> int:
    return node.span[1]


def _bare_atom(node: Node) -> bool:
    """A number, the variable or a constant, or its negative: ``2``, ``x``, ``-2``."""
    if isinstance(node, Neg):
        return _bare_atom(node.operand)
    return isinstance(node, Num | Var | Const)


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


def check_variable(variable: str) -> str:
    """The canonical variable name (``θ`` → ``theta``), or InputError for a bad one."""
    name = variable_name(variable)
    if (
        not name.isascii()
        or not name.isalpha()
        or name in FUNCTION_ALIASES
        or name in CONSTANTS
        or len(name) > 12
    ):
        raise InputError(
            f"the variable must be a letter or a Greek letter's name, not {variable[:20]!r}"
        )
    return name


def read(text: str, variable: str = "x", others: tuple[str, ...] = ()) -> Reading:
    """Parse ``text`` into a syntax tree with its ambiguity notes, or raise ``InputError``.

    ``others`` are more variable names, for several variables (``reading/equations.py``);
    ``to_sympy(..., symbols=…)`` then gives each its own symbol.
    """
    name = check_variable(variable)
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"input too long ({len(text)} characters; at most {MAX_LENGTH})", text, MAX_LENGTH
        )
    left, start = left_side(text, name)
    tokens = tokenize(" " * start + text[start:], name, others)
    parser = _Parser(text, tokens, name, others)
    try:
        tree = parser.parse()
    except RecursionError:
        raise InputError(f"nested too deeply (at most {MAX_DEPTH} levels)", text, 0) from None
    check_limits(tree, text)
    tree = _without_idle_powers(tree, parser.ambiguities, parser.fraction_exponent)
    return Reading(text, tree, name, parser.ambiguities, left)


def _without_idle_powers(node: Node, notes: list[Ambiguity], noted: set[int]) -> Node:
    """The tree with the powers 1 and 0 of the variable's functions worked out, each noted.

    ``(2x−7)^1`` is read as 2x − 7 and ``cos^0 x`` as 1, with a note that says so
    (the rule tree has no layer for a power that does nothing).
    """
    import dataclasses

    if isinstance(node, Num | Var | Const):
        return node
    changes: dict[str, object] = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        new: object
        if isinstance(value, tuple) and item.name != "span":
            new = tuple(_without_idle_powers(v, notes, noted) for v in value)
        elif isinstance(value, Num | Var | Const | Call | Pow | Mul | Div | Add | Neg):
            new = _without_idle_powers(value, notes, noted)
        else:
            continue
        if new is not value and new != value:
            changes[item.name] = new
    out = dataclasses.replace(node, **changes) if changes else node  # type: ignore[arg-type]
    power = _idle_power(out)
    if power is not None and isinstance(out, Pow):
        if power == 1:
            if id(node) not in noted:
                notes.append(Ambiguity("power_one", out, out.base))
            return out.base
        notes.append(Ambiguity("power_zero", out, Num("1", out.span)))
        return Num("1", out.span)
    return out


def _idle_power(node: Node) -> int | None:
    """1 or 0 for a power of the variable's function that does nothing (``^1``, ``^(2-1)``,
    ``^1.0``, ``^0``), else None. The exponent is a constant whose size is already checked."""
    if not isinstance(node, Pow) or has_variable(node.exponent) or not has_variable(node.base):
        return None
    if isinstance(node.exponent, Num) and node.exponent.text not in ("0", "1", "1.0", "0.0"):
        return None  # x^2, x^0.5: the common case, decided without SymPy
    approx = estimate(node.exponent, "")
    if approx is None or min(abs(approx), abs(approx - 1)) > 1e-9:
        return None  # in floating point already neither 0 nor 1: no exact look needed
    import sympy as sp

    value = to_sympy(node.exponent, sp.Symbol("x", real=True))
    return int(value) if value in (0, 1) else None


# -- a left side: "y = …", "dy/dx = …", "f'(x) = …" ------------------------------------
_PRIMES = "'′ʹ’"


def left_side(text: str, variable: str = "x") -> tuple[str | None, int]:
    """What a left side before ``=`` names, and where the maths after it starts.

    Students write ``y = …``, ``f(x) = …``, ``g(t) = …`` (the function: "function")
    and ``y' = …``, ``y′ = …``, ``dy/dx = …``, ``f'(x) = …``, ``d/dx(…) = …`` (its
    derivative: "derivative"). Without an ``=``: (None, 0). A left side in another
    variable (``dx/dy``, ``f'(t)`` when the variable is x) or naming nothing
    known is refused with an ``InputError`` at the left side. (A later
    ``--where`` may give ``z = x^2*y`` a dependent variable: it would start here.)
    """
    import re

    if "=" not in text:
        return None, 0
    equals = text.index("=")
    lhs, start = text[:equals].strip(), equals + 1
    at = len(text[:equals]) - len(text[:equals].lstrip())
    if not lhs:
        raise InputError("nothing before '=': write the function, or y = …", text, equals)
    if "=" in text[start:]:
        raise InputError("one '=' at most, as in y = (3x+1)^2", text, text.index("=", start))
    if not text[start:].strip():
        raise InputError("nothing after '=': write the expression after it", text, equals)
    compact = re.sub(r"\s+", "", lhs)
    if compact == variable:  # x = 1: an equation for x, not a function of it
        raise InputError("type an expression, not an equation (no '=')", text, equals)
    v = re.escape(variable)
    p = f"[{_PRIMES}]"
    if re.fullmatch(r"[a-zA-Z]", compact) and compact != variable:
        return "function", start  # y = …, z = …
    if re.fullmatch(rf"[a-zA-Z]\({v}\)", compact):
        return "function", start  # f(x) = …, g(t) = …
    if re.fullmatch(rf"[a-zA-Z]{p}(\({v}\))?", compact) and compact[0] != variable:
        return "derivative", start  # y' = …, y′ = …, f'(x) = …
    if re.fullmatch(rf"d[a-zA-Z]?/d{v}(\(.*\)|\[.*\])?", compact):
        return "derivative", start  # dy/dx = …, d/dx = …, d/dx(sin(x^2)) = …
    other = re.fullmatch(rf"(?:[a-zA-Z]{p}?\((\w+)\)|d[a-zA-Z]?/d(\w+).*)", compact)
    if other is not None:
        named = other.group(1) or other.group(2)
        raise InputError(
            f"the left side {lhs!r} is in {named}, but the variable is {variable}: "
            f"write {_example(variable)} = …, or give --var {named}",
            text,
            at,
        )
    raise InputError(
        f"cannot read the left side {lhs!r}: write y = …, f({variable}) = … "
        f"or {_example(variable)} = …, or the expression alone",
        text,
        at,
    )


def refuse_derivative_side(text: str, variable: str = "x") -> None:
    """InputError for a function to differentiate written as a derivative (``y' = 2x``)."""
    left, start = left_side(text, check_variable(variable))
    if left == "derivative":
        lhs = text[: start - 1].strip()
        raise InputError(
            f"{lhs} = … names a derivative: give the function to differentiate, as in y = …",
            text,
            len(text) - len(text.lstrip()),
        )


def _example(variable: str) -> str:
    return f"dy/d{variable}"


def parse(text: str, variable: str = "x") -> Node:
    """Parse ``text`` into a syntax tree, or raise ``InputError`` with a position."""
    return read(text, variable).tree


def parse_number(text: str) -> sympy.Expr:
    """Parse a point such as ``1``, ``-0.5``, ``pi/4`` or ``sqrt(2)``: no variable allowed.

    A decimal is read exactly (0.0098 is 49/5000), so values at it stay exact.
    """
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

    return sp.Symbol(variable_name(variable), real=True)


def parse_sympy(text: str, variable: str = "x") -> sympy.Expr:
    """Parse straight to an evaluated SymPy expression (for answers)."""
    return to_sympy(parse(text, variable), symbol(variable))
