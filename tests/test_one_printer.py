"""One printer for all maths (issue 25): every target writes the same tree by the same rules.

The unicode line, the ASCII line and the paper layout (LaTeX) of an expression read
back, through the project's own reader, to the same SymPy expression; and the
syntax-tree path (the quiz's first screen, without SymPy) prints what the SymPy
path prints for the same input.
"""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chainrule_cli.errors import ChainruleError
from chainrule_cli.printing import written
from chainrule_cli.printing.boxes import Apply, Fenced, Ident, Num, Op, Sqrt, Sub, Sup
from chainrule_cli.printing.latex import to_latex
from chainrule_cli.printing.layout import Layout
from chainrule_cli.printing.mathml import to_mathml
from chainrule_cli.printing.mathtext import show
from chainrule_cli.printing.nodes import from_syntax
from chainrule_cli.printing.text import to_text
from chainrule_cli.reading.parsing import parse, parse_sympy, symbol
from chainrule_cli.reading.syntax import to_sympy
from chainrule_cli.takeaway.notation import layout

x = symbol("x")

LEAVES = [x, x + 1, 3 * x + 1, x**2 + 1, 2 * x, -x, x / 2, sp.pi * x, x - 3, 1 - x**2]
FUNCTIONS = [
    sp.sin,
    sp.cos,
    sp.tan,
    sp.exp,
    sp.log,
    sp.sqrt,
    sp.cbrt,
    sp.atan,
    lambda u: u**3,
    lambda u: 1 / u,
    lambda u: u ** sp.Rational(2, 3),
    lambda u: u**-2,
    lambda u: 5**u,
    lambda u: -2 * u,
    lambda u: u + sp.Rational(1, 3),
]


@st.composite
def compositions(draw: st.DrawFn) -> sp.Expr:
    """A chain of up to three functions around a simple inner function."""
    expr = draw(st.sampled_from(LEAVES))
    for index in draw(st.lists(st.integers(0, len(FUNCTIONS) - 1), min_size=1, max_size=3)):
        expr = FUNCTIONS[index](expr)
    return expr


def readable(expr: sp.Expr) -> bool:
    """No sign(x) (the derivative of |x|), i, or SymPy's complex root of a negative number
    (the reader takes ∛(−2) as the real root): forms no reader takes back as SymPy means them."""
    odd_root = any(p.base.is_negative and not p.exp.is_integer for p in expr.atoms(sp.Pow))
    return not odd_root and not expr.has(sp.sign, sp.I, sp.zoo, sp.nan)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    """Exact algebra says a = b (the test's oracle)."""
    return a == b or sp.simplify(a - b) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(compositions())
def test_unicode_and_ascii_lines_read_back_to_the_same_expression(expr: sp.Expr) -> None:
    """A composition and its derivative, printed in unicode and in ASCII, read back exactly."""
    for shown in filter(readable, (expr, sp.diff(expr, x))):
        for unicode in (True, False):
            text = show(shown, unicode=unicode)
            assert same(parse_sympy(text, "x"), shown), text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(compositions())
def test_paper_latex_reads_back_to_the_same_expression(expr: sp.Expr) -> None:
    """The worksheets' LaTeX of a composition and its derivative reads back exactly."""
    for shown in filter(readable, (expr, sp.diff(expr, x))):
        tex = to_latex(layout(shown))
        assert same(parse_sympy(tex, "x"), shown), tex


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(compositions(), st.booleans())
def test_syntax_path_prints_what_the_sympy_path_prints(expr: sp.Expr, unicode: bool) -> None:
    """Typed as the ASCII line shows it, the syntax tree and the unevaluated SymPy tree print alike."""
    derivative = sp.diff(expr, x)
    assume(readable(derivative))
    text = show(derivative, unicode=False)
    try:
        tree = parse(text, "x")
    except ChainruleError:
        assume(False)
    by_tree = written.show(tree, "x", unicode)
    assume(by_tree is not None)  # an unusual number: the quiz asks SymPy
    by_sympy = show(to_sympy(tree, x, evaluate=False), unicode=unicode, ordered=False)
    assert by_tree == by_sympy


@pytest.mark.parametrize(
    ("text", "line", "ascii_line", "tex"),
    [
        pytest.param("-2x+3", "−2x + 3", "-2x + 3", "-2x+3", id="one-minus-sign"),
        pytest.param("x(-2)", "x(−2)", "x(-2)", "x(-2)", id="bracketed-negative-factor"),
        pytest.param("2·(-x)", "2(−x)", "2(-x)", "2(-x)", id="negative-factor-kept-whole"),
        pytest.param("sin(x)^2", "sin²(x)", "sin^2(x)", r"\sin^{2}(x)", id="function-power"),
        pytest.param("sqrt(x)+cbrt(x+1)", "√x + ∛(x + 1)", "sqrt(x) + cbrt(x + 1)",
                     r"\sqrt{x}+\sqrt[3]{x+1}", id="roots"),
        pytest.param("1/(2x)", "1/(2x)", "1/(2x)", r"\frac{1}{2x}", id="fraction"),
        pytest.param("log_2(x)", "log₂(x)", "log_2(x)", r"\log_{2}(x)", id="log-base"),
        pytest.param("2 pi x", "2πx", "2pi*x", r"2\pi x", id="pi-juxtaposed"),
        pytest.param("1.05^x", "1.05^x", "1.05^x", "1.05^{x}", id="decimal-as-typed"),
    ],
)  # fmt: skip
def test_every_target_applies_the_same_form_rules(
    text: str, line: str, ascii_line: str, tex: str
) -> None:
    """A problem as written: the same signs, brackets and roots on a line, in ASCII and on paper."""
    tree = parse(text, "x")
    assert written.show(tree, "x", unicode=True) == line
    assert written.show(tree, "x", unicode=False) == ascii_line
    assert to_latex(layout(to_sympy(tree, x, evaluate=False), ordered=False)) == tex


def test_one_tree_of_boxes_serves_every_writer() -> None:
    """The boxes of log₂(√x)³ are written by the text, LaTeX and MathML writers alike."""
    node = from_syntax(parse("log_2(sqrt(x))^3", "x"), "x")
    box = Layout(unicode=True, linear=False).box(node)
    log = Sub(Ident("log", function=True), Num("2"))
    assert box == Sup(Apply(log, Fenced(Sqrt(Ident("x")))), Num("3"))
    assert to_text(Layout(unicode=True).box(node)) == "log₂(√x)³"
    assert to_text(Layout(unicode=False).box(node), unicode=False) == "log_2(sqrt(x))^3"
    assert to_latex(box) == r"\log_{2}(\sqrt{x})^{3}"
    assert "<msub><mi>log</mi><mn>2</mn></msub>" in to_mathml(box)
    assert "<msqrt><mi>x</mi></msqrt>" in to_mathml(box)


def test_ascii_line_uses_only_ascii() -> None:
    """The ASCII writer never puts a unicode glyph on the line."""
    expr = sp.sqrt(sp.pi * x + 1) * sp.sin(x) ** 2 - sp.cbrt(x) / 3
    assert show(expr, unicode=False).isascii()
    assert Op("−") != Op("-")
