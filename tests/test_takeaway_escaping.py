"""Take-away files never break their own format, whatever words a bank puts in them.

A problem bank's words reach the output: an applied problem's question, its
unit and the quantity names of its ``chain`` (which sit inside the maths, as in
dV/dt), and every problem's note and id. Each is text, escaped for where it
lands: LaTeX's text mode, MathJax's ``\\text{…}`` (Anki), Markdown. The checks
here read the files the way their readers do, with a small tokenizer that
knows the tool's own macros, so they run everywhere; where ``pdflatex`` exists
the LaTeX is compiled as well.
"""

from __future__ import annotations

import html
import random
import re
import shutil
import sqlite3
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.bank.load import Problem, load
from chainrule_cli.cli import app
from chainrule_cli.kinds import CHAIN_TYPES
from chainrule_cli.practice.generate import stream
from chainrule_cli.printing.boxes import Ident, Row, Txt, rate
from chainrule_cli.takeaway.anki import card
from chainrule_cli.takeaway.items import build
from chainrule_cli.takeaway.markup import (
    latex_symbol,
    latex_text,
    mathjax_text,
    to_latex,
)
from chainrule_cli.takeaway.worksheet import render

runner = CliRunner()

#: Every character that means something to LaTeX or Markdown.
SPECIALS = "% # & $ _ { } \\ ~ ^ * ` | < > [ ] ! \\( \\) $$ \\[ -- ''"

HOSTILE_BANK = f"""\
problems:
- id: 'evil {SPECIALS}'
  type: applied
  question: 'How fast? {SPECIALS} end'
  expression: 4/3 pi r^3
  variable: r
  at: 5
  rate: 2
  unit: 'cm^3/s {SPECIALS}'
  chain: ['V {SPECIALS}', 'r {SPECIALS}', 't {SPECIALS}']
  difficulty: 1
  note: 'Note {SPECIALS}'
- id: 'odd chain names'
  type: applied
  question: 'Names that are one character each: %, # and &.'
  expression: 3 h^2
  variable: h
  at: 2
  rate: -1
  unit: '%/s'
  chain: ['%', '#', '&']
  difficulty: 1
- id: 'plain {SPECIALS}'
  type: trig
  expression: sin(x^2)
  difficulty: 1
  note: 'plain {SPECIALS}'
"""


@pytest.fixture(scope="module")
def hostile_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bank whose every text field holds every special character."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(HOSTILE_BANK, encoding="utf-8")
    loaded = load([path])
    assert not loaded.issues, loaded.issues
    assert len(loaded.problems) == 3
    return path


def hostile_problems(path: Path) -> list[Problem]:
    return load([path]).problems


def shipped_and_generated() -> list[Problem]:
    """Every shipped problem (of the types take-aways print: not yet multivariable or
    implicit), and a seeded handful of generated ones of each type."""
    problems = [p for p in load().problems if p.type not in ("multivariable", "implicit")]
    rng = random.Random(2024)
    for kind in CHAIN_TYPES:
        gen = stream([kind], None, rng)
        problems += [next(gen) for _ in range(3)]
    return problems


# -- a LaTeX tokenizer that knows the tool's own markup -----------------------------------------
#: Control words the tool writes (its document, its maths, its text escapes).
KNOWN_WORDS = {
    # the document
    "documentclass", "usepackage", "begin", "end", "section", "item", "vspace", "medskip",
    "clearpage", "rule", "hfill", "setlength", "itemsep", "emph", "ldots",
    # text escapes
    "textbackslash", "textbar", "textless", "textgreater", "textasteriskcentered",
    "textasciigrave",
    # maths
    "frac", "partial", "sqrt", "left", "right", "lvert", "rvert", "cdot", "times", "to", "approx",
    "infty", "surd", "circ", "text", "textit", "mathit", "operatorname",
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "ln", "log", "exp",
    "pi", "theta", "sigma", "alpha", "beta", "gamma", "lambda", "mu", "omega", "phi",
    "neq", "boxed",
    # a tree diagram (forest): its edge labels
    "scriptsize",
}  # fmt: skip
#: Their arguments are text even inside maths.
TEXT_ARGUMENT = {"text", "textit", "emph", "section"}
ENVIRONMENTS = {"document", "enumerate", "itemize", "forest"}
CONTROL_SYMBOLS = set("%#&$_{},()^~ ")
TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}]|.", re.DOTALL)


def latex_trouble(source: str, math: bool = False) -> list[str]:
    """What in ``source`` is not the tool's own markup or a properly escaped character.

    ``math``: ``source`` is maths (a Markdown ``$…$`` span), else a document body.
    """
    found: list[str] = []
    tokens = [(m.group(), m.start()) for m in TOKEN.finditer(source)]
    # A frame per brace group: its mode, and whether a \( opened inside it is still open.
    stack: list[dict[str, bool]] = [{"math": math, "inline": False}]
    pending: bool | None = None  # the mode of the next group, after \text and its kin
    index = 0

    def say(what: str, at: int) -> None:
        found.append(f"{what} at {at}: …{source[max(0, at - 30) : at + 30]!r}…")

    while index < len(tokens):
        token, at = tokens[index]
        frame = stack[-1]
        index += 1
        if token.startswith("\\") and len(token) > 1 and token[1].isalpha():
            word = token[1:].rstrip("*")
            if word not in KNOWN_WORDS:
                say(f"unknown macro {token}", at)
            if word in TEXT_ARGUMENT:
                pending = False
            if word in ("begin", "end"):
                name = ""
                if index < len(tokens) and tokens[index][0] == "{":
                    close = source.find("}", tokens[index][1])
                    name = source[tokens[index][1] + 1 : close]
                    while index < len(tokens) and tokens[index][1] <= close:
                        index += 1
                if name not in ENVIRONMENTS:
                    say(f"unknown environment {name!r}", at)
            continue
        if token.startswith("\\") and len(token) == 2:
            symbol = token[1]
            if symbol == "(":
                if frame["math"]:
                    say("\\( inside maths", at)
                frame["math"], frame["inline"] = True, True
            elif symbol == ")":
                if not frame["inline"]:
                    say("\\) without its \\(", at)
                frame["math"], frame["inline"] = False, False
            elif symbol not in CONTROL_SYMBOLS:
                say(f"unknown control symbol {token!r}", at)
            elif symbol in "^~" and (frame["math"] or source[at + 2 : at + 4] != "{}"):
                say(f"accent {token} outside text or without {{}}", at)
            continue
        if token == "{":
            stack.append({"math": frame["math"] if pending is None else pending, "inline": False})
            pending = None
            continue
        if token == "}":
            if frame["inline"]:
                say("group closed inside \\( … \\)", at)
            if len(stack) == 1:
                say("unbalanced }", at)
            else:
                stack.pop()
            continue
        pending = None
        if token in "$&#%_~":
            say(f"unescaped {token!r}", at)
        elif token == "^" and (not frame["math"] or source[at + 1 : at + 2] != "{"):
            say("^ that is not the tool's superscript", at)
    if len(stack) != 1 or stack[0]["inline"]:
        found.append("unclosed group or maths at the end")
    return found


def document_body(tex: str) -> str:
    """The body of a worksheet: the preamble is the tool's fixed text."""
    start = tex.index("\\begin{document}")
    return tex[start:]


def test_the_tokenizer_catches_what_would_break_latex() -> None:
    """The checker itself flags raw specials, unknown macros and stray maths delimiters."""
    assert latex_trouble(r"\item a \% b \(\frac{d y}{d x}\)") == []
    bad = [
        r"\item 50% off",
        r"\item \(\textit{a}_1\)",
        r"\item \input{x}",
        r"\(\(x\)\)",
        "{",
        "a^b",
    ]
    for text in bad:
        assert latex_trouble(text), text


# -- LaTeX worksheets ----------------------------------------------------------------------------
def test_hostile_bank_gives_clean_latex(hostile_bank: Path) -> None:
    """Every special character in every field of a bank comes out escaped in a LaTeX worksheet."""
    result = runner.invoke(
        app, ["worksheet", "--bank", str(hostile_bank), "--seed", "1", "--format", "tex"]
    )
    assert result.exit_code == 0, result.output
    assert latex_trouble(document_body(result.stdout)) == []
    question = hostile_problems(hostile_bank)[0].question
    assert question is not None
    assert latex_text(question) in result.stdout  # the question, all of it, as text


def test_every_shipped_and_generated_problem_gives_clean_latex() -> None:
    """Each shipped problem, and generated ones of every type, give LaTeX of the tool's markup only."""
    items = [build(problem) for problem in shipped_and_generated()]
    assert latex_trouble(document_body(render(items, "tex", seed=1))) == []


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed here")
@pytest.mark.parametrize("which", ["shipped", "hostile"])
def test_latex_compiles(which: str, hostile_bank: Path, tmp_path: Path) -> None:
    """The worksheet of every shipped, generated and hostile problem compiles with pdflatex."""
    problems = shipped_and_generated() if which == "shipped" else hostile_problems(hostile_bank)
    (tmp_path / "sheet.tex").write_text(render([build(p) for p in problems], "tex"), "utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


# -- Markdown ------------------------------------------------------------------------------------
TOOL_LINES = {
    '<div style="page-break-before: always"></div>',
    "Name: ______________________  Date: ____________",
    "   &nbsp;",
}


def markdown_trouble(text: str) -> list[str]:
    """Markdown's own characters outside the tool's markup, unescaped; and broken maths spans."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line in TOOL_LINES:
            continue
        words, maths = _split_math(line)
        for span in maths:
            found += [f"line {number}: {t}" for t in latex_trouble(span, math=True)]
            found += [f"line {number}: raw {c!r} in maths" for c in "*`|<_" if _raw(span, c)]
        words = re.sub(r"^\s*(\d+\.|-|#+) ", "", words)
        words = re.sub(r"\*(Note|[A-Z][A-Za-z ]*):\* ", "", words)
        words = re.sub(r"^\*\d+ problems?(, seed \d+)?\*$", "", words)
        if re.fullmatch(r"\*.*\*", words):  # a block's title, in italics
            words = words[1:-1]
        found += [
            f"line {number}: unescaped {c!r} in {line!r}" for c in "*_`|<$&~" if _raw(words, c)
        ]
    return found


def _split_math(line: str) -> tuple[str, list[str]]:
    """The words of a line (maths replaced by a space) and its ``$…$`` spans."""
    words, maths, current, inside, index = "", [], "", False, 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            if inside:
                current += line[index : index + 2]
            else:
                words += line[index : index + 2]
            index += 2
            continue
        if char == "$":
            if inside:
                maths.append(current)
                current, words = "", words + " "
            inside = not inside
        elif inside:
            current += char
        else:
            words += char
        index += 1
    assert not inside, f"unclosed $ in {line!r}"
    return words, maths


def _raw(text: str, char: str) -> bool:
    """Whether ``char`` occurs in ``text`` without a backslash before it."""
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return True
        index += 1
    return False


def test_hostile_bank_gives_clean_markdown(hostile_bank: Path) -> None:
    """Every special character of a bank's words is escaped in a Markdown worksheet, in words and in maths."""
    result = runner.invoke(
        app, ["worksheet", "--bank", str(hostile_bank), "--seed", "1", "--format", "md"]
    )
    assert result.exit_code == 0, result.output
    assert markdown_trouble(result.stdout) == []
    assert "How fast? % \\# \\& \\$ \\_" in result.stdout


def test_shipped_problems_give_clean_markdown() -> None:
    """The shipped and generated problems give Markdown of the tool's markup only."""
    items = [build(problem) for problem in shipped_and_generated()]
    assert markdown_trouble(render(items, "md", seed=1)) == []


def test_markdown_checker_catches_raw_specials() -> None:
    """The Markdown checker flags a raw * or | in words and a raw _ in maths."""
    assert markdown_trouble("1. a * b")
    assert markdown_trouble("1. a | b")
    assert markdown_trouble("1. $\\text{a_b}$")
    assert markdown_trouble("1. a \\* b $x^{2}$") == []


# -- Anki (MathJax) ------------------------------------------------------------------------------
class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def mathjax_unescape(text: str) -> str:
    """What MathJax shows for the words of ``\\text{…}``."""
    return re.sub(r"\\([\\{}$])", r"\1", text)


def test_hostile_bank_gives_clean_anki_fields(hostile_bank: Path) -> None:
    """In an Anki note, bank words never open MathJax maths, and inside maths they show as written."""
    for problem in hostile_problems(hostile_bank):
        item = build(problem)
        note = card(item, "Chain rule")
        tool_maths = set(
            re.findall(r"\\\((?:\\.|[^\\])*?\\\)", html.unescape(note.back + note.front))
        )
        for field in (note.front, note.back, note.problem):
            parser = _Texts()
            parser.feed(field)
            for text in parser.texts:
                rest = text
                for maths in sorted(tool_maths, key=len, reverse=True):
                    rest = rest.replace(maths, " ")
                for opener in ("\\(", "\\)", "\\[", "\\]", "$$"):
                    assert opener not in rest, (opener, text)
        for maths in tool_maths:
            body = maths[2:-2]
            depth = 0
            for token in re.findall(r"\\.|[{}]", body):
                depth += {"{": 1, "}": -1}.get(token, 0)
                assert depth >= 0, maths
            assert depth == 0, maths
        if problem.chain:
            shown = [
                mathjax_unescape(m)
                for m in re.findall(r"\\textit\{((?:\\.|[^{}\\])*)\}", html.unescape(note.back))
            ]
            assert set(problem.chain) <= set(shown)


def test_hostile_bank_exports_an_anki_deck(hostile_bank: Path, tmp_path: Path) -> None:
    """A deck of the hostile bank is written, with every note's id shown as written."""
    out = tmp_path / "d.apkg"
    result = runner.invoke(
        app, ["anki", str(out), "--bank", str(hostile_bank)], env={"SOURCE_DATE_EPOCH": "1"}
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        data = archive.read("collection.anki2")
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    problems = [row[0].split("\x1f")[2] for row in db.execute("SELECT flds FROM notes")]
    db.close()
    assert len(problems) == 3
    ids = {p.id for p in hostile_problems(hostile_bank)}
    shown = {html.unescape(re.sub(r"<span></span>", "", p)).split(" · ")[0] for p in problems}
    assert shown == ids


# -- the escapes, one by one ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        pytest.param("%", r"\%", id="percent"),
        pytest.param("#", r"\#", id="hash"),
        pytest.param("&", r"\&", id="ampersand"),
        pytest.param("$", r"\(\$\)", id="dollar"),
        pytest.param("_", r"\_", id="underscore"),
        pytest.param("{", r"\{", id="open-brace"),
        pytest.param("}", r"\}", id="close-brace"),
        pytest.param("\\", r"\textbackslash{}", id="backslash"),
        pytest.param("~", r"\~{}", id="tilde"),
        pytest.param("^", r"\^{}", id="caret"),
        pytest.param("*", r"\textasteriskcentered{}", id="asterisk"),
        pytest.param("`", r"\textasciigrave{}", id="backtick"),
        pytest.param("|", r"\textbar{}", id="bar"),
        pytest.param("<", r"\textless{}", id="less-than"),
    ],
)
def test_latex_text_escapes(char: str, escaped: str) -> None:
    """Each special character has its text-mode escape."""
    assert latex_text(f"a{char}b") == f"a{escaped}b"


@pytest.mark.parametrize(
    ("name", "latex"),
    [
        pytest.param("x", "x", id="letter"),
        pytest.param("V", "V", id="capital"),
        pytest.param("θ", r"\theta", id="greek"),
        pytest.param("rate", r"\mathit{rate}", id="word"),
        pytest.param("h2", r"\mathit{h2}", id="word-and-digit"),
        pytest.param("%", r"\textit{\%}", id="percent"),
        pytest.param("water level", r"\textit{water level}", id="two-words"),
        pytest.param("cost_$", r"\textit{cost\_\(\$\)}", id="underscore-dollar"),
        pytest.param("a^b", r"\textit{a\^{}b}", id="caret"),
    ],
)
def test_quantity_names_are_maths_symbols_or_escaped_text(name: str, latex: str) -> None:
    """A quantity name is a maths symbol when it is one, else escaped words in italics."""
    assert latex_symbol(name) == latex


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("50% & #1", "50% & #1", id="shown-as-is"),
        pytest.param("a{b}", r"a\{b\}", id="braces"),
        pytest.param("a\\b", "a\\\\b", id="backslash"),
        pytest.param("$5", r"\$5", id="dollar"),
    ],
)
def test_mathjax_text(text: str, shown: str) -> None:
    """MathJax's \\text shows words as they are, but for its four escaped characters."""
    assert mathjax_text(text) == shown
    assert mathjax_unescape(shown) == text


WORDS = st.text(alphabet=st.sampled_from(list("ab %#&$_{}\\~^*`|<>[]()'-πθ°³")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(WORDS, WORDS)
def test_any_words_stay_text(quantity: str, unit: str) -> None:
    """Whatever a bank's quantity name or unit, the maths they sit in is clean LaTeX."""
    box = Row((rate(quantity or "V", "t"), Txt(unit)))
    assert latex_trouble(to_latex(box), math=True) == []
    assert latex_trouble(latex_text(quantity)) == []
    assert latex_trouble(to_latex(Ident(quantity or "x")), math=True) == []
