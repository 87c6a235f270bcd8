"""Shorter screens (#24): ``solve`` without a point checks with numbers in one line, at
the point it chose; a session of one problem (``practise``, a quiz of one) ends with
one line saying how it went and the score.

The transcripts are compared byte for byte with tests/golden/screens/*, through a
real pipe, at 60 and 80 columns, without colour (``.txt``) and with colour forced
(``.ansi``, the escape codes kept). Set CHAINRULE_UPDATE_GOLDEN=1 to rewrite them
after a deliberate change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.points import number_check
from chainrule_cli.render.mathfmt import Math
from chainrule_cli.render.solution import number_check_line, number_check_text
from tests.screens import GOLDEN as SCREENS_GOLDEN
from tests.screens import assert_golden, run_piped, visible

GOLDEN = SCREENS_GOLDEN / "screens"
BANK = str(Path(__file__).parent / "golden" / "widths.bank.yaml")
runner = CliRunner()


def _plain(renderable: object, width: int = 200) -> str:
    console = Console(width=width, color_system=None, force_terminal=False, record=True)
    console.print(renderable)
    lines = console.export_text().replace("\u00a0", " ").splitlines()
    return "\n".join(line.rstrip() for line in lines)


def _line(text: str, at: float, unicode: bool = True) -> str:
    check = number_check(analyse(text), at)
    assert check is not None
    return _plain(number_check_line(check, "x", Math(unicode)))


# -- solve without --at: one line ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        pytest.param(
            "(3x+1)^2", 1.0,
            "Check with numbers at x = 1: rise/run = 0.48/0.02 ≈ 24 = the slope ✓",
            id="chapter",
        ),
        pytest.param(
            "ln(x^2+1)", 0.5,
            "Check with numbers at x = 0.5: rise/run = 0.0159991/0.02 ≈ 0.8 = the slope ✓",
            id="half",
        ),
        pytest.param(
            "sin(x^2)", 1.0,
            "Check with numbers at x = 1: rise/run = 0.0021612/0.002 ≈ 1.081 = the slope ✓\n"
            "  (a run of 0.02 gave 1.08: not yet close enough)",
            id="refined",
        ),
        pytest.param(
            "e^(10x)", 1.0,
            "Check with numbers at x = 1: rise/run = 440.537/0.002 ≈ 2.203×10^5 = the slope ✓\n"
            "  (a run of 0.02 gave 2.206×10^5: too coarse for this steep function)",
            id="steep",
        ),
        pytest.param(
            "(x^2-1)^3", 1.0,
            "Check with numbers at x = 1: y stays at 0 to 6 figures, a rate of 0 = the slope ✓\n"
            "  (a run of 0.02 gave 0.0008001: not yet 0)",
            id="flat",
        ),
    ],
)  # fmt: skip
def test_the_short_check_is_one_line_at_its_point(text: str, at: float, expected: str) -> None:
    """The short check names its point, shows rise/run and the slope, and a second line
    only when the run had to be made smaller."""
    assert _line(text, at) == expected


def test_the_short_check_in_ascii() -> None:
    """Without unicode the short check says ~ and ok, and nothing else changes."""
    assert _line("(3x+1)^2", 1.0, unicode=False) == (
        "Check with numbers at x = 1: rise/run = 0.48/0.02 ~ 24 = the slope ok"
    )


def test_a_disagreeing_check_says_so_and_gives_no_tick() -> None:
    """When the printed rate is not the printed slope: ✗, both numbers shown, never ✓."""
    check = number_check(analyse("(3x+1)^2"), 1.0)
    assert check is not None
    check.expected = 25.0
    line = _line_of(check)
    assert line.endswith("≈ 24, but the slope is 25 ✗")
    assert "✓" not in line


def _line_of(check: object) -> str:
    return _plain(number_check_line(check, "x", Math(True)))  # type: ignore[arg-type]


_POINTS = [-2.0, -0.5, 0.3, 1.0, 1.7, 3.0]


@settings(max_examples=30, deadline=None)
@given(
    a=st.integers(min_value=-9, max_value=9).filter(lambda n: n != 0),
    b=st.integers(min_value=-9, max_value=9),
    n=st.integers(min_value=2, max_value=5),
    at=st.sampled_from(_POINTS),
)
def test_the_short_quotient_is_the_printed_rate(a: int, b: int, n: int, at: float) -> None:
    """For (ax + b)ⁿ the printed rise/run is worth the printed rate, and ✓ only when the
    printed rate is the printed slope; a refinement note only when the step was refined."""
    check = number_check(analyse(f"({a}x + {b})^{n}"), at)
    assert check is not None
    line = _line_of(check)
    first = line.splitlines()[0]
    assert first.startswith(f"Check with numbers at x = {Math(True).number(at)}: ")
    assert ("\n" in line) is (check.coarse is not None)
    number = r"−?[0-9.]+(?:×10\^−?[0-9]+)?"
    found = re.search(rf"rise/run = ({number})/({number}) ≈ ({number}) ", first)
    if found is None:
        assert "a rate of 0 = the slope ✓" in first
        return
    rise, run, rate = (float(g.replace("−", "-").replace("×10^", "e")) for g in found.groups())
    assert float(f"{rise / run:.{check.shown}g}") == rate
    assert first.endswith("= the slope ✓") is check.agrees
    assert check.agrees  # the slope is right, so some step must show it


def test_a_slope_on_a_rounding_tie_is_checked_to_one_more_figure() -> None:
    """(9x + 4)⁵ at x = −0.5 has slope 45·(−0.5)⁴ = 2.8125, which prints as 2.812 to four
    figures, while every central difference is a hair above it and prints as 2.813. The
    check shows both to five figures, where they agree, instead of a ✗ on a right slope."""
    check = number_check(analyse("(9x + 4)^5"), -0.5)
    assert check is not None and check.expected == 2.8125
    assert check.agrees and check.shown == 5
    line = _line_of(check)
    assert "≈ 2.8125 = the slope ✓" in line
    assert "✗" not in line


@pytest.mark.parametrize(
    ("text", "at", "refined"),
    [
        pytest.param("(3x+1)^2", 1.0, False, id="chapter"),
        pytest.param("ln(x^2+1)", 1.0, False, id="log"),
        pytest.param("sin(x^2)", 1.0, True, id="sine"),
        pytest.param("e^(10x)", 2.0, True, id="steep"),
        pytest.param("e^(x^3)", 0.0, True, id="flat"),
    ],
)
def test_the_step_paragraph_only_when_refined_in_both_forms(
    text: str, at: float, refined: bool
) -> None:
    """With or without --at, the note on the step appears exactly when the step was refined."""
    check = number_check(analyse(text), at)
    assert check is not None
    assert (check.coarse is not None) is refined
    full = number_check_text(check, "x", Math(True)).plain
    assert ("with a step of" in full) is refined
    assert ("(a run of" in _line_of(check)) is refined


@pytest.mark.parametrize(
    ("expression", "point"),
    [
        pytest.param("(3x+1)^2", "1", id="power"),
        pytest.param("1/(x-1)^2", "0.5", id="undefined-at-1"),
        pytest.param("sqrt(x-2)", "3", id="root-from-2"),
        pytest.param("ln(ln(x))", "2", id="log-of-log"),
    ],
)
def test_solve_says_the_point_it_chose(expression: str, point: str) -> None:
    """Without --at the check says the point it chose, the first of 1, 0.5, 2, 0.3, −1, 3
    where the function is defined, and prints no longer paragraph."""
    result = runner.invoke(app, ["solve", expression])
    assert result.exit_code == 0, result.stderr
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("Check with numbers")]
    assert line.startswith(f"Check with numbers at x = {point}: ")
    assert "moves y from" not in result.stdout


def test_solve_at_a_point_keeps_the_full_check() -> None:
    """With --at the check is the chapter's full sentence, x moving either side of the point."""
    out = runner.invoke(app, ["solve", "(3x+1)^2", "--at", "1"]).stdout
    assert "Check with numbers: x from 0.99 to 1.01 moves y from 15.7609 to 16.2409" in out


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["solve", "(3x+1)^2", "--json"], id="no-point"),
        pytest.param(["solve", "sin(x^2)", "--at", "1", "--json"], id="point"),
    ],
)
def test_json_has_no_check_text(args: list[str]) -> None:
    """--json is unchanged: the same keys as before, and no prose of the check."""
    data = json.loads(runner.invoke(app, args).stdout)
    keys = {"expression", "variable", "function", "type", "derivative", "steps", "rules", "notes"}
    if "--at" in args:
        keys |= {"at", "value", "numeric"}
    assert set(data) == keys


# -- one problem: one line ----------------------------------------------------------------------
def _last_line(args: list[str], typed: str) -> tuple[str, str]:
    result = runner.invoke(app, args, input=typed)
    assert result.exit_code == 0, result.stderr
    return result.stdout.rstrip("\n").splitlines()[-1], result.stdout


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("2x cos(x^2)\n", "✓ right on the first try, no hints: 1 / 1", id="first-try"),
        pytest.param("cos(x^2)\nh\n2x cos(x^2)\n", "✓ right after 1 wrong try and 1 hint: 0.5 / 1", id="wrong-and-hint"),
        pytest.param("cos(x^2)\n2x cos(x^2)\n", "✓ right after 1 wrong try: 0.75 / 1", id="one-wrong"),
        pytest.param("cos(x)\n1\n2x cos(x^2)\n", "✓ right after 2 wrong tries: 0.5 / 1", id="two-wrong"),
        pytest.param("h\n2x cos(x^2)\n", "✓ right after 1 hint: 0.75 / 1", id="one-hint"),
        pytest.param("g\nx^2\ncos(u)\n2x\n2x cos(x^2)\n", "✓ right with the guided walk: 0.5 / 1", id="guided"),
        pytest.param("cos(x^2)\n1\n2\n", "✗ missed: 0 / 1", id="missed"),
        pytest.param("a\n", "solution shown: 0 / 1", id="shown"),
        pytest.param("h\nh\nh\nh\nh\n", "solution shown: 0 / 1", id="last-hint"),
        pytest.param("s\n", "skipped: 0 / 1", id="skipped"),
        pytest.param("cos(x^2)\nq\n", "✗ missed: 0 / 1; the right answer is 2x·cos(x²)", id="quit"),
        pytest.param("cos(x^2)\n", "✗ missed: 0 / 1; the right answer is 2x·cos(x²)", id="end-of-input"),
    ],
)  # fmt: skip
def test_practise_ends_with_one_line(typed: str, expected: str) -> None:
    """practise ends with one line: how the problem went and its score; no table, no rule
    of the score, no review table."""
    last, out = _last_line(["practise", "sin(x^2)"], typed)
    assert last == expected
    for gone in ("Your quiz", "A right answer scores 1", "To review", "1 problem"):
        assert gone not in out


def test_practise_at_a_point_left_early_gives_the_slope() -> None:
    """Left before the solution was shown, the one line gives the right slope."""
    last, _ = _last_line(["practise", "sin(x^2)", "--at", "1"], "cos(1)\n")
    assert last == "✗ missed: 0 / 1; the right answer is 2cos(1) (slope at 1)"


def test_a_quiz_of_one_problem_ends_with_one_line() -> None:
    """A quiz of --count 1 is one problem, and ends as practise does."""
    last, out = _last_line(["quiz", "--bank", BANK, "--no-shuffle", "--count", "1"], "h\nq\n")
    assert "\n✗ missed: 0 / 1; the right answer is" in out
    assert last.endswith("cos(e^(x² + 3x + 1) + sin(x))")
    assert "Your quiz" not in out


def test_a_quiz_of_two_keeps_the_table() -> None:
    """A quiz of more than one problem keeps the table, the rule of the score and the review."""
    _, out = _last_line(["quiz", "--bank", BANK, "--no-shuffle", "--count", "2"], "s\nq\n")
    assert "Your quiz" in out and "A right answer scores 1" in out and "To review" in out
    assert "\nskipped: 0 / 1" not in out


def test_nothing_answered_says_so() -> None:
    """Quitting before any answer still says nothing was answered, in one line."""
    last, _ = _last_line(["practise", "sin(x^2)"], "q\n")
    assert last == "No problems answered this time."


# -- golden transcripts -------------------------------------------------------------------------
GOLDEN_RUNS = [
    pytest.param("solve-power", ["solve", "(3x+1)^2"], "", id="solve-power"),
    pytest.param("solve-sine", ["solve", "sin(x^2)"], "", id="solve-sine-refined"),
    pytest.param("solve-root", ["solve", "sqrt(x-2)"], "", id="solve-root-at-3"),
    pytest.param("solve-nested", ["solve", "sin(e^(x^2+3x+1)+sin(x))"], "", id="solve-nested"),
    pytest.param("practise-right", ["practise", "sin(x^2)"], "2x cos(x^2)\n", id="practise-right"),
    pytest.param(
        "practise-wrong-hint",
        ["practise", "sin(x^2)"],
        "cos(x^2)\nh\n2x cos(x^2)\n",
        id="practise-wrong-hint",
    ),
    pytest.param("practise-missed", ["practise", "sin(x^2)"], "cos(x^2)\n1\n2\n", id="practise-missed"),
]  # fmt: skip


@pytest.mark.parametrize("colour", [False, True], ids=["no-color", "colour"])
@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize(("name", "args", "typed"), GOLDEN_RUNS)
def test_short_screens_are_golden(
    name: str, args: list[str], typed: str, width: int, colour: bool
) -> None:
    """``chainrule … | cat`` prints exactly tests/golden/screens/NAME_WIDTH.txt (.ansi with
    colour forced): no line wider than the terminal, none ending in a space."""
    proc = run_piped(args, width, colour, typed)
    assert proc.returncode == 0, proc.stderr
    visible(proc.stdout, width, colour)
    assert_golden(GOLDEN / f"{name}_{width}.{'ansi' if colour else 'txt'}", proc.stdout)
