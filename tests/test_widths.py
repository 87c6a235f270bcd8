"""Every screen fits 60, 80 and 120 columns, and piped output is clean, byte for byte.

Each command runs through typer's runner (stdout is not a terminal there, as
in a pipe) at each width, and its output is checked line by line: no line is
wider than the terminal, none ends in a space, no number is cut short with
"…", the lines of every table balance their brackets, and the no-break and
zero-width spaces that hold formulas together never reach the output. A few
transcripts are compared byte for byte with tests/golden/*.txt through a real
pipe (set CHAINRULE_UPDATE_GOLDEN=1 to rewrite them after a deliberate change).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from rich.text import Text
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.progress.records import Attempt
from chainrule_cli.progress.store import Store
from chainrule_cli.render.fit import Column, FitTable, shorten
from chainrule_cli.render.mathfmt import Math
from tests.screens import GOLDEN, assert_golden, record_history, run_piped, visible

BANK = str(GOLDEN / "widths.bank.yaml")
WIDTHS = (60, 80, 120)
runner = CliRunner()

#: (id, arguments, what is typed): every command a person reads in a terminal.
SCREENS = [
    pytest.param(["solve", "(3x+1)^2", "--at", "1"], "", id="solve"),
    pytest.param(["solve", "sin(e^(x^2+3x+1)+sin(x))", "--at", "0"], "", id="solve-long"),
    pytest.param(["check", "ln(x^2+1)", "1/(x^2+1)"], "", id="check"),
    pytest.param(["plot", "sin(x^2)", "--at", "1"], "", id="plot"),
    pytest.param(
        ["quiz", "--bank", BANK, "--no-shuffle"],
        "h\nh\nh\n2x\na\ns\nh\n?\n5\ns\nh\n-4sin(x)\na\nh\nh\nh\nh\n1\na\n",
        id="quiz",
    ),
    pytest.param(
        ["practise", "sin(x^2+1)"], "g\nx^2+1\ncos(u)\n2x\nx\n2x cos(x^2+1)\n", id="guided"
    ),
    pytest.param(["stats"], "", id="stats"),
    pytest.param(["history"], "", id="history"),
    pytest.param(["review", "--bank", BANK], "s\n" * 12, id="review"),
    pytest.param(["learn", "--section", "intuition"], "s\n" * 60, id="learn"),  # every screen
    pytest.param(["backprop", "--layers", "12"], "", id="backprop"),
    pytest.param(["bank", "list", "--bank", BANK], "", id="bank-list"),
    pytest.param(["bank", "validate", BANK], "", id="bank-validate"),
]

#: A table's head rule: a line of ─ (or -) only.
_RULE = re.compile(r"^\s*[─-]{3,}\s*$")


@pytest.fixture
def progress() -> None:
    """A store with answers, one with a long formula, some wrong, spread over two weeks."""
    answers = [
        ("w-nested", "sin(e^(x^2+3x+1)+sin(x))", "trig", "cos(e^(x^2+3x+1)+sin(x))*(e^(x^2+3x+1)*(2x+3)+cos(x))", "correct", None),
        ("w-log", "ln(x^2+1)", "log", "1/(x^2+1)", "wrong", "forgot_inner_derivative"),
        ("w-power", "(3x+1)^2", "power", "6(3x+1)", "correct", None),
        ("w-balloon", "4/3 pi r^3", "applied", "-125.664", "revealed", None),
    ]  # fmt: skip
    now = datetime.now(UTC)
    with Store.open() as store:
        for index in range(12):
            pid, expression, kind, answer, outcome, mistake = answers[index % len(answers)]
            store.record(
                Attempt(
                    answered_at=(now - timedelta(days=index, minutes=5)).isoformat(),
                    problem_id=pid,
                    expression=expression,
                    type=kind,
                    difficulty=2,
                    answer=answer,
                    correct=outcome == "correct",
                    outcome=outcome,
                    mistake=mistake,
                    hints=index % 3,
                    tries=1 + index % 2,
                )
            )


def table_lines(text: str) -> list[str]:
    """The lines of every table in ``text``: the heading, the rule, the rows up to a blank line."""
    lines = text.splitlines()
    out: list[str] = []
    for index, line in enumerate(lines):
        if _RULE.match(line) and index and lines[index - 1].strip():
            out.append(lines[index - 1])
            for row in lines[index + 1 :]:
                if not row.strip():
                    break
                out.append(row)
    return out


def balanced(line: str) -> bool:
    depth = 0
    for char in line:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return False
    return depth == 0


def check_screen(text: str, width: int) -> None:
    """The promises of a screen at ``width`` columns, piped."""
    assert text.strip(), "nothing was printed"
    assert "\u00a0" not in text and "\u200b" not in text, "glue reached the output"
    for line in text.splitlines():
        assert cell_len(line) <= width, f"wider than {width}: {line!r}"
        assert not line.endswith((" ", "\t")), f"trailing space: {line!r}"
    cut = re.search(r"[\d.,⁰¹²³⁴⁵⁶⁷⁸⁹]…", text)
    assert cut is None, f"a number cut short: {text[max(0, cut.start() - 30) : cut.end()]!r}"
    for line in table_lines(text):
        assert balanced(line), f"brackets do not balance in a table: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("args", "typed"), SCREENS)
def test_screens_fit_and_pipe_cleanly(
    progress: None, args: list[str], typed: str, width: int
) -> None:
    """No line wider than the terminal or ending in a space, no cut number, tables balanced."""
    result = runner.invoke(app, args, input=typed, env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.stderr  # 1: check's verdict on a wrong answer
    check_screen(result.stdout, width)
    for line in result.stderr.splitlines():  # notes and errors are one line each, never boxed
        assert not line.endswith(" ")
        assert not set(line) & set("╭╮╰╯│")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["history"], id="history"),
        pytest.param(["bank", "list", "--bank", BANK], id="bank-list"),
        pytest.param(["solve", "sin(e^(x^2+3x+1)+sin(x))", "--at", "0"], id="solve-long"),
    ],
)
def test_ascii_screens_fit(progress: None, args: list[str]) -> None:
    """Where unicode cannot be shown, "..." stands for "…" and still fits the width."""
    result = runner.invoke(app, args, env={"COLUMNS": "60", "CHAINRULE_ASCII": "1"})
    assert result.exit_code == 0
    assert result.stdout.isascii()
    check_screen(result.stdout, 60)
    for line in table_lines(result.stdout):
        assert not re.search(r"\d\.\.\.", line)


@pytest.mark.parametrize("width", [60, 80])
def test_history_keeps_formulas_whole_and_drops_columns(progress: None, width: int) -> None:
    """A long formula is shortened with … and closed brackets; type and tries go first."""
    out = runner.invoke(app, ["history"], env={"COLUMNS": str(width)}).stdout
    head = out.splitlines()[0].split()
    assert head[:2] == ["when", "problem"] and "type" not in head and "tries" not in head
    assert "sin(e^(x…))" in out or "sin(e^(x² + 3x + 1)…)" in out  # as read, not as typed


def test_stats_never_cuts_a_percentage(progress: None) -> None:
    """At 60 columns the date column goes, and 100% stays 100% (not 10…)."""
    out = runner.invoke(app, ["stats"], env={"COLUMNS": "60"}).stdout
    assert "100%" in out and "last" not in out.split("\n\n")[1]
    assert "mastery" in out


def test_a_narrow_table_becomes_one_block_per_record(progress: None) -> None:
    """When even the essential columns do not fit, each record is a block of name and value."""
    out = runner.invoke(app, ["bank", "list", "--bank", BANK], env={"COLUMNS": "60"}).stdout
    blocks = [b for b in out.split("\n\n") if b.strip()]
    assert len(blocks) == 5
    assert blocks[0].splitlines()[0].split() == ["id", "w-nested"]
    check_screen(out, 60)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        pytest.param("sin(e^(x² + 3x + 1) + sin(x))", 16, "sin(e^(x…))", id="closes-brackets"),
        pytest.param("−40π ≈ −125.664 cm³/s", 14, "−40π…", id="never-half-a-number"),
        pytest.param("ln(3x² + 1)", 11, "ln(3x² + 1)", id="fits"),
        pytest.param("100%", 3, "…", id="number-whole-or-not-at-all"),
        pytest.param("arcsin(2x)", 5, "…", id="never-half-a-name"),
    ],
)
def test_shorten(text: str, width: int, expected: str) -> None:
    """A shortened formula ends in a clear …, its brackets closed, never mid-number or mid-name."""
    short = shorten(text, width).plain
    assert short == expected
    assert cell_len(short) <= width


def test_fit_table_drops_the_least_useful_column_first() -> None:
    """The column with the highest drop goes first; numbers are never shortened."""
    from rich.console import Console

    table = FitTable(
        [Column("name"), Column("formula", shrink=6), Column("n", "right", drop=1), Column("note", drop=2)],
        [["a", "sin(x² + 1)·cos(3x)", "1000000", "a long note here"]],
    )  # fmt: skip
    console = Console(width=34, record=True)
    console.print(table)
    out = console.export_text()
    assert "note" not in out and "1000000" in out and "n" in out.split()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda m: m.number(-125.664), "−125.664", id="number"),
        pytest.param(lambda m: m.signs("−40π ≈ -125.664 cm^3/s"), "−40π ≈ −125.664 cm^3/s", id="signs"),
        pytest.param(lambda m: m.signs("a well-known x-2"), "a well-known x-2", id="hyphens-stay"),
    ],
)  # fmt: skip
def test_one_minus_sign(make, expected: str) -> None:  # type: ignore[no-untyped-def]
    """In unicode output every minus sign is −, the math's own."""
    assert make(Math(True)).replace("\u00a0", " ") == expected


def _products():  # type: ignore[no-untyped-def]
    import sympy as sp

    from chainrule_cli.printing.mathtext import show, show_product

    x = sp.Symbol("x")
    return {
        "negative-denominator": (show(sp.Pow(-x, -1, evaluate=False)), "1/(−x)"),
        "negative-factor": (show(sp.Mul(2, -sp.sqrt(3) / 2, evaluate=False)), "2(−√3/2)"),
        "rule-product": (
            show_product([sp.Pow(-x, -1, evaluate=False), sp.Integer(-1)]),
            "1/(−x)·(−1)",
        ),
        "power-one": (show(sp.Pow(x**2 + 1, 1, evaluate=False)), "x² + 1"),
        "sum-factor": (Math(True).factor(1 + 3 * sp.E).replace("\u00a0", " "), "(1 + 3e)"),
        "negative-rate": (Math(True).factor(-sp.sqrt(3) / 2), "(−√3/2)"),
    }


@pytest.mark.parametrize(
    "case",
    ["negative-denominator", "negative-factor", "rule-product", "power-one", "sum-factor", "negative-rate"],
)  # fmt: skip
def test_brackets_around_negative_factors(case: str) -> None:
    """A negative factor or denominator is bracketed (1/(−x)·(−1), 2(−√3/2)); never (x² + 1)^1."""
    got, expected = _products()[case]
    assert got == expected


def test_applied_answer_has_one_minus_sign() -> None:
    """The balloon's volume shrinks at −40π ≈ −125.664 cm³/s: one minus sign throughout."""
    result = runner.invoke(
        app, ["quiz", "--bank", BANK, "--type", "applied"], input="a\n", env={"COLUMNS": "80"}
    )
    assert "−40π ≈ −125.664" in result.stdout
    assert "-125" not in result.stdout


def test_applied_question_is_indented_when_it_wraps() -> None:
    """Every line of a wrapped question is indented the same, at 60 columns."""
    out = runner.invoke(
        app, ["quiz", "--bank", BANK, "--type", "applied"], input="q\n", env={"COLUMNS": "60"}
    ).stdout
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "balloon" in line)
    question = lines[start : start + 3]
    assert all(line.startswith("  ") and not line.startswith("   ") for line in question)


def test_prose_wraps_around_formulas() -> None:
    """Feedback wraps between words, never inside (x² + 1)′ = 2x, at 60 columns."""
    out = runner.invoke(app, ["check", "ln(x^2+1)", "1/(x^2+1)"], env={"COLUMNS": "60"}).stdout
    assert "(x² + 1)′ = 2x" in out.replace("\n", " ")
    assert any("(x² + 1)′ = 2x" in line for line in out.splitlines())


# -- golden transcripts through a real pipe ---------------------------------------------------------
GOLDEN_RUNS = [
    pytest.param("solve_80", 80, ["solve", "(3x+1)^2", "--at", "1"], "", id="solve"),
    pytest.param("history_60", 60, ["history"], "", id="history"),
    pytest.param("bank_list_80", 80, ["bank", "list", "--bank", BANK], "", id="bank-list"),
    pytest.param(
        "quiz_60",
        60,
        ["quiz", "--bank", BANK, "--no-shuffle", "--type", "log", "--type", "applied"],
        "h\nh\n1/(x^2+1)\n2x/(x^2+1)\nh\n-40pi\n",
        id="quiz",
    ),
]


#: (name, width, arguments) of the screens #24 set: each compared in NO_COLOR and in colour.
FORMULA_GOLDENS = [
    pytest.param(f"solve_nested_{w}", w, ["solve", "e^(sin(sqrt(x^2+1)))", "--at", "1"], id=f"nested-{w}")
    for w in (60, 80)
] + [
    pytest.param(f"solve_quotient_{w}", w, ["solve", "(2x+1)^3/(x-1)^2"], id=f"quotient-{w}")
    for w in (60, 80)
] + [
    pytest.param(f"solve_log_note_{w}", w, ["solve", "log(x^2+1)"], id=f"log-note-{w}")
    for w in (60, 80)
] + [
    pytest.param(f"check_{w}", w, ["check", "ln(x^2+1)", "1/(x^2+1)"], id=f"check-{w}")
    for w in (60, 80)
]  # fmt: skip


def _fixed_history() -> None:
    """Answers at fixed times, so that history prints the same bytes every day."""
    rows = [
        ("w-nested", "sin(e^(x^2+3x+1)+sin(x))", "trig", "cos(e^(x^2+3x+1)+sin(x))*(2x+3)", False, "forgot_inner_derivative"),
        ("w-log", "ln(x^2+1)", "log", "2x/(x^2+1)", True, None),
        ("w-power", "(3x+1)^2", "power", "24", True, None),
    ]  # fmt: skip
    record_history(rows)


@pytest.mark.parametrize(("name", "width", "args", "typed"), GOLDEN_RUNS)
def test_piped_output_is_golden(name: str, width: int, args: list[str], typed: str) -> None:
    """``chainrule … | cat`` prints exactly tests/golden/NAME.txt: what one would paste into a note."""
    if name.startswith("history"):
        _fixed_history()
    proc = run_piped(args, width, typed=typed)
    assert proc.returncode == 0, proc.stderr
    check_screen(proc.stdout, width)
    assert_golden(GOLDEN / f"{name}.txt", proc.stdout)


HELP_SCRIPT = """
import sys
from chainrule_cli.cli import app
from chainrule_cli.cli.completion import command_tree

paths = [[]]
for command in command_tree().subcommands:
    if command.subcommands:
        paths += [[command.name], *([command.name, sub.name] for sub in command.subcommands)]
    else:
        paths.append([command.name])
for path in paths:
    try:
        app([*path, "--help"], prog_name="chainrule")
    except SystemExit:
        pass
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_help_fits(width: int) -> None:
    """Every command's --help, printed to a pipe, fits the width and ends no line in a space.

    (typer's test runner pins help to 80 columns, so this runs in a real process.)
    """
    env = {**os.environ, "COLUMNS": str(width), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-c", HELP_SCRIPT],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=True,
    )
    assert proc.stdout.count("Usage: chainrule") >= 18
    check_screen(proc.stdout, width)


def test_colour_output_fits_too(progress: None) -> None:
    """With colour forced on, the visible text is the same width and ends in no space."""
    result = runner.invoke(
        app, ["history"], env={"COLUMNS": "60", "NO_COLOR": None, "FORCE_COLOR": "1"}
    )
    visible = Text.from_ansi(result.stdout).plain
    for line in visible.splitlines():
        assert cell_len(line) <= 60 and not line.endswith(" ")


@pytest.mark.parametrize(
    "colour", [pytest.param(False, id="no-color"), pytest.param(True, id="colour")]
)
@pytest.mark.parametrize(("name", "width", "args"), FORMULA_GOLDENS)
def test_formula_screens_are_golden(name: str, width: int, args: list[str], colour: bool) -> None:
    """Long formulas broken only before an outermost operator, and indented notes, byte for byte.

    The colour transcript is compared with its ANSI codes (tests/golden/NAME.ansi); what it
    shows is the same text as the NO_COLOR one.
    """
    proc = run_piped(args, width, colour)
    assert proc.returncode in (0, 1), proc.stderr
    shown = visible(proc.stdout, width, colour)
    check_screen(shown, width)
    assert_golden(GOLDEN / f"{name}.{'ansi' if colour else 'txt'}", proc.stdout)
    if colour:
        assert shown.rstrip("\n") == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").rstrip(
            "\n"
        )


# -- formulas are never broken inside --------------------------------------------------------
#: Functions short and long, so that some formulas fit a line and some must break.
FORMULA_FUNCTIONS = [
    "(3x+1)^2",
    "e^(sin(sqrt(x^2+1)))",
    "sin(e^(x^2+3x+1)+sin(x))",
    "(2x+1)^3/(x-1)^2",
    "tan(x^3+4x^2-7x+1)^5",
]
FORMULA_SCREENS = [
    *(pytest.param(["solve", f], "", id=f"solve-{f}") for f in FORMULA_FUNCTIONS),
    *(pytest.param(["solve", f, "--at", "2"], "", id=f"at-{f}") for f in FORMULA_FUNCTIONS),
    pytest.param(["check", "ln(x^2+1)", "1/(x^2+1)"], "", id="check-feedback"),
    pytest.param(["quiz", "--bank", BANK, "--no-shuffle"], "h\nh\nh\nq\n", id="hints"),
]


def _where(formula: str) -> re.Pattern[str]:
    """``formula`` as printed: any space may be a line break, and a break may fall anywhere."""
    parts = [r"(?: |\n *)" if char == " " else re.escape(char) for char in formula]
    return re.compile(r"(?:\n *)?".join(parts))


def _bad_breaks(formula: str, printed: str) -> list[str]:
    """The places ``printed`` breaks ``formula`` other than before an outermost operator."""
    depths, depth = [], 0
    for char in formula:
        depths.append(depth)
        depth += (char in "([{") - (char in ")]}")
    outermost = min(depths)
    bad, at, j = [], 0, 0
    while j < len(printed):
        if printed[j] != "\n":
            at, j = at + 1, j + 1
            continue
        j += 1
        while j < len(printed) and printed[j] == " ":
            j += 1
        at += formula[at : at + 1] == " "  # the space the line break took the place of
        rest = formula[at:]
        leads = re.match(r"(?:->|[=≈→+−×<>~*-]) ", rest) or rest[:1] in ("·", "*")
        if not leads or depths[at] > outermost:
            bad.append(f"{formula[:at]}⏎{rest}")
    return bad


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("args", "typed"), FORMULA_SCREENS)
def test_formulas_are_never_broken_inside(
    monkeypatch: pytest.MonkeyPatch, args: list[str], typed: str, width: int
) -> None:
    """Every formula the renderer glued is printed on one line, or broken only before an
    outermost operator (= + − × ·), the operator leading the next line."""
    from chainrule_cli.render import mathfmt
    from chainrule_cli.render.console import BREAK, NBSP

    made: set[str] = set()
    for name in ("glue", "breakable", "glue_math"):
        original = getattr(mathfmt, name)

        def recording(*a, _original=original, _prose=name == "glue_math", **k):  # type: ignore[no-untyped-def]
            out = _original(*a, **k)
            pieces = out.split(" ") if _prose else [out]
            made.update(p.replace(NBSP, " ").replace(BREAK, "") for p in pieces if NBSP in p)
            return out

        monkeypatch.setattr(mathfmt, name, recording)
    result = runner.invoke(app, args, input=typed, env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.stderr
    found = 0
    for formula in sorted(made):
        for match in _where(formula).finditer(result.stdout):
            found += 1
            assert not _bad_breaks(formula, match.group()), _bad_breaks(formula, match.group())
    assert found >= 2, "the formulas were not found in the output"


@pytest.mark.parametrize(
    ("printed", "ok"),
    [
        pytest.param("dy/dx = e^(sin(√2))\n  = √2·cos(√2)/2", True, id="before-equals"),
        pytest.param("dy/dx = e^(sin(√2)) =\n√2·cos(√2)/2", False, id="after-equals"),
        pytest.param("dy/dx = e^(sin(√2)) = √2·\ncos(√2)/2", False, id="after-dot"),
        pytest.param("dy/dx = e^(sin(√2) +\n 1)", False, id="inside-brackets"),
    ],
)
def test_the_break_check_tells_good_from_bad(printed: str, ok: bool) -> None:
    """The property's judge accepts a break before an outermost = and rejects the issue's breaks."""
    formula = printed.replace("\n", " ").replace("  ", " ").replace("· ", "·").replace("+  ", "+ ")
    formula = re.sub(r" +", " ", formula).replace("√2· cos", "√2·cos")
    match = _where(formula).search(printed)
    assert match is not None
    assert (not _bad_breaks(formula, match.group())) == ok


@pytest.mark.parametrize(
    ("formula", "limit", "lines"),
    [
        pytest.param("dy/dx = x·cos(x)", 40, ["dy/dx = x·cos(x)"], id="fits-whole"),
        pytest.param(
            "dy/dx = e^(sin(√2)) × √2·cos(√2)/2 = √2·cos(√2)·e^(sin(√2))/2",
            40,
            ["dy/dx = e^(sin(√2)) × √2·cos(√2)/2", "= √2·cos(√2)·e^(sin(√2))/2"],
            id="before-outermost-equals",
        ),
        pytest.param(
            "((2x + 3)·e^(x² + 3x + 1) + cos(x))·cos(e^(x² + 3x + 1) + sin(x))",
            40,
            ["((2x + 3)·e^(x² + 3x + 1) + cos(x))", "·cos(e^(x² + 3x + 1) + sin(x))"],
            id="product-before-dot",
        ),
        pytest.param(
            "(6(2x + 1)²·(x − 1)² − (2x + 1)³·2(x − 1))/((x − 1)²)²",
            40,
            ["(6(2x + 1)²·(x − 1)²", "− (2x + 1)³·2(x − 1))/((x − 1)²)²"],
            id="one-bracket-deeper",
        ),
    ],
)
def test_breakable_breaks_only_before_outermost_operators(
    formula: str, limit: int, lines: list[str]
) -> None:
    """A formula too long for its line may break only before an outermost =, + or − (then ·),
    the operator leading; it goes one bracket deeper only when the outermost pieces are too long."""
    from rich.console import Console

    from chainrule_cli.render.fit import Hanging
    from chainrule_cli.render.mathfmt import breakable

    console = Console(width=limit, record=True, color_system=None)
    console.print(Hanging(Text(breakable(formula, limit)), hang=0))
    shown = console.export_text().replace("\u00a0", " ").replace("\u200b", "")
    assert [line.rstrip() for line in shown.splitlines()] == lines


def test_a_wrapped_note_keeps_its_indentation() -> None:
    """Every line of an indented note starts at its indentation, whatever the width."""
    from rich.console import Console

    from chainrule_cli.render.fit import Hanging

    note = Text(
        "Check: fine\n  (with a step of 0.01 the rate is 224.3: too coarse, so the step is 0.001)"
    )
    console = Console(width=30, record=True, color_system=None)
    console.print(Hanging(note))
    lines = console.export_text().splitlines()
    assert lines[0] == "Check: fine" and len(lines) >= 4
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines[1:])
