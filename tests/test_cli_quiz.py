"""``chainrule quiz`` with piped answers, and once in a real pseudo-terminal."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.cli import app

runner = CliRunner()

LEFT, HOME, DELETE, UP = "\x1b[D", "\x1b[H", "\x1b[3~", "\x1b[A"
NESTED = "(" * 300 + "x" + ")" * 300

HOMEWORK = """problems:
  - id: hw-1
    type: power
    expression: "(3x+1)^2"
    note: "Inner 3x + 1, inner derivative 3."
  - id: hw-2
    type: trig
    expression: "sin(x^2)"
  - id: hw-3
    type: log
    expression: "ln(x^2+1)"
    at: 2
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "hw.yaml"
    path.write_text(HOMEWORK, encoding="utf-8")
    return path


def quiz(bank: Path, answers: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["quiz", "--bank", str(bank), "--no-shuffle", *extra], input=answers
    )
    return result.exit_code, result.stdout


def test_right_answers(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\n2x cos(x^2)\n4/5\n")
    assert code == 0
    assert out.count("Correct") == 3
    assert "Not quite" not in out
    assert "Note: Inner 3x + 1" in out
    assert "3/3" in out


def test_wrong_then_right(bank: Path) -> None:
    code, out = quiz(bank, "2(3x+1)\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Not quite: you differentiated the outer function but forgot" in " ".join(out.split())
    assert "2 tries left" in out
    assert "Correct" in out


def test_hint_then_answer(bank: Path) -> None:
    code, out = quiz(bank, "h\nh\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Hint 1/5: the inner and the outer function" in out
    assert "u = 3x + 1" in out
    assert "Hint 2/5: the outer derivative" in out
    assert "✓ right after 2 hints: 0.5 / 1" in out  # two hints: half credit, in one line


def test_skip_shows_the_solution(bank: Path) -> None:
    code, out = quiz(bank, "s\nq\n")
    assert code == 0
    assert "The solution" in out and "dy/dx = 6(3x + 1)" in out
    assert "To review" in out


def test_quit_ends_with_a_summary(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\nq\n")
    assert code == 0
    assert "Your quiz" in out and "1/1" in out


def test_end_of_input_ends_cleanly(bank: Path) -> None:
    code, out = quiz(bank, "6(3x+1)\n")
    assert code == 0
    assert "Your quiz" in out


def test_three_misses_show_the_solution(bank: Path) -> None:
    code, out = quiz(bank, "1\n2\n3\nq\n")
    assert code == 0
    assert out.count("Not quite") == 3
    assert "The solution" in out


def test_wrong_answers_never_say_correct(bank: Path) -> None:
    _, out = quiz(bank, "1\n2\n3\nq\n")
    assert "correct" not in out.lower()


def test_malformed_answer_keeps_the_try(bank: Path) -> None:
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--no-shuffle", "--count", "1"],
        input="6(3x+1\n6(3x+1)\n",
    )
    assert result.exit_code == 0
    assert "never closed" in result.stderr
    assert "Correct" in result.stdout


def test_guided_mode(bank: Path) -> None:
    code, out = quiz(bank, "g\n3x+1\n2u\n3\n6(3x+1)\nq\n")
    assert code == 0
    assert "Step 1 of 4" in out and "Step 4 of 4" in out
    assert "Right: that is the product" in out


# -- keys and errors at the prompt (piped) ---------------------------------------------------------
def history() -> list[dict[str, object]]:
    """The attempts the quiz recorded, newest first."""
    import json

    result = runner.invoke(app, ["history", "--json"])
    assert result.exit_code == 0
    return list(json.loads(result.stdout))


def test_a_reveals_the_answer_and_records_it(bank: Path) -> None:
    """a shows the full solution; the attempt is recorded as revealed, with no try used."""
    code, out = quiz(bank, "a\n", "--type", "trig")
    assert code == 0
    assert "The solution" in out and out.endswith("\nsolution shown: 0 / 1\n")
    (attempt,) = history()
    assert attempt["outcome"] == "revealed"
    assert attempt["tries"] == 0 and attempt["hints"] == 0


def test_question_mark_lists_the_keys_without_a_hint(bank: Path) -> None:
    """? lists every key and uses no hint: the right answer after it earns full credit."""
    code, out = quiz(bank, "?\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Keys at this prompt" in out
    for key in ("h  a hint", "g  guided mode", "a  show the answer", "s  skip", "q  quit"):
        assert key in out
    assert "Hint 1/" not in out
    (attempt,) = history()
    assert attempt["hints"] == 0 and attempt["outcome"] == "correct"


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        pytest.param("(1/3)^(10^9)", "too large", id="huge-power"),
        pytest.param(NESTED, "error:", id="300-nested-brackets"),
        pytest.param("sin(" * 41 + "x" + ")" * 41, "nested too deeply", id="41-levels"),
        pytest.param("x" * 10_000, "too long", id="10k-characters"),
        pytest.param("9^9^9", "too large", id="tower"),
        pytest.param("\x1b]0;owned\x07", "error:", id="terminal-escape"),
    ],
)
def test_hostile_answer_is_one_error_and_the_round_goes_on(
    bank: Path, hostile: str, message: str
) -> None:
    """A hostile answer is an error message and the same prompt: the try before it is kept."""
    start = time.monotonic()
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--no-shuffle", "--count", "1"],
        input=f"2(3x+1)\n{hostile}\n6(3x+1)\n",
    )
    assert time.monotonic() - start < 10
    assert result.exit_code == 0
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.endswith("\n✓ right after 1 wrong try: 0.75 / 1\n")
    (attempt,) = history()
    assert attempt["tries"] == 2 and attempt["outcome"] == "correct"


def test_an_error_while_checking_is_a_message_not_the_end(
    bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected failure while checking one answer is reported; the quiz goes on."""
    from chainrule_cli.maths.checking import Checker

    check = Checker.check

    def fragile(self: Checker, text: str) -> object:
        if text == "boom":
            raise ZeroDivisionError("deep inside")
        return check(self, text)

    monkeypatch.setattr(Checker, "check", fragile)
    code, out = quiz(bank, "boom\n6(3x+1)\n", "--count", "1")
    assert code == 0
    assert "Correct" in out
    (attempt,) = history()
    assert attempt["tries"] == 1


def test_a_slow_check_is_stopped_by_the_time_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checking under the time limit: a check that runs too long becomes one error line."""
    from chainrule_cli.cli import asking

    monkeypatch.setattr(asking, "CHECK_SECONDS", 0.2)

    def forever() -> int:
        while True:
            pass

    start = time.monotonic()
    assert asking.checked(forever) is None
    assert time.monotonic() - start < 2
    assert "took too long" in capsys.readouterr().err


def test_guided_step_keys(bank: Path) -> None:
    """In guided mode ? lists the step's keys and a reveals the answer."""
    code, out = quiz(bank, "g\n?\na\n", "--count", "1")
    assert code == 0
    assert "Keys at this prompt" in out and "a hint for this step" in out
    assert "The solution" in out
    (attempt,) = history()
    assert attempt["outcome"] == "revealed"


def test_unknown_type(bank: Path) -> None:
    result = runner.invoke(app, ["quiz", "--type", "calculus"])
    assert result.exit_code == 2
    assert "unknown type 'calculus'" in result.stderr


def test_seeded_quiz_is_reproducible() -> None:
    a = runner.invoke(
        app, ["quiz", "--type", "trig", "--count", "3", "--seed", "9"], input="q\n"
    ).stdout
    b = runner.invoke(
        app, ["quiz", "--type", "trig", "--count", "3", "--seed", "9"], input="q\n"
    ).stdout
    assert a == b and "Problem 1/3" in a


def test_generated_quiz_with_count() -> None:
    result = runner.invoke(
        app,
        ["quiz", "--generated", "--type", "root", "--count", "2", "--seed", "3"],
        input="s\ns\n",
    )
    assert result.exit_code == 0
    assert "Problem 2/2" in result.stdout
    assert "root" in result.stdout


def test_endless_generated_quiz_stops_on_q() -> None:
    result = runner.invoke(
        app, ["quiz", "--generated", "--type", "log", "--seed", "3"], input="s\ns\ns\nq\n"
    )
    assert result.exit_code == 0
    assert "Problem 4" in result.stdout and "Problem 5" not in result.stdout


def test_count_beyond_the_bank_fills_with_generated(bank: Path) -> None:
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--type", "trig", "--count", "3", "--seed", "1"],
        input="q\n",
    )
    assert result.exit_code == 0
    assert "generated ones fill up the quiz" in " ".join(result.stdout.split())


# -- in a real terminal: prompt_toolkit, read through a terminal emulator -------------------------
class Terminal:
    """``chainrule`` in a pseudo-terminal, its output drawn on an 80×30 pyte screen.

    pyte answers the cursor-position requests prompt_toolkit makes, as a real
    terminal does, so the live reading under the prompt is drawn.
    """

    def __init__(self, args: list[str], **env: str) -> None:
        import pexpect
        import pyte

        environ = {**os.environ, "COLUMNS": "80", "LINES": "30", "TERM": "xterm-256color"}
        environ.update(env)
        environ = {k: v for k, v in environ.items() if v}
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "chainrule_cli", *args],
            env=environ,
            encoding="utf-8",
            timeout=30,
            dimensions=(30, 80),
        )
        self.screen = pyte.Screen(80, 30)
        self.screen.write_process_input = self.child.send  # type: ignore[method-assign]
        self.stream = pyte.Stream(self.screen)
        self.raw = ""
        self.ended = False

    def _pump(self) -> None:
        import pexpect

        try:
            data = self.child.read_nonblocking(65536, timeout=0.05)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.ended = True
            return
        self.raw += data
        self.stream.feed(data)

    @property
    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    @property
    def cursor_line(self) -> str:
        return self.lines[self.screen.cursor.y]

    def below_cursor(self) -> str:
        return self.lines[min(self.screen.cursor.y + 1, 29)]

    def wait(self, check: Callable[[], bool], what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            if self.ended or time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}; screen:\n" + "\n".join(self.lines))
            self._pump()
        self._pump()  # whatever came with it

    def prompt(self, text: str = "dy/dx =") -> None:
        """Wait for an empty answer prompt on the cursor's line."""
        self.wait(lambda: self.cursor_line == text, f"the prompt {text!r}")

    def shows(self, text: str) -> None:
        self.wait(lambda: any(text in line for line in self.lines), repr(text))

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> int:
        self.wait(lambda: self.ended, "the end")
        self.child.close()
        return int(self.child.exitstatus or 0)


@pytest.fixture
def trig_quiz(bank: Path) -> Iterator[Terminal]:
    """A one-problem quiz at a terminal: y = sin(x²)."""
    pytest.importorskip("pexpect")
    pytest.importorskip("pyte")
    terminal = Terminal(["quiz", "--bank", str(bank), "--type", "trig"])
    yield terminal
    terminal.child.close(force=True)


@pytest.mark.slow
def test_real_terminal_session(bank: Path) -> None:
    """A pseudo-terminal: a miss, a hint, a right answer, quit: the summary, exit 0."""
    pytest.importorskip("pexpect")
    term = Terminal(["quiz", "--bank", str(bank), "--no-shuffle"])
    term.prompt()
    term.type("2(3x+1)\r")
    term.shows("Not quite")
    term.prompt()
    term.type("h\r")
    term.shows("Hint 1/")
    term.prompt()
    term.type("6(3x+1)\r")
    term.shows("Correct")
    term.shows("Problem 2/3")
    term.prompt()
    term.type("q\r")
    term.shows("Your quiz")
    assert term.finish() == 0


@pytest.mark.slow
def test_terminal_live_reading_and_arrow_editing(trig_quiz: Terminal) -> None:
    """The line under the prompt reads the answer as it is typed; Left and insert fix it."""
    term = trig_quiz
    term.prompt()
    assert term.below_cursor().startswith("h hint")
    term.type("2x cos(x2")
    term.wait(lambda: "never closed" in term.below_cursor(), "where reading stops")
    assert term.below_cursor() == "              ^ unbalanced brackets: this '(' is never closed"
    term.type(LEFT + "^" + "\x1b[F" + ")")
    term.wait(lambda: term.cursor_line == "dy/dx = 2x cos(x^2)", "the edited line")
    term.wait(lambda: "read as" in term.below_cursor(), "the reading")
    assert term.below_cursor() == "read as 2x·cos(x²)"
    term.type("\r")
    term.shows("Correct")
    term.shows("right on the first try")
    assert term.finish() == 0


@pytest.mark.slow
def test_terminal_parse_error_costs_no_try_and_keeps_the_text(trig_quiz: Terminal) -> None:
    """Enter on a line that does not parse: the caret message, then the same text to fix."""
    term = trig_quiz
    term.prompt()
    term.type("2x cos(x^2\r")
    term.shows("error: unbalanced brackets")
    term.wait(lambda: term.cursor_line == "dy/dx = 2x cos(x^2", "the text kept at the prompt")
    term.type(")\r")
    term.shows("Correct")
    term.shows("✓ right on the first try, no hints: 1 / 1")  # right, with full credit
    assert term.finish() == 0


@pytest.mark.slow
def test_terminal_up_recalls_an_answer_to_edit(bank: Path) -> None:
    """Up brings back the last answer; Home and Delete fix its first character."""
    pytest.importorskip("pexpect")
    term = Terminal(["quiz", "--bank", str(bank), "--no-shuffle", "--count", "1"])
    term.prompt()
    term.type("2(3x+1)\r")
    term.shows("2 tries left")
    term.prompt()
    term.type(UP)
    term.wait(lambda: term.cursor_line == "dy/dx = 2(3x+1)", "the recalled answer")
    term.type(HOME + DELETE + "6\r")
    term.shows("Correct")
    assert term.finish() == 0


@pytest.mark.slow
def test_terminal_keys_list_and_reveal(trig_quiz: Terminal) -> None:
    """? lists the keys (no hint is used); a shows the solution and the problem is revealed."""
    term = trig_quiz
    term.prompt()
    term.type("?\r")
    term.shows("Keys at this prompt")
    term.shows("↑/↓ bring back this session's earlier answers")
    term.prompt()
    term.type("a\r")
    term.shows("The solution")
    term.shows("solution shown: 0 / 1")
    assert not any("Hint" in line for line in term.lines)
    assert term.finish() == 0


@pytest.mark.slow
def test_terminal_hostile_answers_keep_the_quiz_going(trig_quiz: Terminal) -> None:
    """300 nested brackets: one error line, the same prompt, then a right answer still counts."""
    term = trig_quiz
    term.prompt()
    term.type(NESTED + "\r")
    term.shows("error:")
    term.type("\x15" + "2x cos(x^2)\r")  # Ctrl-U clears the kept text
    term.shows("Correct")
    assert term.finish() == 0


def _colours(raw: str) -> list[str]:
    """The SGR colour parameters (foreground or background) in a stream of output."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", raw):
        for p in params.split(";"):
            if p.isdigit() and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.append(p)
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("no_color", "coloured"),
    [pytest.param("1", False, id="NO_COLOR"), pytest.param("", True, id="colour")],
)
def test_terminal_honours_no_color(bank: Path, no_color: str, coloured: bool) -> None:
    """With NO_COLOR the prompt and the screens use no colour; without it, they do."""
    pytest.importorskip("pexpect")
    term = Terminal(["quiz", "--bank", str(bank), "--type", "trig"], NO_COLOR=no_color)
    term.prompt()
    term.type("2x cos(x^2")
    term.wait(lambda: "never closed" in term.below_cursor(), "the reading")
    term.type(")\r")
    term.shows("right on the first try")
    assert term.finish() == 0
    assert bool(_colours(term.raw)) is coloured


@pytest.mark.slow
def test_dumb_terminal_reads_plain_lines(bank: Path) -> None:
    """With TERM=dumb the quiz reads plain lines: no prompt_toolkit, no escape codes."""
    pytest.importorskip("pexpect")
    term = Terminal(["quiz", "--bank", str(bank), "--type", "trig"], TERM="dumb")
    term.shows("dy/dx =")
    term.type("2x cos(x^2)\r")
    term.shows("Correct")
    assert term.finish() == 0
    assert "\x1b[?2004h" not in term.raw  # prompt_toolkit turns on bracketed paste


@pytest.mark.slow
@pytest.mark.parametrize(
    "key", [pytest.param("\x03", id="ctrl-c"), pytest.param("\x04", id="ctrl-d")]
)
def test_terminal_ctrl_c_and_ctrl_d_end_with_the_summary(bank: Path, key: str) -> None:
    """Ctrl-C or Ctrl-D at the prompt ends the quiz with its summary, exit 0."""
    pytest.importorskip("pexpect")
    term = Terminal(["quiz", "--bank", str(bank), "--no-shuffle"])
    term.prompt()
    term.type("6(3x+1)\r")
    term.shows("Correct")
    term.prompt()
    term.type(key)
    term.shows("Your quiz")
    assert term.finish() == 0
