"""Answers kept aside while the progress database was locked, in a small JSON file.

When another program holds the database for longer than a session, the answers
(and finished lessons) that could not be written go to
``pending-<time>-<random>.json`` beside the database, written atomically
(``safefile``). The next time the store opens for writing it adds them, one
file per transaction, and removes the file.

Every answer kept aside is added exactly once, whatever happens:

* each entry is validated with the rules the store reads its own rows by
  (``records.attempt_from`` and ``lesson_from``: types, SQLite's integer range,
  times between 1970 and 9000): a malformed entry is skipped and counted, and
  the good ones beside it are added;
* a file is claimed by renaming it to ``….importing-<pid>-<start>`` (the
  owner's process id and start time), so only one process adds it. A claim
  whose owner no longer runs (killed with SIGKILL, a power cut) is claimed again
  on the next run, with the same atomic rename; an interrupted import
  (Ctrl-C, SIGTERM) gives the file back under its own name;
* an answer already in the database is not added again, so a file whose
  transaction was committed just before the process died adds nothing twice;
* a file that cannot be read at all (not JSON, a FIFO, a device, over 16 MB)
  is never waited on: it is renamed to ``….unreadable`` and named in one line.

An answer's entry carries its tries (``try_log``), validated like stored tries; an
older file without them still imports, each answer as one try.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chainrule_cli.errors import ChainruleError
from chainrule_cli.progress.records import (
    Attempt,
    attempt_from,
    lesson_from,
    parse_time,
    tries_from,
)

PREFIX = "pending-"
CLAIMED = ".importing"
UNREADABLE = ".unreadable"
#: A pending file larger than this is not read (a session's answers take a few kB).
MAX_BYTES = 16 * 1024 * 1024
#: A claim without an owner (chainrule before 0.3) is taken back after this long.
OWNERLESS_AFTER_S = 60.0
#: Set to ``<stage>:<marker file>`` (tests only): the import stops at ``stage``,
#: creates the marker and sleeps, so a test can send it a signal right there.
PAUSE_ENV = "CHAINRULE_TEST_PAUSE_IMPORT"

#: A write waiting for the database: ("attempt", Attempt, when) or ("lesson", section, when).
Item = tuple[str, Any, datetime]


class Unreadable(ChainruleError):
    """A pending file that cannot be read as a whole (the message says why)."""


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


def keep_aside(folder: Path, items: list[Item]) -> str:
    """Write ``items`` to a pending file in ``folder``; returns the line that says so."""
    try:
        target = write(folder, items)
    except (OSError, ChainruleError) as exc:
        return f"{describe(items)} could not be saved: {exc}"
    return (
        f"the progress database stayed locked: {describe(items)} "
        f"{'is' if len(items) == 1 else 'are'} kept in {target.name} and will be added "
        "the next time chainrule opens it"
    )


# -- reading one file ---------------------------------------------------------------------------
class _Huge:
    """What a JSON integer too long to be a number becomes: no field accepts it."""


def _integer(text: str) -> int | _Huge:
    return int(text) if len(text) <= 24 else _Huge()


def read(path: Path) -> tuple[list[Item], int]:
    """The valid items in a pending file, and how many entries were malformed.

    Raises ``Unreadable`` when the file itself cannot be read: not a regular
    file, too large, not JSON, not an object.
    """
    from chainrule_cli.safefile import Special, TooLarge, read_regular

    try:
        raw = read_regular(path, MAX_BYTES)
        data = json.loads(raw, parse_int=_integer)
    except Special as exc:
        raise Unreadable(exc.kind) from None
    except TooLarge:
        raise Unreadable(f"larger than {MAX_BYTES // (1024 * 1024)} MB") from None
    except OSError as exc:
        raise Unreadable(exc.strerror or type(exc).__name__) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise Unreadable("not a JSON file of answers") from None
    if not isinstance(data, dict):
        raise Unreadable("not a JSON file of answers")
    items: list[Item] = []
    bad = 0
    for entry in _entries(data, "attempts"):
        item = _attempt(entry)
        if item is None:
            bad += 1
        else:
            attempt = item[1]
            attempt.try_log, bad_tries = tries_from(entry.get("try_log"))  # absent in older files
            bad += bad_tries
            items.append(item)
    for entry in _entries(data, "lessons"):
        lesson = lesson_from(entry.get("section"), entry.get("completed_at"))
        if lesson is None:
            bad += 1
        else:
            items.append(("lesson", *lesson))
    return items, bad


def _entries(data: dict[str, Any], name: str) -> list[Any]:
    entries = data.get(name)
    if not isinstance(entries, list):
        return [] if entries is None else [{}]  # a wrong shape counts as one bad entry
    return [e if isinstance(e, dict) else {} for e in entries]


def _attempt(entry: dict[str, Any]) -> Item | None:
    attempt = attempt_from(entry)
    if attempt is None:
        return None
    if "recorded_at" in entry:
        when = parse_time(entry["recorded_at"])
        if when is None:
            return None
    else:
        when = parse_time(attempt.answered_at)
    return ("attempt", attempt, when) if when is not None else None


# -- claiming --------------------------------------------------------------------------------
def _start_time(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot ("" where /proc cannot say).

    With the pid it names one process even after the pid is used again.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read(4096).decode("ascii", "replace")
    except OSError:
        return ""
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def _running(pid: int, started: str) -> bool:
    """Whether process ``pid`` (started at ``started``, if known) still runs."""
    if pid <= 0 or pid == os.getpid():  # never ours: this process has claimed nothing yet
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        pass  # it runs, as another user
    except (OSError, OverflowError):  # ProcessLookupError: no such process
        return False
    now = _start_time(pid)
    if now and started and now != started:
        return False  # the pid was given to another process since
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read(4096).rpartition(b")")[2].split()[:1]
    except OSError:
        return True
    return state != [b"Z"]  # a zombie is not running


def _abandoned(path: Path) -> bool:
    """Whether a claimed file's owner is gone, so it may be claimed again."""
    owner = path.name.rpartition(CLAIMED)[2]
    if not owner:  # claimed by a version that did not say who: taken back when old
        try:
            return time.time() - os.lstat(path).st_ctime > OWNERLESS_AFTER_S
        except OSError:
            return False
    pid_text, _, started = owner.lstrip("-").partition("-")
    if not pid_text.isdigit() or len(pid_text) > 12:
        return True
    return not _running(int(pid_text), started)


def original(path: Path) -> Path:
    """The pending file's own name, from a claimed or set-aside one."""
    name = path.name
    for mark in (CLAIMED, UNREADABLE):
        if mark in name:
            name = name[: name.index(mark)]
    return path.with_name(name)


def files(folder: Path) -> list[Path]:
    """The pending files in ``folder`` to add, oldest first: new ones and abandoned claims."""
    found = list(folder.glob(f"{PREFIX}*.json"))
    found += [p for p in folder.glob(f"{PREFIX}*.json{CLAIMED}*") if _abandoned(p)]
    return sorted(found, key=lambda p: (original(p).name, p.name))


def claim(path: Path) -> Path | None:
    """Rename ``path`` to a claim of this process; None when another process won it."""
    pid = os.getpid()
    claimed = original(path).with_name(f"{original(path).name}{CLAIMED}-{pid}-{_start_time(pid)}")
    try:
        os.rename(path, claimed)  # atomic: of two processes, one wins
    except OSError:
        return None
    return claimed


def pause(stage: str) -> None:
    """Tests only: stop here if ``PAUSE_ENV`` names ``stage`` (see its comment)."""
    wanted = os.environ.get(PAUSE_ENV, "")
    if not wanted.startswith(f"{stage}:"):
        return
    Path(wanted.partition(":")[2]).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(60)


# -- adding ----------------------------------------------------------------------------------
@dataclass
class Added:
    """What adding the pending files did."""

    items: list[Item] = field(default_factory=list)
    #: (file name, entry number) of each malformed entry skipped.
    skipped: list[tuple[str, int]] = field(default_factory=list)
    #: A line for each file that could not be read and was set aside.
    set_aside: list[str] = field(default_factory=list)

    def note(self) -> str:
        """One line for the learner ("" when there is nothing to say)."""
        parts = []
        if self.items:
            parts.append(
                f"saved now: {describe(self.items)} kept aside while the progress database "
                "was locked"
            )
        if self.skipped:
            n = len(self.skipped)
            names = ", ".join(dict.fromkeys(name for name, _ in self.skipped))
            parts.append(f"{n} malformed entr{'ies' if n != 1 else 'y'} in {names} skipped")
        parts.extend(self.set_aside)
        return "; ".join(parts)


def add_all(folder: Path, add: Callable[[list[Item]], list[Item]]) -> Added:
    """Claim each pending file in ``folder`` and ``add`` its items in one transaction.

    ``add`` writes the items it is given (those not stored already) and returns
    them; a ``sqlite3.Error`` (a lock) leaves the file, and the rest, for next time.
    """
    done = Added()
    for path in files(folder):
        claimed = claim(path)
        if claimed is None:
            continue
        own = original(claimed)
        try:
            items, bad = read(claimed)
        except Unreadable as exc:
            kept = own.with_name(own.name + UNREADABLE)
            with contextlib.suppress(OSError):
                os.replace(claimed, kept)
            done.set_aside.append(f"{own} could not be read ({exc}): kept as {kept.name}")
            continue
        try:
            added = add(items)
            pause("committed")
        except sqlite3.Error:
            _give_back(claimed, own)
            break
        except BaseException:  # Ctrl-C, SIGTERM: the file is left as it was found
            _give_back(claimed, own)
            raise
        claimed.unlink(missing_ok=True)
        done.items.extend(added)
        done.skipped.extend((own.name, n) for n in range(bad))
    return done


def _give_back(claimed: Path, own: Path) -> None:
    with contextlib.suppress(OSError):
        os.replace(claimed, own)
