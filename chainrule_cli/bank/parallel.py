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

No worker outlives its command. Inside ``stopping_on_signals`` (the commands
that may start a pool run in it), SIGTERM and SIGHUP raise ``Stopped`` in the
main thread, as Ctrl-C raises ``KeyboardInterrupt``; leaving ``with Pool()``
by any exception kills the workers at once, and the command exits 128 + the
signal's number. A worker also dies by itself when its parent dies, however
that happens (even by SIGKILL): on Linux the kernel sends it SIGKILL
(``PR_SET_PDEATHSIG``), elsewhere a watchdog thread notices that its parent
has changed. (A worker holds the command's standard output open: a script
reading it to the end would otherwise wait for orphans.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from typing import Any

#: Fewer unchecked problems than this are checked one by one (a pool costs ~50 ms).
MIN_PROBLEMS = 40
#: Problems per batch sent to a worker: small enough for an even spread and a smooth bar.
BATCH = 12
#: The most worker processes.
MAX_WORKERS = 8
#: Batches sent ahead to each worker (enough that none waits for the next).
IN_FLIGHT = 4


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


#: The signals that end a command with its workers (Ctrl-C's SIGINT raises KeyboardInterrupt).
ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
#: How often a worker without PR_SET_PDEATHSIG looks for its parent (seconds).
WATCH_EVERY = 0.25


class Stopped(BaseException):
    """A signal (SIGTERM, SIGHUP) asked the command to stop: raised like KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a command ended by it."""
        return 128 + self.signum


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Inside: SIGTERM and SIGHUP raise ``Stopped`` in the main thread. A signal ignored
    (as under ``nohup``) stays ignored; outside, the handlers are as they were."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[int, Any] = {}
    try:
        for number in ENDING_SIGNALS:
            if signal.getsignal(number) is not signal.SIG_IGN:
                before[number] = signal.signal(number, _raise_stopped)
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _die_with_parent(parent: int) -> None:
    """End this worker when ``parent`` does: by the kernel on Linux, by a watchdog elsewhere."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):  # no prctl to hand: the watchdog does it
            import ctypes

            pr_set_pdeathsig = 1
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="chainrule-parent-watch", daemon=True).start()


def _worker_start(parent: int) -> None:
    """A worker: dies with ``parent``; Ctrl-C is for the parent (a worker never prints a
    traceback of its own); SIGTERM and SIGHUP end it at once (not the parent's handlers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in ENDING_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    _die_with_parent(parent)


def _check_batch(problems: Sequence[Any], deadline: float, limit: float) -> list[list[str] | None]:
    """Messages for the problems of a batch checked before ``deadline`` (None: not reached)."""
    from chainrule_cli.bank.check import check_before

    return [check_before(problem, deadline, limit, cached=False) for problem in problems]


class Pool:
    """Worker processes that check problems, started on first use (a context manager).

    One pool serves many calls of ``check_all`` (``generate`` checks a batch
    per type and difficulty); ``close`` ends the workers.
    """

    def __init__(self) -> None:
        self._executor: Any = None
        self._workers = max(2, min(MAX_WORKERS, cores()))

    def worth_it(self, count: int) -> bool:
        """Whether to check ``count`` problems here (its workers may be running already)."""
        return count >= MIN_PROBLEMS and (self._executor is not None or worth_it(count))

    def _start(self) -> Any:
        if self._executor is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            import sympy  # noqa: F401 - loaded once here, inherited by every worker

            self._executor = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_start,
                initargs=(os.getpid(),),
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

        ``deadline`` is on the ``time.monotonic`` clock. A few batches per worker
        are in flight at a time, and none is sent after the deadline, so the
        work ends with it. When the pool breaks (a worker killed, memory
        exhausted), the problems it did not answer are None too, and the
        caller checks them itself.
        """
        from concurrent.futures import FIRST_COMPLETED, Future, wait

        results: list[list[str] | None] = [None] * len(problems)
        batches = iter(
            range(i, min(i + BATCH, len(problems))) for i in range(0, len(problems), BATCH)
        )
        executor = self._start()
        pending: dict[Future[list[list[str] | None]], range] = {}

        def send() -> None:
            batch = next(batches, None)
            if batch is None or time.monotonic() >= deadline:
                return
            chunk = [problems[i] for i in batch]
            try:
                pending[executor.submit(_check_batch, chunk, deadline, limit)] = batch
            except BrokenExecutor:  # the rest is left to the caller
                return

        # Stopped half-way (Ctrl-C, a signal), the work in flight is not cancelled here:
        # leaving ``with Pool()`` kills the workers, which ends it all at once.
        for _ in range(IN_FLIGHT * self._workers):
            send()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                batch = pending.pop(future)
                try:
                    answers = future.result()
                except Exception:  # a broken pool: these are left to the caller
                    continue
                for index, messages in zip(batch, answers, strict=True):
                    results[index] = messages
                checked = sum(1 for messages in answers if messages is not None)
                if progress is not None and checked:
                    progress(checked)
                send()
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
        for job, future in zip(jobs, futures, strict=True):  # stopped: as in ``check_all``
            try:
                result = future.result()
            except BrokenExecutor:
                result = function(*job)
            results.append(result)
            if done is not None:
                done(result)
        return results

    def close(self) -> None:
        """End the workers once they are idle (the work asked of them is done)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def kill(self) -> None:
        """End the workers now, whatever they are doing (the command is stopping)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=2)
        with contextlib.suppress(Exception):  # the executor fails what was pending: no cancel
            executor.shutdown(wait=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.kill()


def check_all(
    problems: Sequence[Any],
    deadline: float,
    limit: float,
    progress: Callable[[int], None] | None = None,
) -> list[list[str] | None]:
    """``Pool.check_all`` over a pool of its own."""
    with Pool() as pool:
        return pool.check_all(problems, deadline, limit, progress)
