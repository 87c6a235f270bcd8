"""The SQLite file under the progress store: opened safely, never mistaken for corrupt.

Three things can stand between chainrule and a healthy database, and each gets
its own answer:

* **a lock** held by another program (``database is locked``): wait a little,
  with a note, then give up *without touching the file*;
* **a read-only folder or file**: open it read-only (``mode=ro``, or
  ``immutable=1`` when SQLite cannot even read the WAL index there), so reading
  commands still work;
* **real damage**: only ``file is not a database``, ``database disk image is
  malformed`` and a failed ``quick_check`` count. Such a file is moved aside,
  never deleted.

Everything else (``unable to open``, permissions, I/O errors) is reported as it
is and changes nothing. ``sqlite3.OperationalError`` is a subclass of
``DatabaseError``, so errors are classified by SQLite's own result code, not by
the Python class.

The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS`` lists the
steps from each version to the next, and ``repair`` puts back tables, columns
and indexes missing from a database that claims the current version.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from chainrule_cli.errors import StoreError

#: How long one statement waits for another program's lock, once the store is open.
BUSY_TIMEOUT_MS = 3000
#: Opening: a first, quiet try this long; then a note, and one more wait.
FIRST_TRY_S = 0.25
LOCK_WAIT_S = 3.0

MIGRATIONS: list[str] = [
    # version 0 → 1
    """
    CREATE TABLE IF NOT EXISTS attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        answered_at TEXT NOT NULL,
        problem_id TEXT NOT NULL,
        expression TEXT NOT NULL,
        type TEXT NOT NULL,
        difficulty INTEGER NOT NULL,
        at_point TEXT,
        answer TEXT NOT NULL DEFAULT '',
        correct INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        mistake TEXT,
        hints INTEGER NOT NULL DEFAULT 0,
        tries INTEGER NOT NULL DEFAULT 0,
        seconds REAL NOT NULL DEFAULT 0,
        mode TEXT NOT NULL DEFAULT 'quiz'
    );
    CREATE INDEX IF NOT EXISTS attempts_type ON attempts(type, answered_at);
    CREATE INDEX IF NOT EXISTS attempts_problem ON attempts(problem_id);
    CREATE TABLE IF NOT EXISTS cards (
        skill TEXT PRIMARY KEY,
        card TEXT NOT NULL,
        due TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS lessons (
        section TEXT PRIMARY KEY,
        completed_at TEXT NOT NULL
    );
    """,
    # version 1 → 2: every try of a problem, beside its outcome row. The attempts
    # already there keep no tries of their own: each reads as one try, its final
    # answer (``records.Attempt.all_tries``), so nothing is rewritten or lost.
    """
    CREATE TABLE IF NOT EXISTS tries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        answered_at TEXT NOT NULL,
        answer TEXT NOT NULL DEFAULT '',
        correct INTEGER NOT NULL,
        mistake TEXT
    );
    CREATE INDEX IF NOT EXISTS tries_attempt ON tries(attempt_id, number);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# SQLite's primary result codes (the low byte of an extended code).
_PERM, _BUSY, _LOCKED, _READONLY, _CORRUPT, _CANTOPEN, _NOTADB = 3, 5, 6, 8, 11, 14, 26

T = TypeVar("T")


class StoreBusy(StoreError):
    """The progress database is locked by another program (it is not damaged)."""


class Damaged(Exception):
    """The file is not a database, or fails SQLite's integrity check."""


def classify(exc: sqlite3.Error) -> str:
    """``corrupt``, ``locked``, ``access`` (read-only, permissions, cannot open) or ``other``: from SQLite's result code.

    Only ``corrupt`` ever justifies moving a file aside.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_CORRUPT, _NOTADB) or (
        primary is None and ("file is not a database" in text or "disk image is malformed" in text)
    ):
        return "corrupt"
    if primary in (_BUSY, _LOCKED) or (primary is None and ("locked" in text or "busy" in text)):
        return "locked"
    if primary in (_READONLY, _PERM, _CANTOPEN) or (primary is None and "readonly" in text):
        return "access"
    return "other"


def writable(folder: Path, path: Path) -> bool:
    """Whether the database can be written: the folder (for the WAL files) and the file."""
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def patiently(action: Callable[[float], T], on_wait: Callable[[str], None] | None) -> T:
    """``action(timeout)`` once quickly; if it meets a lock, say so and keep trying for a while.

    SQLite's busy handler does not cover every lock: where waiting could
    deadlock (a journal-mode change, a reader turning writer, a WAL being
    recovered by another process) it answers "locked" at once. So the second
    phase retries until ``LOCK_WAIT_S`` have passed, not just once.
    """
    try:
        return action(FIRST_TRY_S)
    except sqlite3.Error as exc:
        if classify(exc) != "locked":
            raise
    if on_wait is not None:
        on_wait(
            f"the progress database is in use by another program; waiting up to {LOCK_WAIT_S:g} s"
        )
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        left = deadline - time.monotonic()
        try:
            return action(max(left, 0.05))
        except sqlite3.Error as exc:
            if classify(exc) != "locked" or time.monotonic() + 0.02 >= deadline:
                raise
        time.sleep(0.02)


def connect(path: Path, timeout: float) -> tuple[sqlite3.Connection, list[str]]:
    """Open (or create) the database for writing: WAL, checked, migrated, repaired.

    Returns the connection and what was repaired. Raises ``Damaged`` for a bad
    file and ``sqlite3.Error`` for anything else (a lock, a permission).
    """
    db = sqlite3.connect(path, timeout=timeout, isolation_level="DEFERRED")
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        _integrity(db)  # first: a damaged file is moved aside exactly as it was found
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
        repaired = repair(db)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        db.close()
        raise
    return db, repaired


def connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """Open an existing database without writing a byte (a read-only folder or file).

    ``mode=ro`` first; in a folder where SQLite cannot create the WAL index,
    ``immutable=1`` (nobody can write there either, so nothing changes under us).
    """
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
    last: sqlite3.Error | None = None
    for suffix in ("", "&immutable=1"):
        db = sqlite3.connect(uri + suffix, uri=True, timeout=timeout, isolation_level="DEFERRED")
        try:
            db.row_factory = sqlite3.Row
            db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            _integrity(db)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _newer(version)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            return db
        except sqlite3.Error as exc:
            db.close()
            if classify(exc) in ("corrupt", "locked"):
                raise
            last = exc
        except BaseException:
            db.close()
            raise
    assert last is not None
    raise last


def connect_memory() -> sqlite3.Connection:
    """An empty database in memory, with the current schema (a stand-in store)."""
    db = sqlite3.connect(":memory:", isolation_level="DEFERRED")
    db.row_factory = sqlite3.Row
    migrate(db)
    return db


def _integrity(db: sqlite3.Connection) -> None:
    try:
        check = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        if classify(exc) == "corrupt":
            raise Damaged(str(exc)) from None
        raise
    if check != "ok":
        raise Damaged(f"integrity check failed: {check}")


def _newer(version: int) -> StoreError:
    return StoreError(
        f"the progress database is from a newer chainrule (schema {version}); upgrade chainrule"
    )


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to ``SCHEMA_VERSION``, one step at a time, in one transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _newer(version)
    if version == SCHEMA_VERSION:
        return
    with db:
        db.execute("BEGIN IMMEDIATE")
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step].split(";"):
                if statement.strip():
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _reference() -> dict[str, tuple[str, str | None, list[tuple[str, str, int, object]]]]:
    """The current schema, read from a fresh in-memory database: name → (kind, sql, columns)."""
    db = connect_memory()
    try:
        out: dict[str, tuple[str, str | None, list[tuple[str, str, int, object]]]] = {}
        for kind, name, sql in db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ):
            columns = []
            if kind == "table":
                columns = [
                    (row[1], row[2], row[3], row[4])
                    for row in db.execute(f"PRAGMA table_info({name})")
                ]
            out[name] = (kind, sql, columns)
        return out
    finally:
        db.close()


def repair(db: sqlite3.Connection) -> list[str]:
    """Put back missing tables, columns and indexes; say what was repaired.

    A column is added without ``NOT NULL`` unless it has a default, so old rows
    stay valid; rows that lack a value are skipped where they are read.
    """
    reference = _reference()
    present = {
        name: kind
        for kind, name in db.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }
    todo: list[tuple[str, str]] = []
    for name, (kind, sql, columns) in reference.items():
        if kind == "table" and name not in present and sql:
            todo.append((f"the missing table {name!r} was recreated", sql))
        elif kind == "table":
            have = {row[1] for row in db.execute(f"PRAGMA table_info({name})")}
            for column, type_, notnull, default in columns:
                if column in have or column == "id":
                    continue
                clause = f"ALTER TABLE {name} ADD COLUMN {column} {type_}"
                if default is not None:
                    clause += f" {'NOT NULL ' if notnull else ''}DEFAULT {default}"
                todo.append((f"the missing column {name}.{column} was added", clause))
    for name, (kind, sql, _) in reference.items():
        if kind == "index" and name not in present and sql:
            todo.append(("", sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)))
    if not todo:
        return []
    with db:
        db.execute("BEGIN IMMEDIATE")
        for _, statement in todo:
            db.execute(statement)
    return [what for what, _ in todo if what]


def move_aside(path: Path, why: str, inode: int | None = None) -> Path:
    """Rename the database (and its WAL files) out of the way; never delete them.

    With ``inode``, only the very file that was found bad is moved: if another
    process has already replaced it with a fresh database, that one stays.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    try:
        current = os.stat(path).st_ino
    except FileNotFoundError:
        return target
    if inode is not None and current != inode:
        return target
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, target.with_name(target.name + suffix))
    return target


def inode_of(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def start_over(db: sqlite3.Connection, path: Path) -> Path:
    """Empty every table of the database at ``path``, keeping a copy of it first as a
    backup file beside it (returned).

    Other programs' writes are held off (``BEGIN IMMEDIATE``) while the copy is
    taken and the tables emptied, so nothing written meanwhile is lost from the
    backup. A lock or an error changes nothing.
    """
    base = f"{path.name}.reset-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
    backup = path.with_name(base)
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{base}-{n}")
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        if classify(exc) == "locked":
            raise StoreBusy(
                "the progress database is in use by another program; nothing was reset"
            ) from None
        raise StoreError(f"cannot reset: {exc}") from None
    try:
        reader = sqlite3.connect(path)
        target = sqlite3.connect(backup)
        try:
            reader.backup(target)
        finally:
            target.close()
            reader.close()
        for table in ("attempts", "tries", "cards", "lessons"):
            db.execute(f"DELETE FROM {table}")
        db.commit()
    except (sqlite3.Error, OSError) as exc:
        db.rollback()
        raise StoreError(f"cannot reset: {exc}; nothing was reset") from None
    return backup
