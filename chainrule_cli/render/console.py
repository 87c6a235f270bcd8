"""Consoles, one-line errors and notes, JSON output, generic panels and tables.

Every console is made here, so the choices about width, colour and encoding are
made once: rich honours ``COLUMNS``, ``NO_COLOR`` and ``TERM=dumb`` itself.

Two rules keep data from steering the terminal. Consoles never read rich
markup (``markup=False``), so an id such as ``[/]`` or ``[link=…]`` is printed
as written. And every string that comes from data (a bank, the store, the
user) passes through ``plain``, which makes control characters visible, so an
escape sequence hidden in a bank prints as ``\\x1b]0;…`` instead of changing
the terminal.

Two more rules keep the output clean wherever it goes. Math is glued with
no-break spaces (``mathfmt``) and rich wraps only at ordinary spaces, so a
formula is never broken across lines; the no-break spaces are written as
plain spaces. And no line ends in spaces: what rich pads (table cells, wrapped
lines) is trimmed as it is written, so piped output is what a person would
paste into a note.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, TextIO, cast

from rich import box
from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

#: Bidirectional overrides and isolates, and the line separators: invisible
#: characters that reorder or break what the reader sees ("trojan source").
_INVISIBLE = (
    0x061C,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x2028,
    0x2029,
)


def _escape_table(keep_newlines: bool) -> dict[int, str]:
    codes = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_INVISIBLE]
    kept = {0x09, 0x0A} if keep_newlines else set()
    return {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in codes if c not in kept}


_MULTILINE = _escape_table(keep_newlines=True)
_ONE_LINE = _escape_table(keep_newlines=False)


def plain(text: object, one_line: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), never obeyed.

    C0 controls (but tab and newline, unless ``one_line``), DEL, C1 controls and
    the bidirectional overrides become visible ``\\xNN``/``\\uNNNN`` text, so
    ESC sequences (colours, OSC titles and hyperlinks) and BEL cannot reach the
    terminal. Use it on every string that comes from data.
    """
    return str(text).translate(_ONE_LINE if one_line else _MULTILINE)


def data_text(text: object, style: str = "", one_line: bool = False) -> Text:
    """A string from data as a rich ``Text``: no markup, no control characters."""
    return Text(plain(text, one_line), style=style)


def make_console(stderr: bool = False, width: int | None = None) -> Console:
    """A console for stdout or stderr; ``COLUMNS`` and ``NO_COLOR`` are honoured by rich.

    Markup is off: nothing printed is ever read as ``[bold]``-style markup, so
    text from banks and the store cannot break the output or hide links in it.
    When the output cannot carry unicode (``PYTHONIOENCODING=ascii``, a latin-1
    terminal, or ``CHAINRULE_ASCII``), the console writes through
    ``AsciiStream``: views choose ASCII forms themselves, and whatever unicode
    is left (a lesson's text, a plot's axes) is spelled in ASCII, never raised.
    """
    stream = sys.stderr if stderr else sys.stdout
    file = None if _unicode_encoding(stream) else cast("TextIO", AsciiStream(stderr))
    return SafeConsole(
        file=file,
        stderr=stderr,
        width=width,
        highlight=False,
        soft_wrap=False,
        emoji=False,
        markup=False,
    )


class SafeConsole(Console):
    """A rich console that cannot emit a control character it did not make itself.

    The views pass data through ``plain`` before laying it out; this is the
    net under them: the text of every segment is escaped the same way just
    before it is written, while rich's own styles and cursor controls (which
    are not text) pass unchanged.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        text = super()._render_buffer(
            segment if segment.control else Segment(plain(segment.text), segment.style)
            for segment in buffer
        )
        return trim_lines(text.replace(NBSP, " ").replace(BREAK, ""))


#: Glues the words of a formula: rich never wraps there, and it is written as a space.
NBSP = "\u00a0"
#: A place a long formula may wrap without a space (after a ·); written as nothing.
BREAK = "\u200b"
_SGR = re.compile(r"\x1b\[[0-9;]*m")
#: Spaces (and the colour codes among them) at the end of a line.
_TRAILING = re.compile(r"(?:[ ]|\x1b\[[0-9;]*m)+(?=\n|$)")


def trim_lines(text: str) -> str:
    """``text`` with no spaces at the ends of its lines; colour codes there are kept."""
    if " \n" not in text and not text.endswith(" ") and "\x1b" not in text:
        return text
    return _TRAILING.sub(lambda m: "".join(_SGR.findall(m.group())), text)


def _wrap_at_ordinary_spaces() -> None:
    """Make rich wrap lines at ordinary spaces only, never at a no-break space, and
    never right after an operator: a line breaks before ``= …`` or ``+ …``, so the
    operator leads the continuation line, as books set a long formula.

    Rich finds words with ``\\s*\\S+\\s*``, and ``\\s`` matches U+00A0, so a formula
    glued with no-break spaces would still be broken. Its word pattern is
    replaced by one (``WORD``) that counts U+00A0 as part of a word, a zero-width
    space (``BREAK``) as a place to wrap, and an operator standing between spaces
    as the start of the word after it; should a later rich not have it,
    formulas merely wrap as before (tests/test_widths.py notices).
    """
    from rich import _wrap

    if isinstance(getattr(_wrap, "re_word", None), re.Pattern):
        _wrap.re_word = WORD


#: A place to wrap: an ordinary space or a zero-width space, never a no-break one.
_GAP = r"(?:[^\S\u00a0]|\u200b)"
#: An operator that leads a continuation line when it stands between spaces.
OPERATORS = r"(?:->|[=≈→+−×<>≤≥~*-])"
#: A word for rich's wrapping: gaps, an operator and its space, glued text, gaps.
WORD = re.compile(rf"{_GAP}*(?:{OPERATORS}{_GAP}+)?(?:[^\s\u200b]|\u00a0)+{_GAP}*")


_wrap_at_ordinary_spaces()


def _unicode_encoding(stream: Any) -> bool:
    if os.environ.get("CHAINRULE_ASCII"):
        return False
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return encoding.startswith("utf")


def supports_unicode(console: Console) -> bool:
    """Whether math can use x², √ and ·: the output encoding must be UTF-something."""
    if os.environ.get("CHAINRULE_ASCII"):
        return False
    encoding = (console.encoding or "").lower().replace("_", "-")
    return encoding.startswith("utf")


# -- ASCII for outputs that cannot carry unicode -------------------------------------------
_SPELLED = {
    "′": "'",
    "″": "''",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "−": "-",
    "–": "-",
    "—": "--",
    "·": "*",
    "×": "x",
    "÷": "/",
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "↦": "->",
    "≈": "~",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "±": "+/-",
    "√": "sqrt",
    "∂": "d",
    "∞": "inf",
    "π": "pi",
    "σ": "sigma",
    "θ": "theta",
    "Δ": "Delta",
    "…": "...",
    "✓": "ok",
    "✔": "ok",
    "✗": "x",
    "✘": "x",
    "•": "*",
    "●": "o",
    "○": "o",
    "█": "#",
    "▓": "#",
    "▒": ":",
    "░": ".",
    "▌": "|",
    "▐": "|",
    "│": "|",
    "┃": "|",
    "║": "|",
    "─": "-",
    "━": "-",
    "═": "=",
    "╭": "+",
    "╮": "+",
    "╰": "+",
    "╯": "+",
    "┌": "+",
    "┐": "+",
    "└": "+",
    "┘": "+",
    "├": "+",
    "┤": "+",
    "┬": "+",
    "┴": "+",
    "┼": "+",
    "\u00a0": " ",
}
_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿˣ", "0123456789+-()nx", strict=True))
_SUBSCRIPT = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-", strict=True))
_ASCII_TABLE = str.maketrans(
    {
        **_SPELLED,
        **{chr(c): ("." if c > 0x2800 else " ") for c in range(0x2800, 0x2900)},  # braille
        **_SUBSCRIPT,
    }
)


def ascii_text(text: str) -> str:
    """``text`` spelled in ASCII: x² → x^2, → → ->, ✓ → ok, π → pi, braille dots → '.'.

    Letters with accents lose them (é → e); anything else becomes '?'.
    """
    if text.isascii():
        return text
    import re
    import unicodedata

    out = re.sub(
        f"[{''.join(_SUPERSCRIPT)}]+",
        lambda m: "^" + "".join(_SUPERSCRIPT[c] for c in m.group()),
        text,
    ).translate(_ASCII_TABLE)
    if out.isascii():
        return out
    decomposed = unicodedata.normalize("NFKD", out)
    return "".join(
        c if c.isascii() else ("" if unicodedata.combining(c) else "?") for c in decomposed
    )


class AsciiStream:
    """stdout or stderr (looked up at each write, as rich does), spelled in ASCII.

    Rich reads ``encoding`` to choose ASCII borders; ``write`` turns what is
    left of unicode into ASCII (``ascii_text``), so nothing is lost to '?' and
    no UnicodeEncodeError can be raised.
    """

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr

    @property
    def stream(self) -> Any:
        return sys.stderr if self.stderr else sys.stdout

    @property
    def encoding(self) -> str:
        return "ascii"

    def write(self, text: str) -> int:
        self.stream.write(ascii_text(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(self.stream.isatty())

    def fileno(self) -> int:
        return int(self.stream.fileno())


def box_for(console: Console) -> box.Box:
    """The table border for this console: light lines, or ASCII when unicode is out."""
    return box.SIMPLE_HEAD if supports_unicode(console) else box.ASCII


# -- errors ------------------------------------------------------------------------
def error(message: str, caret_lines: Sequence[str] = ()) -> None:
    """One clear line on stderr, and the input with a caret for math input."""
    console = make_console(stderr=True)
    console.print(Text("error: ", style="bold red") + data_text(message), soft_wrap=True)
    for line in caret_lines:
        style = "red" if line.strip() == "^" else ""
        console.print(data_text(line, style, one_line=True), soft_wrap=True)


def dim(text: str) -> Text:
    """A quiet line of explanation."""
    return data_text(text, "dim")


def warn(message: str) -> None:
    """A one-line notice on stderr that does not stop the command."""
    console = make_console(stderr=True)
    console.print(Text("note: ", style="bold yellow") + data_text(message), soft_wrap=True)


def line(message: str, stderr: bool = False) -> None:
    """One plain line (data allowed in it), on stdout or stderr."""
    console = make_console(stderr=stderr)
    console.print(data_text(message), soft_wrap=True)


def panel(title: str | Text, body: RenderableType, style: str = "cyan") -> Panel:
    """A titled box; a string title is shown as written (rich would read it as markup)."""
    shown = title if isinstance(title, Text) else data_text(title, one_line=True)
    return Panel(body, title=shown, title_align="left", border_style=style, expand=False)


def cell(value: Any) -> Text:
    """One table cell: rich text as built, anything else as plain text from data."""
    return value if isinstance(value, Text) else data_text("" if value is None else value)


def table(
    columns: Iterable[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    unicode: bool = True,
) -> Table:
    """A simple table whose cells are shown as written (never markup, never escapes)."""
    out = Table(
        title=None if title is None else data_text(title, one_line=True),
        box=box.SIMPLE_HEAD if unicode else box.ASCII,
        title_justify="left",
    )
    for column in columns:
        out.add_column(data_text(column, one_line=True))
    for row in rows:
        out.add_row(*(cell(value) for value in row))
    return out


def print_json(data: Any) -> None:
    """Pure JSON on stdout: no markup, no colour, whatever the terminal.

    Non-ASCII text is escaped (``\\u03c0``) when the output encoding cannot
    carry it, so JSON never fails on an ASCII terminal; control characters are
    always escaped by JSON itself.
    """
    import json

    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("_", "-")
    ascii_only = not encoding.startswith("utf")
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=ascii_only) + "\n")


def problem_rule(problem: Any, number: int, total: int | None, unicode: bool) -> Rule:
    """The rule over every problem: "Problem 3/10 · trig · difficulty 2"."""
    of = f"/{total}" if total else ""
    dot = "·" if unicode else "-"
    title = f"Problem {number}{of} {dot} {problem.type} {dot} difficulty {problem.difficulty}"
    return Rule(Text(title, style="bold"), align="left", characters="─" if unicode else "-")
