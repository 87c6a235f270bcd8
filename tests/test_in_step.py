"""The test suite's own load helpers (tests/screens.py): limits follow the CPU a process
gets and never shrink; a child's CPU time is measured, not the machine's queue."""

from __future__ import annotations

import sys
import time
from contextlib import AbstractContextManager, nullcontext

import pytest

from chainrule_cli import limits
from chainrule_cli.maths.checking import check
from tests.screens import run_measured, stretched


def _recorder(seen: list[float]) -> object:
    def real(seconds: float, what: str = "") -> AbstractContextManager[None]:
        seen.append(seconds)
        return nullcontext()

    return real


@pytest.mark.parametrize(
    ("wall_ago", "cpu_ago", "low", "high"),
    [
        pytest.param(1.0, 1.0, 1.0, 1.05, id="quiet-unchanged"),
        pytest.param(4.0, 1.0, 3.9, 4.1, id="quarter-share-4x"),
        pytest.param(100.0, 1.0, 8.0, 8.0, id="capped-at-8x"),
        pytest.param(1.0, 0.01, 1.0, 1.0, id="too-little-cpu-to-judge"),
        pytest.param(0.5, 2.0, 1.0, 1.0, id="never-shorter"),
    ],
)
def test_a_limit_is_stretched_by_the_starved_share(
    wall_ago: float, cpu_ago: float, low: float, high: float
) -> None:
    """A limit of t s becomes t × wall ÷ CPU over the window, between 1× and 8×."""
    seen: list[float] = []
    window = (time.monotonic() - wall_ago, time.process_time() - cpu_ago)
    with stretched(_recorder(seen), window)(2.0, "x"):
        pass
    assert low * 2.0 <= seen[0] <= high * 2.0 + 0.01


def test_the_most_starved_window_wins() -> None:
    """Over several windows the largest factor is used, so no window can shorten a limit."""
    seen: list[float] = []
    quiet = (time.monotonic() - 1.0, time.process_time() - 1.0)
    busy = (time.monotonic() - 3.0, time.process_time() - 1.0)
    with stretched(_recorder(seen), quiet, busy)(1.0):
        pass
    assert 2.9 <= seen[0] <= 3.1


def test_in_step_keeps_an_undecided_answer_unconfirmed(
    in_step: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the limits in step, algebra that cannot decide still leaves a right-looking
    answer 'unconfirmed', never right: only the time allowed changes."""
    from chainrule_cli.maths import checking

    assert limits.time_limit.__name__ == "time_limit" and limits.time_limit.__qualname__.startswith(
        "stretched"
    )
    monkeypatch.setattr(checking, "symbolically_equal", lambda a, b: None)
    monkeypatch.setattr(checking, "precisely_equal", lambda *args: None)
    verdict = check("sin(x^2)", "2x cos(x^2)")
    assert not verdict.correct and verdict.mistake == "unconfirmed"


def test_run_measured_counts_the_childs_cpu_not_its_sleep() -> None:
    """A child that sleeps 1 s and spins 0.3 s: about 0.3 s of CPU, at least 1.3 s of wall."""
    code = (
        "import time\ntime.sleep(1.0)\nend = time.process_time() + 0.3\n"
        "while time.process_time() < end: pass\n"
    )
    run = run_measured([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert run.proc.returncode == 0
    assert 0.3 <= run.cpu < 1.0, run
    assert run.wall >= 1.3, run
