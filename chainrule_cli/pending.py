"""Answers kept aside while the progress database was locked, in a small JSON file.

When another program holds the database for longer than a session, the answers
(and finished lessons) that could not be written go to
``pending-<time>-<random>.json`` beside the database, written atomically
(``safefile``). The next time the store opens for writing it adds them, one
file per transaction, and removes the file. Entries are validated like rows:
a malformed one is skipped and counted. An answer's entry carries its tries
(``try_log``); an older file without them still imports, each answer as one try.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chainrule_cli.records import Attempt, attempt_from, parse_time, tries_from

PREFIX = "pending-"

#: A write waiting for the database: ("attempt", Attempt, when) or ("lesson", section, when).
Item = tuple[str, Any, datetime]


def describe(items: list[Item]) -> str:
    """ "2 answers and 1 finished lesson"."""
    answers = sum(1 for item in items if item[0] == "attempt")
    lessons = len(items) - answers
    parts = []
    if answers:
        parts.append(f"{answers} answer{'s' if answers != 1 else ''}")
    if lessons:
        parts.append(f"{lessons} finished lesson{'s' if lessons != 1 else ''}")
    return " and ".join(parts)


def write(folder: Path, items: list[Item]) -> Path:
    """Keep ``items`` in a new pending file in ``folder``; returns its path.

    Raises ``OSError`` (or ``safefile.UnsafeTarget``) when the file cannot be written.
    """
    from chainrule_cli.safefile import random_token, write_atomic

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = folder / f"{PREFIX}{stamp}-{random_token()}.json"
    data = {
        "attempts": [
            {**payload.to_dict(), "recorded_at": when.isoformat()}
            for kind, payload, when in items
            if kind == "attempt" and isinstance(payload, Attempt)
        ],
        "lessons": [
            {"section": payload, "completed_at": when.isoformat()}
            for kind, payload, when in items
            if kind == "lesson"
        ],
    }
    write_atomic(target, json.dumps(data, indent=1))
    return target


def files(folder: Path) -> list[Path]:
    """The pending files in ``folder``, oldest first."""
    return sorted(folder.glob(f"{PREFIX}*.json"))


def read(path: Path) -> tuple[list[Item], int]:
    """The items in a pending file, and how many entries were malformed.

    Raises ``OSError`` or ``ValueError`` when the file itself cannot be read.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    items: list[Item] = []
    bad = 0
    for entry in data.get("attempts") or []:
        attempt = attempt_from(entry) if isinstance(entry, dict) else None
        if attempt is None:
            bad += 1
            continue
        attempt.try_log, bad_tries = tries_from(entry.get("try_log"))  # absent in older files
        bad += bad_tries
        when = parse_time(entry.get("recorded_at")) or parse_time(attempt.answered_at)
        items.append(("attempt", attempt, when or datetime.now(UTC)))
    for entry in data.get("lessons") or []:
        section = entry.get("section") if isinstance(entry, dict) else None
        when = parse_time(entry.get("completed_at")) if isinstance(entry, dict) else None
        if not isinstance(section, str) or when is None:
            bad += 1
            continue
        items.append(("lesson", section, when))
    return items, bad
