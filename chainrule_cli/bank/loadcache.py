"""Banks read before, kept beside the progress store, so a quiz starts without YAML.

Reading the shipped bank (262 problems) with the YAML parser and checking its
schema takes about 50 ms, a fifth of the time to a quiz's first problem. What
``bank.load`` made of a set of files is kept in ``banks.json`` in the data
directory, under a key of the paths asked for and each file's path, size,
modification time and inode (and the code's state, as for ``valcache``): an
edited, added or removed file is read again. Anything wrong with the cache
file (missing, corrupt, unwritable, of another version) only means the banks
are read again, and a FIFO, a device or an oversized file in its place is
skipped with a note, never waited on or read (``safefile.read_data_file``); what ``load`` returns is always what ``bank.load`` returns.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chainrule_cli.bank.load import Bank, Issue, Problem, bank_files, shipped_bank
from chainrule_cli.bank.load import load as read_banks
from chainrule_cli.bank.valcache import blake2b, cache_path, code_stamp
from chainrule_cli.errors import ChainruleError
from chainrule_cli.safefile import read_data_file, write_atomic

FILE_NAME = "banks.json"
#: Format 2 keeps the graph types' function, where, wrt and point too.
FORMAT = 2
#: Sets of banks remembered (the most recent first).
MAX_ENTRIES = 6
#: A cache file larger than this is neither read nor written.
MAX_BYTES = 24 * 1024 * 1024

_TEXT = (str,)
_OPTIONAL = (str, type(None))
#: Each field of a Problem and the types it may hold in the file.
FIELDS: dict[str, tuple[type, ...]] = {
    "id": _TEXT,
    "type": _TEXT,
    "expression": _TEXT,
    "difficulty": (int,),
    "at": _OPTIONAL,
    "note": _OPTIONAL,
    "question": _OPTIONAL,
    "variable": _TEXT,
    "rate": _OPTIONAL,
    "unit": _OPTIONAL,
    "chain": (list, type(None)),
    "function": _OPTIONAL,
    "where": (list,),
    "wrt": _OPTIONAL,
    "point": (list, type(None)),
    "source": _TEXT,
    "generated": (bool,),
}


def load(paths: Sequence[Path] | None = None) -> Bank:
    """``bank.load(paths)``, from the cache when the files are unchanged."""
    asked = list(paths) if paths else [shipped_bank()]
    files = bank_files(asked)  # a path that cannot be used raises as bank.load does
    key = _key(asked, files)
    path = _path()
    if key is None or path is None:
        return read_banks(paths)
    entries = _read(path)
    found = _bank(entries.get(key))
    if found is not None:
        return found
    bank = read_banks(paths)
    _write(path, key, _as_data(bank), entries)
    return bank


def _path() -> Path | None:
    validated = cache_path()
    return validated.with_name(FILE_NAME) if validated is not None else None


def _key(asked: list[Path], files: list[Path]) -> str | None:
    parts: list[object] = [code_stamp(), [str(p) for p in asked]]
    try:
        for file in files:
            info = os.stat(file)
            parts.append([str(file), info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev])
    except OSError:
        return None
    text = json.dumps(parts, ensure_ascii=False)
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    raw = read_data_file(path, MAX_BYTES, "a cache of banks read before")
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, key: str, bank: dict[str, Any], entries: dict[str, Any]) -> None:
    kept = {key: bank, **{k: v for k, v in entries.items() if k != key}}
    text = json.dumps({"format": FORMAT, "entries": dict(list(kept.items())[:MAX_ENTRIES])})
    if len(text) > MAX_BYTES:
        return
    with contextlib.suppress(OSError, ChainruleError):  # a FIFO or a link there: not written
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)


def _as_data(bank: Bank) -> dict[str, Any]:
    problems = []
    for p in bank.problems:
        item = {name: getattr(p, name) for name in FIELDS}
        item["chain"] = list(p.chain) if p.chain is not None else None
        item["where"] = [list(pair) for pair in p.where]
        item["point"] = [list(pair) for pair in p.point] if p.point is not None else None
        problems.append(item)
    issues = [[i.path, i.line, i.problem_id, i.message] for i in bank.issues]
    return {"problems": problems, "issues": issues, "files": [str(f) for f in bank.files]}


def _bank(data: Any) -> Bank | None:
    """The bank kept in ``data``, or None unless every field has the right type."""
    if not isinstance(data, dict):
        return None
    try:
        problems = [_problem(item) for item in data["problems"]]
        issues = [
            Issue(str(path), line, problem_id, str(message))
            for path, line, problem_id, message in data["issues"]
            if isinstance(path, str)
            and isinstance(message, str)
            and (line is None or type(line) is int)
            and (problem_id is None or isinstance(problem_id, str))
        ]
        if len(issues) != len(data["issues"]):
            return None
        files = [Path(f) for f in data["files"] if isinstance(f, str)]
    except (KeyError, TypeError, ValueError):
        return None
    if any(p is None for p in problems) or len(files) != len(data["files"]):
        return None
    return Bank(problems=[p for p in problems if p is not None], issues=issues, files=files)


def _problem(item: Any) -> Problem | None:
    if not isinstance(item, dict) or set(item) != set(FIELDS):
        return None
    for name, types in FIELDS.items():
        value = item[name]
        if not isinstance(value, types) or (name == "difficulty" and isinstance(value, bool)):
            return None
    chain = item["chain"]
    if chain is not None and not all(isinstance(c, str) for c in chain):
        return None
    where, point = _pairs(item["where"]), _pairs(item["point"])
    if where is None or (point is None and item["point"] is not None):
        return None
    return Problem(
        **{
            **item,
            "chain": tuple(chain) if chain is not None else None,
            "where": where,
            "point": point,
        }
    )


def _pairs(value: Any) -> tuple[tuple[str, str], ...] | None:
    """A mapping kept as [[name, text], …], back as pairs (None unless well formed)."""
    if not isinstance(value, list):
        return None
    pairs = []
    for pair in value:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        ):
            return None
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)
