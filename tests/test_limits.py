"""Time limits hold wherever the alarm lands, and never leave an 'Exception ignored'."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from chainrule_cli.errors import TooComplex
from chainrule_cli.limits import attempt, time_limit


@pytest.fixture
def slow_gc_callback() -> Iterator[list[int]]:
    """A garbage-collector callback that takes 1 ms, as a profiler's might."""
    calls: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            calls.append(1)
            end = time.monotonic() + 0.001
            while time.monotonic() < end:
                pass

    gc.callbacks.append(callback)
    try:
        yield calls
    finally:
        gc.callbacks.remove(callback)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("seconds", [0.05, 0.1, 0.3])
def test_a_deadline_inside_a_gc_callback_fires_after_it(
    slow_gc_callback: list[int], seconds: float
) -> None:
    """Work that makes garbage, collected often through a slow callback, still ends in
    time, and no deadline is printed as 'Exception ignored' (pytest would fail on it)."""
    started = time.monotonic()
    with pytest.raises(TooComplex), time_limit(seconds):
        while True:
            for _ in range(20_000):
                _Cycle()
            gc.collect(0)
    assert slow_gc_callback, "the callback never ran, so the test proved nothing"
    assert time.monotonic() - started < seconds + 1.0


@pytest.mark.parametrize("seconds", [0.01, 0.05, 0.2])
def test_a_swallowed_deadline_fires_again(seconds: float) -> None:
    """A deadline caught by code that is not its owner comes back, so the limit holds."""
    from chainrule_cli.limits import _Deadline

    started = time.monotonic()
    swallowed = 0
    with pytest.raises(TooComplex), time_limit(seconds):
        while True:
            try:
                time.sleep(0.001)
            except _Deadline:  # a finaliser that eats whatever is raised in it
                swallowed += 1
                if swallowed > 1:
                    raise
    assert swallowed == 2  # the first was eaten; the second came back and ended the block
    assert time.monotonic() - started < seconds + 1.0


def test_attempt_gives_the_fallback_when_time_runs_out() -> None:
    """Polish that takes too long gives way to the plain form."""

    def forever() -> str:
        while True:
            time.sleep(0.001)

    assert attempt(0.05, forever, "plain") == "plain"
