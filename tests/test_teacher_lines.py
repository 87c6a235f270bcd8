"""Issue #22, the lines a teacher writes: named slips, sentences that read, honest checks."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.maths.checking import MISTAKES, check

runner = CliRunner()

NEW_SLIPS = [
    pytest.param("2^(3x)", "3*2^(3x)", "forgot_ln_base", id="exponential-no-ln"),
    pytest.param("5^x", "5^x", "forgot_ln_base", id="plain-exponential-no-ln"),
    pytest.param("log_2(x^2+1)", "2x/(x^2+1)", "forgot_ln_base", id="log-base-no-ln"),
    pytest.param("10^(x^2)", "2x*10^(x^2)", "forgot_ln_base", id="ten-to-the-no-ln"),
    pytest.param("e^(3x)", "3x*e^(3x-1)*3", "power_rule_on_exponential", id="exp-power-rule"),
    pytest.param("e^(3x)", "3x e^(3x-1)", "power_rule_on_exponential", id="exp-power-no-inner"),
    pytest.param("e^x", "x e^(x-1)", "power_rule_on_exponential", id="plain-exp-power-rule"),
    pytest.param("5^x", "x*5^(x-1)", "power_rule_on_exponential", id="base-five-power-rule"),
    pytest.param(
        "e^(x^2)", "x^2 e^(x^2-1) * 2x", "power_rule_on_exponential", id="exp-square-power-rule"
    ),
]


@pytest.mark.parametrize(("problem", "answer", "code"), NEW_SLIPS)
def test_new_slips_are_named_by_the_checker(problem: str, answer: str, code: str) -> None:
    """A wrong answer made with the slip on purpose is named by its own code."""
    verdict = check(problem, answer)
    assert not verdict.correct
    assert verdict.mistake == code


@pytest.mark.parametrize(("problem", "answer", "code"), NEW_SLIPS[:2] + NEW_SLIPS[4:6])
def test_new_slips_are_named_by_check_json(problem: str, answer: str, code: str) -> None:
    """`check --json` reports the new codes, with a sentence naming the right table row."""
    result = runner.invoke(app, ["check", problem, answer, "--json"])
    assert result.exit_code == 1, result.output  # a wrong answer
    data = json.loads(result.output)
    assert data["mistake"] == code
    rule = "ln" if code == "forgot_ln_base" else "power rule"
    assert rule in data["feedback"]
    assert "square root" not in data["feedback"]


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param("2^(3x)", "3 ln(2) 2^(3x)", id="exponential"),
        pytest.param("5^x", "5^x ln 5", id="plain-exponential"),
        pytest.param("log_2(x^2+1)", "2x/((x^2+1) ln 2)", id="log-base"),
        pytest.param("e^(3x)", "3e^(3x)", id="exp"),
        pytest.param("e^x", "e^x", id="plain-exp"),
        pytest.param("x e^x", "e^x + x e^x", id="product-with-exp"),
    ],
)
def test_new_codes_are_never_given_to_a_right_answer(problem: str, answer: str) -> None:
    """A right answer is right, with no mistake code at all."""
    verdict = check(problem, answer)
    assert verdict.correct
    assert verdict.mistake is None


def test_new_codes_are_known_to_drills_and_stats() -> None:
    """The new codes are in the checker's list, which quiz --mistake and stats read."""
    from chainrule_cli.practice.drills import codes
    from chainrule_cli.render.progress import MISTAKE_LABELS

    for code in ("forgot_ln_base", "power_rule_on_exponential"):
        assert code in MISTAKES
        assert code in codes()
        assert code in MISTAKE_LABELS


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        pytest.param("2^(3x)", "forgot_ln_base", id="ln-base"),
        pytest.param("e^(x^2)", "power_rule_on_exponential", id="power-on-exp"),
    ],
)
def test_drills_find_problems_for_the_new_codes(problem: str, code: str) -> None:
    """A problem where the slip gives a different answer invites it in `quiz --mistake`."""
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.practice.drills import invites

    assert invites(Problem("p", "exponential", problem, 1, None), code)
    assert not invites(Problem("q", "trig", "sin(3x)", 1, None), code)


@pytest.mark.parametrize(
    ("problem", "answer", "expected"),
    [
        pytest.param(
            "x^2 sin(x)",
            "2x cos(x)",
            "the derivative of a product is not the product of the derivatives. "
            "Here f·g has f = x², g = sin(x), and (f·g)′ = f′·g + f·g′.",
            id="product-of-derivatives",
        ),
        pytest.param(
            "x^2 sin(x)",
            "2x sin(x)",
            "this is a product f·g with f = x², g = sin(x): use the product rule "
            "(f·g)′ = f′·g + f·g′. You differentiated only f.",
            id="product-rule-missed",
        ),
    ],
)
def test_product_messages_read_as_sentences(problem: str, answer: str, expected: str) -> None:
    """The product slips are told in one sentence, with 'with' used once."""
    verdict = check(problem, answer)
    assert verdict.feedback == expected
    assert "with f·g with" not in verdict.feedback


@settings(max_examples=25, deadline=None)
@given(
    base=st.sampled_from(["2", "3", "10", "e"]),
    a=st.integers(min_value=2, max_value=7),
    b=st.integers(min_value=-5, max_value=5),
)
def test_power_rule_on_exponential_is_named_for_any_linear_exponent(
    base: str, a: int, b: int
) -> None:
    """u·b^(u − 1)·u′ for b^u, with u = ax + b, is always named power_rule_on_exponential."""
    inner = f"({a}x + {b})"
    verdict = check(f"{base}^{inner}", f"{inner}*{base}^({inner}-1)*{a}")
    assert verdict.mistake == "power_rule_on_exponential"


# -- the check with numbers ----------------------------------------------------------------
CHECKS = [
    pytest.param("e^(x^3)", 0.0, id="flat-exp-cube"),
    pytest.param("(x^2-1)^3", 1.0, id="flat-triple-root"),
    pytest.param("x^3", 0.0, id="flat-cube"),
    pytest.param("cos(x)", 0.0, id="flat-top"),
    pytest.param("(3x+1)^2", 1.0, id="chapter"),
    pytest.param("e^(10x)", 2.0, id="steep-exponential"),
    pytest.param("tan(x)", 1.56, id="tan-near-asymptote"),
    pytest.param("sin(x^2)", 30.0, id="fast-oscillation"),
    pytest.param("sqrt(x^2+1)", 6.283185307, id="point-with-many-digits"),
    pytest.param("ln(x^2+1)", -3.0, id="negative-point"),
    pytest.param("sin(3x+1)", 0.2, id="sine"),
    pytest.param("1/(x^2+1)", 0.5, id="small-slope"),
]


def _check_line(text: str, at: float, unicode: bool = True) -> tuple[str, float]:
    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.points import number_check
    from chainrule_cli.render.mathfmt import Math
    from chainrule_cli.render.solution import number_check_text

    check = number_check(analyse(text), at)
    assert check is not None
    return number_check_text(check, "x", Math(unicode)).plain.replace("\n", " "), check.expected


def _float(shown: str) -> float:
    return float(shown.replace("−", "-").replace("×10^", "e").replace("*10^", "e"))


@pytest.mark.parametrize(("text", "at"), CHECKS)
@pytest.mark.parametrize("unicode", [True, False], ids=["unicode", "ascii"])
def test_printed_quotient_is_the_printed_rate(text: str, at: float, unicode: bool) -> None:
    """The quotient a/b printed in the check is worth the number after ≈, to its figures."""
    import re

    line, _ = _check_line(text, at, unicode)
    approx = "≈" if unicode else "~"
    number = r"−?-?[0-9.]+(?:[×*]10\^[−-]?[0-9]+)?"
    found = re.search(rf"a rate of about ({number})/({number}) {approx} ({number});", line)
    if found is None:
        assert "does not change to 6 figures, so the rate is 0 to this precision" in line
        assert "/" not in line.split("Check with numbers:")[1].split("the slope")[0]
        return
    a, b, c = (_float(g) for g in found.groups())
    assert float(f"{a / b:.4g}") == c


@pytest.mark.parametrize(("text", "at"), CHECKS)
def test_steep_is_said_only_of_steep_functions(text: str, at: float) -> None:
    """'steep' is said only where the slope is large, never at a flat point."""
    from chainrule_cli.render.solution import STEEP_SLOPE

    line, slope = _check_line(text, at)
    if "steep" in line:
        assert abs(slope) >= STEEP_SLOPE


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        pytest.param(
            "e^(x^3)",
            0.0,
            "Check with numbers: x from −1×10^−5 to 1×10^−5 leaves y at 1: y does not change "
            "to 6 figures, so the rate is 0 to this precision; the slope is 0\u00a0✓ "
            "  (with a step of 0.01 the rate is 0.0001: not yet 0, so the step is 1×10^−5)",
            id="flat-exp-cube",
        ),
        pytest.param(
            "(x^2-1)^3",
            1.0,
            "Check with numbers: x from 0.99999 to 1.00001 leaves y at 0: y does not change "
            "to 6 figures, so the rate is 0 to this precision; the slope is 0\u00a0✓ "
            "  (with a step of 0.01 the rate is 0.0008001: not yet 0, so the step is 1×10^−5)",
            id="flat-triple-root",
        ),
    ],
)
def test_a_flat_point_is_said_to_be_flat(text: str, at: float, expected: str) -> None:
    """At a flat point the check says y does not change, with no quotient and no 'steep'."""
    line, _ = _check_line(text, at)
    assert line == expected


@settings(max_examples=30, deadline=None)
@given(
    a=st.integers(min_value=-9, max_value=9).filter(lambda n: n != 0),
    b=st.integers(min_value=-9, max_value=9),
    n=st.integers(min_value=2, max_value=5),
    at=st.sampled_from([-2.0, -0.5, 0.0, 0.3, 1.0, 1.7, 3.0]),
)
def test_printed_quotient_holds_for_powers_of_lines(a: int, b: int, n: int, at: float) -> None:
    """For (ax + b)ⁿ at any point the printed quotient is the printed rate, or no quotient."""
    import re

    line, _ = _check_line(f"({a}x + {b})^{n}", at)
    number = r"−?[0-9.]+(?:×10\^−?[0-9]+)?"
    found = re.search(rf"a rate of about ({number})/({number}) ≈ ({number});", line)
    if found is None:
        assert "the rate is 0 to this precision" in line
        return
    x, y, z = (_float(g) for g in found.groups())
    # The rate is printed to 4 figures, or 5 or 6 where the slope sits on a rounding tie
    # (2.8125, 1.5625: every rate a step gives is a hair off it).
    shown = len(found.group(3).split("×")[0].lstrip("−0.").replace(".", ""))
    assert float(f"{x / y:.{max(4, shown)}g}") == z


# -- the inner function left as u -------------------------------------------------------------
@pytest.mark.parametrize(
    ("problem", "answer", "named", "right_when_put_in"),
    [
        pytest.param("tan(3x+1)", "sec^2(u)*3", "u = 3x + 1", True, id="tan-u"),
        pytest.param("tan(3x+1)", "sec²(u)·3", "u = 3x + 1", True, id="tan-u-unicode"),
        pytest.param("tan(3x+1)", "sec^2(u)", "u = 3x + 1", False, id="tan-u-no-inner"),
        pytest.param("(3x+1)^2", "6u", "u = 3x + 1", True, id="power-u"),
        pytest.param("sin(e^(x^2))", "cos(v) e^u 2x", "v = e^(x²), u = x²", True, id="nested-uv"),
        pytest.param("sin(e^(x^2))", "cos(v)*2x", "v = e^(x²)", False, id="nested-v-only"),
        pytest.param(
            "e^(sin(3x+1)^2)", "e^w 2v 3cos(u)", "w = sin²(3x + 1)", True, id="three-layers"
        ),
    ],
)
def test_a_layer_letter_left_in_is_inner_not_substituted(
    problem: str, answer: str, named: str, right_when_put_in: bool
) -> None:
    """u (v, w) left in an answer is the mistake inner_not_substituted, not a parse error,
    and the feedback says whether putting the inner function in gives the derivative."""
    verdict = check(problem, answer)
    assert not verdict.correct
    assert verdict.mistake == "inner_not_substituted"
    assert verdict.feedback.startswith(named)
    assert "write the answer in terms of x" in verdict.feedback
    assert ("your answer is the derivative" in verdict.feedback) == right_when_put_in


@pytest.mark.parametrize(
    ("problem", "answer"),
    [
        pytest.param("tan(3x+1)", "sec^2(y)*3", id="y-is-no-layer"),
        pytest.param("sin(x)", "cos(u)", id="no-layer-named-u"),
        pytest.param("sin(x^2)", "cos(v) 2x", id="v-not-named-here"),
    ],
)
def test_other_unknown_letters_are_still_input_errors(problem: str, answer: str) -> None:
    """Only a letter the solution gave a layer is read; any other stays a one-line error."""
    from chainrule_cli.errors import InputError

    with pytest.raises(InputError, match="unknown name"):
        check(problem, answer)


def test_check_cli_names_the_layer_letter() -> None:
    """`chainrule check` answers u with the lesson (exit 1, a wrong answer), not exit 2."""
    result = runner.invoke(app, ["check", "tan(3x+1)", "sec^2(u)*3", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["mistake"] == "inner_not_substituted"
    assert data["read_as"] == "sec²(u)·3"
    assert data["feedback"].startswith("u = 3x + 1: write the answer in terms of x.")


def test_guided_multiply_step_takes_u_as_the_lesson() -> None:
    """In the guided walk, a product written with u costs a try and says u = …, in x."""
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.practice.session import QuizSession

    from .test_session import Clock

    s = QuizSession([Problem("p", "exponential", "sin(e^(x^2))", 1)], 1, clock=Clock())
    assert s.next_problem() is not None
    walk = s.guided()
    for entry in ("e^(x^2)", "cos(v)", "x^2", "e^u", "2x"):
        assert walk.submit(entry).ok, entry
    miss = walk.submit("2x e^u")
    assert not miss.ok and miss.tries_left == 1
    assert miss.message == "u = x²: write it in terms of x. With that put in, that is right."
    assert walk.submit("2x e^(x^2)").ok


# -- solve assembles the product and quotient rules -------------------------------------------
@pytest.mark.parametrize(
    ("problem", "derivatives", "assembled"),
    [
        pytest.param(
            "x^2 sin(3x)",
            "f′ = 2x, g′ = 3cos(3x)",
            "dy/dx = 2x·sin(3x) + x²·3cos(3x)",
            id="product",
        ),
        pytest.param("x e^x", "f′ = 1, g′ = e^x", "dy/dx = e^x + x·e^x", id="product-with-x"),
        pytest.param(
            "sin(x)/x", "f′ = cos(x), g′ = 1", "dy/dx = (cos(x)·x − sin(x))/x²", id="quotient"
        ),
        pytest.param(
            "ln(x)/(x^2+1)",
            "f′ = 1/x, g′ = 2x",
            "dy/dx = ((x² + 1)/x − ln(x)·2x)/(x² + 1)²",
            id="quotient-chain-free",
        ),
    ],
)
def test_solve_shows_the_product_and_quotient_rules_assembled(
    problem: str, derivatives: str, assembled: str
) -> None:
    """solve writes each part's derivative, then f′·g + f·g′ (or (f′g − fg′)/g²) put together,
    before the simplified form."""
    result = runner.invoke(app, ["solve", problem], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert derivatives in result.output
    assert assembled in result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if assembled in line)
    final = next(i for i, line in enumerate(lines) if line.startswith("dy/dx = "))
    assert at < final


def test_solve_and_hints_assemble_the_product_alike() -> None:
    """solve's assembled product is the quiz hint's own (one implementation)."""
    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.explain import Combination, explain
    from chainrule_cli.practice.outline import Outline
    from chainrule_cli.printing.mathtext import show

    steps = explain(analyse("x^2 sin(3x)").tree)
    product = next(s for s in steps if isinstance(s, Combination))
    built = show(Outline(steps).built(product), unicode=True, ordered=False)
    result = runner.invoke(app, ["solve", "x^2 sin(3x)"], env={"COLUMNS": "200"})
    assert f"dy/dx = {built}" in result.output


# -- final forms -----------------------------------------------------------------------------
def test_final_forms_print_as_the_books_print_them() -> None:
    """At least 80% of the published answers print the same as our clean derivative, after
    both are read and printed by the same printer (the misses are printed)."""
    from pathlib import Path

    import yaml

    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.printing.mathtext import show
    from chainrule_cli.reading.parsing import parse, symbol
    from chainrule_cli.reading.syntax import to_sympy

    corpus = Path(__file__).parent / "corpus" / "textbook.yaml"
    items = yaml.safe_load(corpus.read_text(encoding="utf-8"))["items"]
    published = [item for item in items if item.get("answer_source") != "derived"]
    misses = []
    for item in published:
        variable = item.get("variable") or "x"
        x = symbol(variable)
        ours = show(analyse(item["function"], variable).clean)
        ours_read = show(to_sympy(parse(ours, variable), x))
        book = show(to_sympy(parse(str(item["answer"]), variable), x))
        if ours_read != book:
            misses.append(f"{item['id']}: ours {ours_read}, book {book}")
    share = 1 - len(misses) / len(published)
    print(f"same form as the book: {share:.0%}", *misses, sep="\n  ")
    assert len(published) >= 100
    assert share >= 0.8


@pytest.mark.parametrize(
    ("function", "printed"),
    [
        pytest.param("(2x+1)^3/(x-1)^2", "2(2x + 1)²·(x − 4)/(x − 1)³", id="quotient-lowest-terms"),
        pytest.param("ln(cos(x))", "−tan(x)", id="ln-cos-is-minus-tan"),
        pytest.param("ln(sin(x))", "cot(x)", id="ln-sin-is-cot"),
        pytest.param("x^2 sin(3x)", "3x²·cos(3x) + 2x·sin(3x)", id="product-as-sum"),
        pytest.param("sqrt(x^2+2x)", "(x + 1)/√(x² + 2x)", id="root-numbers-cancel"),
        pytest.param("(2x^3+2x-1)^4", "4(2x³ + 2x − 1)³·(6x² + 2)", id="inner-derivative-whole"),
        pytest.param("(3x+1)^2", "6(3x + 1)", id="linear-inner"),
        pytest.param("ln(x^2)", "2/x", id="two-over-x"),
    ],
)
def test_final_form_examples(function: str, printed: str) -> None:
    """The clean derivative is the answer key's form, and equal to sympy.diff."""
    import sympy as sp

    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.printing.mathtext import show

    analysis = analyse(function)
    assert show(analysis.clean) == printed
    difference = analysis.clean - sp.diff(analysis.expr, analysis.variable)
    assert sp.simplify(difference.rewrite(sp.cos)) == 0


@settings(max_examples=40, deadline=None)
@given(
    outer=st.sampled_from(
        ["sin({})", "cos({})", "e^({})", "ln(({})^2+1)", "({})^3", "sqrt(({})^2+1)", "tan({})"]
    ),
    inner=st.sampled_from(["3x+1", "x^2", "x^2+x", "2x-5", "x^3-x"]),
    combine=st.sampled_from(["{} * x^2", "{} / (x^2+1)", "{} + x", "{}"]),
)
def test_final_form_equals_sympy_diff(outer: str, inner: str, combine: str) -> None:
    """Whatever its shape, the printed final form is the derivative (sympy.diff is the oracle)."""
    import sympy as sp

    from chainrule_cli.maths.analysis import analyse

    analysis = analyse(combine.format(outer.format(inner)))
    difference = analysis.clean - sp.diff(analysis.expr, analysis.variable)
    assert sp.simplify(difference.rewrite(sp.cos)) == 0


@pytest.mark.parametrize(
    "text",
    [
        "3x^2 sin(2x)",
        "sin(x)/x + x^2 e^x",
        "2(x+1)^2 e^x / x",
        "x sin(x) cos(x)",
        "x^2 (3x+1)^4 + 7sin(x)",
    ],
)
def test_a_rule_is_written_in_its_parts_names(text: str) -> None:
    """ "(g·h)′ = g′·h + g·h′ with g = x², h = sin(2x)": the formula speaks of the parts
    named beside it, never of an f and g that are other functions (or none)."""
    import re

    from chainrule_cli.maths.analysis import analyse
    from chainrule_cli.maths.explain import Combination, explain

    steps = [s for s in explain(analyse(text).tree) if isinstance(s, Combination)]
    assert steps
    for step in steps:
        if step.kind == "general power":
            continue
        used = set(re.findall(r"(?<![A-Za-z])[A-Za-z][0-9]*(?![A-Za-z])", step.formula))
        assert used - {"c"} <= set(step.names), (step.formula, step.names)
