"""Shared test set-up: a fixed terminal, a private CHAINRULE_HOME, helpers."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sympy as sp

from chainrule_cli.maths.numeric import Undefined, float_function


@pytest.fixture(autouse=True)
def _isolated(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Every test gets its own data directory and an 80-column, colourless terminal."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CHAINRULE_ASCII", raising=False)
    yield


_WORKER_STARTED = (time.monotonic(), time.process_time())

#: How much slower SymPy's evaluation runs while coverage traces every call (measured on
#: the 60-digit check of a trig-expanded derivative: 2.3 s traced against 0.8 s not).
TRACED_SLOWDOWN = 3.0


def _traced() -> bool:
    """Whether coverage is tracing this process (``pytest --cov``, as ``.ci/run`` does)."""
    import sys

    coverage = sys.modules.get("coverage")
    return coverage is not None and coverage.Coverage.current() is not None


@pytest.fixture
def in_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's time limits, kept in step with the CPU this process gets (tests/screens.py's
    ``stretched``), over this test and over the whole test process, whichever was starved
    more: a verdict that algebra decides in 0.3 s on a quiet machine is not turned
    "unconfirmed" because other workers had the CPU. What decides a verdict is unchanged
    (only algebra, or 60 digits, accepts; undecided is never right); only the wall time it
    may take grows, and on a quiet machine not at all.

    Under coverage every limit is also TRACED_SLOWDOWN times longer: the tracer's own
    cost is CPU time this process spends, which the wall ÷ CPU ratio cannot see."""
    from chainrule_cli import limits
    from tests.screens import stretched

    real = limits.time_limit
    slower = TRACED_SLOWDOWN if _traced() else 1.0

    def traced(seconds: float, what: str = "This computation") -> Any:
        return real(seconds * slower, what)

    here = (time.monotonic(), time.process_time())
    monkeypatch.setattr(limits, "time_limit", stretched(traced, here, _WORKER_STARTED))


def numerically_equal(a: sp.Expr, b: sp.Expr, x: sp.Symbol, points: int = 8) -> bool:
    """a and b agree at random real points where both are defined (the oracle's helper)."""
    rng = random.Random(1234)
    fa = float_function(a, x)
    fb = float_function(b, x)
    checked = 0
    for _ in range(200):
        v = rng.uniform(-3, 3)
        try:
            ya, yb = fa(v), fb(v)
        except Undefined:
            continue
        if not math.isclose(ya, yb, rel_tol=1e-7, abs_tol=1e-9):
            return False
        checked += 1
        if checked >= points:
            return True
    return checked > 0
