"""Every mistake on the command line reads like the tool's own errors: one line, exit 2.

A bad option value, a missing argument, an unknown option or command, a value
out of range: each prints ``error: …`` on stderr, then ``try 'chainrule … --help'``
where there is a command to ask about, nothing on stdout, and exits 2. There is
never a box (typer's ``╭─ Error ─╮``) and never a traceback. The style is set
once, in the app's command group (``cli/group.py``), so a new command gets it too.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app

runner = CliRunner()
BOX = set("╭╮╰╯│─┌┐└┘")

#: (arguments, the error line, the command whose help to try, or None for no such line).
USAGE_ERRORS = [
    pytest.param(
        ["quiz", "--difficulty", "4"],
        "error: --difficulty must be from 1 to 3, not 4",
        "chainrule quiz",
        id="difficulty-4",
    ),
    pytest.param(
        ["history", "--limit", "99999"],
        "error: --limit must be from 1 to 10000, not 99999",
        "chainrule history",
        id="limit-99999",
    ),
    pytest.param(
        ["quiz", "--count", "x"],
        "error: --count takes a whole number, not 'x'",
        "chainrule quiz",
        id="not-a-number",
    ),
    pytest.param(
        ["quiz", "--count=0"],
        "error: --count must be from 1 to 1000, not 0",
        "chainrule quiz",
        id="count-0",
    ),
    pytest.param(
        ["generate", "--count", "-1"],
        "error: --count must be from 1 to 2000, not -1",
        "chainrule generate",
        id="negative-count",
    ),
    pytest.param(
        ["anki", "deck.apkg", "--count", "0"],
        "error: --count must be at least 1, not 0",
        "chainrule anki",
        id="count-at-least",
    ),
    pytest.param(
        ["quiz", "--bogus"], "error: no such option: --bogus", "chainrule quiz", id="unknown-option"
    ),
    pytest.param(
        ["quiz", "--cont", "3"],
        "error: no such option: --cont (did you mean --count or --plot?)",
        "chainrule quiz",
        id="option-typo",
    ),
    pytest.param(
        ["--bogus"], "error: no such option: --bogus", "chainrule", id="unknown-root-option"
    ),
    pytest.param(["nope"], "error: no such command 'nope'", "chainrule", id="unknown-command"),
    pytest.param(
        ["bank", "lst"],
        "error: no such command 'lst'. Did you mean 'list'?",
        "chainrule bank",
        id="command-typo",
    ),
    pytest.param(
        ["solve"], "error: missing argument EXPRESSION", "chainrule solve", id="missing-argument"
    ),
    pytest.param(
        ["check", "x^2"], "error: missing argument ANSWER", "chainrule check", id="missing-answer"
    ),
    pytest.param(["export"], "error: missing argument FILE", "chainrule export", id="missing-file"),
    pytest.param(
        ["solve", "x", "--at"], "error: --at needs a value", "chainrule solve", id="missing-value"
    ),
    pytest.param(
        ["solve", "x", "y"],
        "error: unexpected extra argument: y (quote an expression with spaces)",
        "chainrule solve",
        id="extra-argument",
    ),
    pytest.param(
        ["quiz", "--type", "calculus"],
        "error: unknown type 'calculus': choose from power, exponential, trig, root, log, "
        "quadratic-inside, applied, multivariable, implicit, backprop",
        "chainrule quiz",
        id="unknown-type",
    ),
    pytest.param(
        ["bank", "list", "--type", "trigonometry"],
        "error: unknown type 'trigonometry': choose from power, exponential, trig, root, log, "
        "quadratic-inside, applied, multivariable, implicit, backprop",
        "chainrule bank list",
        id="unknown-type-in-bank-list",
    ),
    pytest.param(
        ["learn", "--section", "nope"],
        "error: unknown section 'nope': choose from intuition, four-steps, why-multiply, "
        "check-with-numbers, nested, types, applications, backprop",
        "chainrule learn",
        id="unknown-section",
    ),
    pytest.param(
        ["backprop", "--activation", "swish"],
        "error: unknown activation 'swish': choose from sigmoid, tanh, relu",
        "chainrule backprop",
        id="unknown-activation",
    ),
    pytest.param(
        ["worksheet", "--format", "pdf"],
        "error: unknown format 'pdf': choose from md, tex, html",
        "chainrule worksheet",
        id="unknown-format",
    ),
    pytest.param(
        ["bank", "list", "--difficulty", "x"],
        "error: --difficulty takes a whole number, not 'x'",
        "chainrule bank list",
        id="difficulty-not-a-number",
    ),
    # the commands' own checks: one line, and no help to try
    pytest.param(
        ["stats", "--yes"],
        "error: --yes only goes with --reset (chainrule stats --reset --yes)",
        None,
        id="yes-without-reset",
    ),
    pytest.param(
        ["export", "progress.xlsx"],
        "error: progress.xlsx: export writes .json or .csv files; give a name ending in one",
        None,
        id="export-extension",
    ),
    pytest.param(
        ["plot", "sin(x)", "--at", "5", "--range", "0:1"],
        "error: --at 5 is outside --range 0:1: choose a point inside the range, "
        "or a range around the point",
        None,
        id="plot-at-outside-range",
    ),
    pytest.param(
        ["solve", "--fast"],
        "error: no such option: --fast (did you mean --at or --steps?)",
        "chainrule solve",
        id="option-where-math-goes",
    ),
]


@pytest.mark.parametrize(("args", "message", "command"), USAGE_ERRORS)
def test_usage_error_is_one_line_and_exit_2(
    args: list[str], message: str, command: str | None
) -> None:
    """One ``error:`` line (and the help to try), exit 2, nothing on stdout, no box."""
    result = runner.invoke(app, args, env={"COLUMNS": "60"})
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    expected = [message] + ([f"try '{command} --help'"] if command else [])
    assert lines == expected
    assert not BOX & set(result.stderr)
    assert "Traceback" not in result.stderr


def test_usage_error_through_the_console_script() -> None:
    """The real entry point (python -m chainrule_cli) prints the same two lines."""
    proc = subprocess.run(
        [sys.executable, "-m", "chainrule_cli", "quiz", "--difficulty", "4"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "error: --difficulty must be from 1 to 3, not 4",
        "try 'chainrule quiz --help'",
    ]


@pytest.mark.parametrize(
    ("args", "works"),
    [
        pytest.param(["bank", "list", "--type", "Trig", "--json"], '"type": "trig"', id="type"),
        pytest.param(["bank", "list", "--type", "LOG", "--json"], '"type": "log"', id="type-caps"),
        pytest.param(["backprop", "--activation", "TANH", "--layers", "2"], "tanh", id="activation"),
        pytest.param(["worksheet", "--format", "TeX", "--count", "1", "--seed", "1"], "\\begin{document}", id="format"),
    ],
)  # fmt: skip
def test_choices_are_case_insensitive(args: list[str], works: str) -> None:
    """--type Trig, --activation TANH and --format TeX are read as trig, tanh and tex."""
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert works in result.stdout


def test_reset_declined_is_not_an_error() -> None:
    """Answering no to stats --reset says nothing was reset, and exits 0."""
    result = runner.invoke(app, ["stats", "--reset"], input="n\n")
    assert result.exit_code == 0
    assert "nothing was reset" in result.stdout
    assert "error" not in result.stderr and "Aborted" not in result.output
