"""Problems proven valid, remembered between runs, so they are not checked again.

Whether a bank problem is valid depends only on what it says (its type,
expression, point, variable, rate, unit and chain) and on the code that checks
it. ``bank.check_problem`` remembers each problem it passes here, by a hash of
those fields, in ``validated.json`` beside the progress store
(``CHAINRULE_HOME``). The file belongs to one version of chainrule: a new
version, or (in a source checkout) changed code or another SymPy, starts it
afresh. A second ``bank validate`` over an unchanged bank is then near-instant,
a quiz can show its first problem before SymPy is loaded, and the problems
``generate`` made are already proven.

Only passes are kept: a failure may come from a time limit on a busy machine,
so it is always checked again. A cache that is missing, unreadable, corrupt or
unwritable is simply empty: it can make validation faster, never different.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from chainrule_cli import __version__

try:  # the C module itself: hashlib would first load OpenSSL, 5 ms before the first problem
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python without it
    from hashlib import blake2b

FILE_NAME = "validated.json"
#: The most problems remembered; the oldest are forgotten first.
MAX_ENTRIES = 200_000
#: A cache file larger than this is not read (it is rebuilt).
MAX_BYTES = 16 * 1024 * 1024
FORMAT = 1


def key(problem: Any) -> str:
    """The hash of everything that decides whether ``problem`` is valid."""
    fields = [
        problem.type,
        problem.expression,
        problem.at,
        problem.variable,
        problem.rate,
        problem.unit,
        list(problem.chain) if problem.chain is not None else None,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@functools.cache
def code_stamp() -> str:
    """The version, and the state of the code that checks (so an edit in a checkout counts)."""
    parts = [__version__, sys.version.split()[0]]
    package = Path(__file__).resolve().parent
    try:
        with os.scandir(package) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    parts.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    except OSError:
        parts.append("?")
    parts.append(_sympy_stamp())
    return blake2b("|".join(parts).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def _sympy_origin() -> str | None:
    """SymPy's ``__init__.py``, found without importing it (None when it is not there)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("sympy")
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _sympy_stamp() -> str:
    """Where SymPy is installed, and when (without importing it)."""
    origin = _sympy_origin()
    if origin is None:
        return "no-sympy"
    try:
        info = os.stat(origin)
    except OSError:
        return "sympy?"
    return f"{origin}:{info.st_size}:{info.st_mtime_ns}"


class ValidationCache:
    """The proven problems of one data directory (``path`` None: remember nothing on disk)."""

    def __init__(self, path: Path | None, stamp: str | None = None) -> None:
        self.path = path
        self.stamp = stamp if stamp is not None else code_stamp()
        self._proven: dict[str, None] = {}
        self._new: dict[str, None] = {}
        self._lock = threading.Lock()
        if path is not None:
            self._proven = dict.fromkeys(self._read(path))

    def _read(self, path: Path) -> list[str]:
        """The keys in the file, if it is ours and sound; else none."""
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            if len(raw) > MAX_BYTES:
                return []
            data = json.loads(raw)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return []
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("stamp") != self.stamp
            or not isinstance(data.get("proven"), list)
        ):
            return []
        return [k for k in data["proven"] if isinstance(k, str) and len(k) == 32]

    def proven(self, problem: Any) -> bool:
        """Whether ``problem`` was proven valid before (here, or when the shipped bank was built)."""
        k = key(problem)
        return k in self._proven or k in self._new or k in shipped_proofs()

    def add(self, problem: Any) -> None:
        """Remember that ``problem`` is valid (written by ``save``, or at exit)."""
        k = key(problem)
        if k in self._proven or k in self._new:
            return
        with self._lock:
            self._new[k] = None
        if self.path is not None:
            _save_at_exit(self)

    def add_keys(self, keys: list[str]) -> None:
        """Remember keys proven elsewhere (by a worker process)."""
        with self._lock:
            for k in keys:
                if k not in self._proven:
                    self._new[k] = None
        if keys and self.path is not None:
            _save_at_exit(self)

    def save(self) -> bool:
        """Write what is new, merged with what another process wrote meanwhile.

        Never raises: an unwritable directory or a full disk only means the
        work is done again next time. Returns whether the file was written.
        """
        with self._lock:
            new, self._new = self._new, {}
        if not new or self.path is None:
            return False
        self._proven.update(new)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            merged = dict.fromkeys(self._read(self.path))
            merged.update(self._proven)
            keys = list(merged)[-MAX_ENTRIES:]
            text = json.dumps({"format": FORMAT, "stamp": self.stamp, "proven": keys})
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            try:
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temporary, self.path)
            finally:
                if temporary.exists():
                    temporary.unlink()
        except (OSError, ValueError):
            return False
        return True


# -- the shipped bank, proven when it was built ---------------------------------------------
#: Beside the shipped bank's YAML files: the keys of its problems proven valid,
#: written by ``scripts/prove_bank.py`` and checked by the tests.
SHIPPED_FILE = "proven.json"


def content_stamp() -> str:
    """The version, SymPy's version and the bytes of the checking code.

    Unlike ``code_stamp`` it names no path, size or time, so it is the same in
    the checkout that proved the shipped bank and in any installed copy of it.
    """
    digest = blake2b(digest_size=12)
    digest.update(f"{__version__}|{_sympy_version()}|".encode())
    package = Path(__file__).resolve().parent
    try:
        for path in sorted(package.glob("*.py")):
            digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(path.read_bytes())
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def _sympy_version() -> str:
    """SymPy's version, read from its release file (importing SymPy takes a third of a second)."""
    import re

    origin = _sympy_origin()
    if origin is None:
        return "no-sympy"
    try:
        text = Path(origin).with_name("release.py").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return "sympy?"
    found = re.search(r"__version__\s*=\s*['\"]([^'\"]+)['\"]", text)
    return found.group(1) if found else "sympy?"


@functools.cache
def shipped_proofs() -> frozenset[str]:
    """The keys of the shipped problems proven valid by this very code, or none.

    A manifest from other code (an edit in a checkout, another SymPy) is
    ignored: those problems are then checked as any others are.
    """
    try:
        from chainrule_cli.bank import shipped_bank

        with open(shipped_bank() / SHIPPED_FILE, "rb") as handle:
            data = json.loads(handle.read(MAX_BYTES))
    except Exception:  # no manifest, unreadable, not JSON: nothing proven in advance
        return frozenset()
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("stamp") != content_stamp()
        or not isinstance(data.get("proven"), list)
    ):
        return frozenset()
    return frozenset(k for k in data["proven"] if isinstance(k, str) and len(k) == 32)


def manifest(keys: list[str]) -> str:
    """The text of ``proven.json`` for the shipped problems with these keys."""
    body = {"format": FORMAT, "stamp": content_stamp(), "proven": sorted(keys)}
    return json.dumps(body, indent=0) + "\n"


_shared: ValidationCache | None = None
_pending: list[ValidationCache] = []


def _save_at_exit(cache: ValidationCache) -> None:
    if not _pending:
        atexit.register(_save_all)
    if cache not in _pending:
        _pending.append(cache)


def _save_all() -> None:
    for cache in _pending:
        cache.save()


def cache_path() -> Path | None:
    """``validated.json`` in the data directory, or None when there is none to be had."""
    try:
        from chainrule_cli.store import data_dir

        return data_dir() / FILE_NAME
    except Exception:  # no home directory, platformdirs unusable: no cache, never an error
        return None


def shared() -> ValidationCache:
    """The process's cache, for the current data directory (``CHAINRULE_HOME``)."""
    global _shared
    path = cache_path()
    if _shared is None or _shared.path != path:
        if _shared is not None:
            _shared.save()
        _shared = ValidationCache(path)
    return _shared
