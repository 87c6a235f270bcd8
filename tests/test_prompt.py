"""The answer prompt: keys, the live reading, line editing, history and plain input."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from chainrule_cli.cli import live
from chainrule_cli.cli import prompt as P
from chainrule_cli.cli.live import MathField, reading, reading_line
from chainrule_cli.cli.prompt import (
    CHECKPOINT_KEYS,
    MAX_ANSWER,
    QUIZ_KEYS,
    LineReader,
    key_of,
    toolbar,
)

LEFT, RIGHT, UP, DOWN, HOME, END = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B", "\x1b[H", "\x1b[F"
CTRL_A, CTRL_E, CTRL_U, CTRL_W, CTRL_C, CTRL_D = "\x01", "\x05", "\x15", "\x17", "\x03", "\x04"
ENTER = "\r"


# -- keys ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "key"),
    [
        pytest.param("h", "hint", id="h"),
        pytest.param(" Hint ", "hint", id="hint-word"),
        pytest.param("g", "guide", id="g"),
        pytest.param("a", "answer", id="a"),
        pytest.param("s", "skip", id="s"),
        pytest.param("q", "quit", id="q"),
        pytest.param("exit", "quit", id="exit"),
        pytest.param("?", "keys", id="question-mark"),
        pytest.param("2x", None, id="an-answer"),
        pytest.param("hh", None, id="not-a-key"),
        pytest.param("", None, id="empty"),
    ],
)
def test_key_of(line: str, key: str | None) -> None:
    """A line is a key by its letter or its word, in any case; anything else is an answer."""
    assert key_of(line) == key


def test_question_mark_lists_keys_and_is_not_a_hint() -> None:
    """? means "list the keys" everywhere, and every prompt has it."""
    assert key_of("?") == "keys"
    assert "keys" in {k.name for k in QUIZ_KEYS}
    assert "keys" in {k.name for k in CHECKPOINT_KEYS}


# -- the live reading --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "variable", "unicode", "expected"),
    [
        pytest.param("-4sin(4x)", "x", True, "read as −4sin(4x)", id="reads"),
        pytest.param("-4sin(4x)", "x", False, "read as -4sin(4x)", id="ascii"),
        pytest.param("2x cos(x^2)", "x", True, "read as 2x·cos(x²)", id="implicit-product"),
        pytest.param("sin(4t)", "t", True, "read as sin(4t)", id="other-variable"),
        pytest.param(
            "2x cos(x^2",
            "x",
            True,
            "unbalanced brackets: this '(' is never closed (at character 7)",
            id="unclosed",
        ),
        pytest.param("foo(x)", "x", True, "unknown name 'foo' (at character 1)", id="unknown"),
        pytest.param("e^2x", "x", True, "read as e²·x; did you mean e^(2x)?", id="ambiguity-note"),
    ],
)
def test_reading_line(text: str, variable: str, unicode: bool, expected: str) -> None:
    """The line under the prompt says how the answer is read, or where reading stops."""
    assert reading_line(text, variable, unicode) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(" * 300 + "x" + ")" * 300, id="300-brackets"),
        pytest.param("(" * 45 + "x" + ")" * 45, id="45-brackets"),
        pytest.param("(1/3)^(10^9)", id="huge-power"),
        pytest.param("9^9^9", id="tower"),
        pytest.param("x" * 5000, id="too-long"),
        pytest.param("sinh" * 120 + "q", id="letter-run"),
        pytest.param("\x1b]0;title\x07", id="escape"),
    ],
)
def test_hostile_text_gets_a_reading_not_an_exception(text: str) -> None:
    """Whatever is typed, the reading is a line of text, never an exception or a hang."""
    result = reading(text, MathField(), True)
    assert result.line()
    assert "\n" not in result.line()


def test_reading_strips_a_unit() -> None:
    """An applied answer may end in its unit: the number is read and the unit kept."""
    field = MathField(unit="cm³/s")
    assert reading("200pi cm^3/s", field).line() == "read as 200π cm³/s"
    assert reading("628.3", field).line() == "read as 628.3"
    assert reading("628 kg", field).error == "a number, optionally followed by the unit cm³/s"


def test_reading_tries_each_variable() -> None:
    """A guided step that takes u or x reads either, and blames neither for the other."""
    field = MathField(("u", "x"))
    assert reading("2u", field).line() == "read as 2u"
    assert reading("2(3x+1)", field).line() == "read as 2(3x + 1)"
    assert reading("2(3x+1", field).error == "unbalanced brackets: this '(' is never closed"


def test_reading_is_cached() -> None:
    """The same text at the same prompt is read once."""
    live._cache.clear()
    first = reading("sin(x^2)", MathField())
    assert reading("sin(x^2)", MathField()) is first


def _screen(fragments: list[tuple[str, str]]) -> list[str]:
    return "".join(text for _, text in fragments).split("\n")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        pytest.param("", ["h hint · g guide · a answer · s skip · q quit · ? keys"], id="empty"),
        pytest.param("h", ["h: a hint: the next step of the solution (Enter)"], id="key"),
        pytest.param("2x cos(x^2)", ["read as 2x·cos(x²)"], id="read-under-the-answer"),
        pytest.param(
            "2x cos(x^2",
            ["              ^ unbalanced brackets: this '(' is never closed"],
            id="caret-under-the-bracket",
        ),
        pytest.param(
            "2x +",
            ["            ^ the expression ends after '+': something is missing"],
            id="caret-at-the-end",
        ),
        pytest.param(
            "e^2x", ["read as e²·x", "note: did you mean e^(2x)?"], id="note-on-its-own-line"
        ),
    ],
)
def test_toolbar_lines_up_under_the_answer(text: str, lines: list[str]) -> None:
    """The reading sits under the typed text; a caret points at where reading stops."""
    assert _screen(toolbar(text, MathField(), QUIZ_KEYS, "dy/dx = ", 80)) == lines


def test_toolbar_fits_the_width() -> None:
    """A long reading is cut to the terminal's width with an ellipsis."""
    text = "+".join(["sin(x^2)"] * 40)
    (line,) = _screen(toolbar(text, MathField(), QUIZ_KEYS, "dy/dx = ", 80))
    assert len(line) <= 79 and line.endswith("…")


def test_toolbar_says_when_a_key_is_not_offered() -> None:
    """g at a lesson checkpoint is recognised, and the line says it is not available."""
    (line,) = _screen(toolbar("g", MathField(), CHECKPOINT_KEYS, "answer: ", 80))
    assert line == "g: not available here (Enter)"


# -- the prompt at a terminal (prompt_toolkit, driven through a pipe) -----------------------------
@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


@pytest.fixture
def reader(pipe: PipeInput) -> LineReader:
    return LineReader(True, interactive=True, input=pipe, output=DummyOutput())


def ask(reader: LineReader, pipe: PipeInput, keys: str, default: str = "") -> str | None:
    pipe.send_text(keys)
    return reader("dy/dx = ", MathField(), QUIZ_KEYS, default)


@pytest.mark.parametrize(
    ("keys", "line"),
    [
        pytest.param("2x cos(x2" + LEFT + "^" + END + ")", "2x cos(x^2)", id="left-and-insert"),
        pytest.param("2 cos(x^2)" + HOME + RIGHT + "x", "2x cos(x^2)", id="home-right-insert"),
        pytest.param("cos(x^2)" + CTRL_A + "2x ", "2x cos(x^2)", id="ctrl-a"),
        pytest.param("x^2)" + CTRL_A + "cos(" + CTRL_E + "*2x", "cos(x^2)*2x", id="ctrl-e"),
        pytest.param("wrong" + CTRL_U + "6(3x+1)", "6(3x+1)", id="ctrl-u"),
        pytest.param("6(3x+1) oops" + CTRL_W + "*3", "6(3x+1) *3", id="ctrl-w"),
        pytest.param("6(3x+1\x1b[200~)\n\t\x1b[201~", "6(3x+1)  ", id="paste-on-one-line"),
        pytest.param("x" * (MAX_ANSWER + 50), "x" * MAX_ANSWER, id="capped"),
    ],
)
def test_line_editing(reader: LineReader, pipe: PipeInput, keys: str, line: str) -> None:
    """Arrows, Home/End and the emacs keys edit the answer; a paste stays on one line."""
    assert ask(reader, pipe, keys + ENTER) == line


def test_up_recalls_earlier_answers(reader: LineReader, pipe: PipeInput) -> None:
    """Up brings back this session's answers, newest first; keys are not kept."""
    assert ask(reader, pipe, "2(3x+1)" + ENTER) == "2(3x+1)"
    assert ask(reader, pipe, "6(3x+1)" + ENTER) == "6(3x+1)"
    assert ask(reader, pipe, "h" + ENTER) == "h"
    assert ask(reader, pipe, UP + ENTER) == "6(3x+1)"
    assert ask(reader, pipe, UP + UP + LEFT + "*3" + ENTER) == "2(3x+1*3)"
    assert reader.history == ["2(3x+1)", "6(3x+1)", "2(3x+1*3)"]
    assert ask(reader, pipe, UP + UP + DOWN + ENTER) == "2(3x+1*3)"


def test_default_text_comes_back_to_fix(reader: LineReader, pipe: PipeInput) -> None:
    """After an error the prompt starts from the previous text, cursor at its end."""
    assert ask(reader, pipe, ")" + ENTER, default="2x cos(x^2") == "2x cos(x^2)"


def test_ctrl_d_ends_input_and_ctrl_c_interrupts(reader: LineReader, pipe: PipeInput) -> None:
    """Ctrl-D on an empty line is the end of input; Ctrl-C raises KeyboardInterrupt."""
    assert ask(reader, pipe, CTRL_D) is None
    with pytest.raises(KeyboardInterrupt):
        ask(reader, pipe, "2x" + CTRL_C)


def test_plain_prompts_have_no_history(reader: LineReader, pipe: PipeInput) -> None:
    """A prompt that is not for maths ("Enter to continue") keeps nothing in the history."""
    pipe.send_text("q" + ENTER)
    assert reader("Enter to continue, q to leave: ") == "q"
    assert reader.history == []


# -- plain lines ---------------------------------------------------------------------------------
def plain(text: str, echo: bool = True) -> tuple[LineReader, io.StringIO]:
    out = io.StringIO()
    return LineReader(True, interactive=False, stdin=io.StringIO(text), stdout=out, echo=echo), out


def test_plain_lines_are_echoed_after_the_prompt() -> None:
    """Piped answers appear after their prompt, so the transcript reads as a conversation."""
    reader, out = plain("6(3x+1)\nq\n")
    assert reader("dy/dx = ", MathField(), QUIZ_KEYS, default="ignored") == "6(3x+1)"
    assert reader("dy/dx = ") == "q"
    assert reader("dy/dx = ") is None
    assert out.getvalue() == "dy/dx = 6(3x+1)\ndy/dx = q\ndy/dx =\n"  # no trailing space


@pytest.mark.parametrize(
    ("line", "echoed"),
    [
        pytest.param("\x1b]0;owned\x07x", "?]0;owned?x", id="escape-codes"),
        pytest.param("x" * 300, "x" * 200 + "… (300 characters)", id="huge-line"),
    ],
)
def test_plain_echo_is_safe(line: str, echoed: str) -> None:
    """The echo shows no terminal escape codes and at most 200 characters of a line."""
    reader, out = plain(line + "\n")
    assert reader("> ") == line
    assert out.getvalue() == "> " + echoed + "\n"


def test_closed_stdin_is_the_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """With stdin closed (sys.stdin is None) the reader says the input has ended."""
    monkeypatch.setattr(sys, "stdin", None)
    reader = LineReader(True, interactive=False, stdout=io.StringIO())
    assert reader("dy/dx = ") is None


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stdin_tty", "stdout_tty", "term", "interactive"),
    [
        pytest.param(True, True, "xterm-256color", True, id="terminal"),
        pytest.param(False, True, "xterm-256color", False, id="piped-in"),
        pytest.param(True, False, "xterm-256color", False, id="piped-out"),
        pytest.param(True, True, "dumb", False, id="dumb-terminal"),
    ],
)
def test_prompt_toolkit_only_at_a_real_terminal(
    monkeypatch: pytest.MonkeyPatch, stdin_tty: bool, stdout_tty: bool, term: str, interactive: bool
) -> None:
    """The full prompt needs a terminal on both ends and a TERM that is not dumb."""
    monkeypatch.setattr(sys, "stdin", _Tty() if stdin_tty else io.StringIO())
    monkeypatch.setattr(sys, "stdout", _Tty() if stdout_tty else io.StringIO())
    monkeypatch.setenv("TERM", term)
    assert P.terminal_is_interactive() is interactive


def test_sympy_loads_in_the_background() -> None:
    """In a fresh process the prompt starts loading SymPy at once and reads after it is loaded."""
    import subprocess

    code = (
        "import sys, threading\n"
        "from chainrule_cli.cli import live as L\n"
        "assert 'sympy' not in sys.modules\n"
        "ready = threading.Event()\n"
        "L.warm_up(ready.set)\n"
        "print(L.reading('2x', L.MathField()).line())\n"
        "assert ready.wait(30)\n"
        "print(L.reading('2x', L.MathField()).line())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert proc.stdout.splitlines() == ["reading…", "read as 2x"]
