"""The prompt where the student types maths: line editing, history and a live reading.

At a terminal, answers are typed into a prompt_toolkit prompt: emacs-style line
editing (arrows, Home/End, Ctrl-A/E/U/W, paste), Up/Down through this session's
earlier answers, and a line under the prompt that shows how the answer is read
while it is typed (``read as −4sin(4x)``, from ``live``), or a caret where
reading stops, with the parser's notes on ambiguous input. When stdin or stdout is not a terminal,
or ``TERM`` is ``dumb``, lines are read plainly, exactly as before, so piped
answers and scripts keep working. ``NO_COLOR`` turns colour off (prompt_toolkit
honours it; the reading line uses no reverse video).

This module is the boundary between the core and the terminal: it imports
prompt_toolkit (inside functions, so importing it stays cheap) and never rich.
Every practice loop (quiz, review, practise, guided steps, learn checkpoints)
reads through one ``LineReader`` and shares the keys below (``key_of``).
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from chainrule_cli.cli import live
from chainrule_cli.cli.live import MathField, reading
from chainrule_cli.reading.parsing import MAX_LENGTH

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

#: The longest answer the prompt accepts (the parser refuses longer ones anyway).
MAX_ANSWER = MAX_LENGTH


# -- keys ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Key:
    """A one-letter command at a practice prompt, the words that also mean it, and what it does."""

    name: str
    letter: str
    words: frozenset[str]
    does: str


HINT = Key("hint", "h", frozenset({"h", "hint"}), "a hint: the next step of the solution")
GUIDE = Key("guide", "g", frozenset({"g", "guide", "guided"}), "guided mode: one step at a time")
ANSWER = Key(
    "answer", "a", frozenset({"a", "answer", "reveal"}), "show the answer (counts as revealed)"
)
SKIP = Key("skip", "s", frozenset({"s", "skip"}), "skip this problem")
QUIT = Key("quit", "q", frozenset({"q", "quit", "exit"}), "quit, with a summary")
KEYS = Key("keys", "?", frozenset({"?", "help", "keys"}), "list these keys")

ALL_KEYS: tuple[Key, ...] = (HINT, GUIDE, ANSWER, SKIP, QUIT, KEYS)
#: The keys at the quiz's answer prompt (quiz, review, practise).
QUIZ_KEYS = ALL_KEYS
#: The keys at a guided step: a hint is the hint for this step; there is no guided mode to start.
GUIDED_KEYS: tuple[Key, ...] = (
    replace(HINT, does="a hint for this step"),
    ANSWER,
    SKIP,
    QUIT,
    KEYS,
)
#: The keys at a lesson's checkpoint; none of them uses up a try.
CHECKPOINT_KEYS: tuple[Key, ...] = (
    replace(HINT, does="a hint"),
    replace(ANSWER, does="show the answer and go on"),
    replace(SKIP, does="skip this question"),
    replace(QUIT, does="leave the lesson (it continues here next time)"),
    KEYS,
)


def key_of(text: str) -> str | None:
    """The name of the key a line means (``"hint"`` for ``h`` or ``hint``), or None for an answer."""
    word = text.strip().lower()
    for key in ALL_KEYS:
        if word in key.words:
            return key.name
    return None


# -- the line under the prompt ---------------------------------------------------------------
def _width(text: str) -> int:
    from prompt_toolkit.utils import get_cwidth

    return sum(get_cwidth(c) for c in text)


def _clip(text: str, room: int) -> str:
    if room <= 1:
        return ""
    return text if _width(text) <= room else text[: max(room - 1, 0)] + "…"


def toolbar(
    text: str,
    field: MathField,
    keys: Sequence[Key],
    prompt: str,
    width: int,
    unicode: bool = True,
) -> StyleAndTextTuples:
    """The line(s) under the prompt, as prompt_toolkit fragments.

    Empty input lists the keys; a key word says what it does; an answer shows how
    it is read, lined up under the typed text, or a caret under the place where
    reading stops.
    """
    width = max(width - 1, 20)
    stripped = text.strip()
    column = _width(prompt.rsplit("\n", 1)[-1])
    dot = " · " if unicode else ", "
    if not stripped:
        if not keys:
            return []
        words = dot.join(f"{key.letter} {key.name}" for key in keys)
        return [("class:reading.keys", _clip(words, width))]
    name = key_of(stripped)
    if name is not None:
        key = next((k for k in keys if k.name == name), None)
        does = key.does if key is not None else "not available here"
        return [("class:reading.keys", _clip(f"{stripped.lower()}: {does} (Enter)", width))]
    result = reading(text, field, unicode)
    fits = column + _width(text) < width  # the typed line does not wrap
    out: StyleAndTextTuples = []
    if result.pending:
        out.append(("class:reading.label", "reading…"))
    elif result.ok:
        label = "read as "
        indent = column - len(label) if fits and column >= len(label) else 0
        out.append(("", " " * indent))
        out.append(("class:reading.label", label))
        out.append(("class:reading.math", _clip(result.shown, width - indent - len(label))))
    else:
        caret = column + result.position if result.position is not None else None
        if fits and caret is not None and caret + 2 + _width(result.error) <= width:
            out.append(("", " " * caret))
            out.append(("class:reading.caret", "^ "))
            out.append(("class:reading.error", result.error))
        elif fits and caret is not None and _width(result.error) + 2 <= caret:
            pad = caret - _width(result.error) - 1
            out.append(("", " " * pad))
            out.append(("class:reading.error", result.error + " "))
            out.append(("class:reading.caret", "^"))
        else:
            out.append(("class:reading.error", _clip(result.line(), width)))
    for note in result.notes:
        out.append(("", "\n"))
        out.append(("class:reading.note", _clip(f"note: {note}", width)))
    return out


STYLE = {
    "bottom-toolbar": "noreverse",
    "bottom-toolbar.text": "",
    "reading.label": "fg:ansibrightblack",
    "reading.math": "bold",
    "reading.error": "fg:ansired",
    "reading.caret": "fg:ansired bold",
    "reading.note": "fg:ansiyellow",
    "reading.keys": "fg:ansibrightblack",
}


# -- reading lines -----------------------------------------------------------------------------
def terminal_is_interactive() -> bool:
    """Whether to use the full prompt: stdin and stdout are terminals, and TERM is not dumb."""
    stdin, stdout = sys.stdin, sys.stdout
    if stdin is None or stdout is None:
        return False
    try:
        tty = stdin.isatty() and stdout.isatty()
    except (ValueError, OSError):
        return False
    return tty and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


def _printable(line: str) -> str:
    """A line safe to echo: control characters become '?', and a huge line is cut short."""
    shown = "".join("?" if unicodedata.category(c) == "Cc" and c != "\t" else c for c in line[:200])
    if len(line) > 200:
        shown += f"… ({len(line)} characters)"
    return shown


def _clean(text: str) -> str:
    """Pasted text on one line: newlines and tabs become spaces, other control characters go."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return "".join(c for c in text if unicodedata.category(c) != "Cc")


class LineReader:
    """Reads the student's lines: a prompt_toolkit prompt at a terminal, plain lines otherwise.

    Call it with the prompt; for maths, also the ``MathField`` (which switches
    on the live reading and the answer history), the ``keys`` the prompt
    accepts, and a ``default`` text to start from (the previous line, after an
    error). Returns the line, or None at the end of input (Ctrl-D). Ctrl-C
    raises KeyboardInterrupt, as ``input()`` does.
    """

    def __init__(
        self,
        unicode: bool = True,
        interactive: bool | None = None,
        *,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        echo: bool | None = None,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        self.unicode = unicode
        self.interactive = terminal_is_interactive() if interactive is None else interactive
        self._stdin = stdin
        self._stdout = stdout
        if echo is None:
            source = stdin if stdin is not None else sys.stdin
            try:
                echo = source is not None and not source.isatty()
            except (ValueError, OSError):
                echo = False
        self.echo = echo
        self._input = input
        self._output = output
        self._math: PromptSession[str] | None = None
        self._simple: PromptSession[str] | None = None
        self._field = MathField()
        self._keys: Sequence[Key] = ()
        self._prompt = ""
        self.truncated = False
        if self.interactive:
            live.warm_up(self._redraw)

    # -- the two ways of reading ---------------------------------------------------------
    def __call__(
        self,
        prompt: str,
        math: MathField | None = None,
        keys: Sequence[Key] = (),
        default: str = "",
    ) -> str | None:
        if not self.interactive:
            return self._plain(prompt)
        try:
            if math is None:
                return self._simple_session().prompt(prompt)
            self._field, self._keys, self._prompt = math, tuple(keys), prompt
            self.truncated = False
            return self._math_session().prompt(prompt, default=_clean(default)[:MAX_ANSWER])
        except EOFError:
            return None

    def _plain(self, prompt: str) -> str | None:
        stdin = self._stdin if self._stdin is not None else sys.stdin
        stdout = self._stdout if self._stdout is not None else sys.stdout
        # Echoed (piped) transcripts end no line in a space: the prompt's trailing
        # space is written with the answer, and not at all before an empty one.
        space = prompt[len(prompt.rstrip(" ")) :] if self.echo else ""
        self._write(stdout, prompt[: len(prompt) - len(space)])
        line = ""
        if stdin is not None:
            try:
                line = stdin.readline()
            except (OSError, ValueError, UnicodeDecodeError):
                line = ""
        if not line:
            self._write(stdout, "\n")
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            shown = _printable(line)
            self._write(stdout, (space + shown if shown.strip() else "") + "\n")
        return line

    @staticmethod
    def _write(stream: IO[str] | None, text: str) -> None:
        if stream is None:
            return
        try:
            stream.write(text)
            stream.flush()
        except UnicodeEncodeError:
            encoding = getattr(stream, "encoding", None) or "ascii"
            stream.write(text.encode(encoding, "replace").decode(encoding))
            stream.flush()
        except (OSError, ValueError):
            pass

    # -- prompt_toolkit --------------------------------------------------------------------
    def _simple_session(self) -> PromptSession[str]:
        if self._simple is None:
            from prompt_toolkit import PromptSession

            self._simple = PromptSession(
                input=self._input, output=self._output, mouse_support=False
            )
        return self._simple

    def _math_session(self) -> PromptSession[str]:
        if self._math is None:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.enums import EditingMode
            from prompt_toolkit.filters import to_filter
            from prompt_toolkit.styles import Style

            self._math = PromptSession(
                history=_answer_history(),
                bottom_toolbar=self._toolbar,
                style=Style.from_dict(STYLE),
                editing_mode=EditingMode.EMACS,
                mouse_support=False,
                enable_history_search=False,
                input=self._input,
                output=self._output,
            )
            self._math.default_buffer.on_text_changed += self._tidy
            # The input line takes only the rows it needs, so the reading sits right
            # under it rather than at the bottom of the screen.
            self._math.layout.current_window.dont_extend_height = to_filter(True)
        return self._math

    def _tidy(self, buffer: Buffer) -> None:
        """Keep the answer on one line and at most MAX_ANSWER characters long."""
        text = buffer.text
        clean = _clean(text)
        self.truncated = len(clean) > MAX_ANSWER
        clean = clean[:MAX_ANSWER]
        if clean != text:
            position = min(buffer.cursor_position, len(clean))
            buffer.text = clean
            buffer.cursor_position = position

    def _toolbar(self) -> StyleAndTextTuples:
        from prompt_toolkit.application import get_app

        assert self._math is not None
        width = get_app().output.get_size().columns
        out = toolbar(
            self._math.default_buffer.text,
            self._field,
            self._keys,
            self._prompt,
            width,
            self.unicode,
        )
        if self.truncated:
            out += [
                ("", "\n"),
                ("class:reading.note", f"answers are at most {MAX_ANSWER} characters"),
            ]
        return out

    def _redraw(self) -> None:
        if self._math is not None:
            self._math.app.invalidate()

    # -- what the tests and the loops look at ---------------------------------------------------
    @property
    def history(self) -> list[str]:
        """This session's earlier answers, oldest first."""
        if self._math is None:
            return []
        return list(self._math.history.get_strings())


def _answer_history() -> Any:
    """An in-memory history of answers only: keys (h, s, q, …) and blank lines are not kept."""
    from prompt_toolkit.history import InMemoryHistory

    class AnswerHistory(InMemoryHistory):
        def append_string(self, string: str) -> None:
            if string.strip() and key_of(string) is None:
                super().append_string(string)

    return AnswerHistory()
