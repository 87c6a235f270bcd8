"""Checking many problems at once, over the machine's cores.

``bank validate`` on a large bank, and ``generate`` with a large count, spend
almost all their time in ``bank.check_problem`` (SymPy work, one problem at a
time). Here the problems are checked in small batches by worker processes
forked from this one, so SymPy is already loaded in them. The results come
back in the problems' order and are exactly what checking them one by one
gives: each problem has its own time limit, and the caller's deadline stops
the work, leaving the problems not reached unchecked (None).

A pool is used only where it pays and is safe: enough problems, more than one
core, the ``fork`` start method (Linux), and no other thread running in this
process. Anywhere else, and if a worker fails, the caller checks one by one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor
from typing import Any

#: Fewer unchecked problems than this are checked one by one (a pool costs ~50 ms).
MIN_PROBLEMS = 40
#: Problems per batch sent to a worker: small enough for an even spread and a smooth bar.
BATCH = 12
#: The most worker processes.
MAX_WORKERS = 8


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worth_it(count: int) -> bool:
    """Whether checking ``count`` problems over a pool is worth it here, and safe."""
    if count < MIN_PROBLEMS or cores() < 2 or threading.active_count() > 1:
        return False
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _worker_start() -> None:
    """Ctrl-C is for the parent: a worker never prints a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_batch(problems: Sequence[Any], deadline: float, limit: float) -> list[list[str]]:
    """Messages for the first problems of a batch that fit before ``deadline``."""
    from chainrule_cli.bank import check_problem

    out: list[list[str]] = []
    for problem in problems:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        out.append(check_problem(problem, min(limit, left), cached=False))
    return out


class Pool:
    """Worker processes that check problems, started on first use (a context manager).

    One pool serves many calls of ``check_all`` (``generate`` checks a batch
    per type and difficulty); ``close`` ends the workers.
    """

    def __init__(self) -> None:
        self._executor: Any = None

    def worth_it(self, count: int) -> bool:
        """Whether to check ``count`` problems here (its workers may be running already)."""
        return count >= MIN_PROBLEMS and (self._executor is not None or worth_it(count))

    def _start(self) -> Any:
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            import sympy  # noqa: F401 - loaded once here, inherited by every worker

            self._executor = ProcessPoolExecutor(
                max_workers=max(2, min(MAX_WORKERS, cores())),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_start,
            )
        return self._executor

    def check_all(
        self,
        problems: Sequence[Any],
        deadline: float,
        limit: float,
        progress: Callable[[int], None] | None = None,
    ) -> list[list[str] | None]:
        """``check_problem`` (uncached) for every problem; None where the deadline came first.

        ``deadline`` is on the ``time.monotonic`` clock. When the pool breaks (a
        worker killed, memory exhausted), the problems it did not answer are None
        too, and the caller checks them itself.
        """
        from concurrent.futures import FIRST_COMPLETED, Future, wait

        results: list[list[str] | None] = [None] * len(problems)
        if not problems:
            return results
        batches = [range(i, min(i + BATCH, len(problems))) for i in range(0, len(problems), BATCH)]
        executor = self._start()
        pending: dict[Future[list[list[str]]], range] = {}
        try:
            for batch in batches:
                chunk = [problems[i] for i in batch]
                pending[executor.submit(_check_batch, chunk, deadline, limit)] = batch
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = pending.pop(future)
                    try:
                        answers = future.result()
                    except Exception:  # a broken pool: these are left to the caller
                        continue
                    for index, messages in zip(batch, answers, strict=False):
                        results[index] = messages
                    if progress is not None and answers:
                        progress(len(answers))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        return results

    def map(
        self,
        function: Callable[..., Any],
        jobs: Sequence[tuple[Any, ...]],
        done: Callable[[Any], None] | None = None,
    ) -> list[Any]:
        """``function(*job)`` for every job, in order, over the workers (``function`` must
        be a module's own, and its result picklable); ``done(result)`` as each one ends.
        A job the pool could not run (a worker killed) is run here instead."""
        executor = self._start()
        futures = [executor.submit(function, *job) for job in jobs]
        results: list[Any] = []
        try:
            for job, future in zip(jobs, futures, strict=True):
                try:
                    result = future.result()
                except BrokenExecutor:
                    result = function(*job)
                results.append(result)
                if done is not None:
                    done(result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_all(
    problems: Sequence[Any],
    deadline: float,
    limit: float,
    progress: Callable[[int], None] | None = None,
) -> list[list[str] | None]:
    """``Pool.check_all`` over a pool of its own."""
    with Pool() as pool:
        return pool.check_all(problems, deadline, limit, progress)
