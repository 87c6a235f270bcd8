"""Progress written out to a file: JSON (attempts with every try, cards, lessons) or CSV.

Reads through the store (``Store.attempts``, ``cards``, ``lessons``), so a
malformed record is skipped and counted there, never exported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chainrule_cli.errors import ChainruleError
from chainrule_cli.progress.dbfile import SCHEMA_VERSION
from chainrule_cli.progress.records import csv_text
from chainrule_cli.progress.store import Store

#: The formats ``export`` writes, by file extension.
EXPORT_SUFFIXES = (".json", ".csv")


@dataclass
class Exported:
    """What ``export`` wrote."""

    attempts: int
    cards: int
    lessons: int
    format: str
    tries: int = 0


def export(store: Store, path: Path) -> Exported:
    """Write the progress to ``path``: JSON (attempts with every try, cards, lessons)
    or CSV (attempts, one row each with its number of tries).

    The file is written whole or not at all, never through a symlink and never
    over anything but a regular file (``safefile``). CSV cells that a
    spreadsheet would run as a formula start with an apostrophe.
    """
    from chainrule_cli.safefile import write_atomic

    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ChainruleError(f"{path}: export writes .json or .csv files")
    rows = [a.to_dict() for a in reversed(store.attempts())]
    tries = sum(len(row["try_log"]) for row in rows)
    if suffix == ".csv":
        write_atomic(path, csv_text(rows))
        return Exported(len(rows), 0, 0, "csv", tries)
    cards = store.cards()
    lessons = store.lessons()
    data = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "attempts": rows,
        "cards": [{"skill": c.skill, "due": c.due.isoformat(), "card": c.state} for c in cards],
        "lessons": [{"section": s, "completed_at": w} for s, w in sorted(lessons.items())],
    }
    write_atomic(path, json.dumps(data, indent=2) + "\n")
    return Exported(len(rows), len(cards), len(lessons), "json", tries)
