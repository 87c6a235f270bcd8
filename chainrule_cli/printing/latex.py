"""Boxes written out as LaTeX (amsmath only), for worksheets and Anki's MathJax.

Also LaTeX's text mode for words from problem banks, whose unicode math
(π, r³, °, −) a plain ``pdflatex`` cannot typeset as it is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from chainrule_cli.printing.boxes import (
    Apply,
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Prime,
    Row,
    Space,
    Sqrt,
    Sub,
    Sup,
    Txt,
)

# -- LaTeX ------------------------------------------------------------------------------------

LATEX_FUNCTIONS = {
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "ln", "log", "exp",
}  # fmt: skip
LATEX_OPS = {
    "−": "-",
    "∂": r"\partial ",
    "·": r"\cdot",
    "×": r"\times",
    "→": r"\to",
    "≈": r"\approx",
    "′": "'",
    "": "",
    ",": r",\,",
}


#: Operators that are safe as they are in LaTeX's math mode (and MathJax's).
LATEX_SAFE_OPS = frozenset("+-=()[]<>/!,.:;|'*?")


def to_latex(box: Box, mathjax: bool = False) -> str:
    """The box as LaTeX math (amsmath only), without delimiters.

    ``mathjax``: for MathJax (Anki), whose ``\\text{…}`` shows its words as
    they are but for ``\\`` ``{`` ``}`` ``$``; else for ``pdflatex``, whose text
    mode needs every special character escaped (``latex_text``). Words from a
    bank (quantity names, units) are always text, never read as LaTeX.
    """
    text = mathjax_text if mathjax else latex_text

    def tex(box: Box) -> str:
        if isinstance(box, Ident):
            if box.function:
                if box.name in LATEX_FUNCTIONS:
                    return f"\\{box.name}"
                if box.name.isascii() and box.name.isalpha():
                    return rf"\operatorname{{{box.name}}}"
                return rf"\operatorname{{\text{{{text(box.name)}}}}}"
            return latex_symbol(box.name, text)
        if isinstance(box, Num):
            return box.text if _plain_number(box.text) else rf"\text{{{text(box.text)}}}"
        if isinstance(box, Op):
            if box.text in LATEX_OPS:
                return LATEX_OPS[box.text]
            if all(c in LATEX_SAFE_OPS for c in box.text):
                return box.text
            return rf"\text{{{text(box.text)}}}"
        if isinstance(box, Txt):
            return rf"\text{{{text(box.text)}}}"
        if isinstance(box, Space):
            return r"\,"
        if isinstance(box, Row):
            out = ""
            for item in box.items:
                out = _joined(out, tex(item))
            return out
        if isinstance(box, Frac):
            return rf"\frac{{{tex(box.num)}}}{{{tex(box.den)}}}"
        if isinstance(box, Sup):
            return f"{tex(box.base)}^{{{tex(box.exp)}}}"
        if isinstance(box, Sub):
            return f"{tex(box.base)}_{{{tex(box.sub)}}}"
        if isinstance(box, Sqrt):
            index = f"[{tex(box.index)}]" if box.index is not None else ""
            return rf"\sqrt{index}{{{tex(box.body)}}}"
        if isinstance(box, Fenced):
            opening = OPENING.get(box.open, "(")
            closing = CLOSING.get(box.close, ")")
            if not tall(box.body):
                # (x^2 + 1)^3, not \left(…\right); \lvert x, not \lvertx
                return _joined(_joined(opening, tex(box.body)), closing)
            return rf"\left{opening} {tex(box.body)} \right{closing}"
        if isinstance(box, Apply):
            return tex(box.head) + tex(box.arg)
        if isinstance(box, Prime):
            return f"{{{tex(box.body)}}}'"
        raise TypeError(f"not a box: {box!r}")

    return tex(box)


#: Brackets as LaTeX writes them, bare or after \left and \right.
OPENING = {"(": "(", "[": "[", "|": r"\lvert", "{": r"\{"}
CLOSING = {")": ")", "]": "]", "|": r"\rvert", "}": r"\}"}


def _joined(left: str, right: str) -> str:
    """Two pieces of LaTeX side by side: \\pi x, not \\pix (a control word ends at a non-letter)."""
    if left[-1:].isalpha() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right


def _plain_number(text: str) -> bool:
    """Digits with an optional point: safe in math mode as they are."""
    return bool(text) and all(c.isascii() and (c.isdigit() or c == ".") for c in text)


def tall(box: Box) -> bool:
    """Whether brackets around ``box`` must grow: it holds a fraction or a big radical."""
    if isinstance(box, Frac):
        return True
    if isinstance(box, Row):
        return any(tall(i) for i in box.items)
    if isinstance(box, Sqrt | Fenced | Prime):
        return tall(box.body)
    if isinstance(box, Apply):
        return tall(box.arg)
    if isinstance(box, Sup | Sub):
        return tall(box.base)  # a fraction in an exponent stays small
    return False


def latex_symbol(name: str, text: Callable[[str], str] | None = None) -> str:
    """x → x, π → \\pi, θ → \\theta, ∞ → \\infty, rate → \\mathit{rate}.

    Any other name (a quantity from a bank: "volume of water", "cost_$") is text
    in italics, escaped by ``text`` (``latex_text`` unless told).
    """
    text = text or latex_text
    if name == "∞":
        return r"\infty"
    if len(name) == 1 and not name.isascii():
        words = unicodedata.name(name, "").split()
        if words[:2] == ["GREEK", "SMALL"]:
            return "\\" + words[-1].lower()
        if words[:2] == ["GREEK", "CAPITAL"]:
            return "\\" + words[-1].capitalize()
    if name.isascii() and name.isalnum() and name[:1].isalpha():
        return name if len(name) == 1 else rf"\mathit{{{name}}}"
    if len(name) == 1 and name.isascii() and name.isdigit():
        return name
    return rf"\textit{{{text(name)}}}"


#: Text-mode LaTeX for the characters that need it (OT1 fonts, no packages but amsmath).
LATEX_TEXT = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\(\$\)",  # the math dollar: OT1's text dollar would pull in a bitmap font
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "*": r"\textasteriskcentered{}",  # a raw * or ` would be Markdown's inside $…$
    "`": r"\textasciigrave{}",
    '"': "''",
    "π": r"\(\pi\)",
    "σ": r"\(\sigma\)",
    "θ": r"\(\theta\)",
    "°": r"\(^{\circ}\)",
    "·": r"\(\cdot\)",
    "×": r"\(\times\)",
    "−": "-",
    "–": "--",
    "—": "---",
    "′": r"\('\)",
    "→": r"\(\to\)",
    "∂": r"\(\partial\)",
    "≠": r"\(\neq\)",
    "≈": r"\(\approx\)",
    "√": r"\(\surd\)",
    "∛": r"\(\sqrt[3]{\,}\)",
    "…": r"\ldots{}",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
}
#: What MathJax's ``\\text{…}`` reads specially: the rest it shows as it is.
MATHJAX_TEXT = str.maketrans({"\\": "\\\\", "{": r"\{", "}": r"\}", "$": r"\$"})


def mathjax_text(text: str) -> str:
    """Words for MathJax's ``\\text{…}`` (Anki): shown exactly as they are."""
    return text.translate(MATHJAX_TEXT)


SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿᵘᵛˣ", "0123456789-nuvx")


def latex_text(text: str) -> str:
    """Plain text for LaTeX's text mode, with the unicode math of problem texts made LaTeX."""
    out = []
    for char in text:
        if char in LATEX_TEXT:
            out.append(LATEX_TEXT[char])
        elif char in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻ⁿᵘᵛˣ":
            out.append(rf"\(^{{{char.translate(SUPERSCRIPTS)}}}\)")
        elif char.isascii() or _latin(char):
            out.append(char)
        elif char == "∞" or unicodedata.name(char, "").startswith("GREEK"):
            out.append(rf"\({latex_symbol(char)}\)")
        else:  # a symbol LaTeX's text fonts lack (latex_symbol would hand it back as text)
            out.append("?")
    return "".join(out)


def _latin(char: str) -> bool:
    """A Latin-1 letter that pdflatex's default UTF-8 input handles (é, ü, ß …)."""
    return 0xC0 <= ord(char) <= 0xFF and char not in "×÷"
