"""An answer is never taken for an option: maths that starts with a minus sign is maths.

click reads ``-5 sech(x)`` as the short options ``-5 -s -e -c -h …`` bundled,
and the ``-h`` in it used to print the help with exit status 0, which a script
reads as "correct". Only the exact words ``-h`` and ``--help`` ask for help; a
word that looks like an option but is none is maths where maths may stand, and
a usage error (exit 2) elsewhere. The rule lives once, in ``cli/group.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.cli import app
from chainrule_cli.exitcodes import ExitCode

runner = CliRunner()

#: Every command that reads maths from its arguments, with the arguments that
#: put a minus-led function (one with an h in it) where the maths goes, and the
#: answers typed to it on stdin (practise).
MATHS_COMMANDS = [
    pytest.param(["solve", "-sinh(2x)"], "", "−2cosh(2x)", id="solve"),
    pytest.param(["solve", "-theta^2", "--var", "theta"], "", "−2θ", id="solve-theta"),
    pytest.param(["plot", "-cosh(x)"], "", "cosh", id="plot"),
    pytest.param(["practise", "-sech(2x)"], "2sech(2x) tanh(2x)\n", "Correct", id="practise"),
    pytest.param(["practice", "-2 sinh(x^2)"], "s\n", "cosh", id="practice"),
    pytest.param(["check", "-cosh(x)", "-sinh(x)"], "", "Correct", id="check-both"),
    pytest.param(["check", "tanh(2x)", "-h"], "", "Usage:", id="check-exact-h-is-help"),
]


@pytest.mark.parametrize(("args", "stdin", "shown"), MATHS_COMMANDS)
def test_minus_led_maths_is_read_as_maths(args: list[str], stdin: str, shown: str) -> None:
    """Each maths command reads a minus-led argument with an h in it as maths, not as -h."""
    result = runner.invoke(app, args, input=stdin)
    assert result.exit_code == 0, result.output
    assert shown in result.stdout
    if args[-1] != "-h":
        assert "Usage:" not in result.stdout


WRONG_ANSWERS = [
    pytest.param("-5 sech(x)", id="sech"),
    pytest.param("-2x sinh(x)", id="sinh"),
    pytest.param("-cosh(2x)", id="cosh"),
    pytest.param("-h", id="bare-h-is-help"),
    pytest.param("-hx", id="h-then-x"),
    pytest.param("-xh", id="x-then-h"),
]


@pytest.mark.parametrize("answer", WRONG_ANSWERS)
def test_a_wrong_minus_led_answer_never_exits_0_with_help(answer: str) -> None:
    """check with a minus-led answer exits 1 (wrong) or 2 (unreadable), never 0 with help."""
    result = runner.invoke(app, ["check", "tanh(2x)", answer])
    if answer == "-h":
        assert result.exit_code == 0 and result.stdout.startswith("Usage:")
        return
    assert "Usage:" not in result.stdout
    assert result.exit_code in (ExitCode.WRONG, ExitCode.USAGE)
    if "h(" in answer:
        assert result.exit_code == ExitCode.WRONG


HELP_WORDS = [
    pytest.param(["solve", "-h"], id="solve-h"),
    pytest.param(["check", "--help"], id="check-help"),
    pytest.param(["plot", "sin(x)", "-h"], id="plot-after-maths"),
    pytest.param(["practise", "--help"], id="practise-help"),
    pytest.param(["stats", "-h"], id="stats-h"),
    pytest.param(["bank", "validate", "-h"], id="bank-validate-h"),
]


@pytest.mark.parametrize("args", HELP_WORDS)
def test_only_exact_help_words_ask_for_help(args: list[str]) -> None:
    """-h and --help, exactly, print the command's help on stdout and exit 0."""
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: chainrule")


NOT_OPTIONS = [
    pytest.param(["stats", "-hx"], "error: no such option: -hx", id="stats-bundle"),
    pytest.param(["-hv"], "error: no such option: -hv", id="root-bundle"),
    pytest.param(["bank", "validate", "-h5"], "error: no such option: -h5", id="bank-bundle"),
    pytest.param(
        ["solve", "--fast"],
        "error: no such option: --fast (did you mean --at or --steps?)",
        id="solve-long",
    ),
    pytest.param(
        ["check", "x^2", "--hint", "2x"],
        "error: no such option: --hint (did you mean --at?)",
        id="check-long-word",
    ),
    pytest.param(
        ["check", "x^2", "2x", "-hx"],
        "error: unexpected extra argument: -hx (quote an expression with spaces)",
        id="check-no-room-for-maths",
    ),
]


@pytest.mark.parametrize(("args", "message"), NOT_OPTIONS)
def test_an_option_that_is_none_is_a_usage_error(args: list[str], message: str) -> None:
    """A word that looks like an option where no maths can stand: one error line, exit 2."""
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == message


def test_an_option_with_its_value_attached_still_works() -> None:
    """--at=-1 keeps working: the value is attached to a real option."""
    result = runner.invoke(app, ["solve", "-x^2", "--at=-1"])
    assert result.exit_code == 0 and "the slope is 2" in result.stdout


#: Functions with an h (or not) in their names, and their derivatives.
PAIRS = [
    ("cosh(x)", "sinh(x)"),
    ("sinh(x)", "cosh(x)"),
    ("tanh(x)", "sech(x)^2"),
    ("sech(x)", "-sech(x) tanh(x)"),
    ("cos(x)", "-sin(x)"),
    ("x^2", "2x"),
]


@settings(max_examples=25, deadline=None)
@given(
    pair=st.sampled_from(PAIRS),
    k=st.integers(min_value=1, max_value=9),
    right=st.booleans(),
    space=st.sampled_from(["", " ", "*"]),
)
def test_any_minus_led_answer_is_checked_as_maths(
    pair: tuple[str, str], k: int, right: bool, space: str
) -> None:
    """check "-k F" "-k F′" exits 0 and a wrong coefficient exits 1; never help with 0."""
    function, derivative = pair
    coefficient = k if right else k + 1
    shown = f"({derivative})" if derivative[0] in "-0123456789" else derivative
    answer = f"-{coefficient}{space}{shown}"
    result = runner.invoke(app, ["check", f"-{k}({function})", answer])
    assert "Usage:" not in result.stdout
    assert result.exit_code == (ExitCode.OK if right else ExitCode.WRONG), result.output
