"""Reading an answer and checking it without ever ending the loop: shared by every prompt.

``read_line`` gives the session's line reader; ``Asker`` reads one prompt's lines
(blank lines skipped, ? answered with the key list, q and the end of input ending
it, a line with an error brought back to be fixed); ``checked`` runs one check under
the time limit for an answer and turns every error into one message. So quiz,
practise, the lesson's checkpoints, backprop by hand and the guided walks all
behave alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from chainrule_cli.cli.live import MathField
    from chainrule_cli.cli.prompt import Key, LineReader
    from chainrule_cli.cli.quickstart import Primed
    from chainrule_cli.practice.session import AnyRound, QuizSession
    from chainrule_cli.render import Console

T = TypeVar("T")

#: The time allowed to check one answer (or one guided step) before it is refused.
CHECK_SECONDS = 2.5


def read_line(console: Console) -> LineReader:
    """The reader for one session's prompts; it returns None at end of input.

    At a terminal: line editing, Up/Down through this session's answers and a
    live reading of the answer. Piped: plain lines, echoed after the prompt so
    the transcript reads as a conversation.
    """
    from chainrule_cli import render
    from chainrule_cli.cli.prompt import LineReader

    return LineReader(render.supports_unicode(console))


@dataclass(frozen=True)
class Typed:
    """One line the learner typed: as typed, stripped, and the key it names (None: maths)."""

    line: str
    text: str
    key: str | None


class Asker:
    """The lines typed at one loop's prompts, with the loop's keys.

    ``next`` skips blank lines, prints the key list for ?, and returns None for q or
    the end of input; ``check`` checks an answer (``checked``) and, after an error,
    brings the line back at the next prompt to be fixed.
    """

    def __init__(self, ask: LineReader | Primed, keys: Sequence[Key], console: Console) -> None:
        self.ask = ask
        self.keys = keys
        self.console = console
        self.keep = ""

    def next(self, prompt: str, field: MathField | None = None) -> Typed | None:
        """The next line that is an answer or a key other than ? and q; None to stop."""
        from chainrule_cli import render
        from chainrule_cli.cli.prompt import key_of

        while True:
            line = self.ask(prompt, field, self.keys, self.keep)
            self.keep = ""
            if line is None:
                return None
            text = line.strip()
            if not text:
                continue
            key = key_of(text)
            if key == "quit":
                return None
            if key != "keys":
                return Typed(line, text, key)
            self.console.print(render.key_list(self.keys, self.console, self.ask.interactive))

    def check(self, typed: Typed, work: Callable[[], T]) -> T | None:
        """``checked(work)``; after an error, ``typed`` comes back at the next prompt."""
        result = checked(work)
        if result is None:
            self.keep = typed.line
        return result


def walk_key(
    key: str | None,
    session: QuizSession,
    round_: AnyRound,
    console: Console,
    plot: bool,
    show_solution: Callable[[AnyRound, Console, bool], None],
) -> bool:
    """The keys every guided walk answers alike (a, s: the solution; g: it is on already);
    False for any other line, which the walk takes as its own."""
    from chainrule_cli import render

    if key in ("answer", "skip"):
        session.reveal() if key == "answer" else session.skip()
        show_solution(round_, console, plot)
        return True
    if key == "guide":
        console.print(render.dim("  Guided mode is on: answer this step, or ? for the keys."))
        return True
    return False


def checked(work: Callable[[], T]) -> T | None:
    """``work()`` under the time limit for checking an answer; None after an error.

    Every error is one message on stderr, never the end of the loop: the caller
    asks again, with the text still there to fix, and no try is used up.
    """
    from chainrule_cli import render
    from chainrule_cli.errors import ChainruleError, InputError, TooComplex
    from chainrule_cli.limits import time_limit

    try:
        with time_limit(CHECK_SECONDS, "Checking this answer"):
            return work()
    except InputError as exc:
        render.error(exc.message, exc.caret_lines())
    except TooComplex as exc:
        render.error(f"{exc}: try a simpler form of the answer")
    except ChainruleError as exc:
        render.error(str(exc))
    except RecursionError:
        render.error("that answer is nested too deeply to check")
    except Exception as exc:  # a bug met by one answer must not end the quiz
        render.error(f"this answer could not be checked ({type(exc).__name__}): try another form")
    return None
