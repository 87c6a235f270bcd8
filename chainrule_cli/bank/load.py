"""Problem banks: YAML files of problems, located, read safely and checked against the schema.

The schema (documented in the README) is small on purpose, so learners and
teachers can write their own banks::

    problems:
      - id: trig-001            # unique across all loaded banks
        type: trig              # power | exponential | trig | root | log | quadratic-inside
        expression: "sin(3x^2+1)"
        difficulty: 2           # 1..3, default 1
        at: 0                   # optional: ask for the slope at this x
        note: "Keep the inner function as it is."   # optional

Loading (``load``) checks the schema: it is fast, so the quiz can start at
once. Validation (``bank.validate``) also works every problem out
(``bank.check``): that is what ``chainrule bank validate`` runs. Every problem
found is reported with its file, line and id, in words a person understands.

A bank may come from anyone, so loading is bounded: only regular files are
read (never a FIFO or a device), at most ``MAX_BANK_BYTES`` in all; YAML
anchors and aliases are refused (an alias "bomb" cannot expand); nesting is
limited; duplicate keys are an error; every value quoted in a message is cut
to a short prefix (``clip``).
"""

from __future__ import annotations

import difflib
import importlib.resources
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from chainrule_cli.bank.fields import CONTROL, duplicates, line_of, number_field, refuse_controls
from chainrule_cli.bank.graphschema import graph_problem
from chainrule_cli.bank.problem import (
    APPLIED_KEYS,
    GRAPH_KEYS,
    GRAPH_REQUIRED,
    KEY_SET,
    KEYS,
    MAX_BANK_BYTES,
    MAX_ID,
    REQUIRED,
    Bank,
    Issue,
    Problem,
    clip,
    short,
)
from chainrule_cli.errors import BankError
from chainrule_cli.kinds import GRAPH_TYPES, TYPES


# -- locating banks -------------------------------------------------------------------------
def shipped_bank() -> Path:
    """The bank that ships with chainrule, found in the installed package.

    A wheel carries it as ``chainrule_cli/problems``; a source checkout (an
    editable install) has it at the top level, beside the package.
    """
    packaged = importlib.resources.files("chainrule_cli").joinpath("problems")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "problems"
    if checkout.is_dir():
        return checkout
    raise BankError("the shipped problem bank is missing: reinstall chainrule")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def _stat(path: Path) -> os.stat_result:
    """``os.stat`` with the failures said in words (a missing path, a folder we may not enter)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise BankError(f"no such bank file or folder: {path}") from None
    except NotADirectoryError:
        raise BankError(f"no such bank file or folder: {path}") from None
    except OSError as exc:
        raise BankError(f"cannot open the bank {path}: {_why(exc)}") from None


def _folder(path: Path) -> tuple[list[Path], list[Issue]]:
    """The regular ``.yaml``/``.yml`` files in a folder, sorted; anything else is an issue."""
    try:
        names = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError as exc:
        raise BankError(f"cannot read the folder {path}: {_why(exc)}") from None
    files: list[Path] = []
    issues: list[Issue] = []
    for name in names:
        try:
            mode = os.stat(name).st_mode
        except OSError as exc:
            issues.append(Issue(str(name), None, None, f"cannot read the file: {_why(exc)}"))
            continue
        if stat.S_ISREG(mode):
            files.append(name)
        elif not stat.S_ISDIR(mode):
            issues.append(Issue(str(name), None, None, f"{_kind(mode)}, not a bank file: skipped"))
    if not files and not issues:
        issues.append(Issue(str(path), None, None, "no bank files (.yaml or .yml) in this folder"))
    return files, issues


def _locate(paths: Iterable[Path]) -> tuple[list[Path], list[Issue]]:
    files: list[Path] = []
    issues: list[Issue] = []
    for path in paths:
        mode = _stat(path).st_mode
        if stat.S_ISDIR(mode):
            found, trouble = _folder(path)
            files.extend(found)
            issues.extend(trouble)
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            raise BankError(f"{path} is {_kind(mode)}: a bank must be a regular file or a folder")
    return files, issues


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly, and those inside named folders, in a stable order."""
    return _locate(paths)[0]


# -- reading ----------------------------------------------------------------------------------
def _read(path: Path, allowance: int) -> tuple[str, int]:
    """The file's text and size: a regular file, at most ``allowance`` bytes, UTF-8.

    Opened without blocking and checked on the open descriptor, so a FIFO or a
    device swapped in after the folder was listed is refused, not waited on.
    Raises ``ValueError`` with the reason.
    """
    from chainrule_cli.safefile import Special, TooLarge, read_regular

    try:
        data = read_regular(path, allowance)
    except Special as exc:
        raise ValueError(f"{exc.kind}, not a bank file") from None
    except TooLarge as exc:
        raise ValueError(_too_big(exc.size, allowance)) from None
    except OSError as exc:
        raise ValueError(f"cannot read the file: {_why(exc)}") from None
    size = len(data)
    try:
        return data.decode("utf-8-sig"), size
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (a stray byte at offset {exc.start})") from None


def _too_big(size: int, allowance: int) -> str:
    limit = MAX_BANK_BYTES // (1024 * 1024)
    if allowance < MAX_BANK_BYTES:
        return f"not read: the banks together would pass {limit} MB"
    return f"too large ({size / (1024 * 1024):.1f} MB or more; a bank is at most {limit} MB)"


# -- loading --------------------------------------------------------------------------------
def load(paths: Sequence[Path] | None = None) -> Bank:
    """Read banks (the shipped one by default), checking the schema and unique ids.

    A path that does not exist, cannot be entered, or is not a regular file or
    a folder raises ``BankError``; everything wrong inside the files is an issue.
    """
    files, issues = _locate(paths if paths else [shipped_bank()])
    bank = Bank(files=files, issues=issues)
    seen: dict[str, str] = {}
    allowance = MAX_BANK_BYTES
    for path in files:
        try:
            text, size = _read(path, allowance)
        except ValueError as exc:
            bank.issues.append(Issue(str(path), None, None, str(exc)))
            continue
        allowance -= size
        problems, found, rejected = _parse(text, str(path))
        bank.issues.extend(found)
        bank.rejected += rejected
        for problem in problems:
            if problem.id in seen:
                bank.rejected += 1
                line = int(problem.source.rsplit(":", 1)[1]) if ":" in problem.source else None
                bank.issues.append(
                    Issue(
                        str(path),
                        line,
                        problem.id,
                        f"duplicate id: already used at {seen[problem.id]}",
                    )
                )
                continue
            seen[problem.id] = problem.source
            bank.problems.append(problem)
    return bank


def load_file(path: Path) -> tuple[list[Problem], list[Issue]]:
    """The problems of one file, and what is wrong in it."""
    try:
        text, _ = _read(path, MAX_BANK_BYTES)
    except ValueError as exc:
        return [], [Issue(str(path), None, None, str(exc))]
    return parse_bank(text, str(path))


def parse_bank(text: str, name: str) -> tuple[list[Problem], list[Issue]]:
    """The problems in a bank's text (``name`` is used in the messages)."""
    problems, issues, _ = _parse(text, name)
    return problems, issues


def _parse(text: str, name: str) -> tuple[list[Problem], list[Issue], int]:
    """``parse_bank``, and how many problems written in the text could not be loaded."""
    import yaml

    from chainrule_cli.bank.yamlfile import Refused, read

    try:
        data = read(text)  # safe: no tags run code, no alias expands
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "invalid YAML"
        return [], [Issue(name, line, None, f"not valid YAML: {short(str(problem), 100)}")], 0
    except Refused as exc:
        return [], [Issue(name, exc.line, None, exc.message)], 0
    except (ValueError, OverflowError, RecursionError) as exc:  # a value YAML could not build
        return [], [Issue(name, None, None, f"not valid YAML: {short(str(exc), 100)}")], 0
    if data is None:
        return (
            [],
            [Issue(name, None, None, "the file is empty: expected 'problems:' and a list")],
            0,
        )
    if not isinstance(data, dict) or "problems" not in data:
        return (
            [],
            [Issue(name, 1, None, "expected a top-level 'problems:' key with a list of problems")],
            0,
        )
    issues = [
        Issue(
            name,
            line_of(data),
            None,
            f"unknown top-level key {clip(k)}: only 'problems' is allowed",
        )
        for k in data
        if k != "problems"
    ]
    issues.extend(Issue(name, line, None, message) for line, message in duplicates(data))
    entries = data["problems"]
    if not isinstance(entries, list):
        return [], [*issues, Issue(name, line_of(data), None, "'problems' must be a list")], 0
    if not entries:
        issues.append(Issue(name, line_of(data), None, "'problems' is empty: add a problem"))
    problems: list[Problem] = []
    for index, entry in enumerate(entries, start=1):
        problem, found = _problem(entry, name, index)
        issues.extend(found)
        if problem is not None:
            problems.append(problem)
    return problems, issues, len(entries) - len(problems)


def _problem(entry: Any, path: str, index: int) -> tuple[Problem | None, list[Issue]]:
    if not isinstance(entry, dict):
        return None, [Issue(path, None, f"problem {index}", "not a mapping of keys to values")]
    line = line_of(entry)
    raw_id = entry.get("id")
    pid = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
    label = pid or f"problem {index}"
    issues: list[Issue] = []

    def issue(message: str) -> None:
        issues.append(Issue(path, line, label, message))

    for at_line, message in duplicates(entry):
        issues.append(Issue(path, at_line, label, message))
    for key in () if KEY_SET.issuperset(entry) else entry:
        if key in KEYS:
            continue
        guess = difflib.get_close_matches(short(str(key), 40), KEYS, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown key {clip(key)}{hint}")
    kind = entry.get("type")
    for key in GRAPH_REQUIRED if kind in GRAPH_TYPES else REQUIRED:
        if key not in entry:
            issue(f"missing key {key!r}")
    if "id" in entry and pid is None:
        issue("'id' must be non-empty text")
    elif pid is not None and len(pid) > MAX_ID:
        issue(f"'id' is too long ({len(pid)} characters; at most {MAX_ID})")
    elif pid is not None and CONTROL.search(pid):
        issue("'id' must not contain control characters (such as tabs or escapes)")
    if "type" in entry and kind not in TYPES:
        guess = difflib.get_close_matches(short(str(kind), 40), TYPES, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown type {clip(kind)}{hint}: choose from {', '.join(TYPES)}")
    if kind in GRAPH_TYPES:
        return graph_problem(entry, path, line, label, pid, issues)
    expression = entry.get("expression")
    if "expression" in entry and not isinstance(expression, str):
        issue("'expression' must be text: put it in quotes, e.g. \"sin(3x)\"")
    difficulty = entry.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
        issue(f"'difficulty' must be 1, 2 or 3, not {clip(difficulty)}")
    at = number_field("at", entry.get("at"), issue)
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        issue("'note' must be text")
    refuse_controls(entry, issue)
    rate = None
    if kind == "applied":
        for key in ("question", "rate", "at"):
            if key not in entry:
                issue(f"missing key {key!r} (an applied problem needs question, rate and at)")
        for key in ("question", "unit", "variable"):
            if key in entry and not isinstance(entry[key], str):
                issue(f"{key!r} must be text")
        rate = number_field("rate", entry.get("rate"), issue)
        chain = entry.get("chain")
        if chain is not None and (
            not isinstance(chain, list) or not all(isinstance(c, str) for c in chain)
        ):
            issue("'chain' must be a list of quantity names, e.g. [volume, radius, time]")
    else:
        for key in APPLIED_KEYS:
            if key in entry:
                issue(f"{key!r} is only for applied problems (type: applied)")
    for key in GRAPH_KEYS:
        if key in entry:
            issue(f"{key!r} is only for the types {', '.join(GRAPH_TYPES)}")
    if issues:
        return None, issues
    assert isinstance(expression, str) and isinstance(kind, str) and pid is not None
    chain_value = entry.get("chain")
    return (
        Problem(
            id=pid,
            type=kind,
            expression=expression,
            difficulty=int(difficulty),
            at=at,
            note=note,
            question=entry.get("question"),
            variable=entry.get("variable", "x"),
            rate=rate,
            unit=entry.get("unit"),
            chain=tuple(chain_value) if chain_value else None,
            source=f"{path}:{line}",
        ),
        [],
    )
