"""Time limits for computer-algebra work.

SymPy's ``simplify``, ``factor`` and ``equals`` have no time bound of their own, and
hostile input must end within seconds. SymPy is pure Python, so a ``SIGALRM``
raised on the main thread interrupts it between bytecodes. The alarm raises a
private ``BaseException`` (so no ``except Exception`` inside SymPy can swallow
it), which the limit that set it turns into ``TooComplex``. Off the main thread
(or without ``SIGALRM``) blocks run unbounded; the CLI always runs on the main
thread.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

from chainrule_cli.errors import TooComplex

T = TypeVar("T")


class _Deadline(BaseException):
    """Raised by the alarm; carries the limit it belongs to."""

    def __init__(self, owner: object) -> None:
        super().__init__()
        self.owner = owner


_active: list[tuple[object, float]] = []  # (owner, absolute deadline), innermost last


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


#: If a deadline is swallowed (raised inside a finaliser), the alarm fires again this soon.
_AGAIN_S = 0.05


def _in_gc_callback(frame: FrameType | None) -> bool:
    """Whether the alarm interrupted a garbage-collector callback (hypothesis keeps one).

    An exception raised there is printed as "Exception ignored" and lost, so the
    deadline waits until the callback has returned.
    """
    codes = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not _active:
        return
    owner, _ = min(_active, key=lambda item: item[1])
    if gc.callbacks and _in_gc_callback(frame):
        # Raised here it would be swallowed, so wait, however long: during a long
        # stretch of C code (big-integer arithmetic) the callback is the only Python
        # that runs, and the deadline can be kept only once that code returns.
        signal.setitimer(signal.ITIMER_REAL, 2e-3)
        return
    # The owner re-arms the timer when it catches this; if something swallows it
    # instead (a finaliser), the alarm fires again.
    signal.setitimer(signal.ITIMER_REAL, _AGAIN_S)
    raise _Deadline(owner)


def _arm() -> None:
    if not _active:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    soonest = min(deadline for _, deadline in _active)
    signal.setitimer(signal.ITIMER_REAL, max(soonest - time.monotonic(), 1e-4))


@contextmanager
def time_limit(seconds: float, what: str = "This computation") -> Iterator[None]:
    """Raise ``TooComplex`` if the block runs longer than ``seconds``.

    Limits nest: the soonest deadline fires first and only the block that set it
    turns it into ``TooComplex``; an outer deadline passes through inner blocks.
    """
    if not _usable():
        yield
        return
    owner = object()
    if not _active:
        signal.signal(signal.SIGALRM, _on_alarm)
    _active.append((owner, time.monotonic() + seconds))
    _arm()
    try:
        yield
    except _Deadline as exc:
        if exc.owner is not owner:
            raise
        raise TooComplex(f"{what} took too long (the limit is {seconds:.2g} s)") from None
    finally:
        _active[:] = [item for item in _active if item[0] is not owner]
        _arm()


#: A whole command, start-up included, ends within this many seconds on hostile input.
COMMAND_SECONDS = 3.0
#: Start-up never takes longer than this; beyond it the package was imported earlier.
STARTUP_SECONDS = 2.0
#: The algebra's limit for a command run inside a longer-lived process.
IN_PROCESS_SECONDS = 2.5
#: What is kept back from the budget for printing the result (or the error).
RESERVE_SECONDS = 0.4


def command_budget(total: float = COMMAND_SECONDS, reserve: float = RESERVE_SECONDS) -> float:
    """Seconds left for the algebra so that the command ends ``total`` seconds after it
    started (``chainrule_cli.STARTED``), with ``reserve`` kept for printing; at least 0.3."""
    from chainrule_cli import STARTED

    elapsed = time.monotonic() - STARTED
    if elapsed > STARTUP_SECONDS:
        # Longer than any start-up: the package was imported long before this
        # command (a test runner, a library user), so the command gets its own budget.
        return IN_PROCESS_SECONDS
    return max(0.3, total - elapsed - reserve)


def attempt(seconds: float, fn: Callable[[], T], fallback: T) -> T:
    """Return ``fn()`` if it finishes in time without error, else ``fallback``.

    For optional polish (factoring a result for display, simplifying a value):
    when it is slow or fails, showing the plain form is better than nothing.
    """
    try:
        with time_limit(seconds):
            return fn()
    except TooComplex:
        return fallback
    except (
        ValueError,
        TypeError,
        ArithmeticError,
        RecursionError,
        NotImplementedError,
        AttributeError,
    ):
        return fallback
