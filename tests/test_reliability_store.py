"""The progress store and ``export`` under hostile conditions, with real files and processes.

Real SQLite files, a lock held by a second process, corrupt and malformed
databases, read-only folders, and symlinks, FIFOs and device nodes where
``export`` is asked to write. Each class of failure from issue 18 has a test:
nothing healthy is moved aside, no answer is lost, nothing is clobbered.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli import safefile
from chainrule_cli.cli import app
from chainrule_cli.progress import dbfile
from chainrule_cli.progress.records import csv_safe
from chainrule_cli.progress.store import DB_NAME, Attempt, Store, StoreBusy
from tests.screens import launch

runner = CliRunner()

#: A second process that takes a lock on the database and holds it until its stdin closes.
HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":      # WAL, but no other connection may even read
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
if sys.argv[2] == "rollback":       # an old-style journal: a write lock blocks readers
    db.execute("PRAGMA journal_mode = DELETE")
db.execute("BEGIN EXCLUSIVE")
db.execute("SELECT count(*) FROM sqlite_master").fetchall()
print("locked", flush=True)
sys.stdin.read()
"""


def attempt(pid: str = "trig-001", correct: bool = False, **extra: object) -> Attempt:
    values: dict[str, object] = {
        "answered_at": datetime.now(UTC).isoformat(),
        "problem_id": pid,
        "expression": "sin(2x)",
        "type": "trig",
        "difficulty": 1,
        "answer": "cos(2x)",
        "correct": correct,
        "outcome": "correct" if correct else "missed",
        "mistake": None if correct else "forgot_inner_derivative",
    }
    values.update(extra)
    return Attempt(**values)  # type: ignore[arg-type]


def seeded(folder: Path, n: int = 3) -> Path:
    """A healthy database with ``n`` attempts; returns its path."""
    with Store.open(folder) as store:
        for i in range(n):
            store.record(attempt(pid=f"trig-00{i + 1}"))
    return folder / DB_NAME


@contextlib.contextmanager
def held_lock(path: Path, mode: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``BEGIN EXCLUSIVE`` on ``path`` (mode: wal, exclusive, rollback)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()


def moved_aside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".corrupt-" in p.name)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("CHAINRULE_HOME", str(folder))
    return folder


@pytest.fixture
def quick_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short lock waits, so tests of a held lock take a second, not several."""
    monkeypatch.setattr(dbfile, "FIRST_TRY_S", 0.05)
    monkeypatch.setattr(dbfile, "LOCK_WAIT_S", 0.3)
    monkeypatch.setattr(dbfile, "BUSY_TIMEOUT_MS", 200)


# -- a lock held by another process ------------------------------------------------------------
@pytest.mark.parametrize(
    "mode", [pytest.param("exclusive", id="wal-exclusive-locking"), "rollback"]
)
def test_locked_database_is_waited_for_never_moved_aside(home: Path, mode: str) -> None:
    """``stats`` against a lock: a note, a short wait, a clear error; the file is untouched."""
    path = seeded(home)
    inode = path.stat().st_ino
    env = {**os.environ, "CHAINRULE_HOME": str(home)}
    with held_lock(path, mode):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "chainrule_cli", "stats"],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
        elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert "waiting up to" in result.stderr
    assert "locked by another program" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 8.0  # not the old 10 s busy timeout, then a lost database
    assert moved_aside(home) == []
    assert path.stat().st_ino == inode
    after = subprocess.run(
        [sys.executable, "-m", "chainrule_cli", "stats", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert json.loads(after.stdout)["attempts"] == 3


@pytest.mark.parametrize("command", ["history", "export"])
def test_reading_commands_under_a_lock_fail_cleanly(
    home: Path, tmp_path: Path, quick_locks: None, command: str
) -> None:
    """``history`` and ``export`` against an exclusive lock: exit 2, nothing moved, nothing written."""
    path = seeded(home)
    target = tmp_path / "out.json"
    args = [command] + ([str(target)] if command == "export" else [])
    with held_lock(path, "exclusive"):
        result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "locked by another program" in result.stderr
    assert moved_aside(home) == []
    assert not target.exists()


def test_writes_under_a_lock_are_kept_then_saved(home: Path, quick_locks: None) -> None:
    """A write lock from another process: answers queue, one note, and the next write saves all."""
    path = seeded(home, 1)
    store = Store.open(home)
    with held_lock(path, "wal"):
        assert store.count() == 1  # WAL: reading goes on under another writer's lock
        with pytest.raises(StoreBusy, match="kept and will be saved"):
            store.record(attempt(pid="a"))
        store.record(attempt(pid="b"))  # still locked: queued again, without a second note
    store.record(attempt(pid="c"))
    assert [a.problem_id for a in store.attempts()][:3] == ["c", "b", "a"]
    assert store.close() is None


def test_answers_outlasting_the_lock_are_kept_aside_and_added_later(
    home: Path, quick_locks: None
) -> None:
    """A lock that outlasts the session: the answers go to a pending file, added on next open."""
    path = seeded(home, 1)
    store = Store.open(home)
    with held_lock(path, "wal"):
        with contextlib.suppress(StoreBusy):
            store.record(attempt(pid="late-1"))
        store.complete_lesson("intuition")
        note = store.close()
        assert note is not None and "1 answer and 1 finished lesson are kept in pending-" in note
        pending = list(home.glob("pending-*.json"))
        assert len(pending) == 1
    with Store.open(home) as again:
        assert again.warning is not None and "saved now: 1 answer and 1 finished lesson" in (
            again.warning
        )
        assert again.count() == 2
        assert set(again.lessons()) == {"intuition"}
    assert list(home.glob("pending-*")) == []


def test_kept_answers_wait_while_the_lock_lasts(home: Path, quick_locks: None) -> None:
    """Opening under another writer's lock does not stall on kept answers; they wait, whole."""
    path = seeded(home, 1)
    from chainrule_cli.progress import pending

    kept = pending.write(home, [("attempt", attempt(pid="kept"), datetime.now(UTC))])
    (home / "pending-bad.json").write_text("{not json")
    with held_lock(path, "wal"):
        started = time.monotonic()
        with Store.open(home) as store:
            assert store.warning is None and store.count() == 1
        assert time.monotonic() - started < 2.0
        assert kept.exists()
    with Store.open(home) as store:
        assert store.count() == 2
    assert not kept.exists()
    assert (home / "pending-bad.json.unreadable").exists()  # kept for a person to look at


def test_quiz_under_an_exclusive_lock_loses_no_answer(home: Path) -> None:
    """A real quiz while another process locks the database out: the answers arrive later."""
    path = seeded(home, 1)
    env = {**os.environ, "CHAINRULE_HOME": str(home)}
    with held_lock(path, "exclusive"):
        result = subprocess.run(
            launch("quiz", "--count", "2", "--seed", "3"),
            input="s\ns\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert result.returncode == 0
    assert "kept aside" in result.stderr and "Traceback" not in result.stderr
    assert moved_aside(home) == []
    stats = subprocess.run(
        [sys.executable, "-m", "chainrule_cli", "stats", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert json.loads(stats.stdout)["attempts"] == 3
    assert "saved now: 2 answers" in stats.stderr


def test_reset_under_a_lock_resets_nothing(home: Path, quick_locks: None) -> None:
    """``stats --reset --yes`` while another process writes: exit 2, every attempt still there."""
    path = seeded(home)
    with held_lock(path, "wal"):
        result = runner.invoke(app, ["stats", "--reset", "--yes"])
    assert result.exit_code == 2
    assert "nothing was reset" in result.stderr
    with Store.open(home) as store:
        assert store.count() == 3


# -- damage: the only reason to move a file aside -------------------------------------------------
def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all" * 100)


def _torn_pages(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 : page * 4096 + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        pytest.param(_garbage, "file is not a database", id="not-a-database"),
        pytest.param(_torn_pages, "malformed", id="malformed-pages"),
    ],
)
def test_damaged_database_is_moved_aside_and_kept(home: Path, spoil, reason: str) -> None:  # type: ignore[no-untyped-def]
    """A damaged file is renamed (never deleted), a fresh store starts, and one note says so."""
    path = seeded(home)
    spoil(path)
    spoiled = digest(path)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert reason in result.stderr and "moved to" in result.stderr
    kept = [p for p in moved_aside(home) if not p.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and digest(home / kept[0]) == spoiled


def test_a_folder_in_place_of_the_database_is_not_damage(home: Path) -> None:
    """ "Unable to open" is reported as it is: exit 2, and nothing is renamed."""
    (home / DB_NAME).mkdir()
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert "cannot open the progress database" in result.stderr
    assert moved_aside(home) == [] and (home / DB_NAME).is_dir()


# -- read-only -----------------------------------------------------------------------------------
@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """Make ``folder`` truly unwritable: chmod for a normal user; for root (who ignores
    permissions) a read-only bind mount. Skips when neither is possible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("root without mount(8): cannot make a read-only folder")
    done = subprocess.run([mount, "--bind", str(folder), str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("root without permission to bind-mount: cannot make a read-only folder")
    try:
        ro = subprocess.run([mount, "-o", "remount,bind,ro", str(folder)], capture_output=True)
        if ro.returncode != 0:
            pytest.skip("cannot remount read-only")
        yield
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_read_only_folder_still_shows_progress(home: Path, tmp_path: Path) -> None:
    """A really read-only CHAINRULE_HOME: stats, history and export work; the quiz says it cannot save."""
    path = seeded(home)
    before = digest(path)
    out = tmp_path / "out.json"
    env = {**os.environ, "CHAINRULE_HOME": str(home)}

    def run(*args: str, answers: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            launch(*args),
            input=answers,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    with read_only_folder(home):
        stats = run("stats", "--json")
        history = run("history", "--json")
        export = run("export", str(out))
        quiz = run("quiz", "--count", "1", "--seed", "1", answers="s\n")
    assert stats.returncode == 0 and json.loads(stats.stdout)["attempts"] == 3
    assert history.returncode == 0 and len(json.loads(history.stdout)) == 3
    assert export.returncode == 0 and len(json.loads(out.read_text())["attempts"]) == 3
    assert quiz.returncode == 0
    assert "read-only" in quiz.stderr and "1 answer not saved" in quiz.stderr
    for result in (stats, history, export, quiz):
        assert "Traceback" not in result.stderr
    assert moved_aside(home) == []
    assert digest(path) == before


def test_read_only_path_opens_with_mode_ro(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-only code path (os.access says no): opened ``mode=ro``, reads work, writes are not tried."""
    path = seeded(home)
    before = digest(path)
    monkeypatch.setattr(dbfile.os, "access", lambda *_args, **_kw: False)
    store = Store.open(home)
    assert store.read_only
    assert store.count() == 3
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.db.execute("DELETE FROM attempts")
    store.record(attempt(pid="not-saved"))
    note = store.close()
    assert note is not None and "1 answer not saved" in note
    assert digest(path) == before
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["attempts"] == 3


def test_read_only_folder_without_a_database_reads_as_empty(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database and no way to make one: stats says there is nothing yet, and creates nothing."""
    monkeypatch.setattr(dbfile.os, "access", lambda *_args, **_kw: False)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0 and "No attempts yet" in result.stdout
    assert not (home / DB_NAME).exists()


# -- malformed rows ----------------------------------------------------------------------------
def _spoil(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_bad_card_json_does_not_lose_the_answer(home: Path) -> None:
    """A malformed review card: the quiz's first answer is saved and the card started over."""
    path = seeded(home, 1)
    _spoil(path, "UPDATE cards SET card = '{not json'")
    result = runner.invoke(
        app,
        ["quiz", "--type", "trig", "--difficulty", "1", "--count", "1", "--seed", "2"],
        input="s\n",
    )
    assert result.exit_code == 0
    with Store.open(home) as store:
        assert store.count() == 2
        assert [c.skill for c in store.cards()] == ["trig:1"]
        assert store.unreadable == 0


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(
            "UPDATE attempts SET answered_at = 'yesterday' WHERE id = 1", id="answered_at"
        ),
        pytest.param("UPDATE attempts SET difficulty = 'hard' WHERE id = 1", id="difficulty"),
        pytest.param("UPDATE attempts SET correct = 7 WHERE id = 1", id="correct"),
        pytest.param("UPDATE attempts SET expression = x'00' WHERE id = 1", id="expression"),
        pytest.param("UPDATE attempts SET seconds = -1 WHERE id = 1", id="seconds"),
    ],
)
def test_malformed_attempt_is_skipped_and_counted(home: Path, statement: str) -> None:
    """A bad row never crashes stats or history: it is skipped and the count is shown."""
    path = seeded(home, 3)
    _spoil(path, statement)
    stats = runner.invoke(app, ["stats"])
    assert stats.exit_code == 0
    assert "2 problems answered" in stats.stdout
    assert "1 unreadable record skipped" in stats.stdout
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["unreadable"] == 1
    history = runner.invoke(app, ["history", "--json"])
    assert history.exit_code == 0 and len(json.loads(history.stdout)) == 2
    assert "1 unreadable record skipped" in history.stderr


def test_stats_counts_every_unreadable_record(home: Path) -> None:
    """Two bad records in two tables: "2 unreadable records skipped"."""
    path = seeded(home, 2)
    _spoil(
        path,
        "UPDATE attempts SET answered_at = 'soon' WHERE id = 1",
        "UPDATE cards SET due = 'never'",
    )
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0 and "2 unreadable records skipped" in result.stdout


@pytest.mark.parametrize("table", ["cards", "lessons", "attempts"])
def test_missing_table_at_current_version_is_repaired(home: Path, table: str) -> None:
    """A database at the current version without one of its tables is repaired, with a note."""
    path = seeded(home, 2)
    _spoil(path, f"DROP TABLE {table}")
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0
    assert f"the missing table '{table}' was recreated" in result.stderr
    assert json.loads(result.stdout)["attempts"] == (0 if table == "attempts" else 2)
    with Store.open(home) as store:
        store.record(attempt(pid="after-repair"))
        store.complete_lesson("nested")
        assert store.warning is None


def test_missing_column_is_added_back(home: Path) -> None:
    """A column dropped from attempts comes back; the answer being saved is kept."""
    path = seeded(home, 1)
    _spoil(path, "ALTER TABLE attempts DROP COLUMN mode")
    with Store.open(home) as store:
        assert store.warning is not None and "attempts.mode was added" in store.warning
        store.record(attempt(pid="kept"))
        assert [a.problem_id for a in store.attempts()] == ["kept", "trig-001"]


# -- export: never through a symlink, never over a special file ---------------------------------
def _make_device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can make a device node")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null twin


def _make_symlink_to_device(path: Path) -> None:
    path.symlink_to("/dev/null")


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        pytest.param("fifo.csv", os.mkfifo, "named pipe", id="fifo"),
        pytest.param("dev.json", _make_device, "character device", id="device-node"),
        pytest.param("null.json", _make_symlink_to_device, "symbolic link", id="link-to-dev-null"),
        pytest.param("dir.json", os.mkdir, "directory", id="directory"),
    ],
)
def test_export_refuses_special_files(tmp_path: Path, name: str, make, words: str) -> None:  # type: ignore[no-untyped-def]
    """A FIFO, a device, a link to /dev/null or a folder at the target: exit 2, left as it was."""
    seeded(Path(os.environ["CHAINRULE_HOME"]), 1)
    target = tmp_path / name
    make(target)
    before = os.lstat(target)
    result = runner.invoke(app, ["export", str(target)])
    assert result.exit_code == 2
    assert words in result.stderr and "only writes regular files" in result.stderr
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_export_never_writes_through_a_symlink_at_the_target(tmp_path: Path) -> None:
    """``out.json`` → ``victim``: refused, and the victim keeps its content."""
    seeded(Path(os.environ["CHAINRULE_HOME"]), 1)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "out.json").symlink_to(victim)
    result = runner.invoke(app, ["export", str(tmp_path / "out.json")])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert victim.read_text() == "precious\n"
    assert (tmp_path / "out.json").is_symlink()


def test_export_never_writes_through_a_symlink_at_the_temp_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Symlinks planted at the old fixed temp name and at the next random one are never followed."""
    seeded(Path(os.environ["CHAINRULE_HOME"]), 2)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "out.json.tmp").symlink_to(victim)  # the name the old code used
    (tmp_path / ".out.json.planted.tmp").symlink_to(victim)  # the attacker guessed the token
    tokens = iter(["planted", "fresh"])
    monkeypatch.setattr(safefile, "random_token", lambda: next(tokens))
    result = runner.invoke(app, ["export", str(tmp_path / "out.json")])
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "precious\n"
    assert len(json.loads((tmp_path / "out.json").read_text())["attempts"]) == 2
    assert (tmp_path / ".out.json.planted.tmp").is_symlink()
    assert not (tmp_path / ".out.json.fresh.tmp").exists()


def test_export_replaces_a_regular_file_whole(tmp_path: Path) -> None:
    """An existing regular file is replaced atomically and keeps its permissions."""
    seeded(Path(os.environ["CHAINRULE_HOME"]), 1)
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    assert runner.invoke(app, ["export", str(target)]).exit_code == 0
    assert target.read_text().startswith('"answered_at"')
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param([""], "give a file name ending in .json or .csv", id="empty-name"),
        pytest.param(["progress.xlsx"], "export writes .json or .csv files", id="xlsx"),
        pytest.param(["/dev/full"], "export writes .json or .csv files", id="dev-full"),
        pytest.param(["no/such/folder/x.json"], "does not exist", id="missing-folder"),
    ],
)
def test_export_bad_names_exit_2(args: list[str], message: str) -> None:
    """Names export cannot or will not write: one error line and exit 2."""
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


# -- CSV formula injection -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "written"),
    [
        pytest.param('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")', id="equals"),
        pytest.param("+1+1", "'+1+1", id="plus"),
        pytest.param("-2cos(2x)", "'-2cos(2x)", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("\r=1", "'\r=1", id="carriage-return"),
        pytest.param("2cos(2x)", "2cos(2x)", id="plain"),
        pytest.param("a=b", "a=b", id="equals-inside"),
    ],
)
def test_csv_cells_cannot_run_as_formulas(cell: str, written: str) -> None:
    """OWASP: cells starting with = + - @ tab or CR get a leading apostrophe."""
    assert csv_safe(cell) == written


def test_csv_export_defuses_data_from_banks(home: Path, tmp_path: Path) -> None:
    """A bank id like =HYPERLINK(…) reaches the CSV defused, every cell quoted."""
    with Store.open(home) as store:
        store.record(attempt(pid='=HYPERLINK("http://evil","x")', answer="-2cos(2x)"))
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", str(out)])
    assert result.exit_code == 0
    assert "CSV holds the attempts only" in result.stdout
    with out.open(newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["problem_id"] == '\'=HYPERLINK("http://evil","x")'
    assert row["answer"] == "'-2cos(2x)"
    assert out.read_text().splitlines()[1].startswith('"')


# -- option ranges --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["history", "--limit", "9223372036854775808"], id="history-huge"),
        pytest.param(["history", "--limit", "0"], id="history-zero"),
        pytest.param(["history", "--limit", "10001"], id="history-over"),
        pytest.param(["quiz", "--count", "99999999999999999999999"], id="quiz-huge"),
        pytest.param(["review", "--count", "1001"], id="review-over"),
        pytest.param(["stats", "--yes"], id="yes-without-reset"),
    ],
)
def test_out_of_range_options_exit_2(args: list[str]) -> None:
    """Oversized or meaningless option values: exit 2, no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


def test_opening_retries_a_lock_that_sqlite_reports_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some locks skip SQLite's busy handler (a journal-mode change, WAL recovery):
    opening keeps retrying through the whole wait, not just once more."""
    calls: list[float] = []

    def flaky(timeout: float) -> str:
        calls.append(timeout)
        if len(calls) < 6:
            raise sqlite3.OperationalError("database is locked")
        return "open"

    notes: list[str] = []
    assert dbfile.patiently(flaky, notes.append) == "open"
    assert len(calls) == 6 and len(notes) == 1


def test_opening_gives_up_when_the_wait_is_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbfile, "LOCK_WAIT_S", 0.2)
    calls = 0

    def locked(timeout: float) -> None:
        nonlocal calls
        calls += 1
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError):
        dbfile.patiently(locked, None)
    assert calls > 2


def test_opening_does_not_retry_what_is_not_a_lock() -> None:
    calls = 0

    def denied(timeout: float) -> None:
        nonlocal calls
        calls += 1
        raise sqlite3.OperationalError("attempt to write a readonly database")

    with pytest.raises(sqlite3.OperationalError):
        dbfile.patiently(denied, None)
    assert calls == 1
