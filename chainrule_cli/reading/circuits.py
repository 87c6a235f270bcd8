"""Reading a computation graph as typed: ``f = sigmoid(w0*x0 + w1*x1 + w2)``.

The same safe parser as every other input (``grammar.Parser``, the same
tokens and size limits), with three things more:

* several variables, named by the caller (the names given values with
  ``--at`` and defined with ``--where``); a name may end in digits (``w0``, ``x1``);
* the gates ``sigmoid`` (or ``σ``), ``relu``, ``max(a, b)`` and ``min(a, b)``, read
  as ``syntax.Gate`` nodes (``tanh``, ``exp``, ``ln``, powers and the four
  operations are the parser's own);
* a left side naming the output (``f = …``, ``loss = …``) and ``--where`` lines
  ``q = x + y`` naming an intermediate node.

Nothing is evaluated and SymPy is not imported: ``graph/engine.py`` computes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chainrule_cli.errors import InputError
from chainrule_cli.reading.grammar import Parser
from chainrule_cli.reading.parsing import MAX_LENGTH
from chainrule_cli.reading.sizes import MAX_DEPTH, check_limits
from chainrule_cli.reading.syntax import (
    CONSTANTS,
    FUNCTION_ALIASES,
    Gate,
    Node,
    Var,
    children,
)
from chainrule_cli.reading.tokens import OPENERS, Token, tokenize

#: Gate names as typed → the gate (``σ`` is read as the name ``sigma``).
GATES: dict[str, str] = {
    "sigmoid": "sigmoid",
    "sigma": "sigmoid",
    "relu": "relu",
    "ReLU": "relu",
    "max": "max",
    "min": "min",
}
#: How many arguments each gate takes: (at least, at most).
ARITY: dict[str, tuple[int, int]] = {
    "sigmoid": (1, 1),
    "relu": (1, 1),
    "max": (2, 8),
    "min": (2, 8),
}
#: The most variables and named nodes a circuit may have.
MAX_NAMES = 40
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Circuit:
    """A read computation: the output's name (None when not named), its tree, and
    the named intermediate nodes in the order given (each ``(name, tree)``)."""

    text: str
    output: str | None
    tree: Node
    where: tuple[tuple[str, Node], ...]
    inputs: tuple[str, ...]


class _CircuitParser(Parser):
    """The parser, knowing several variables and the gates."""

    def __init__(self, text: str, tokens: list[Token], names: Sequence[str]) -> None:
        super().__init__(text, tokens, names[0] if names else "x")
        self.names = set(names)

    def is_function(self, tok: Token) -> bool:
        return super().is_function(tok) or (tok.kind == "name" and tok.value in GATES)

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "name" and tok.value in GATES:
            return self.gate()
        if tok.kind == "name" and tok.value in self.names:
            self.advance()
            return Var(tok.value, (tok.start, tok.end))
        return super().atom()

    def call(self) -> Node:
        if self.tok.value in GATES:
            return self.gate()
        return super().call()

    def gate(self) -> Node:
        """``sigmoid(u)``, ``relu(u)``, ``max(a, b)``, ``min(a, b)``: brackets required."""
        name_tok = self.advance()
        name = GATES[name_tok.value]
        shown = "σ" if name_tok.value == "sigma" else name_tok.value
        if not self.is_op(*OPENERS):
            raise self.error(f"{shown} needs its argument in brackets, e.g. {shown}(x)")
        opener = self.advance()
        closer = OPENERS[opener.value]
        args: list[Node] = []
        while True:
            if self.is_op(closer) or self.is_op(","):
                raise self.error(f"{shown}( … ) is missing an argument here")
            args.append(self.expression())
            if self.is_op(","):
                self.advance()
                continue
            break
        if not self.is_op(closer):
            if self.tok.kind == "end":
                raise self.error(
                    f"unbalanced brackets: this {opener.value!r} is never closed", opener.start
                )
            raise self.error(f"expected {closer!r} or ',' in {shown}( … )")
        close = self.advance()
        low, high = ARITY[name]
        if not low <= len(args) <= high:
            wanted = "one argument" if high == 1 else f"{low} to {high} arguments"
            raise InputError(f"{shown} takes {wanted}", self.text, name_tok.start)
        return Gate(name, tuple(args), (name_tok.start, close.end))


def check_name(name: str, text: str = "", position: int = 0, output: bool = False) -> str:
    """``name`` if it can name a variable or a node (``x``, ``w0``, ``q``, ``loss``), else
    InputError. The output may be called ``e`` (Colah's e = (a + b)(b + 1)): nothing reads it."""
    if (
        not _NAME.fullmatch(name)
        or name in FUNCTION_ALIASES
        or (name in CONSTANTS and not output)
        or name in GATES
        or len(name) > 12
    ):
        shown = name[:20] or "nothing"
        raise InputError(
            f"{shown!r} cannot name a variable or node: use letters and digits "
            "(x, w0, q), not a function's name or e",
            text,
            position,
        )
    return name


def split_equation(text: str, output: bool = False) -> tuple[str | None, int]:
    """The name on the left of ``=`` (None without one) and where the right side starts."""
    if "=" not in text:
        return None, 0
    equals = text.index("=")
    left = text[:equals].strip()
    at = len(text[:equals]) - len(text[:equals].lstrip())
    if not left:
        raise InputError("nothing before '=': write a name, as in f = (x + y)*z", text, equals)
    if "=" in text[equals + 1 :]:
        raise InputError("one '=' at most, as in f = (x + y)*z", text, text.index("=", equals + 1))
    if not text[equals + 1 :].strip():
        raise InputError("nothing after '=': write the expression after it", text, equals)
    return check_name(left, text, at, output), equals + 1


def parse_expression(text: str, start: int, names: Sequence[str]) -> Node:
    """The tree of ``text[start:]``, reading ``names`` as variables, with the parser's limits."""
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"input too long ({len(text)} characters; at most {MAX_LENGTH})", text, MAX_LENGTH
        )
    words = tuple(names) + tuple(GATES)
    try:
        tokens = tokenize(" " * start + text[start:], names[0] if names else "x", words)
    except InputError as exc:
        raise _unknown(InputError(exc.message, text, exc.position), names) from None
    parser = _CircuitParser(text, tokens, names)
    try:
        tree = parser.parse()
    except RecursionError:
        raise InputError(f"nested too deeply (at most {MAX_DEPTH} levels)", text, 0) from None
    except InputError as exc:
        raise _unknown(exc, names) from None
    _check_sizes(tree, text)
    return tree


def _unknown(exc: InputError, names: Sequence[str]) -> InputError:
    """An "unknown name" error that says how to give a name a value."""
    if not exc.message.startswith("unknown name "):
        return exc
    head = exc.message.split(":")[0]
    known = ", ".join(names) if names else "none yet"
    return InputError(
        f"{head}: give it a value with --at, or define it with --where (known: {known})",
        exc.text,
        exc.position,
    )


def _check_sizes(tree: Node, text: str) -> None:
    """The parser's size limits (9^9^9 refused at once), also inside gates."""
    check_limits(tree, text)
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Gate):
            for arg in node.args:
                check_limits(arg, text)
        stack.extend(children(node))


def read_circuit(
    text: str, inputs: Sequence[str], where: Sequence[str] = (), output: str | None = None
) -> Circuit:
    """Read the function line and its ``--where`` lines, with ``inputs`` as the variables.

    Each ``--where`` line is ``NAME = EXPR``; it may use the inputs and the names
    defined before it. The function line may use every name.
    """
    named: list[tuple[str, Node]] = []
    for raw in inputs:
        check_name(raw)
    if len(set(inputs)) != len(inputs):
        raise InputError("each variable may be given one value in --at")
    if len(inputs) + len(where) > MAX_NAMES:
        raise InputError(f"at most {MAX_NAMES} variables and named nodes")
    known = list(inputs)
    for line in where:
        name, start = split_equation(line)
        if name is None:
            raise InputError('--where needs a name and an expression, as in "q = x + y"', line, 0)
        if name in known:
            what = "a variable" if name in inputs else "already defined"
            raise InputError(f"{name} is {what}: choose another name", line, line.index(name))
        named.append((name, parse_expression(line, start, known)))
        known.append(name)
    left, start = split_equation(text, output=True)
    if left is not None and left in known:
        raise InputError(
            f"{left} names the output and is also a variable: choose another name", text, 0
        )
    tree = parse_expression(text, start, known)
    return Circuit(text, left or output, tree, tuple(named), tuple(inputs))


def read_point(text: str) -> list[tuple[str, Node, str]]:
    """``x=-2,y=5,z=-4`` → (name, value tree, value as typed) for each, in order.

    A value is a number (``-2``, ``0.5``, ``1/3``, ``pi/4``), read by the parser.
    """
    out: list[tuple[str, Node, str]] = []
    if not text.strip():
        raise InputError("--at needs values, as in --at x=-2,y=5")
    position = 0
    for part in text.split(","):
        here = position + len(part) - len(part.lstrip())
        position += len(part) + 1
        if "=" not in part:
            raise InputError(
                f"{part.strip() or 'an empty part'!r}: write name=value, as in x=-2", text, here
            )
        name, _, value = part.partition("=")
        check_name(name.strip(), text, here)
        if not value.strip():
            raise InputError(f"no value after {name.strip()}=", text, here + len(part.strip()))
        offset = here + part.strip().index("=") + 1
        try:
            tree = parse_expression(value, 0, ())
        except InputError as exc:
            message = exc.message
            if message.startswith("unknown name"):
                message = f"the value of {name.strip()} must be a number"
            raise InputError(message, text, offset + (exc.position or 0)) from None
        out.append((name.strip(), tree, value.strip()))
    names = [name for name, _, _ in out]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError(f"{name} is given two values", text)
    return out
