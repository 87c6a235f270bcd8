"""The rule tree's derivative equals sympy.diff, and its layers are the textbook's."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule_cli.maths.analysis import admissible_types, analyse, classify, real_chains
from chainrule_cli.maths.explain import Layer, chain_letters, explain
from chainrule_cli.maths.points import number_check, values_at
from chainrule_cli.printing.mathtext import show, show_product
from tests.conftest import numerically_equal

x = sp.Symbol("x", real=True)

CASES = [
    "(3x+1)^2",
    "sin(e^(x^2))",
    "ln(x^2+1)",
    "2 sin 3x",
    "x^2 sin 3x",
    "sin^2(x)",
    "cos^3(2x)",
    "sqrt(x^2+1)",
    "cbrt(x^2+1)",
    "x^(1/3)",
    "3^(x^2)",
    "ln|x|",
    "tan(3x)",
    "sec(x^2)",
    "csc(2x)",
    "cot(x^2)",
    "arcsin(2x)",
    "arccos(x/2)",
    "arctan(x^2)",
    "|x^2-1|",
    "x^x",
    "1/(x^2+1)",
    "(x+1)/(x-1)",
    "e^(3x)",
    "ln(cos(x^2))",
    "sqrt(1+e^(2x))",
    "(ln(cos(3x)))^2",
    "e^(sin(3x))",
    "2x/(x^2+1)",
    "(3x)^2",
    "x^2+3x",
    "5",
    "log(x)",
    "sinh(2x)",
    "(2x+1)^3 (x-1)^2",
    "sin(sin(sin(sin(x))))",
]


@pytest.mark.parametrize("text", CASES)
def test_derivative_matches_sympy(text: str) -> None:
    """The rule tree differentiates like sympy.diff (compared symbolically or at points)."""
    analysis = analyse(text)
    oracle = sp.diff(analysis.expr, x)
    assert numerically_equal(analysis.derivative, oracle, x)
    assert numerically_equal(analysis.clean, oracle, x)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("(3x+1)^2", "6(3x + 1)"),
        ("sin(x^2)", "2x·cos(x²)"),
        ("tan(3x)", "3sec²(3x)"),
        ("sin^2(x)", "2cos(x)·sin(x)"),
        ("ln(x^2+1)", "2x/(x² + 1)"),
        ("ln|x|", "1/x"),
        ("sqrt(x^2+1)", "x/√(x² + 1)"),
        ("e^(3x)", "3e^(3x)"),
        ("(x^2+1)^3", "6x(x² + 1)²"),
    ],
)
def test_clean_forms_read_like_a_textbook(text: str, clean: str) -> None:
    """Factored, never trig-rewritten: tan′ is sec², (sin²x)′ is not sin 2x."""
    assert show(analyse(text).clean) == clean


def test_layers_of_a_single_chain() -> None:
    """(3x+1)² is one layer: inner 3x+1, outer u², f′ = 2(3x+1) as written, g′ = 3."""
    steps = explain(analyse("(3x+1)^2").tree)
    layer = steps[0]
    assert isinstance(layer, Layer)
    assert show(layer.inner, ordered=False) == "3x + 1"
    assert show(layer.outer_form) == "u²"
    assert show(layer.outer_derivative, ordered=False) == "2(3x + 1)"
    assert show(layer.inner_derivative) == "3"
    assert show_product(layer.factors) == "2(3x + 1)·3"
    assert show(layer.product) == "6(3x + 1)"


def test_nested_chain_letters() -> None:
    """sin(e^(x²)) reads x → u = x² → v = eᵘ → y = sin v."""
    pairs = chain_letters(analyse("sin(e^(x^2))").tree)
    assert [(n, show(d)) for n, d in pairs] == [("u", "x²"), ("v", "e^u"), ("y", "sin(v)")]


def test_written_form_is_kept() -> None:
    """(3x)² stays (3x)² in the steps."""
    tree = analyse("(3x)^2").tree
    assert show(tree.written, ordered=False) == "(3x)²"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("(2x+1)^2", "power"),
        ("e^(3x)", "exponential"),
        ("3^(x^2)", "exponential"),
        ("sin(2x)", "trig"),
        ("sqrt(x^2+9)", "root"),
        ("(x^2+1)^(1/3)", "root"),
        ("ln(x^2+1)", "log"),
        ("2 sin 3x", "trig"),
        ("x^2", None),
        ("sin(x)", None),
    ],
)
def test_classification(text: str, kind: str | None) -> None:
    assert classify(analyse(text).tree) == kind


def test_quadratic_inside_is_admissible() -> None:
    assert "quadratic-inside" in admissible_types(analyse("sin(3x^2+1)").tree)
    assert "quadratic-inside" not in admissible_types(analyse("sin(3x+1)").tree)


@pytest.mark.parametrize(
    ("text", "at", "slope"),
    [
        ("(2x+1)^2", 1, 12),
        ("(3x+1)^2", 1, 24),
        ("e^(3x)", 0, 3),
        ("sin(2x)", 0, 2),
        ("ln(x^2+1)", 0, 0),
    ],
)
def test_chapter_examples(text: str, at: int, slope: int) -> None:
    """The chapter's worked examples give the chapter's slopes."""
    analysis = analyse(text)
    value, layers = values_at(analysis, sp.Integer(at), explain(analysis.tree))
    assert value == slope
    assert all(v.product == slope for v in layers[:1])


def test_number_check_matches_the_chapter() -> None:
    """(2x+1)² from x = 0.99 to 1.01: y from 8.8804 to 9.1204, a rate of 12, as the slope."""
    check = number_check(analyse("(2x+1)^2"), 1.0)
    assert check is not None
    assert check.step == pytest.approx(0.01)
    assert check.y_minus == pytest.approx(8.8804)
    assert check.y_plus == pytest.approx(9.1204)
    assert check.rate == pytest.approx(12)
    assert check.agrees and check.coarse is None


@pytest.mark.parametrize(
    ("text", "at"),
    [
        pytest.param("tan(x)", 1.56, id="tan-near-asymptote"),
        pytest.param("e^(10x)", 2.0, id="steep-exponential"),
        pytest.param("sin(x^2)", 30.0, id="fast-oscillation"),
    ],
)
def test_number_check_is_honest_on_steep_functions(text: str, at: float) -> None:
    """A step too coarse for a steep function is replaced by a finer one, and said so;
    ✓ is shown only when the printed rate and slope agree."""
    check = number_check(analyse(text), at)
    assert check is not None
    assert check.coarse is not None
    assert check.agrees
    assert f"{check.rate:.4g}" == f"{check.expected:.4g}"


def test_real_chains_skip_trivial_layers() -> None:
    assert len(real_chains(analyse("x^2 sin(3x)").tree)) == 1


# -- property: random compositions ----------------------------------------------------
UNARY = [
    "sin({})",
    "cos({})",
    "tan({})",
    "e^({})",
    "ln(({})^2+1)",
    "sqrt(({})^2+1)",
    "({})^3",
    "({})^2",
    "arctan({})",
    "2^({})",
    "3({})",
    "(1+({})^2)^(-1)",
]
INNER = ["x", "2x", "x^2", "3x+1", "x^2+x", "x/2"]


@st.composite
def compositions(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(INNER))
    for _ in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(UNARY)).format(text)
    if draw(st.booleans()):
        other = draw(st.sampled_from(INNER))
        text = f"({text})*({draw(st.sampled_from(UNARY)).format(other)})"
    return text


@settings(max_examples=60, deadline=None)
@given(compositions())
def test_random_compositions_match_sympy(text: str) -> None:
    """Any composition of supported functions differentiates like sympy.diff."""
    analysis = analyse(text)
    assert numerically_equal(analysis.derivative, sp.diff(analysis.expr, x), x)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["x", "2", "3", "+", "-", "*", "/", "^", "(", ")", "sin", "e", "ln", "sqrt", "|"]
        ),
        min_size=1,
        max_size=14,
    ).map("".join)
)
def test_anything_that_parses_can_be_analysed(text: str) -> None:
    """Whatever the parser accepts, the rule tree can differentiate (or refuses in words)."""
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.limits import time_limit

    try:
        with time_limit(5.0):
            analysis = analyse(text)
            analysis.derivative  # noqa: B018 - computing it is the test
    except ChainruleError:
        return


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("sqrt(x/2+1)", "1/(4√(x/2 + 1))", id="root-of-a-fraction-sum"),
        pytest.param("(x/2+1)^3", "3(x/2 + 1)²/2", id="power-of-a-fraction-sum"),
        pytest.param("(3x+1)^2", "6(3x + 1)", id="common-factor-still-pulled-out"),
        pytest.param("ln(x^2+1)", "2x/(x² + 1)", id="quotient"),
        pytest.param("sqrt(4x^2+4)", "4x/√(4x² + 4)", id="inner-kept-as-typed"),
        pytest.param(
            "(x^2+1)^(1/2)*sin(3x)", "x·sin(3x)/√(x² + 1) + 3√(x² + 1)·cos(3x)", id="product"
        ),
    ],
)
def test_the_clean_form_keeps_the_inner_functions_written(text: str, shown: str) -> None:
    """factor_terms(together(…)) would turn √(x/2 + 1) into √2·√(x + 2)/2: the inner
    functions are held whole, and the form is still the derivative."""
    analysis = analyse(text)
    assert show(analysis.clean) == shown
    assert sp.simplify(analysis.clean - sp.diff(analysis.expr, analysis.variable)) == 0
