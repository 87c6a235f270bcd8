"""Running the real command through a pipe, and comparing with a golden transcript.

One environment for every screen test: a fixed width, UTC, UTF-8, and either
NO_COLOR or colour forced on a 256-colour terminal, whatever the caller's own
terminal is (so a transcript made in one shell matches in CI). Set
CHAINRULE_UPDATE_GOLDEN=1 to rewrite the transcripts after a deliberate change.

The command runs under ``LAUNCH``, which keeps its time limits in step with the
CPU it is given: on a machine busy with other tests (``pytest -n auto``) a limit
of t seconds becomes t × (wall time ÷ CPU time the process has had so far), so a
starved process is not cut short where a quiet one would finish. What the
transcripts check (the bytes on screen) is unchanged, and so is every limit on a
quiet machine; the time promises themselves are checked by the hostile-input tests.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text

GOLDEN = Path(__file__).parent / "golden"

_NOT_PASSED = ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "TERM", "CHAINRULE_ASCII")


def stretched(real: Any, *windows: tuple[float, float]) -> Any:
    """``real`` (``limits.time_limit``) with every limit of t seconds made t × (wall time ÷
    CPU time) over whichever window, a ``(monotonic, process_time)`` start, was starved
    most (at least 1×, at most 8×; 1× until a window has had 0.05 s of CPU). Only the time
    a computation may take changes: what it decides, and every limit on a quiet machine,
    stay exactly as they are."""
    import time

    def starved() -> float:
        factor = 1.0
        for wall, cpu in windows:
            used = time.process_time() - cpu
            if used > 0.05:
                factor = max(factor, (time.monotonic() - wall) / used)
        return min(8.0, factor)

    def time_limit(seconds: float, what: str = "This computation") -> Any:
        return real(seconds * starved(), what)

    return time_limit


#: Scales every time limit of the process it starts by how much of the wall time the process
#: has had the CPU for (``stretched``). Importing ``chainrule_cli`` first sets ``STARTED`` as
#: ``-m`` does. Put it before the code of a ``python -c`` run (it starts with a __future__ import).
IN_STEP = (
    "from __future__ import annotations\n"
    "import time\n"
    "wall, cpu = time.monotonic(), time.process_time()\n"
    + inspect.getsource(stretched)
    + "from chainrule_cli import limits\n"
    "limits.time_limit = stretched(limits.time_limit, (wall, cpu))\n"
)
#: ``python -c LAUNCH ARGS`` is ``python -m chainrule_cli ARGS`` with its limits kept in step.
LAUNCH = (
    IN_STEP
    + """
import runpy
runpy.run_module("chainrule_cli", run_name="__main__", alter_sys=True)
"""
)


def launch(*args: str) -> list[str]:
    """The command line of ``python -m chainrule_cli ARGS``, its limits kept in step with
    the CPU it gets: for any test that runs the CLI and checks what it shows, not how fast."""
    return [sys.executable, "-c", LAUNCH, *args]


@dataclass
class Measured:
    """A finished child process, with the CPU time it used and the wall time it took."""

    proc: subprocess.CompletedProcess[str]
    cpu: float
    wall: float


def run_measured(command: list[str], **options: Any) -> Measured:
    """``subprocess.run(command, **options)``, measuring the child's own CPU time (user +
    system, from ``getrusage(RUSAGE_CHILDREN)`` before and after) next to the wall time.

    On a shared machine (``pytest -n auto``, other jobs) wall time mostly measures the
    queue for the CPU: a child that needs 1 s of CPU can take 10 s of wall time. CPU time
    is what the child itself spent, so "ends within 3 s" is checked on it, with a wall
    ceiling only as a backstop against a hang."""
    import resource

    def spent() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before, started = spent(), time.monotonic()
    proc = subprocess.run(command, check=False, **options)
    return Measured(proc, spent() - before, time.monotonic() - started)


def run_piped(
    args: list[str], width: int, colour: bool = False, typed: str = ""
) -> subprocess.CompletedProcess[str]:
    """``chainrule ARGS | cat`` at ``width`` columns, with ``typed`` on its input."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED}
    env |= {"COLUMNS": str(width), "TZ": "UTC", "PYTHONIOENCODING": "utf-8", "TERM": "dumb"}
    env |= {"FORCE_COLOR": "1", "TERM": "xterm-256color"} if colour else {"NO_COLOR": "1"}
    return subprocess.run(
        launch(*args),
        input=typed,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def visible(stdout: str, width: int, colour: bool) -> str:
    """The text a person sees; colour codes only when asked for, and every line fits."""
    assert ("\x1b[" in stdout) is colour
    shown = Text.from_ansi(stdout).plain if colour else stdout
    for line in shown.splitlines():
        assert cell_len(line) <= width and not line.endswith(" "), line
    return shown


def assert_golden(path: Path, text: str) -> None:
    """``text`` is the transcript at ``path``, byte for byte (or rewrites it, when asked)."""
    if os.environ.get("CHAINRULE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def record_history(rows: list[tuple[str, str, str, str, bool, str | None]]) -> None:
    """Store answers (id, function, type, answer, right, mistake) 7 minutes apart from a
    fixed time, so that history prints the same bytes every day."""
    from datetime import UTC, datetime, timedelta

    from chainrule_cli.progress.records import Attempt
    from chainrule_cli.progress.store import Store

    start = datetime(2025, 3, 14, 9, 26, tzinfo=UTC)
    with Store.open() as store:
        for index, (pid, expression, kind, answer, right, mistake) in enumerate(rows):
            store.record(
                Attempt(
                    answered_at=(start + timedelta(minutes=7 * index)).isoformat(),
                    problem_id=pid,
                    expression=expression,
                    type=kind,
                    difficulty=2,
                    answer=answer,
                    correct=right,
                    outcome="correct" if right else "wrong",
                    mistake=mistake,
                    hints=index,
                    tries=1,
                )
            )
