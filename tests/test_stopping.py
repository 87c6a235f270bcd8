"""No worker left behind: a long command stopped by a signal ends with its workers.

Real processes and real signals: ``bank validate`` on a large bank, or
``generate --count 1200``, runs with its output on pipes; once its worker
processes exist (found in /proc, by parent pid), a signal goes to the command
alone. It must exit 128 + the signal's number within seconds with one line on
stderr and no traceback, every worker must be gone, the pipes must reach EOF
(no orphan holds them open) and no temporary file may be left. SIGKILL, which
no handler sees, must take the workers with it too (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chainrule_cli.bank import parallel

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or parallel.cores() < 2,
    reason="worker pools run on Linux with two cores or more",
)


def _big_bank(path: Path, count: int = 6000) -> Path:
    lines = ["problems:"]
    for i in range(count):
        lines += [
            f"- id: p-{i:05d}",
            "  type: power",
            f"  expression: (3x+{i % 89 + 1})^{i % 6 + 2}",
            f"  difficulty: {i % 3 + 1}",
        ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc: psutil is not at hand)."""
    found: set[int] = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _start(args: list[str], home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CHAINRULE_HOME": str(home), "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    return subprocess.Popen(
        [sys.executable, "-m", "chainrule_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=home.parent,
    )


def _workers(proc: subprocess.Popen[bytes], timeout: float = 60.0) -> set[int]:
    """The command's worker processes, once there are two (waiting up to ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the command ended before its workers started: {proc.returncode}")
        kids = _children(proc.pid)
        if len(kids) >= 2:
            return kids
        time.sleep(0.02)
    pytest.fail("no worker processes appeared")


def _stop_and_check(
    proc: subprocess.Popen[bytes], workers: set[int], number: int, watched: Path, what: str = ""
) -> None:
    """Send ``number``; the command, its workers and its pipes must all end, cleanly."""
    try:
        proc.send_signal(number)
        start = time.monotonic()
        code = proc.wait(timeout=10)
        assert time.monotonic() - start < 5.0
        gone_by = time.monotonic() + 5.0  # every worker gone within 5 s
        while any(_alive(pid) for pid in workers) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)]
        out = proc.stdout.read() if proc.stdout else b""  # EOF: no orphan holds the pipes
        err = proc.stderr.read() if proc.stderr else b""
    finally:
        for pid in workers:  # never leave one behind, even when the test fails
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    if number == signal.SIGKILL:
        assert code == -signal.SIGKILL
    else:
        assert code == 128 + number, err
        name = signal.Signals(number).name
        assert err.decode().splitlines() == [f"error: stopped by {name}: {what}"]
        assert out == b""
    assert not [name for name in _files(watched) if name.endswith(".tmp")]


SIGNALS = [
    pytest.param(signal.SIGTERM, id="SIGTERM"),
    pytest.param(signal.SIGHUP, id="SIGHUP"),
    pytest.param(signal.SIGINT, id="SIGINT"),
    pytest.param(signal.SIGKILL, id="SIGKILL"),
]


@pytest.mark.parametrize("number", SIGNALS)
def test_bank_validate_stopped_by_a_signal_leaves_no_worker(tmp_path: Path, number: int) -> None:
    """bank validate on a large bank, stopped while its pool runs: 128 + signal, no orphans, EOF."""
    bank = _big_bank(tmp_path / "big.yaml")
    home = tmp_path / "home"
    home.mkdir()
    proc = _start(["bank", "validate", str(bank)], home)
    _stop_and_check(proc, _workers(proc), number, tmp_path, "nothing more was checked or written")


@pytest.mark.parametrize("number", SIGNALS[:2])
def test_generate_stopped_by_a_signal_leaves_no_worker(tmp_path: Path, number: int) -> None:
    """generate --count 1200, stopped while its pool runs: 128 + signal, nothing printed, no orphans."""
    home = tmp_path / "home"
    home.mkdir()
    proc = _start(["generate", "--count", "1200", "--seed", "3"], home)
    _stop_and_check(proc, _workers(proc), number, tmp_path, "no problems were printed")


def test_a_worker_dies_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A worker whose parent is gone (here SIGKILLed, no handler runs) ends by itself."""
    code = (
        "import os, time\n"
        "from chainrule_cli.bank import parallel\n"
        "pool = parallel.Pool()\n"
        "pool._start().submit(time.sleep, 60)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINRULE_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready\n"
    workers = _workers(proc)
    _stop_and_check(proc, workers, signal.SIGKILL, tmp_path)


def test_signals_are_handled_only_inside_and_restored_after() -> None:
    """stopping_on_signals raises Stopped for SIGTERM inside, and puts the old handler back."""
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(parallel.Stopped) as caught, parallel.stopping_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert caught.value.exit_code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_ignored_signal_stays_ignored() -> None:
    """Under nohup (SIGHUP ignored), the command does not start obeying SIGHUP."""
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with parallel.stopping_on_signals():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.05)
    finally:
        signal.signal(signal.SIGHUP, before)
