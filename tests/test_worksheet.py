"""Worksheets: numbered problems, room to work, an answer key on a new page, in three formats.

The golden files in tests/golden/worksheet.* hold a small seeded worksheet from
tests/golden/worksheet.bank.yaml. When a deliberate change to the worked steps
alters them, regenerate with CHAINRULE_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy as sp
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.printing.boxes import Fenced
from chainrule_cli.takeaway.markup import latex_text, to_latex, to_mathml
from chainrule_cli.takeaway.notation import layout

GOLDEN = Path(__file__).parent / "golden"
BANK = GOLDEN / "worksheet.bank.yaml"
SHEET = ["worksheet", "--bank", str(BANK), "--seed", "3", "--count", "5"]
runner = CliRunner()
x = sp.Symbol("x", real=True)


def sheet(fmt: str, *extra: str) -> str:
    result = runner.invoke(app, [*SHEET, "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


# -- the three formats ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "tex", "html"])
def test_golden(fmt: str) -> None:
    """The small seeded worksheet is byte for byte the stored one."""
    got = sheet(fmt)
    golden = GOLDEN / f"worksheet.{fmt}"
    if os.environ.get("CHAINRULE_UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "tex", "html"])
def test_same_seed_same_bytes(fmt: str) -> None:
    """A seeded worksheet of generated problems comes out the same twice."""
    args = ["worksheet", "--generated", "--count", "4", "--seed", "41", "--format", fmt]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout


def test_without_a_seed_the_key_names_the_one_used() -> None:
    """An unseeded worksheet prints its seed in the key, and that seed reproduces it."""
    text = runner.invoke(app, ["worksheet", "--count", "3"]).stdout
    seed = re.search(r"seed (\d+)", text)
    assert seed is not None
    again = runner.invoke(app, ["worksheet", "--count", "3", "--seed", seed.group(1)])
    assert again.stdout == text


def test_markdown_uses_dollar_math_and_puts_the_key_after_a_page_break() -> None:
    """Markdown: $…$ math, every problem numbered, the key after a page break."""
    text = sheet("md")
    assert "\\(" not in text
    assert re.search(r"^1\. \$y=", text, re.M)
    assert text.index("page-break-before: always") < text.index("## Answer key")
    assert "5 problems, seed 3" in text
    assert text.count("$") % 2 == 0


class _Page(HTMLParser):
    """Collects the problems and answers of an HTML worksheet, and what they hold."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.lists: list[str] = []
        self.items: dict[str, list[int]] = {"problems": [], "answers": []}
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.extend(attrs)
        if tag == "ol":
            self.lists.append(dict(attrs).get("class") or "")
        if tag == "li" and self.lists and self.stack.count("li") == 0:
            self.items.setdefault(self.lists[-1], []).append(0)
        if tag == "math" and self.lists and self.items.get(self.lists[-1]):
            self.items[self.lists[-1]][-1] += 1
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop() == tag:
                break
        if tag == "ol" and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style += data


def test_html_parses_and_every_problem_and_answer_has_mathml() -> None:
    """HTML: it parses, every problem and answer holds a <math> element, nothing is fetched."""
    text = sheet("html")
    page = _Page()
    page.feed(text)
    page.close()
    assert len(page.items["problems"]) == 5
    assert len(page.items["answers"]) == 5
    assert all(count >= 1 for count in page.items["problems"] + page.items["answers"])
    assert {"script", "link", "img", "mfenced", "semantics"}.isdisjoint(page.tags)
    assert not any(value and "http" in value for _, value in page.attrs)
    assert "page-break-before: always" in page.style and "break-before: page" in page.style
    assert "color: #000" in page.style and "background: #fff" in page.style
    assert text.startswith("<!DOCTYPE html>")


def test_html_entities_are_numeric() -> None:
    """MathML uses numeric references only: any HTML or XML parser reads it."""
    text = sheet("html")
    assert not re.search(r"&(?!amp;|lt;|gt;|nbsp;|#x[0-9A-F]+;)", text)


def test_latex_is_a_whole_document_with_amsmath_only() -> None:
    text = sheet("tex")
    assert text.startswith("\\documentclass")
    assert text.rstrip().endswith("\\end{document}")
    assert re.findall(r"\\usepackage(?:\[[^]]*\])?\{([^}]*)\}", text) == ["amsmath"]
    assert text.index("\\clearpage") < text.index("Answer key")
    assert text.isascii()


def test_latex_compiles_with_pdflatex(tmp_path: Path) -> None:
    """The LaTeX worksheets compile: the golden one, and one with every type, rates included."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed here, so the LaTeX worksheet cannot be compiled")
    every_type = ["worksheet", "--seed", "5", "--count", "14", "--format", "tex"]
    for kind in ("applied", "trig", "log", "root", "power", "exponential", "quadratic-inside"):
        every_type += ["--type", kind]
    documents = {"golden": sheet("tex"), "mixed": runner.invoke(app, every_type).stdout}
    for name, text in documents.items():
        (tmp_path / f"{name}.tex").write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


# -- options and files -------------------------------------------------------------------------------
def test_output_file_format_from_extension(tmp_path: Path) -> None:
    """-o sheet.html writes HTML (the extension chooses), prints nothing, leaves no temp file."""
    target = tmp_path / "sheet.html"
    result = runner.invoke(app, [*SHEET, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == sheet("html")
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


def test_output_replaces_a_file_but_refuses_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "sheet.md"
    target.write_text("old", encoding="utf-8")
    assert runner.invoke(app, [*SHEET, "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == sheet("md")
    folder = tmp_path / "folder.md"
    folder.mkdir()
    result = runner.invoke(app, [*SHEET, "-o", str(folder)])
    assert result.exit_code == 2
    assert "regular file" in result.stderr
    assert folder.is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--format", "pdf"], "unknown format 'pdf'", id="format"),
        pytest.param(["--type", "hyperbolic"], "unknown type 'hyperbolic'", id="type"),
        pytest.param(["--difficulty", "3", "--type", "applied"], "no problems match", id="empty"),
    ],
)
def test_bad_options_are_one_line_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["worksheet", "--bank", str(BANK), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_small_bank_is_not_filled_up_with_generated_problems() -> None:
    """Without --count, a bank smaller than ten gives just its own problems."""
    text = runner.invoke(app, ["worksheet", "--bank", str(BANK), "--seed", "1"]).stdout
    assert "5 problems, seed 1" in text
    assert "gen" not in text


def test_cli_import_stays_light() -> None:
    """Registering the commands imports neither genanki nor sympy."""
    code = (
        "import sys\n"
        "import chainrule_cli.cli\n"
        "print(','.join(m for m in ('genanki', 'sympy') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


# -- the notation ---------------------------------------------------------------------------------------
def written(text: str) -> sp.Expr:
    from chainrule_cli.maths.analysis import analyse

    return analyse(text).tree.written


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        pytest.param("(3x+1)^2", r"(3x+1)^{2}", id="power"),
        pytest.param("(4x+1)^(-1)", r"\frac{1}{4x+1}", id="negative-power"),
        pytest.param("e^(1/x)", r"e^{\frac{1}{x}}", id="one-over-x-as-typed"),
        pytest.param("sin(x)^2", r"\sin^{2}(x)", id="sin-squared"),
        pytest.param("ln|3x|", r"\ln\lvert3x\rvert", id="ln-abs"),
        pytest.param("cbrt(1-x)", r"\sqrt[3]{1-x}", id="cube-root"),
        pytest.param("2pi x", r"2\pi x", id="pi-then-letter"),
        pytest.param("arctan(e^(2x))", r"\arctan(e^{2x})", id="arctan"),
        pytest.param("1+ln(x)", r"1+\ln(x)", id="kept-order"),
    ],
)
def test_latex_of_expressions_as_typed(text: str, latex: str) -> None:
    assert to_latex(layout(written(text), ordered=False)) == latex


def test_a_fraction_inside_brackets_makes_them_grow() -> None:
    box = layout(sp.sin(1 / x))
    assert to_latex(box) == r"\sin\left( \frac{1}{x} \right)"
    assert isinstance(layout(sp.Abs(x)), Fenced)


def test_mathml_is_core_mathml() -> None:
    """No mfenced, numeric character references, U+2212 for minus."""
    ml = to_mathml(layout(-(x**2) + sp.exp(x) / 3))
    assert ml.startswith("<math>") and ml.endswith("</math>")
    assert "mfenced" not in ml and "&#x2212;" in ml and "<mfrac>" in ml
    assert "<mi>e</mi>" in ml


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        pytest.param("V = (4/3)πr³", r"V = (4/3)\(\pi\)r\(^{3}\)", id="pi-and-cube"),
        pytest.param("20 °C & 5 $/h", r"20 \(^{\circ}\)C \& 5 \(\$\)/h", id="degree-dollar"),
        pytest.param("a_b {c} 50%", r"a\_b \{c\} 50\%", id="specials"),
        pytest.param("e^(−z)", r"e\^{}(-z)", id="caret-minus"),
    ],
)
def test_text_for_latex(text: str, latex: str) -> None:
    assert latex_text(text) == latex


def test_control_characters_in_bank_text_are_made_visible() -> None:
    """A question with an escape character cannot break the LaTeX or the HTML."""
    from chainrule_cli.takeaway.worked import printable

    assert printable("rate\x1b[31m\tnow") == "rate\ufffd[31m now"
    assert printable(None) is None
