"""What the command line does first, so that every command starts sooner.

Two things, both measured (``bench/run.py``, README "Performance"):

* the cyclic garbage collector runs less often (every 100,000 new objects
  instead of 700): importing SymPy creates hundreds of thousands of objects
  that all live on, and looking among them for garbage again and again took a
  fifth of the import (about 80 ms). (No timer signal is used to turn it back
  up: one arriving while Python shuts down ends the process with exit −26.)
* typer's parameters get a lazy coercion that answers plain values without
  importing pydantic (``coercion``): about 0.1 s off every command.
"""

from __future__ import annotations

import gc

from chainrule_cli.cli.coercion import install

#: New objects between collections (Python's default is 700).
GC_THRESHOLD = 100_000


def prepare() -> None:
    """Tune the collector and typer for a short-lived command line process."""
    install()
    pause_collector()


def pause_collector() -> None:
    """Collect garbage less often while a short command starts (see the module's notes).

    No signal timer: a timer signal that arrives while Python shuts down ends
    the process (exit −26), so the collector's threshold is only raised.
    """
    if not gc.isenabled():
        return
    first, *_ = gc.get_threshold()
    if 0 < first < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD)
