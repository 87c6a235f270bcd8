"""The grammar: a recursive-descent parser over the tokens (``tokens.py``), one method per
precedence level, that builds the syntax tree (``syntax.py``) and notes the ambiguous
places it passes (``ambiguity.py``). ``parsing.read`` is its entry point.
"""

from __future__ import annotations

from chainrule_cli.errors import InputError
from chainrule_cli.reading.ambiguity import Ambiguity
from chainrule_cli.reading.sizes import estimate
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
)
from chainrule_cli.reading.tokens import CLOSERS, OPENERS, Token


# -- the grammar -------------------------------------------------------------------
class Parser:
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
