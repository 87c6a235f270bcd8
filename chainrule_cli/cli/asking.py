"""Reading an answer and checking it without ever ending the loop: shared by every prompt.

``read_line`` gives the session's line reader; ``checked`` runs one check under the
time limit for an answer and turns every error into one message, so quiz, practise,
the lesson's checkpoints, backprop by hand and the guided walks all behave alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from chainrule_cli.cli.prompt import LineReader
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
