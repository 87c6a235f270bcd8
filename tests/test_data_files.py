"""The files in the data folder, under attack: issue 23, sections 2, 3 and 6.

* answers kept aside (``pending-….json``) are always added, exactly once: a
  malformed entry is skipped and counted, a claim left by a killed process is
  taken back, and real SIGKILL, SIGTERM and SIGINT land mid-import;
* ``validated.json``, ``banks.json``, a ``pending-….json`` and the validation
  key as a FIFO or a link to ``/dev/zero`` make no command wait or grow: the
  real commands run in a subprocess under a time limit and a 1 GiB memory cap;
* an entry typed into ``validated.json`` by hand proves nothing.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule_cli import safefile
from chainrule_cli.bank import valcache
from chainrule_cli.bank.load import Problem
from chainrule_cli.progress import pending
from chainrule_cli.progress.records import INT_MAX, attempt_from
from chainrule_cli.progress.store import DB_NAME, Store
from tests.screens import launch

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 * 1024 * 1024

GOOD: dict[str, Any] = {
    "answered_at": "2024-03-01T10:00:00+00:00",
    "problem_id": "trig-001",
    "expression": "sin(2x)",
    "type": "trig",
    "difficulty": 1,
    "answer": "2cos(2x)",
    "correct": True,
    "outcome": "correct",
    "mistake": None,
    "hints": 0,
    "tries": 1,
    "seconds": 4.5,
    "at_point": None,
    "mode": "quiz",
}

SMALL_BANK = (
    "problems:\n"
    "  - {id: good, type: trig, expression: 'sin(3x)'}\n"
    "  - {id: wrong-type, type: log, expression: 'sin(5x)'}\n"
)


def good(n: int) -> dict[str, Any]:
    """A sound kept answer, the ``n``-th of its file."""
    return {**GOOD, "problem_id": f"good-{n}", "answered_at": f"2024-03-01T10:00:0{n}+00:00"}


#: Stands for a JSON integer of 5000 digits (more than Python reads as a number by default).
HUGE = "<5000 digits>"


def kept_file(folder: Path, attempts: list[Any], lessons: list[Any] | None = None) -> Path:
    """A pending file as the store writes it, with these entries."""
    path = folder / "pending-20240301T100000-0123456789abcdef.json"
    text = json.dumps({"attempts": attempts, "lessons": lessons or []})
    path.write_text(text.replace(json.dumps(HUGE), "9" * 5000), "utf-8")
    return path


def stored_ids(folder: Path) -> list[str]:
    """Every problem id in the attempts table, duplicates and all."""
    db = sqlite3.connect(folder / DB_NAME)
    try:
        return sorted(row[0] for row in db.execute("SELECT problem_id FROM attempts"))
    finally:
        db.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("pending-*"))


# -- malformed entries -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"difficulty": 2**63}, id="difficulty-past-sqlite-integers"),
        pytest.param({"difficulty": HUGE}, id="difficulty-of-5000-digits"),
        pytest.param({"hints": -1}, id="negative-hints"),
        pytest.param({"tries": 2**70}, id="tries-past-sqlite-integers"),
        pytest.param({"difficulty": "2"}, id="text-for-a-number"),
        pytest.param({"correct": 2}, id="correct-neither-0-nor-1"),
        pytest.param({"seconds": float("inf")}, id="infinite-seconds"),
        pytest.param({"answered_at": "9999-12-31T23:00:00-05:00"}, id="past-9999-in-utc"),
        pytest.param({"answered_at": "9999-12-31T00:00:00+00:00"}, id="review-would-overflow"),
        pytest.param({"answered_at": "0001-01-01T00:00:00+05:00"}, id="before-year-1-in-utc"),
        pytest.param({"answered_at": "yesterday"}, id="not-a-date"),
        pytest.param({"recorded_at": "9999-12-31T23:59:59-01:00"}, id="recorded-past-9999"),
        pytest.param({"answer": "\ud800"}, id="lone-surrogate"),
        pytest.param({"at_point": 10**30}, id="point-past-sqlite-integers"),
        pytest.param({"problem_id": ""}, id="empty-id"),
        pytest.param({"mode": None}, id="missing-mode"),
    ],
)
def test_a_malformed_entry_is_skipped_and_the_good_ones_are_added(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    """One bad entry between two good ones: the good ones go in once, the bad one is counted."""
    kept_file(tmp_path, [good(1), {**good(2), **change}, good(3)])
    with Store.open(tmp_path) as store:
        assert store.warning is not None
        assert "saved now: 2 answers" in store.warning
        assert "1 malformed entry in pending-20240301T100000-0123456789abcdef.json" in store.warning
        assert store.unreadable == 1
    assert stored_ids(tmp_path) == ["good-1", "good-3"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("lessons", "added"),
    [
        pytest.param([{"section": "intro", "completed_at": "2024-03-01T10:00:00Z"}], 1, id="sound"),
        pytest.param([{"section": 7, "completed_at": "2024-03-01T10:00:00Z"}], 0, id="number"),
        pytest.param([{"section": "intro", "completed_at": "+999999"}], 0, id="bad-date"),
        pytest.param([{"section": "intro"}], 0, id="no-date"),
        pytest.param(["intro"], 0, id="not-an-object"),
        pytest.param({"intro": 1}, 0, id="not-a-list"),
    ],
)
def test_kept_lessons_are_validated_like_stored_ones(
    tmp_path: Path, lessons: Any, added: int
) -> None:
    """A finished lesson kept aside is added only if the store would read it back."""
    kept_file(tmp_path, [good(1)], lessons)
    with Store.open(tmp_path) as store:
        assert len(store.lessons()) == added
        assert store.unreadable == 1 - added
        assert store.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"[1, 2]", id="a-list"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b"[" * 100_000, id="nested-too-deep"),
    ],
)
def test_an_unreadable_file_is_set_aside_and_named(tmp_path: Path, content: bytes) -> None:
    """A file that is not JSON answers is renamed .unreadable, named in the note, never retried."""
    path = tmp_path / "pending-x.json"
    path.write_bytes(content)
    with Store.open(tmp_path) as store:
        assert store.warning == f"{path} could not be read (not a JSON file of answers): " + (
            "kept as pending-x.json.unreadable"
        )
    assert leftovers(tmp_path) == ["pending-x.json.unreadable"]
    with Store.open(tmp_path) as store:
        assert store.warning is None


_dates = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    difficulty=st.one_of(st.integers(), st.booleans(), st.floats(), st.text(max_size=3)),
    when=_dates,
    answer=st.text(max_size=5),
)
def test_any_kept_entry_is_added_once_or_counted(
    tmp_path_factory: pytest.TempPathFactory, difficulty: Any, when: datetime, answer: str
) -> None:
    """Whatever the entry holds, opening never fails; it is stored and read back, or counted."""
    folder = tmp_path_factory.mktemp("kept")
    entry = {**good(2), "difficulty": difficulty, "answered_at": when.isoformat(), "answer": answer}
    kept_file(folder, [good(1), entry])
    valid = attempt_from(entry) is not None
    with Store.open(folder) as store:
        assert store.unreadable == (0 if valid else 1)
        assert {a.problem_id for a in store.attempts()} == (
            {"good-1", "good-2"} if valid else {"good-1"}
        )
        assert store.unreadable == (0 if valid else 1)  # what was written reads back whole
        store.cards()
    if valid:
        assert 0 <= difficulty <= INT_MAX


# -- claims ----------------------------------------------------------------------------------
def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_claim_whose_owner_is_gone_is_claimed_again(tmp_path: Path) -> None:
    """A file claimed by a process that no longer runs is added by the next one, once."""
    path = kept_file(tmp_path, [good(1), good(2)])
    path.rename(path.with_name(f"{path.name}.importing-{dead_pid()}-1"))
    with Store.open(tmp_path) as store:
        assert store.warning is not None and "saved now: 2 answers" in store.warning
    assert stored_ids(tmp_path) == ["good-1", "good-2"]
    assert leftovers(tmp_path) == []


def test_a_claim_whose_owner_runs_is_left_alone(tmp_path: Path) -> None:
    """A file claimed by a running process is that process's to add."""
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path = kept_file(tmp_path, [good(1)])
        claimed = path.with_name(
            f"{path.name}.importing-{owner.pid}-{pending._start_time(owner.pid)}"
        )
        path.rename(claimed)
        with Store.open(tmp_path) as store:
            assert store.count() == 0
        assert claimed.exists()
    finally:
        owner.kill()
        owner.wait()
    with Store.open(tmp_path) as store:
        assert store.count() == 1


def test_a_reused_pid_does_not_keep_a_claim(tmp_path: Path) -> None:
    """A running pid with another start time is a new process: the claim is taken back."""
    path = kept_file(tmp_path, [good(1)])
    path.rename(path.with_name(f"{path.name}.importing-{os.getppid()}-1"))
    with Store.open(tmp_path) as store:
        assert store.count() == (1 if pending._start_time(os.getppid()) else 0)


@pytest.mark.parametrize(("age", "taken"), [pytest.param(0.0, True, id="old"), (3600.0, False)])
def test_an_ownerless_claim_is_taken_back_when_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, age: float, taken: bool
) -> None:
    """A ``.importing`` file from an earlier version (no owner named) is added once it is old."""
    monkeypatch.setattr(pending, "OWNERLESS_AFTER_S", age)
    path = kept_file(tmp_path, [good(1)])
    path.rename(path.with_name(path.name + ".importing"))
    time.sleep(0.01)
    with Store.open(tmp_path) as store:
        assert store.count() == (1 if taken else 0)


def test_an_answer_already_stored_is_not_added_twice(tmp_path: Path) -> None:
    """A file whose transaction was committed before its owner died adds nothing again."""
    kept_file(tmp_path, [good(1), good(2)])
    with Store.open(tmp_path):
        pass
    kept_file(tmp_path, [good(1), good(2), good(3)])
    with Store.open(tmp_path) as store:
        assert store.warning is not None and "saved now: 1 answer " in store.warning
    assert stored_ids(tmp_path) == ["good-1", "good-2", "good-3"]


# -- real processes, real signals --------------------------------------------------------------
def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def chainrule(
    home: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, under a time limit and a 1 GiB memory cap (its own time
    limits kept in step with the CPU it gets, tests/screens.py)."""
    return subprocess.run(
        launch(*args),
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "CHAINRULE_HOME": str(home), "PYTHONWARNINGS": "ignore", **env},
        cwd=ROOT,
        preexec_fn=_capped,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("stage", ["inserted", "committed"])
@pytest.mark.parametrize(
    "signum",
    [
        pytest.param(signal.SIGKILL, id="SIGKILL"),
        pytest.param(signal.SIGTERM, id="SIGTERM"),
        pytest.param(signal.SIGINT, id="SIGINT"),
    ],
)
def test_an_import_killed_midway_is_finished_by_the_next_run(
    tmp_path: Path, signum: int, stage: str
) -> None:
    """Killed inside the transaction or just after its commit: the next run adds each answer once."""
    kept_file(tmp_path, [good(1), good(2), good(3)])
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-m", "chainrule_cli", "stats"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "CHAINRULE_HOME": str(tmp_path),
            pending.PAUSE_ENV: f"{stage}:{marker}",
        },
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never reached the pause"
            time.sleep(0.02)
        proc.send_signal(signum)
        _, errors = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert "Traceback" not in errors
    names = leftovers(tmp_path)
    if signum == signal.SIGINT:  # interrupted: the file is given back as it was found
        assert names == ["pending-20240301T100000-0123456789abcdef.json"]
    else:  # no chance to clean up: the claim stays, naming a process that is gone
        assert len(names) == 1 and f".importing-{proc.pid}-" in names[0], names
    again = chainrule(tmp_path, "stats", "--json")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert json.loads(again.stdout)["attempts"] == 3
    if stage == "inserted":  # rolled back when killed: added now, and said so
        assert "note: saved now: 3 answers kept aside" in again.stderr
    assert stored_ids(tmp_path) == ["good-1", "good-2", "good-3"]
    assert leftovers(tmp_path) == []


# -- special files in the data folder ----------------------------------------------------------
def fifo(path: Path) -> None:
    os.mkfifo(path)


def zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


#: What each command reads from the data folder (so what it must say it skipped).
READERS = {
    "validated.json": ("quiz", "bank validate"),
    "validation.key": ("quiz", "bank validate"),
    "banks.json": ("quiz",),
    "pending-20240301T100000-0123456789abcdef.json": ("quiz", "stats"),
}


@pytest.mark.parametrize("make", [pytest.param(fifo, id="fifo"), pytest.param(zero, id="dev-zero")])
@pytest.mark.parametrize("name", list(READERS))
def test_a_special_file_in_the_data_folder_is_skipped_with_a_note(
    tmp_path: Path, name: str, make: Callable[[Path], None]
) -> None:
    """quiz (piped), stats and bank validate end at once, under 1 GiB, naming what they skipped."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    home = tmp_path / "home"
    home.mkdir()
    bank = tmp_path / "bank.yaml"
    bank.write_text(SMALL_BANK, encoding="utf-8")
    runs = {
        "quiz": (["quiz", "--bank", str(bank), "--no-shuffle", "--count", "1"], "s\nq\n", 0),
        "stats": (["stats"], "", 0),
        "bank validate": (["bank", "validate", str(bank)], "", 1),
    }
    for command, (args, stdin, status) in runs.items():
        path = home / name
        if path.is_symlink() or path.exists():
            path.unlink()
        for stale in home.glob("pending-*"):
            stale.unlink()
        make(path)
        started = time.monotonic()
        proc = chainrule(home, *args, stdin=stdin)
        assert time.monotonic() - started < 30
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == status, (command, proc.stderr)
        if command in READERS[name]:
            assert "note: " in proc.stderr and name in proc.stderr, (command, proc.stderr)
        if command == "bank validate":
            assert "wrong-type" in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(fifo, safefile.Special, id="fifo"),
        pytest.param(zero, safefile.Special, id="dev-zero"),
        pytest.param(lambda p: p.mkdir(), safefile.Special, id="directory"),
        pytest.param(lambda p: p.write_bytes(b"x" * 101), safefile.TooLarge, id="too-large"),
        pytest.param(lambda p: None, FileNotFoundError, id="absent"),
    ],
)
def test_only_a_regular_file_of_bounded_size_is_read(
    tmp_path: Path, make: Callable[[Path], None], error: type[Exception]
) -> None:
    """read_regular refuses what is not a regular file, or is over the cap, before reading it."""
    path = tmp_path / "file"
    make(path)
    with pytest.raises(error):
        safefile.read_regular(path, 100)


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    """A regular file within the cap, through a symlink, comes back byte for byte."""
    (tmp_path / "real").write_bytes(b"\x00abc" * 25)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert safefile.read_regular(tmp_path / "link", 100) == b"\x00abc" * 25


# -- validated.json cannot be forged --------------------------------------------------------
def test_a_hand_edited_entry_does_not_make_an_invalid_problem_pass(tmp_path: Path) -> None:
    """Adding an invalid problem to validated.json by hand: bank validate still reports it."""
    home = tmp_path / "home"
    bank = tmp_path / "bank.yaml"
    bank.write_text(SMALL_BANK, encoding="utf-8")
    first = chainrule(home, "bank", "validate", str(bank))
    assert first.returncode == 1 and "wrong-type" in first.stdout + first.stderr
    cache = home / valcache.FILE_NAME
    data = json.loads(cache.read_text("utf-8"))
    assert len(data["proven"]) == 1  # the good problem, as a digest only this install can make
    invalid = Problem("wrong-type", "log", "sin(5x)")
    secret = bytes.fromhex((home / valcache.SECRET_NAME).read_text("ascii"))
    forged = [
        valcache.key(invalid),  # the public key of the problem
        valcache.ValidationCache(None, data["stamp"])._digest(valcache.key(invalid), b"\0" * 32),
        *data["proven"],  # every real entry, moved about
    ]
    cache.write_text(json.dumps({**data, "proven": forged}), "utf-8")
    again = chainrule(home, "bank", "validate", str(bank))
    assert again.returncode == 1
    assert "wrong-type" in again.stdout + again.stderr
    assert "1 of 2 problems valid; 1 with an issue" in again.stdout
    assert secret == bytes.fromhex((home / valcache.SECRET_NAME).read_text("ascii"))


def test_only_this_installs_digest_proves_a_problem(tmp_path: Path) -> None:
    """An entry written here proves its problem; the same file under another secret proves nothing."""
    path = tmp_path / "validated.json"
    problem = Problem("a", "trig", "sin(3x)")
    cache = valcache.ValidationCache(path)
    cache.add(problem)
    assert cache.save()
    assert valcache.ValidationCache(path).proven(problem)
    key = tmp_path / valcache.SECRET_NAME
    assert key.stat().st_mode & 0o777 == 0o600
    key.write_text(os.urandom(32).hex(), "ascii")  # as if the file came from another install
    assert not valcache.ValidationCache(path).proven(problem)


def test_two_processes_making_the_key_agree(tmp_path: Path) -> None:
    """The key is linked into place only if none is there: a second maker reads the first's."""
    path = tmp_path / valcache.SECRET_NAME
    first = valcache.make_secret(path)
    assert first is not None and valcache.make_secret(path) == first
    assert [p.name for p in tmp_path.iterdir()] == [valcache.SECRET_NAME]


def test_kept_times_are_stored_in_utc(tmp_path: Path) -> None:
    """An answer kept with a local offset is scheduled like any other (FSRS wants UTC)."""
    when = datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=-5)))
    kept_file(tmp_path, [{**good(1), "answered_at": when.isoformat()}])
    with Store.open(tmp_path) as store:
        assert store.count() == 1 and len(store.cards()) == 1
