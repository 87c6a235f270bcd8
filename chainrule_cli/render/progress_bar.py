"""A progress bar for long work (``bank validate``, ``generate``), on stderr.

It appears only when the work has taken longer than ``DELAY`` seconds (a
short run shows nothing), only on a terminal (never in piped output, never
with ``--json``), and it is erased when the work is done, so what stays on
the screen is the command's own output. It draws itself when told of
progress, without a thread of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from chainrule_cli.render.console import make_console

#: Seconds of work before the bar appears.
DELAY = 1.0
#: The bar is redrawn at most this often (seconds).
REFRESH = 0.1


class ProgressBar:
    """``with ProgressBar(total, "Validating") as bar: work(on_progress=bar.advance)``.

    ``advance(n)`` says that ``n`` more items are done. ``enabled`` False (or a
    stderr that is not a terminal) makes it a counter that draws nothing.
    """

    def __init__(
        self,
        total: int,
        description: str,
        enabled: bool = True,
        console: Console | None = None,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.description = description
        self.console = console if console is not None else make_console(stderr=True)
        self.enabled = enabled and self.console.is_terminal and not self.console.is_dumb_terminal
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.done = 0
        self._progress: Progress | None = None
        self._task = TaskID(0)
        self._drawn = 0.0

    @property
    def shown(self) -> bool:
        """Whether the bar is on the screen."""
        return self._progress is not None

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = self.clock()
        if self._progress is None:
            if now - self.started < self.delay or self.done >= self.total:
                return
            self._start()
        assert self._progress is not None
        if now - self._drawn >= REFRESH or self.done >= self.total:
            self._progress.update(self._task, completed=self.done)
            self._progress.refresh()
            self._drawn = now

    def _start(self) -> None:
        self._progress = Progress(
            TextColumn(self.description),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
            auto_refresh=False,
            expand=False,
            # The console may write through sys.stderr itself (AsciiStream): capturing
            # the streams would send its output round in a circle.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task(self.description, total=self.total)
        self._progress.start()

    def close(self) -> None:
        """Erase the bar (if it was shown)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
