"""Stopping a long command (``bank validate``, ``generate``) by Ctrl-C or a signal.

``with stopping():`` around the work: Ctrl-C (SIGINT), SIGTERM and SIGHUP end
the command with one line on stderr and exit status 128 + the signal's
number, as a shell reports a command a signal ended. By then ``parallel.Pool``
has killed its workers and every temporary file is gone; nothing is printed
on stdout, so a half-made bank is never written.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import typer


@contextlib.contextmanager
def stopping(what: str = "nothing more was checked or written") -> Iterator[None]:
    """Ctrl-C, SIGTERM or SIGHUP inside: one line on stderr, and exit 128 + the signal."""
    from chainrule_cli.bank import parallel

    with parallel.stopping_on_signals():
        try:
            yield
        except KeyboardInterrupt:
            number = int(signal.SIGINT)
        except parallel.Stopped as exc:
            number = exc.signum
        else:
            return
    from chainrule_cli import render

    render.error(f"stopped by {signal.Signals(number).name}: {what}")
    raise typer.Exit(128 + number)
