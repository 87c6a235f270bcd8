"""Problems proven valid, remembered between runs, so they are not checked again.

Whether a bank problem is valid depends only on what it says (its type,
expression, point, variable, rate, unit and chain; for a graph type also its where, wrt
and point mapping) and on the code that checks
it. ``bank.check_problem`` remembers each problem it passes here, by a hash of
those fields, in ``validated.json`` beside the progress store
(``CHAINRULE_HOME``). The file belongs to one version of chainrule: a new
version, or (in a source checkout) changed code or another SymPy, starts it
afresh. A second ``bank validate`` over an unchanged bank is then near-instant,
a quiz can show its first problem before SymPy is loaded, and the problems
``generate`` made are already proven.

Only passes are kept: a failure may come from a time limit on a busy machine,
so it is always checked again. A cache that is missing, unreadable, corrupt or
unwritable is simply empty: it can make validation faster, never different. A
FIFO, a device or an oversized file in its place is skipped with a note, never
waited on or read (``safefile.read_data_file``).

Nothing in the file is taken on its word. Each entry is not the problem's key
but a keyed BLAKE2b digest (a MAC) of (the code stamp, the problem's key),
under a random 32-byte secret made on first use and kept in
``validation.key`` beside the cache (mode 0600). The problem's key is public:
anyone could add it to a list. The digest cannot be made without the secret,
so an entry typed in by hand, copied from another install or left by another
version matches no problem, and the problem is checked again. (Someone who
reads the secret and computes the digest on purpose can forge an entry; they
can as well edit the code, which no file of ours can prevent.)
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from chainrule_cli import __version__
from chainrule_cli.errors import ChainruleError
from chainrule_cli.safefile import read_data_file

try:  # the C module itself: hashlib would first load OpenSSL, 5 ms before the first problem
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python without it
    from hashlib import blake2b

FILE_NAME = "validated.json"
#: The per-install secret that keys the entries, beside the cache.
SECRET_NAME = "validation.key"
SECRET_BYTES = 32
#: The most problems remembered; the oldest are forgotten first.
MAX_ENTRIES = 200_000
#: A cache file larger than this is not read (it is rebuilt).
MAX_BYTES = 16 * 1024 * 1024
#: Format 2: entries are digests under the install's secret (format 1 held bare keys).
FORMAT = 2
#: The format of the shipped manifest (bare keys: it is stamped with the code's bytes).
SHIPPED_FORMAT = 1


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
    if getattr(problem, "function", None) is not None:  # a graph type: its mappings and wrt
        point = problem.point
        fields += [
            [list(pair) for pair in problem.where],
            problem.wrt,
            [list(pair) for pair in point] if point is not None else None,
        ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


#: Packages whose code cannot change a verdict on a problem: the screens, the commands, take-aways.
_NOT_CHECKING = frozenset({"cli", "render", "takeaway"})


def checking_sources() -> list[tuple[str, Path]]:
    """Every module that can change whether a problem is valid, by its path in the package.

    The package's own modules and its layer packages, in a fixed order, but not
    the screens or the commands: editing a help text does not un-prove a bank.
    """
    package = Path(__file__).resolve().parents[1]
    found = []
    for path in package.rglob("*.py"):
        relative = path.relative_to(package)
        if relative.parts[0] in _NOT_CHECKING or "__pycache__" in relative.parts:
            continue
        found.append((relative.as_posix(), path))
    return sorted(found)


@functools.cache
def code_stamp() -> str:
    """The version, and the state of the code that checks (so an edit in a checkout counts)."""
    parts = [__version__, sys.version.split()[0]]
    try:
        for name, path in checking_sources():
            info = path.stat()
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
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
        self._secret: bytes | None = None
        #: Digests read from the file, or written by us, oldest first.
        self._proven: dict[str, None] = {}
        self._new: dict[str, None] = {}  # keys proven in this process, not yet written
        self._lock = threading.Lock()
        if path is not None:
            self._secret = read_secret(path.with_name(SECRET_NAME))
            if self._secret is not None:
                self._proven = dict.fromkeys(self._read(path))

    def _digest(self, key: str, secret: bytes) -> str:
        """The entry that says the problem with ``key`` was proven by this code, under ``secret``."""
        text = f"{FORMAT}|{self.stamp}|{key}".encode("utf-8", "surrogatepass")
        return blake2b(text, key=secret, digest_size=16).hexdigest()

    def _read(self, path: Path) -> list[str]:
        """The digests in the file, if it is ours and sound; else none."""
        raw = read_data_file(path, MAX_BYTES, "a cache of validated problems")
        if raw is None:
            return []
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
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
        if k in self._new or k in shipped_proofs():
            return True
        return self._secret is not None and self._digest(k, self._secret) in self._proven

    def add(self, problem: Any) -> None:
        """Remember that ``problem`` is valid (written by ``save``, or at exit)."""
        self.add_keys([key(problem)])

    def add_keys(self, keys: list[str]) -> None:
        """Remember keys proven here or elsewhere (by a worker process)."""
        secret = self._secret
        with self._lock:
            fresh = [
                k
                for k in keys
                if k not in self._new
                and (secret is None or self._digest(k, secret) not in self._proven)
            ]
            self._new.update(dict.fromkeys(fresh))
        if fresh and self.path is not None:
            _save_at_exit(self)

    def save(self) -> bool:
        """Write what is new, merged with what another process wrote meanwhile.

        Never raises: an unwritable directory or a full disk only means the
        work is done again next time. Returns whether the file was written.
        """
        with self._lock:
            new = list(self._new)
        if not new or self.path is None:
            return False
        from chainrule_cli.safefile import write_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            secret = self._secret or make_secret(self.path.with_name(SECRET_NAME))
            if secret is None:
                return False
            if secret != self._secret:  # a secret another process made meanwhile
                self._secret, self._proven = secret, {}
            merged = dict.fromkeys(self._read(self.path))
            merged.update(self._proven)
            merged.update(dict.fromkeys(self._digest(k, secret) for k in new))
            keys = list(merged)[-MAX_ENTRIES:]
            text = json.dumps({"format": FORMAT, "stamp": self.stamp, "proven": keys})
            write_atomic(self.path, text)
        except (OSError, ValueError, ChainruleError):
            return False
        self._proven = dict.fromkeys(keys)
        with self._lock:
            for k in new:
                self._new.pop(k, None)
        return True


def read_secret(path: Path) -> bytes | None:
    """The install's secret, or None when there is none (or it is not a sound one)."""
    raw = read_data_file(path, 4 * SECRET_BYTES, "a validation key")
    if raw is None:
        return None
    try:
        secret = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return secret if len(secret) == SECRET_BYTES else None


def make_secret(path: Path) -> bytes | None:
    """The install's secret, made now (readable by the owner only) if there is no sound one.

    Two processes making it at once agree: the file is linked into place only if
    none is there, and the one that is there is read back.
    """
    import secrets

    from chainrule_cli.safefile import random_token

    found = read_secret(path)
    if found is not None:
        return found
    temporary = path.with_name(f".{path.name}.{random_token()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temporary, flags, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # never over an existing file, of any kind
        except FileExistsError:  # made meanwhile by another process, or unsound
            if read_secret(path) is None:
                if os.path.islink(path) or not os.path.isfile(path):
                    return None  # something else is there: no cache rather than trust it
                os.replace(temporary, path)  # an unsound key: start afresh
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return read_secret(path)


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
    try:
        for name, path in checking_sources():
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
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
        from chainrule_cli.bank.load import shipped_bank
        from chainrule_cli.safefile import read_regular

        data = json.loads(read_regular(shipped_bank() / SHIPPED_FILE, MAX_BYTES))
    except Exception:  # no manifest, unreadable, not JSON: nothing proven in advance
        return frozenset()
    if (
        not isinstance(data, dict)
        or data.get("format") != SHIPPED_FORMAT
        or data.get("stamp") != content_stamp()
        or not isinstance(data.get("proven"), list)
    ):
        return frozenset()
    return frozenset(k for k in data["proven"] if isinstance(k, str) and len(k) == 32)


def manifest(keys: list[str]) -> str:
    """The text of ``proven.json`` for the shipped problems with these keys."""
    body = {"format": SHIPPED_FORMAT, "stamp": content_stamp(), "proven": sorted(keys)}
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
        from chainrule_cli.progress.store import data_dir

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
