"""Read only regular files of a bounded size; write a file whole or not at all.

``read_regular`` is how chainrule reads any file it did not just write itself:
the banks, and every file in its data folder (``validated.json``,
``banks.json``, ``pending-….json``, the validation key). Only a regular file is
read, opened with ``O_NONBLOCK`` so a FIFO with no writer is never waited on,
checked with ``fstat`` on the open descriptor (a device swapped in after the
check is still refused), and read no further than its size cap (a link to
``/dev/zero`` cannot eat memory). What is refused raises ``Special`` or
``TooLarge``; the callers in the data folder skip the file and leave a one-line
``note``.


``write_atomic`` is how chainrule writes any file a user names (``export``, and
anything else that writes to a path from the command line):

* the new content goes to a temporary file created with ``O_CREAT | O_EXCL |
  O_NOFOLLOW`` under a random name in the target's own directory, so a planted
  symlink or file at a guessable name is never opened, let alone written through;
* it is flushed and ``fsync``-ed, then renamed over the target with
  ``os.replace``, so a reader sees the old file or the new one, never half;
* only a regular file (or nothing) is ever replaced: a symlink, a directory, a
  FIFO, a socket or a device node at the target is refused, so ``/dev/full`` stays
  a device and a link to ``~/.bashrc`` stays a link.

Directories on the way to the target may be symlinks (``/tmp`` often is); only
the last component is never followed.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from chainrule_cli.errors import ChainruleError

#: How many random names to try before giving up (a clash is astronomically rare).
_TRIES = 8


class UnsafeTarget(ChainruleError):
    """A path that is not a regular file (or absent), so it is not overwritten."""


class Special(ChainruleError):
    """A file not read because it is not a regular file (``kind`` says what it is)."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(f"{path} is {kind}")
        self.kind = kind


class TooLarge(ChainruleError):
    """A file not read because it is larger than its cap (``size``: at least this many bytes)."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(f"{path} is too large ({size} bytes or more; at most {limit} are read)")
        self.size = size
        self.limit = limit


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes (see the module docstring).

    Symbolic links are followed, but what they lead to must be a regular file.
    Raises ``Special`` or ``TooLarge`` for a file that is not read,
    ``FileNotFoundError`` for none, and ``OSError`` when it cannot be read.
    """
    info = os.stat(path)  # a device is refused before it is even opened
    if not stat.S_ISREG(info.st_mode):
        raise Special(path, describe(info.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)  # what was opened, which may not be what was checked
        if not stat.S_ISREG(info.st_mode):
            raise Special(path, describe(info.st_mode))
        if info.st_size > limit:
            raise TooLarge(path, info.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while it was read
            raise TooLarge(path, size, limit)
    finally:
        os.close(fd)
    return b"".join(chunks)


#: Notes about files in the data folder that were skipped, for the command to show.
_notes: list[str] = []
_listeners: list[Callable[[str], None]] = []


def note(message: str) -> None:
    """Say once per process that a file was skipped (shown by the command as ``note: …``)."""
    if message in _notes:
        return
    _notes.append(message)
    for listener in _listeners:
        listener(message)


def listen(listener: Callable[[str], None]) -> None:
    """Call ``listener`` with every note from now on, and with those already made."""
    if listener not in _listeners:
        _listeners.append(listener)
        for message in _notes:
            listener(message)


def read_data_file(path: Path, limit: int, what: str) -> bytes | None:
    """``read_regular`` for a file in the data folder: None (and a note) when it is not read.

    A missing or unreadable file is None without a note (it is simply rebuilt);
    a FIFO, a device, a directory or an oversized file is skipped with one line
    naming it, ``what`` saying what it was for.
    """
    try:
        return read_regular(path, limit)
    except Special as exc:
        note(f"{path} is {exc.kind}, not {what}: ignored")
    except TooLarge as exc:
        size = f"{exc.limit // (1024 * 1024) or 1} MB"
        note(f"{path} is larger than {size}, too large for {what}: ignored")
    except OSError:
        pass
    return None


def describe(mode: int) -> str:
    """What kind of file ``mode`` says it is, in words."""
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    for test, words in kinds:
        if test(mode):
            return words
    return "not a regular file"


def check_target(path: Path) -> os.stat_result | None:
    """The target's ``lstat`` if it is a regular file, None if absent; else ``UnsafeTarget``."""
    if not str(path) or str(path) in (".", ".."):
        raise UnsafeTarget("no file name given")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise UnsafeTarget(f"{path}: a part of the path is not a directory") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTarget(
            f"{path} is {describe(info.st_mode)}; chainrule only writes regular files"
        )
    return info


def write_atomic(path: Path | str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``data`` atomically and durably (see the module docstring).

    Raises ``UnsafeTarget`` for a target that is not a regular file, and
    ``OSError`` when the directory cannot be written.
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    existing = check_target(target)
    folder = target.parent
    if not folder.is_dir():
        raise UnsafeTarget(f"{target}: the folder {folder} does not exist")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else _default_mode()
    temp, fd = _create_temp(folder, target.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        # Checked again just before the rename: the target may have changed meanwhile.
        check_target(target)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)  # unlink never follows a symlink: it removes only our own name
        raise
    _fsync_dir(folder)


def _create_temp(folder: Path, name: str) -> tuple[Path, int]:
    """A new, empty file of our own in ``folder``: (its path, an open descriptor)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    last: OSError | None = None
    for _ in range(_TRIES):
        temp = folder / f".{name[:100]}.{random_token()}.tmp"
        try:
            return temp, os.open(temp, flags, 0o600)
        except FileExistsError as exc:  # also a symlink planted at this very name
            last = exc
            continue
    raise OSError(f"could not create a temporary file in {folder}: {last}")


def random_token() -> str:
    """The random part of a temporary name (a function, so tests can aim at it)."""
    import secrets  # here: it loads random and hmac, which a read never needs

    return secrets.token_hex(8)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
