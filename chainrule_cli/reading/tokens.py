"""Math input as tokens: numbers, names, operators, superscripts, roots and LaTeX commands.

Every character is checked against a whitelist here, before any parsing: a
run of letters is split into known names (in time linear in its length), a
LaTeX command must be one of ``LATEX``, and anything else is refused with its
position. Nothing is ever evaluated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from chainrule_cli.errors import InputError
from chainrule_cli.reading.syntax import CONSTANTS, FUNCTION_ALIASES, GREEK

#: The most digits one number may have.
MAX_DIGITS = 30

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
ROOTS = {"√": "sqrt", "∛": "cbrt", "∜": "root4"}

#: LaTeX commands: what each one is, as a token (kind, value); None means "skip it".
LATEX: dict[str, tuple[str, str] | None] = {
    **{name: ("name", name) for name in FUNCTION_ALIASES},
    "pi": ("name", "pi"),
    "cdot": ("op", "*"),
    "times": ("op", "*"),
    "div": ("op", "/"),
    "frac": ("frac", "frac"),
    "dfrac": ("frac", "frac"),
    "tfrac": ("frac", "frac"),
    "sqrt": ("root", "latex-sqrt"),
    "left": None,
    "right": None,
    "big": None,
    "Big": None,
    "bigl": None,
    "bigr": None,
    "Bigl": None,
    "Bigr": None,
    "vert": ("op", "|"),
    "lvert": ("op", "|"),
    "rvert": ("op", "|"),
    "mid": ("op", "|"),
    "operatorname": ("operatorname", ""),
    "mathrm": ("operatorname", ""),
    **{name: ("name", name) for name in GREEK.values()},
}
#: LaTeX spacing commands, read as a space.
LATEX_SPACES = {",", ";", ":", "!", " ", "quad", "qquad"}


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is num, name, op, sup, root, frac, operatorname or end."""

    kind: str
    value: str
    start: int
    end: int


# -- tokens ------------------------------------------------------------------------
def tokenize(text: str, variable: str = "x", others: tuple[str, ...] = ()) -> list[Token]:
    """Split ``text`` into tokens, refusing anything outside the whitelist.

    ``others`` are more variable names (several variables: ``z = x^2*y``).
    """
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
            if j < n and text[j] == "." and j + 1 < n and _digit(text[j + 1]):
                raise InputError("malformed number: more than one decimal point", text, i)
            digits = sum(ch.isdigit() for ch in text[i:j])
            if digits > MAX_DIGITS:
                raise InputError(
                    f"number too long ({digits} digits; at most {MAX_DIGITS})", text, i
                )
            tokens.append(Token("num", text[i:j], i, j))
            i = j
        elif c.isascii() and c.isalpha():
            j = i
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            tokens.extend(_split_name(text, i, j, variable, others))
            i = j
        elif c == "\\":
            i = _latex(text, i, tokens)
        elif c == "π":
            tokens.append(Token("name", "pi", i, i + 1))
            i += 1
        elif c in GREEK:
            tokens.append(Token("name", GREEK[c], i, i + 1))
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
        elif c == "_" and not (tokens and tokens[-1].kind == "name" and tokens[-1].value == "log"):
            raise InputError(
                "unexpected character '_' (it only marks a log's base: log_2 x)", text, i
            )
        elif c in "^_" or c in OPENERS or c in CLOSERS or c == "|":
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
        elif c in ROOTS:
            tokens.append(Token("root", ROOTS[c], i, i + 1))
            i += 1
        elif c == "=":
            raise InputError("type an expression, not an equation (no '=')", text, i)
        elif c == ",":
            raise InputError("unexpected ','", text, i)
        else:
            raise InputError(f"unexpected character {_char(c)}", text, i)
    tokens.append(Token("end", "", n, n))
    return tokens


def _char(c: str) -> str:
    """A character for a message: printable ones quoted, others by code point."""
    return repr(c) if c.isprintable() else f"U+{ord(c):04X}"


def _latex(text: str, i: int, tokens: list[Token]) -> int:
    """One LaTeX command at ``text[i] == '\\\\'``: append its token, return where it ends."""
    n = len(text)
    j = i + 1
    if j < n and not (text[j].isascii() and text[j].isalpha()):
        symbol_ = text[j]
        if symbol_ in LATEX_SPACES:
            return j + 1
        if symbol_ in "{}":
            tokens.append(Token("op", symbol_, i, j + 1))
            return j + 1
        if symbol_ == "|":
            tokens.append(Token("op", "|", i, j + 1))
            return j + 1
        raise InputError(f"unknown LaTeX command \\{symbol_}", text, i)
    while j < n and text[j].isascii() and text[j].isalpha():
        j += 1
    name = text[i + 1 : j]
    if not name:
        raise InputError("a backslash needs a LaTeX command after it, e.g. \\sin", text, i)
    if name in LATEX_SPACES:
        return j
    if name not in LATEX:
        raise InputError(f"unknown LaTeX command \\{name}", text, i)
    kind = LATEX[name]
    if kind is None:
        return j
    if kind[0] == "operatorname":
        # \operatorname{asec}: the braces hold a function name.
        k = j
        while k < n and text[k].isspace():
            k += 1
        close = text.find("}", k)
        if k >= n or text[k] != "{" or close < 0:
            raise InputError(f"\\{name} needs a name in braces, e.g. \\{name}{{asec}}", text, i)
        word = text[k + 1 : close].strip()
        if word in FUNCTION_ALIASES or word in CONSTANTS:
            tokens.append(Token("name", word, i, close + 1))
            return close + 1
        raise InputError(f"unknown function name {word!r}", text, k + 1)
    tokens.append(Token(kind[0], kind[1], i, j))
    return j


def _digit(c: str) -> bool:
    """An ASCII digit (``str.isdigit`` also says yes to '²')."""
    return "0" <= c <= "9"


def _split_name(
    text: str, start: int, end: int, variable: str, others: tuple[str, ...] = ()
) -> list[Token]:
    """Split a run of letters into known names, longest name first.

    ``xsin`` is x·sin and ``exp`` is exp (not e·x·p). The search remembers
    which positions cannot be split, so it takes time linear in the run's
    length (no exponential backtracking on ``sinhsinh…q``). When the run cannot
    be split, the error names the unknown part: a Greek name that is not the
    variable, a lone letter after known names (``xy`` → 'y'), or the whole run.
    """
    run = text[start:end]
    known = _known_words(variable, others)
    dead: set[int] = set()

    def split(pos: int) -> list[str] | None:
        # Iterative over the run: each position is tried once.
        stack: list[tuple[int, int, list[str]]] = [(pos, 0, [])]
        while stack:
            at, choice, words = stack.pop()
            if at == len(run):
                return words
            if at in dead:
                continue
            options = [w for w in known if run.startswith(w, at)]
            if choice >= len(options):
                dead.add(at)
                continue
            stack.append((at, choice + 1, words))
            word = options[choice]
            stack.append((at + len(word), 0, [*words, word]))
        return None

    words = split(0)
    if words is None:
        if run in GREEK.values() or run.lower() in GREEK.values():
            raise InputError(f"unknown name {run!r}: the variable is {variable}", text, start)
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
            unknown = unknown[0]
        message = f"unknown name {unknown[:40]!r}"
        if len(unknown) == 1 or (unknown.lower() == unknown and len(unknown) <= 2):
            message += f": the variable is {variable}"
        raise InputError(message, text, start + pos)
    tokens: list[Token] = []
    pos = start
    for word in words:
        tokens.append(Token("name", word, pos, pos + len(word)))
        pos += len(word)
    return tokens


@functools.cache
def _known_words(variable: str, others: tuple[str, ...] = ()) -> tuple[str, ...]:
    words = {*FUNCTION_ALIASES, *CONSTANTS, variable, *others}
    return tuple(sorted(words, key=len, reverse=True))
