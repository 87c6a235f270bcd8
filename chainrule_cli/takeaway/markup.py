"""The boxes of ``notation`` written out: LaTeX (amsmath only) and MathML Core.

Also LaTeX's text mode for words from problem banks, whose unicode math
(π, r³, °, −) a plain ``pdflatex`` cannot typeset as it is.
"""

from __future__ import annotations

import unicodedata

from chainrule_cli.takeaway.notation import (
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
    "·": r"\cdot",
    "×": r"\times",
    "→": r"\to",
    "≈": r"\approx",
    "′": "'",
    "": "",
    ",": r",\,",
}


def to_latex(box: Box) -> str:
    """The box as LaTeX math (amsmath only), without delimiters."""
    if isinstance(box, Ident):
        if box.function:
            return (
                f"\\{box.name}" if box.name in LATEX_FUNCTIONS else rf"\operatorname{{{box.name}}}"
            )
        return latex_symbol(box.name)
    if isinstance(box, Num):
        return box.text
    if isinstance(box, Op):
        return LATEX_OPS.get(box.text, box.text)
    if isinstance(box, Txt):
        return rf"\text{{{latex_text(box.text)}}}"
    if isinstance(box, Space):
        return r"\,"
    if isinstance(box, Row):
        out = ""
        for item in box.items:
            text = to_latex(item)
            if out and out[-1].isalpha() and text[:1].isalpha():
                out += " "  # \pi x, not \pix
            out += text
        return out
    if isinstance(box, Frac):
        return rf"\frac{{{to_latex(box.num)}}}{{{to_latex(box.den)}}}"
    if isinstance(box, Sup):
        return f"{to_latex(box.base)}^{{{to_latex(box.exp)}}}"
    if isinstance(box, Sqrt):
        index = f"[{to_latex(box.index)}]" if box.index is not None else ""
        return rf"\sqrt{index}{{{to_latex(box.body)}}}"
    if isinstance(box, Fenced):
        opening = r"\lvert" if box.open == "|" else box.open
        closing = r"\rvert" if box.close == "|" else box.close
        if not tall(box.body):
            return rf"{opening}{to_latex(box.body)}{closing}"  # (x^2 + 1)^3, not \left(…\right)
        return rf"\left{opening} {to_latex(box.body)} \right{closing}"
    if isinstance(box, Apply):
        return to_latex(box.head) + to_latex(box.arg)
    if isinstance(box, Prime):
        return f"{{{to_latex(box.body)}}}'"
    raise TypeError(f"not a box: {box!r}")


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
    if isinstance(box, Sup):
        return tall(box.base)  # a fraction in an exponent stays small
    return False


def latex_symbol(name: str) -> str:
    """x → x, π → \\pi, θ → \\theta, ∞ → \\infty, rate → \\mathit{rate}."""
    if name == "∞":
        return r"\infty"
    if len(name) == 1 and not name.isascii():
        words = unicodedata.name(name, "").split()
        if words[:2] == ["GREEK", "SMALL"]:
            return "\\" + words[-1].lower()
        if words[:2] == ["GREEK", "CAPITAL"]:
            return "\\" + words[-1].capitalize()
    if len(name) > 1:
        return rf"\mathit{{{latex_text(name)}}}"
    return name if name.isascii() else rf"\text{{{latex_text(name)}}}"


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
    '"': "''",
    "π": r"\(\pi\)",
    "σ": r"\(\sigma\)",
    "θ": r"\(\theta\)",
    "°": r"\(^\circ\)",
    "·": r"\(\cdot\)",
    "×": r"\(\times\)",
    "−": "-",
    "–": "--",
    "—": "---",
    "′": r"\('\)",
    "→": r"\(\to\)",
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
        else:
            greek_name = latex_symbol(char)
            out.append(rf"\({greek_name}\)" if greek_name.startswith("\\") else "?")
    return "".join(out)


def _latin(char: str) -> bool:
    """A Latin-1 letter that pdflatex's default UTF-8 input handles (é, ü, ß …)."""
    return 0xC0 <= ord(char) <= 0xFF and char not in "×÷"


# -- MathML -----------------------------------------------------------------------------------

MATHML_OPS = {"": "&#x2062;", "−": "&#x2212;", "′": "&#x2032;"}


def to_mathml(box: Box, display: bool = False) -> str:
    """The box as a ``<math>`` element (MathML Core: no ``mfenced``, no entities but numeric)."""
    mode = ' display="block"' if display else ""
    return f"<math{mode}>{_ml(box)}</math>"


def _ml(box: Box) -> str:
    if isinstance(box, Ident):
        return f"<mi>{_escape(box.name)}</mi>"
    if isinstance(box, Num):
        return f"<mn>{_escape(box.text)}</mn>"
    if isinstance(box, Op):
        text = MATHML_OPS.get(box.text) or _escape(box.text)
        return f'<mo stretchy="false">{text}</mo>' if text in "()|" else f"<mo>{text}</mo>"
    if isinstance(box, Txt):
        return f"<mtext>{_escape(box.text)}</mtext>"
    if isinstance(box, Space):
        return '<mspace width="0.17em"></mspace>'
    if isinstance(box, Row):
        return f"<mrow>{''.join(_ml(i) for i in box.items)}</mrow>"
    if isinstance(box, Frac):
        return f"<mfrac>{_ml(box.num)}{_ml(box.den)}</mfrac>"
    if isinstance(box, Sup):
        return f"<msup>{_ml(box.base)}{_ml(box.exp)}</msup>"
    if isinstance(box, Sqrt):
        if box.index is None:
            return f"<msqrt>{_ml(box.body)}</msqrt>"
        return f"<mroot>{_ml(box.body)}{_ml(box.index)}</mroot>"
    if isinstance(box, Fenced):
        # Brackets grow only around fractions: stretchy ones are spaced out in browsers.
        mo = "<mo>" if tall(box.body) else '<mo stretchy="false">'
        return f"<mrow>{mo}{box.open}</mo>{_ml(box.body)}{mo}{box.close}</mo></mrow>"
    if isinstance(box, Apply):
        return f"<mrow>{_ml(box.head)}<mo>&#x2061;</mo>{_ml(box.arg)}</mrow>"
    if isinstance(box, Prime):
        # The prime glyph sits high already: inside msup browsers raise it twice.
        return f'<mrow>{_ml(box.body)}<mo lspace="0" rspace="0">&#x2032;</mo></mrow>'
    raise TypeError(f"not a box: {box!r}")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
