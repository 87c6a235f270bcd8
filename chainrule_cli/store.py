"""Progress that lasts: every answered problem, mastery per type, spaced review.

SQLite from the standard library, in the user data directory
(``platformdirs.user_data_dir("chainrule")``) or ``$CHAINRULE_HOME``.

Nothing is lost:

* each round is written in its own transaction the moment it ends, so a killed
  quiz keeps what was answered;
* WAL mode and a busy timeout let several quizzes in several terminals write to
  one database at once;
* a corrupt or unreadable database is moved aside (never deleted), a fresh one
  is started, and one line says so; ``stats --reset`` also keeps a backup.

The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS`` lists the
steps from each version to the next.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from chainrule_cli.errors import StoreError
from chainrule_cli.kinds import CHAIN_TYPES, TYPES

DB_NAME = "progress.db"
BUSY_TIMEOUT_MS = 10_000
MASTERY_LEVELS = ("not started", "attempted", "familiar", "proficient", "mastered")
#: Mastery looks at this many recent attempts per type, not at a streak.
WINDOW = 10
#: Answered right, first try, no hints, in under this many seconds: rated Easy.
EASY_SECONDS = 20.0
#: Missed this many times (and not answered right since): flagged for `solve`.
FLAG_MISSES = 3

MIGRATIONS: list[str] = [
    # version 0 → 1
    """
    CREATE TABLE attempts (
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
    CREATE INDEX attempts_type ON attempts(type, answered_at);
    CREATE INDEX attempts_problem ON attempts(problem_id);
    CREATE TABLE cards (
        skill TEXT PRIMARY KEY,
        card TEXT NOT NULL,
        due TEXT NOT NULL
    );
    CREATE TABLE lessons (
        section TEXT PRIMARY KEY,
        completed_at TEXT NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def data_dir() -> Path:
    """``$CHAINRULE_HOME``, else the platform's user data directory."""
    override = os.environ.get("CHAINRULE_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("chainrule", appauthor=False))


@dataclass
class Attempt:
    """One answered problem, as stored."""

    answered_at: str
    problem_id: str
    expression: str
    type: str
    difficulty: int
    answer: str
    correct: bool
    outcome: str
    mistake: str | None = None
    hints: int = 0
    tries: int = 0
    seconds: float = 0.0
    at_point: str | None = None
    mode: str = "quiz"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: The stored columns of an attempt, in the dataclass's order.
FIELDS = tuple(Attempt.__dataclass_fields__)


def skill_of(kind: str, difficulty: int) -> str:
    """A review card is a skill (type × difficulty), not one text: a new or edited
    problem of the same kind keeps the learner's progress."""
    return f"{kind}:{difficulty}"


def rating_for(attempt: Attempt) -> str:
    """The FSRS rating from what happened, never from asking the learner."""
    if not attempt.correct or attempt.outcome in ("skipped", "revealed", "missed"):
        return "Again"
    if attempt.hints or attempt.mode == "guided":
        return "Hard"
    if attempt.tries <= 1 and attempt.seconds < EASY_SECONDS:
        return "Easy"
    return "Good"


class Store:
    """The progress database. Open it with ``Store.open()``; every write commits at once."""

    def __init__(
        self, path: Path, connection: sqlite3.Connection, warning: str | None = None
    ) -> None:
        self.path = path
        self.db = connection
        #: Set when a bad database file was moved aside on opening.
        self.warning = warning

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, directory: Path | None = None) -> Store:
        folder = directory or data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {folder}: {exc.strerror}") from None
        path = folder / DB_NAME
        try:
            return cls(path, _connect(path))
        except sqlite3.DatabaseError as exc:
            moved = _move_aside(path, "corrupt")
            warning = (
                f"the progress database {path} could not be read ({exc}); it was moved to "
                f"{moved.name} and a fresh one was started"
            )
            try:
                return cls(path, _connect(path), warning)
            except sqlite3.Error as again:
                raise StoreError(f"cannot open the progress database {path}: {again}") from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the progress database {path}: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------
    def record(self, attempt: Attempt, now: datetime | None = None) -> None:
        """Store one answered problem and update its skill's review card, atomically."""
        when = now or datetime.now(UTC)
        card_row = self._card_after(attempt, when)
        for delay in (0.05, 0.2, 0.5, 1.0, 2.0):
            try:
                with self.db:
                    row = attempt.to_dict()
                    self.db.execute(
                        f"INSERT INTO attempts ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})",
                        [int(row[name]) if name == "correct" else row[name] for name in FIELDS],
                    )
                    if card_row is not None:
                        self.db.execute(
                            "INSERT OR REPLACE INTO cards (skill, card, due) VALUES (?, ?, ?)",
                            card_row,
                        )
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"cannot save progress: {exc}") from None
                time.sleep(delay)
        raise StoreError("cannot save progress: the database stayed locked")

    def _card_after(self, attempt: Attempt, when: datetime) -> tuple[str, str, str] | None:
        if attempt.type not in TYPES:
            return None
        from fsrs import Card, Rating, Scheduler

        skill = skill_of(attempt.type, attempt.difficulty)
        row = self.db.execute("SELECT card FROM cards WHERE skill = ?", (skill,)).fetchone()
        card = Card.from_dict(json.loads(row[0])) if row else Card()
        scheduler = Scheduler(enable_fuzzing=False)
        card, _ = scheduler.review_card(card, Rating[rating_for(attempt)], when)
        return skill, json.dumps(card.to_dict()), card.due.isoformat()

    def complete_lesson(self, section: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO lessons (section, completed_at) VALUES (?, ?)",
                (section, datetime.now(UTC).isoformat()),
            )

    def lessons(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT section, completed_at FROM lessons").fetchall())

    def reset(self) -> Path:
        """Start over, keeping the old database as a backup file (returned)."""
        self.db.close()  # the last connection to close checkpoints the WAL into the file
        backup = _move_aside(self.path, "reset")
        self.db = _connect(self.path)
        return backup

    # -- reading --------------------------------------------------------------------------
    def attempts(self, limit: int | None = None, kind: str | None = None) -> list[Attempt]:
        """Newest first."""
        sql = "SELECT * FROM attempts"
        args: list[Any] = []
        if kind:
            sql += " WHERE type = ?"
            args.append(kind)
        sql += " ORDER BY answered_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [_attempt(row) for row in self.db.execute(sql, args).fetchall()]

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])

    def due_skills(self, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """Skills whose review is due, most overdue first."""
        when = (now or datetime.now(UTC)).isoformat()
        rows = self.db.execute(
            "SELECT skill, due FROM cards WHERE due <= ? ORDER BY due", (when,)
        ).fetchall()
        return [(skill, datetime.fromisoformat(due)) for skill, due in rows]

    def next_due(self) -> datetime | None:
        row = self.db.execute("SELECT MIN(due) FROM cards").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def card_due(self, skill: str) -> datetime | None:
        row = self.db.execute("SELECT due FROM cards WHERE skill = ?", (skill,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def recently_missed(self, days: int = 14) -> list[str]:
        """Problem ids whose latest attempt in the last ``days`` was not right, most recent first."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat()
        rows = self.db.execute(
            """SELECT problem_id, correct FROM attempts a
               WHERE answered_at >= ? AND id = (SELECT MAX(id) FROM attempts b WHERE b.problem_id = a.problem_id)
               ORDER BY answered_at DESC""",
            (since,),
        ).fetchall()
        return [pid for pid, correct in rows if not correct]

    def flagged(self) -> list[tuple[str, str, int]]:
        """(problem id, expression, misses) for problems missed many times and not right since."""
        rows = self.db.execute(
            """SELECT problem_id, expression, SUM(1 - correct) AS misses, MAX(id) AS last
               FROM attempts GROUP BY problem_id HAVING misses >= ? ORDER BY misses DESC""",
            (FLAG_MISSES,),
        ).fetchall()
        out = []
        for pid, expression, misses, last in rows:
            latest = self.db.execute(
                "SELECT correct FROM attempts WHERE id = ?", (last,)
            ).fetchone()
            if latest and not latest[0]:
                out.append((pid, expression, int(misses)))
        return out

    # -- export ---------------------------------------------------------------------------
    def export(self, path: Path) -> int:
        """Write every attempt to ``path`` (.csv, else JSON); returns how many."""
        rows = [a.to_dict() for a in reversed(self.attempts())]
        if path.suffix.lower() == ".csv":
            buffer = io.StringIO()
            fields = list(Attempt.__dataclass_fields__)
            writer = csv.DictWriter(buffer, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
            text = buffer.getvalue()
        else:
            text = json.dumps({"schema_version": SCHEMA_VERSION, "attempts": rows}, indent=2)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return len(rows)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level="DEFERRED")
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        db.close()
        raise sqlite3.DatabaseError(f"integrity check failed: {check}")
    _migrate(db)
    return db


def _migrate(db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the progress database is from a newer chainrule (schema {version}); upgrade chainrule"
        )
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


def _move_aside(path: Path, why: str) -> Path:
    """Rename the database (and its WAL files) out of the way; never delete them."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    if path.exists():
        path.replace(target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.replace(target.with_name(target.name + suffix))
    return target


def _attempt(row: sqlite3.Row) -> Attempt:
    values = {name: row[name] for name in FIELDS}
    values["correct"] = bool(values["correct"])
    return Attempt(**values)


# -- statistics -----------------------------------------------------------------------------
@dataclass
class TypeStats:
    type: str
    attempts: int
    correct: int
    hints: int
    mastery: str
    last: str | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.attempts if self.attempts else 0.0

    @property
    def hints_per_problem(self) -> float:
        return self.hints / self.attempts if self.attempts else 0.0


def mastery(recent: Sequence[Attempt]) -> str:
    """Khan-style level from a window of recent attempts (newest first), not a streak.

    attempted → familiar (3+ tries, 60 %+ right) → proficient (5+, 80 %+, some
    difficulty-2+ right) → mastered (proficient, and two difficulty-3 problems
    right without hints). One typo lowers the accuracy a little; it does not reset.
    """
    window = list(recent)[:WINDOW]
    if not window:
        return "not started"
    right = [a for a in window if a.correct]
    accuracy = len(right) / len(window)
    level = "attempted"
    if len(window) >= 3 and accuracy >= 0.6:
        level = "familiar"
    if len(window) >= 5 and accuracy >= 0.8 and any(a.difficulty >= 2 for a in right):
        level = "proficient"
        clean_hard = [a for a in right if a.difficulty >= 3 and a.hints == 0 and a.mode != "guided"]
        if len(clean_hard) >= 2:
            level = "mastered"
    return level


def type_stats(store: Store) -> list[TypeStats]:
    out = []
    for kind in TYPES:
        history = store.attempts(kind=kind)
        out.append(
            TypeStats(
                type=kind,
                attempts=len(history),
                correct=sum(a.correct for a in history),
                hints=sum(a.hints for a in history),
                mastery=mastery(history),
                last=history[0].answered_at if history else None,
            )
        )
    return out


def streak(days_practised: Iterable[date], today: date) -> int:
    """Consecutive days with practice, ending today (or yesterday, if not yet today)."""
    days = set(days_practised)
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


def weekly_accuracy(
    attempts: Sequence[Attempt], today: date, weeks: int = 8
) -> list[tuple[str, int, float]]:
    """(week starting, attempts, accuracy) for the last ``weeks`` weeks, oldest first."""
    start_this_week = today - timedelta(days=today.weekday())
    out = []
    for back in range(weeks - 1, -1, -1):
        start = start_this_week - timedelta(weeks=back)
        end = start + timedelta(weeks=1)
        inside = [a for a in attempts if start <= _day(a.answered_at) < end]
        accuracy = sum(a.correct for a in inside) / len(inside) if inside else 0.0
        out.append((start.isoformat(), len(inside), accuracy))
    return out


def _day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone().date()


def summary(store: Store, today: date | None = None) -> dict[str, Any]:
    """Everything ``stats`` shows, as plain data (``stats --json`` prints it)."""
    day = today or datetime.now().astimezone().date()
    everything = store.attempts()
    by_type = type_stats(store)
    return {
        "attempts": len(everything),
        "correct": sum(a.correct for a in everything),
        "streak": streak((_day(a.answered_at) for a in everything), day),
        "by_type": {
            t.type: {
                "attempts": t.attempts,
                "correct": t.correct,
                "accuracy": round(t.accuracy, 3),
                "hints_per_problem": round(t.hints_per_problem, 2),
                "mastery": t.mastery,
                "last_practised": t.last,
            }
            for t in by_type
        },
        "weekly": [
            {"week": week, "attempts": n, "accuracy": round(acc, 3)}
            for week, n, acc in weekly_accuracy(everything, day)
        ],
        "flagged": [
            {"id": pid, "expression": expr, "misses": n} for pid, expr, n in store.flagged()
        ],
    }


def type_weights(store: Store) -> dict[str, float]:
    """For an adaptive quiz: weaker types (lower recent accuracy, fewer tries) weigh more."""
    weights = {}
    for kind in CHAIN_TYPES:
        recent = store.attempts(limit=WINDOW, kind=kind)
        if not recent:
            weights[kind] = 2.0
            continue
        accuracy = sum(a.correct for a in recent) / len(recent)
        weights[kind] = 1.0 + 2.0 * (1.0 - accuracy)
    return weights
