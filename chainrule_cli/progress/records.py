"""The records the progress store keeps, checked where they are read.

``Attempt`` is one answered problem (its outcome), ``Try`` one checked answer
to it (what was typed, the verdict, the mistake named, when), ``Card`` a skill's
review card. Every wrong try is a mistake made, so the statistics of mistakes
read the tries (``Attempt.all_tries``). An attempt saved before tries were
kept (schema 1, or an older pending file) reads as one try: its final answer,
verdict and mistake, numbered as the last of its ``tries``. A row
read back from the database (or from a file of answers kept aside) becomes an
``Attempt`` only if every field has the right type, every number fits SQLite's
integer and every time lies between 1970 and 9000 (``attempt_from``,
``lesson_from``, ``parse_time``: the same rules for rows and for answers kept
aside, so what is read can always be written back and scheduled); anything
else is skipped and counted by the store, never a crash. ``csv_text`` is the CSV form of attempts, with cells that a spreadsheet
would run as formulas defused.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Answered right, first try, no hints, in under this many seconds: rated Easy.
EASY_SECONDS = 20.0
#: A CSV cell starting with one of these is read as a formula by spreadsheets
#: (OWASP, "CSV Injection"): such cells get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The largest integer SQLite stores.
INT_MAX = 2**63 - 1
#: Stored times lie in [EARLIEST, LATEST): a review a century after LATEST, a day
#: before EARLIEST and any local time zone are still dates Python can hold.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


@dataclass
class Try:
    """One checked answer to a problem: as typed, right or not, the mistake named, when."""

    number: int  # 1 for the first try of the problem
    answer: str
    correct: bool
    mistake: str | None = None
    answered_at: str = ""


#: The stored columns of a try (beside the attempt it belongs to).
TRY_FIELDS = tuple(Try.__dataclass_fields__)


@dataclass
class Attempt:
    """One answered problem, as stored: its outcome, and every try (``try_log``)."""

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
    #: Every checked answer, first to last (empty: saved before tries were kept).
    try_log: list[Try] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The attempt as plain data; ``try_log`` holds every try (``all_tries``)."""
        data = asdict(self)
        data["try_log"] = [asdict(t) for t in self.all_tries()]
        return data

    def all_tries(self) -> list[Try]:
        """Every try, first to last. An attempt saved without its tries is one try
        (its final answer, verdict and mistake), unless it ended before any answer."""
        if self.try_log:
            return list(self.try_log)
        if not (self.tries or self.answer or self.mistake or self.correct):
            return []
        return [
            Try(
                max(self.tries, 1),
                self.answer,
                self.correct,
                None if self.correct else self.mistake,
                self.answered_at,
            )
        ]


#: The stored columns of an attempt, in the dataclass's order (its tries are a table of their own).
FIELDS = tuple(name for name in Attempt.__dataclass_fields__ if name != "try_log")


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


@dataclass
class Card:
    """A review card as stored: its skill, when it is due, and FSRS's state."""

    skill: str
    due: datetime
    state: dict[str, Any]


def csv_safe(value: Any) -> Any:
    """A cell that cannot run as a spreadsheet formula (OWASP: prefix an apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Attempts as CSV: a header row, every cell quoted, formula-like cells defused."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELDS), quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_safe(row[key]) for key in FIELDS})
    return buffer.getvalue()


def parse_time(value: Any) -> datetime | None:
    """A stored time in UTC (naive means UTC); None when malformed or out of range."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
        when = when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # 9999-12-31T23:00-05:00 is past the year 9999 in UTC
        return None
    return when if EARLIEST <= when < LATEST else None


def _text(value: Any) -> bool:
    """A string SQLite can store (UTF-8: no lone surrogate from a JSON ``\\ud800``)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lesson_from(section: Any, completed_at: Any) -> tuple[str, datetime] | None:
    """A finished lesson (its section and when), or None when either is malformed."""
    when = parse_time(completed_at)
    if not _text(section) or not section or when is None:
        return None
    return section, when


def attempt_from(row: Any) -> Attempt | None:
    """An attempt from a row or a mapping, or None when any field is malformed."""
    try:
        values = {name: row[name] for name in FIELDS}
    except (IndexError, KeyError):
        return None
    for name in ("problem_id", "expression", "type", "outcome", "mode"):
        if not _text(values[name]) or not values[name]:
            return None
    if values["answer"] is None:
        values["answer"] = ""
    for name in ("answer", "mistake"):
        if values[name] is not None and not _text(values[name]):
            return None
    point = values["at_point"]
    if isinstance(point, int | float) and not isinstance(point, bool):
        if isinstance(point, int) and not -INT_MAX - 1 <= point <= INT_MAX:
            return None  # SQLite could not have held it, and str() may refuse it
        values["at_point"] = str(point)
    if values["at_point"] is not None and not _text(values["at_point"]):
        return None
    for name in ("difficulty", "hints", "tries"):
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= INT_MAX:
            return None
    seconds = values["seconds"]
    if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds < 0:
        return None
    values["seconds"] = float(seconds)
    if values["correct"] not in (0, 1) or isinstance(values["correct"], float):
        return None
    values["correct"] = bool(values["correct"])
    if parse_time(values["answered_at"]) is None:
        return None
    return Attempt(**values)


def try_from(row: Any) -> Try | None:
    """A try from a row or a mapping, or None when any field is malformed."""
    try:
        values = {name: row[name] for name in TRY_FIELDS}
    except (IndexError, KeyError, TypeError):
        return None
    number = values["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        return None
    if values["answer"] is None:
        values["answer"] = ""
    if not isinstance(values["answer"], str):
        return None
    if values["mistake"] is not None and not isinstance(values["mistake"], str):
        return None
    if values["correct"] not in (0, 1) or isinstance(values["correct"], float):
        return None
    values["correct"] = bool(values["correct"])
    if parse_time(values["answered_at"]) is None:
        return None
    return Try(**values)


def tries_from(entries: Any) -> tuple[list[Try], int]:
    """The valid tries in a list of mappings (first to last), and how many were malformed."""
    if entries is None:
        return [], 0
    if not isinstance(entries, list):
        return [], 1
    tries = [try_from(entry) if isinstance(entry, dict) else None for entry in entries]
    good = sorted((t for t in tries if t is not None), key=lambda t: t.number)
    return good, len(tries) - len(good)
