"""Progress that lasts: every answered problem and each of its tries, review cards and finished lessons.

SQLite from the standard library, in the user data directory
(``platformdirs.user_data_dir("chainrule")``) or ``$CHAINRULE_HOME``.

Nothing is lost, and nothing healthy is mistaken for damage:

* each answered problem (its outcome row and every try) is written in one
  transaction the moment it ends, so a killed quiz keeps what was answered;
  WAL mode lets several quizzes in several terminals write to one database at once;
* a database locked by another program is waited for briefly, never moved
  aside. An answer that cannot be written yet is kept in memory and written
  with the next one; if the lock outlasts the session, the answers are kept in a
  ``pending-….json`` file beside the database and added the next time it opens;
* a read-only folder or file is opened read-only, so ``stats``, ``history`` and
  ``export`` still work (and nothing is saved, which the quiz says);
* only a file that is not a database or fails SQLite's integrity check is moved
  aside (never deleted), and a fresh one is started with one line saying so;
* rows are validated where they are read: a malformed row is skipped and
  counted (``unreadable``), and a bad review card never stops an answer from
  being saved.

The file-level work (opening, classifying errors, schema, repairs and the
backup of a reset) is in ``dbfile``, the records and their validation in
``records``, answers kept aside in ``pending``, the statistics built from the
records (and which problems to ask again) in ``stats``, and writing them out in
``export``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chainrule_cli.errors import StoreError
from chainrule_cli.kinds import TYPES
from chainrule_cli.progress import dbfile, pending
from chainrule_cli.progress.dbfile import StoreBusy, classify
from chainrule_cli.progress.pending import Item, describe
from chainrule_cli.progress.records import (
    FIELDS,
    TRY_FIELDS,
    Attempt,
    Card,
    Try,
    attempt_from,
    lesson_from,
    parse_time,
    rating_for,
    skill_of,
    try_from,
)

DB_NAME = "progress.db"


def data_dir() -> Path:
    """``$CHAINRULE_HOME``, else the platform's user data directory."""
    override = os.environ.get("CHAINRULE_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("chainrule", appauthor=False))


@dataclass(eq=False)
class Store:
    """The progress database. Open it with ``Store.open()``; every write commits at once."""

    path: Path
    db: sqlite3.Connection
    #: A one-line note for the learner from opening (a file moved aside, a repair).
    warning: str | None = None
    #: Opened read-only (a read-only folder or file): reads work, nothing is saved.
    read_only: bool = False
    #: A stand-in in memory while the real database is locked: kept aside at close.
    detached: bool = False
    on_wait: Callable[[str], None] | None = None
    _queue: list[Item] = field(default_factory=list)  # not yet written
    _unsaved: list[Item] = field(default_factory=list)  # never to be written here
    _bad: set[tuple[str, Any]] = field(default_factory=set)
    _blocked: bool = False
    _closed: bool = False

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(
        cls, directory: Path | None = None, on_wait: Callable[[str], None] | None = None
    ) -> Store:
        """Open the store in ``directory`` (default ``data_dir()``).

        ``on_wait`` is called with a note before waiting for another program's
        lock. Raises ``StoreBusy`` when the lock outlasts the wait, ``StoreError``
        when the database cannot be opened at all; never moves a healthy file.
        """
        folder = directory or data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not folder.is_dir():
                raise StoreError(
                    f"cannot create the data directory {folder}: {exc.strerror}"
                ) from None
        path = folder / DB_NAME
        if not dbfile.writable(folder, path):
            return cls._open_read_only(path, on_wait)
        inode = dbfile.inode_of(path)
        try:
            db, repaired = dbfile.patiently(lambda t: dbfile.connect(path, t), on_wait)
        except dbfile.Damaged as exc:
            return cls._start_fresh(path, str(exc), inode, on_wait)
        except sqlite3.Error as exc:
            kind = classify(exc)
            if kind == "corrupt":
                return cls._start_fresh(path, str(exc), inode, on_wait)
            if kind == "locked":
                raise _busy(path) from None
            if kind == "access" and path.is_file():
                return cls._open_read_only(path, on_wait)
            raise StoreError(f"cannot open the progress database {path}: {exc}") from None
        warning = None
        if repaired:
            warning = f"the progress database {path} was repaired: {'; '.join(repaired)}"
        store = cls(path, db, warning, on_wait=on_wait)
        note = store._import_pending()
        if note:
            store.warning = f"{store.warning}; {note}" if store.warning else note
        return store

    @classmethod
    def _open_read_only(cls, path: Path, on_wait: Callable[[str], None] | None) -> Store:
        if not path.exists():
            return cls(path, dbfile.connect_memory(), None, read_only=True, on_wait=on_wait)
        try:
            db = dbfile.patiently(lambda t: dbfile.connect_read_only(path, t), on_wait)
        except dbfile.Damaged as exc:
            raise StoreError(
                f"the progress database {path} is damaged ({exc}), and its folder is "
                "read-only, so it cannot be moved aside"
            ) from None
        except sqlite3.Error as exc:
            if classify(exc) == "locked":
                raise _busy(path) from None
            raise StoreError(f"cannot open the progress database {path}: {exc}") from None
        return cls(path, db, None, read_only=True, on_wait=on_wait)

    @classmethod
    def _start_fresh(
        cls, path: Path, why: str, inode: int | None, on_wait: Callable[[str], None] | None
    ) -> Store:
        """The file is not a database or fails the integrity check: keep it aside, start anew."""
        try:
            moved = dbfile.move_aside(path, "corrupt", inode)
        except OSError as exc:
            raise StoreError(
                f"the progress database {path} is damaged ({why}) and could not be moved aside: "
                f"{exc.strerror}"
            ) from None
        warning = (
            f"the progress database {path} could not be read ({why}); it was moved to "
            f"{moved.name} and a fresh one was started"
        )
        try:
            db, _ = dbfile.patiently(lambda t: dbfile.connect(path, t), on_wait)
        except (sqlite3.Error, dbfile.Damaged) as again:
            raise StoreError(f"cannot open the progress database {path}: {again}") from None
        return cls(path, db, warning, on_wait=on_wait)

    @classmethod
    def detached_from(cls, directory: Path | None = None) -> Store:
        """A stand-in for a locked database: works in memory, keeps every answer aside at close."""
        folder = directory or data_dir()
        return cls(folder / DB_NAME, dbfile.connect_memory(), None, detached=True)

    def close(self) -> str | None:
        """Write what is still waiting, keep aside what cannot be written; say so in a line."""
        if self._closed:
            return None
        self._closed = True
        if self._queue and not (self.read_only or self.detached):
            if self.on_wait is not None:
                self.on_wait(
                    f"waiting up to {dbfile.LOCK_WAIT_S:g} s to save {describe(self._queue)}"
                )
            with contextlib.suppress(StoreError):
                self._flush(dbfile.LOCK_WAIT_S)
        left = self._unsaved + self._queue
        self._unsaved, self._queue = [], []
        note = None
        if left and self.read_only:
            note = f"{describe(left)} not saved: {self.path.parent} is read-only"
        elif left:
            note = pending.keep_aside(self.path.parent, left)
        self.db.close()
        return note

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------
    def record(self, attempt: Attempt, now: datetime | None = None) -> None:
        """Store one answered problem, its tries, and its skill's review card, atomically.

        When another program holds the lock, the answer is kept and written with
        the next one (or kept aside at close): ``StoreBusy`` says so once.
        """
        item: Item = ("attempt", attempt, now or datetime.now(UTC))
        self._enqueue(item)

    def complete_lesson(self, section: str) -> None:
        """Remember a finished lesson section; never raises (a lock only delays it)."""
        with contextlib.suppress(StoreError):
            self._enqueue(("lesson", section, datetime.now(UTC)))

    def _enqueue(self, item: Item) -> None:
        if self.read_only:
            self._unsaved.append(item)
            return
        if self.detached:
            self._unsaved.append(item)
            with self.db:
                self._insert(item)
            return
        self._queue.append(item)
        self._flush(0.1 if self._blocked else None)

    def _flush(self, wait: float | None = None) -> None:
        """Write the queue in order, one transaction per item."""
        if wait is not None:
            self.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            while self._queue:
                with self.db:
                    self._insert(self._queue[0])
                self._queue.pop(0)
            self._blocked = False
        except sqlite3.Error as exc:
            if classify(exc) == "locked":
                if self._blocked:
                    return
                self._blocked = True
                raise StoreBusy(
                    "the progress database is locked by another program: your answers are kept "
                    "and will be saved as soon as it is free"
                ) from None
            raise StoreError(f"cannot save progress: {exc}") from None
        finally:
            if wait is not None:
                self.db.execute(f"PRAGMA busy_timeout = {dbfile.BUSY_TIMEOUT_MS}")

    def _insert(self, item: Item) -> None:
        """Insert one item inside the caller's transaction."""
        kind, payload, when = item
        if kind == "lesson":
            self.db.execute(
                "INSERT OR REPLACE INTO lessons (section, completed_at) VALUES (?, ?)",
                (payload, when.isoformat()),
            )
            return
        row = payload.to_dict()
        cursor = self.db.execute(
            f"INSERT INTO attempts ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})",
            [int(row[name]) if name == "correct" else row[name] for name in FIELDS],
        )
        self.db.executemany(
            f"INSERT INTO tries (attempt_id, {', '.join(TRY_FIELDS)}) "
            f"VALUES (?, {', '.join('?' * len(TRY_FIELDS))})",
            [
                [cursor.lastrowid, *(int(t[n]) if n == "correct" else t[n] for n in TRY_FIELDS)]
                for t in row["try_log"]
            ],
        )
        card_row = self._card_after(payload, when)
        if card_row is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO cards (skill, card, due) VALUES (?, ?, ?)", card_row
            )

    def _card_after(self, attempt: Attempt, when: datetime) -> tuple[str, str, str] | None:
        """The skill's card after this attempt; a malformed stored card is started over."""
        if attempt.type not in TYPES:
            return None
        from fsrs import Card as FsrsCard
        from fsrs import Rating, Scheduler

        skill = skill_of(attempt.type, attempt.difficulty)
        row = self.db.execute("SELECT rowid, card FROM cards WHERE skill = ?", (skill,)).fetchone()
        scheduler = Scheduler(enable_fuzzing=False)
        rating = Rating[rating_for(attempt)]
        if row is not None:
            try:
                card, _ = scheduler.review_card(
                    FsrsCard.from_dict(json.loads(row[1])), rating, when
                )
                return skill, json.dumps(card.to_dict()), card.due.isoformat()
            except Exception:  # any malformed card: start over, and keep the answer
                self._bad.add(("cards", row[0]))
        card, _ = scheduler.review_card(FsrsCard(), rating, when)
        return skill, json.dumps(card.to_dict()), card.due.isoformat()

    def reset(self) -> Path:
        """Start over, keeping a copy of the old database as a backup file (returned).

        Other programs' writes are held off while the copy is taken and the tables
        emptied, so nothing written meanwhile is lost from the backup.
        """
        if self.read_only or self.detached:
            raise StoreError(f"cannot reset: the progress database {self.path} cannot be written")
        backup = dbfile.start_over(self.db, self.path)
        self._bad.clear()
        return backup

    # -- adding answers kept aside -------------------------------------------------------
    def _import_pending(self) -> str:
        """Add answers kept aside earlier (``pending.add_all``); returns a line saying what happened.

        Still locked by another writer: the files wait for next time (a short try,
        so opening is not held up).
        """
        if not pending.files(self.path.parent):
            return ""
        self.db.execute(f"PRAGMA busy_timeout = {int(dbfile.FIRST_TRY_S * 1000)}")
        try:
            done = pending.add_all(self.path.parent, self._add_kept)
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {dbfile.BUSY_TIMEOUT_MS}")
        self._bad.update(done.skipped)
        return done.note()

    def _add_kept(self, items: list[Item]) -> list[Item]:
        """Insert kept items not stored already, in one transaction; returns those added."""
        added = []
        with self.db:
            if not self.db.in_transaction:  # else the first RELEASE below would commit
                self.db.execute("BEGIN IMMEDIATE")
            for item in items:
                if self._stored(item):
                    continue  # added before the process that claimed the file died
                self.db.execute("SAVEPOINT kept")
                try:
                    self._insert(item)
                except (ValueError, OverflowError, TypeError):  # validated, so never yet
                    self.db.execute("ROLLBACK TO kept")
                    self._bad.add(("kept", id(item)))
                else:
                    added.append(item)
                self.db.execute("RELEASE kept")
            pending.pause("inserted")
        return added

    def _stored(self, item: Item) -> bool:
        """Whether exactly this answer (or this lesson at this time) is in the database."""
        kind, payload, when = item
        if kind == "lesson":
            sql = "SELECT 1 FROM lessons WHERE section = ? AND completed_at = ?"
            args = [payload, when.isoformat()]
        else:
            row = payload.to_dict()
            sql = "SELECT 1 FROM attempts WHERE " + " AND ".join(f"{f} IS ?" for f in FIELDS)
            args = [int(row[f]) if f == "correct" else row[f] for f in FIELDS]
        return self.db.execute(sql, args).fetchone() is not None

    # -- reading --------------------------------------------------------------------------
    @property
    def unreadable(self) -> int:
        """How many stored records were malformed and skipped so far."""
        return len(self._bad)

    def _select(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[sqlite3.Row]:
        """Rows of a query; a missing table reads as empty, a lock or damage as a StoreError."""
        try:
            yield from self.db.execute(sql, args)
        except sqlite3.Error as exc:
            text = str(exc)
            if text.startswith(("no such table", "no such column")):
                return
            kind = classify(exc)
            if kind == "locked":
                raise _busy(self.path) from None
            if kind == "corrupt":
                raise StoreError(
                    f"the progress database {self.path} is damaged ({exc}); "
                    "the next chainrule command will move it aside"
                ) from None
            raise StoreError(f"cannot read the progress database: {exc}") from None

    def attempts(self, limit: int | None = None, kind: str | None = None) -> list[Attempt]:
        """Valid attempts, newest first, each with its tries (malformed rows are skipped and counted)."""
        sql = "SELECT rowid AS _rowid, * FROM attempts"
        args: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE type = ?"
            args = (kind,)
        sql += " ORDER BY answered_at DESC, rowid DESC"
        out: list[Attempt] = []
        ids: list[int] = []
        for row in self._select(sql, args):
            attempt = attempt_from(row)
            if attempt is None:
                self._bad.add(("attempts", row["_rowid"]))
                continue
            out.append(attempt)
            ids.append(row["_rowid"])
            if limit is not None and len(out) >= limit:
                break
        if out:
            tries = self._tries()
            for attempt, rowid in zip(out, ids, strict=True):
                attempt.try_log = tries.get(rowid, [])
        return out

    def _tries(self) -> dict[int, list[Try]]:
        """Every valid try by the rowid of its attempt, first to last (none before schema 2)."""
        out: dict[int, list[Try]] = {}
        for row in self._select("SELECT rowid AS _rowid, * FROM tries ORDER BY attempt_id, number"):
            one = try_from(row)
            if one is None or not isinstance(row["attempt_id"], int):
                self._bad.add(("tries", row["_rowid"]))
                continue
            out.setdefault(row["attempt_id"], []).append(one)
        return out

    def count(self) -> int:
        for row in self._select("SELECT COUNT(*) FROM attempts"):
            return int(row[0])
        return 0

    def cards(self) -> list[Card]:
        """Valid review cards, soonest due first."""
        out = []
        for row in self._select("SELECT rowid, skill, card, due FROM cards"):
            due = parse_time(row["due"])
            state: Any = None
            if isinstance(row["card"], str):
                try:
                    state = json.loads(row["card"])
                except ValueError:
                    state = None
            if not isinstance(row["skill"], str) or due is None or not isinstance(state, dict):
                self._bad.add(("cards", row["rowid"]))
                continue
            out.append(Card(row["skill"], due, state))
        out.sort(key=lambda card: card.due)
        return out

    def due_skills(self, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """Skills whose review is due, most overdue first."""
        when = now or datetime.now(UTC)
        return [(card.skill, card.due) for card in self.cards() if card.due <= when]

    def next_due(self) -> datetime | None:
        cards = self.cards()
        return cards[0].due if cards else None

    def card_due(self, skill: str) -> datetime | None:
        return next((card.due for card in self.cards() if card.skill == skill), None)

    def lessons(self) -> dict[str, str]:
        """Finished lesson sections → when (malformed rows skipped and counted)."""
        out = {}
        for row in self._select("SELECT rowid, section, completed_at FROM lessons"):
            section, when = row["section"], row["completed_at"]
            if lesson_from(section, when) is None:
                self._bad.add(("lessons", row["rowid"]))
                continue
            out[section] = when
        return out

    def check_all(self) -> int:
        """Read every table once, so ``unreadable`` counts every malformed record."""
        self.attempts()
        self.cards()
        self.lessons()
        return self.unreadable


def _busy(path: Path) -> StoreBusy:
    return StoreBusy(
        f"the progress database {path} is locked by another program; "
        "nothing was changed, try again when it is free"
    )
