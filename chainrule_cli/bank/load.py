"""Problem banks: YAML files of problems, loaded safely and validated thoroughly.

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
once. Validation (``validate``) also parses every expression, builds its rule
tree, checks it against ``sympy.diff``, checks the type and the point: that is
what ``chainrule bank validate`` runs. Every problem found is reported with its
file, line and id, in words a person understands.

A bank may come from anyone, so loading is bounded: only regular files are
read (never a FIFO or a device), at most ``MAX_BANK_BYTES`` in all; YAML
anchors and aliases are refused (an alias "bomb" cannot expand); nesting is
limited; duplicate keys are an error; every value quoted in a message is cut
to a short prefix (``clip``). Validation has a time limit per problem and a
budget for the whole bank.
"""

from __future__ import annotations

import datetime
import difflib
import importlib.resources
import math
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from chainrule_cli.errors import BankError, ChainruleError, InputError
from chainrule_cli.kinds import TYPES

KEYS = (
    "id",
    "type",
    "expression",
    "difficulty",
    "at",
    "note",
    "question",
    "variable",
    "rate",
    "unit",
    "chain",
)
_KEY_SET = frozenset(KEYS)
APPLIED_KEYS = ("question", "variable", "rate", "unit", "chain")
REQUIRED = ("id", "type", "expression")

#: All the bank files of one load together: a bigger bank is refused with a message.
MAX_BANK_BYTES = 5 * 1024 * 1024
#: The largest |at| or |rate|: beyond it, exact evaluation at the point is not worth trusting.
POINT_LIMIT = 10**6
#: The longest id, and the longest text for a point or a rate.
MAX_ID = 100
MAX_NUMBER_TEXT = 100
#: Seconds for checking one problem, and for validating a whole bank.
CHECK_LIMIT = 5.0
VALIDATE_BUDGET = 30.0


@dataclass(frozen=True)
class Problem:
    """One problem: find the derivative of ``expression`` (or its value at ``at``)."""

    id: str
    type: str
    expression: str
    difficulty: int = 1
    at: str | None = None
    note: str | None = None
    # Applied problems only: y = expression in ``variable``, whose own rate is ``rate``.
    question: str | None = None
    variable: str = "x"
    rate: str | None = None
    unit: str | None = None
    chain: tuple[str, ...] | None = None
    source: str = field(default="", compare=False)  # "file:line", for messages
    generated: bool = field(default=False, compare=False)

    @property
    def applied(self) -> bool:
        return self.type == "applied"

    def to_dict(self) -> dict[str, Any]:
        """The problem in the bank schema (``at`` omitted when absent)."""
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "expression": self.expression,
            "difficulty": self.difficulty,
        }
        if self.at is not None:
            data["at"] = _yaml_number(self.at)
        if self.applied:
            data["question"] = self.question
            data["variable"] = self.variable
            data["rate"] = _yaml_number(self.rate or "")
            if self.unit:
                data["unit"] = self.unit
            if self.chain:
                data["chain"] = list(self.chain)
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class Issue:
    """One thing wrong with a bank, located."""

    path: str
    line: int | None
    problem_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        who = f" {short(self.problem_id)}:" if self.problem_id else ""
        return f"{where}:{who} {self.message}"


@dataclass
class Bank:
    """Problems loaded from one or more files, and what was wrong with them."""

    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: Problems written in the files that could not be loaded: a schema error, an id used before.
    rejected: int = 0

    def select(
        self,
        types: Sequence[str] = (),
        difficulty: int | None = None,
    ) -> list[Problem]:
        return [
            p
            for p in self.problems
            if (not types or p.type in types) and (difficulty is None or p.difficulty == difficulty)
        ]


# -- quoting values in messages ---------------------------------------------------------------
def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, with "…" when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(value: object, limit: int = 40) -> str:
    """A value quoted for a message, never longer than about ``limit`` characters.

    Like ``repr`` (strings in quotes, control characters escaped), but bounded
    however big the value: long text is cut, huge numbers are described by
    their size, and lists and mappings show their first items only.
    """
    return short(_bounded_repr(value, limit + 1, 3), limit)


def _bounded_repr(value: object, room: int, depth: int) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 200:
            return f"<a number of about {int(value.bit_length() * 0.30103)} digits>"
        return repr(value)
    if isinstance(value, str | bytes):
        return repr(value[:room])
    if isinstance(value, float | datetime.date):
        return repr(value)
    if isinstance(value, dict | list | tuple | set | frozenset):
        if depth <= 0:
            return "{…}" if isinstance(value, dict) else "[…]"
        if isinstance(value, dict):
            items: Iterable[Any] = value.items()
            opening, closing = "{", "}"
        else:
            items = value
            opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        parts: list[str] = []
        used = 0
        for item in items:
            if used > room:
                parts.append("…")
                break
            if isinstance(value, dict):
                key, val = item
                part = (
                    f"{_bounded_repr(key, room, depth - 1)}: {_bounded_repr(val, room, depth - 1)}"
                )
            else:
                part = _bounded_repr(item, room, depth - 1)
            parts.append(part)
            used += len(part) + 2
        return opening + ", ".join(parts) + closing
    return f"<{type(value).__name__}>"


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
            name, _line(data), None, f"unknown top-level key {clip(k)}: only 'problems' is allowed"
        )
        for k in data
        if k != "problems"
    ]
    issues.extend(Issue(name, line, None, message) for line, message in _duplicates(data))
    entries = data["problems"]
    if not isinstance(entries, list):
        return [], [*issues, Issue(name, _line(data), None, "'problems' must be a list")], 0
    if not entries:
        issues.append(Issue(name, _line(data), None, "'problems' is empty: add a problem"))
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
    line = _line(entry)
    raw_id = entry.get("id")
    pid = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
    label = pid or f"problem {index}"
    issues: list[Issue] = []

    def issue(message: str) -> None:
        issues.append(Issue(path, line, label, message))

    for at_line, message in _duplicates(entry):
        issues.append(Issue(path, at_line, label, message))
    for key in () if _KEY_SET.issuperset(entry) else entry:
        if key in KEYS:
            continue
        guess = difflib.get_close_matches(short(str(key), 40), KEYS, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown key {clip(key)}{hint}")
    for key in REQUIRED:
        if key not in entry:
            issue(f"missing key {key!r}")
    if "id" in entry and pid is None:
        issue("'id' must be non-empty text")
    elif pid is not None and len(pid) > MAX_ID:
        issue(f"'id' is too long ({len(pid)} characters; at most {MAX_ID})")
    elif pid is not None and _CONTROL.search(pid):
        issue("'id' must not contain control characters (such as tabs or escapes)")
    kind = entry.get("type")
    if "type" in entry and kind not in TYPES:
        guess = difflib.get_close_matches(short(str(kind), 40), TYPES, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown type {clip(kind)}{hint}: choose from {', '.join(TYPES)}")
    expression = entry.get("expression")
    if "expression" in entry and not isinstance(expression, str):
        issue("'expression' must be text: put it in quotes, e.g. \"sin(3x)\"")
    difficulty = entry.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
        issue(f"'difficulty' must be 1, 2 or 3, not {clip(difficulty)}")
    at = _number_field("at", entry.get("at"), issue)
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        issue("'note' must be text")
    _refuse_controls(entry, issue)
    rate = None
    if kind == "applied":
        for key in ("question", "rate", "at"):
            if key not in entry:
                issue(f"missing key {key!r} (an applied problem needs question, rate and at)")
        for key in ("question", "unit", "variable"):
            if key in entry and not isinstance(entry[key], str):
                issue(f"{key!r} must be text")
        rate = _number_field("rate", entry.get("rate"), issue)
        chain = entry.get("chain")
        if chain is not None and (
            not isinstance(chain, list) or not all(isinstance(c, str) for c in chain)
        ):
            issue("'chain' must be a list of quantity names, e.g. [volume, radius, time]")
    else:
        for key in APPLIED_KEYS:
            if key in entry:
                issue(f"{key!r} is only for applied problems (type: applied)")
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
#: The same, but tabs and line breaks are fine in the longer texts.
_CONTROL_IN_TEXT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def _refuse_controls(entry: dict[Any, Any], issue: Callable[[str], None]) -> None:
    """Text shown to the learner carries no control characters: an escape sequence in
    a bank (a terminal title, a hidden link) is an error, never something to print."""
    for key, pattern in (
        ("question", _CONTROL_IN_TEXT),
        ("note", _CONTROL_IN_TEXT),
        ("unit", _CONTROL),
        ("variable", _CONTROL),
        ("expression", _CONTROL_IN_TEXT),
    ):
        value = entry.get(key)
        if isinstance(value, str) and (found := pattern.search(value)):
            issue(
                f"{key!r} must not contain control characters such as escape sequences "
                f"(found {found.group()!r} at character {found.start() + 1})"
            )
    chain = entry.get("chain")
    if isinstance(chain, list) and any(isinstance(c, str) and _CONTROL.search(c) for c in chain):
        issue("'chain' names must not contain control characters such as escape sequences")


def _number_field(key: str, value: Any, issue: Callable[[str], None]) -> str | None:
    """A point or a rate as the math parser reads it, or None (with an issue) when unusable.

    A YAML number is taken as YAML typed it (``1e3`` is a thousand) and turned
    into plain decimal text; text is kept for the math parser (``pi/4``) and
    checked by ``check_problem``. Either way, it must lie within ±POINT_LIMIT.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        issue(f"{key!r} must be a number, not {clip(value)}")
        return None
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_TEXT:
            issue(f"{key!r} is too long ({len(value)} characters; at most {MAX_NUMBER_TEXT})")
            return None
        return value
    if isinstance(value, float) and not math.isfinite(value):
        issue(f"{key!r} must be a finite number, not {clip(value)}")
        return None
    if abs(value) > POINT_LIMIT:
        issue(f"{key!r} is too large: {clip(value)} {_OUT_OF_RANGE}")
        return None
    return _number_text(value)


_OUT_OF_RANGE = f"lies outside -{POINT_LIMIT:,} to {POINT_LIMIT:,}, the range a bank may use"


def _number_text(value: int | float) -> str:
    """A YAML number as decimal text the math parser reads (never ``1e+15``)."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _line(mapping: Any) -> int | None:
    return getattr(mapping, "line", None)


def _duplicates(mapping: Any) -> list[tuple[int, str]]:
    return [
        (line, f"duplicate key {clip(key)}: each key may appear once")
        for line, key in getattr(mapping, "duplicates", ())
    ]


# -- validation -----------------------------------------------------------------------------
def check_problem(
    problem: Problem, limit: float = CHECK_LIMIT, cached: bool = True, cut_short: bool = False
) -> list[str]:
    """Everything that makes a loaded problem unusable, in words (empty when fine).

    The expression parses; its rule-tree derivative agrees with ``sympy.diff``;
    the chain rule is needed; the type fits the structure; the point lies in the
    domain of the function and its derivative, within ±POINT_LIMIT. All of it
    within ``limit`` seconds: a problem that takes longer is reported as such
    (with ``cut_short``, where the limit is what is left of a bank's budget,
    it is not: ``check_before`` counts the problem as not checked).

    A problem proven valid before is not checked again (``valcache``; pass
    ``cached=False`` to check it all the same); a failure is never remembered.
    """
    from chainrule_cli.bank import valcache

    if not cached:
        return _check_now(problem, limit, cut_short)
    cache = valcache.shared()
    if cache.proven(problem):
        return []
    messages = _check_now(problem, limit, cut_short)
    if not messages:
        cache.add(problem)
    return messages


def check_before(
    problem: Problem,
    deadline: float,
    limit: float = CHECK_LIMIT,
    cached: bool = True,
    clock: Callable[[], float] = time.monotonic,
) -> list[str] | None:
    """``check_problem`` within its own ``limit`` and before ``deadline`` (on ``clock``).

    None when the deadline comes first: the problem is not checked, which is
    not the same as too slow. Only a problem that runs out of its own limit is
    reported as taking too long.
    """
    left = deadline - clock()
    if left <= 0:
        return None
    if left >= limit:
        return check_problem(problem, limit, cached)
    try:
        return check_problem(problem, left, cached, cut_short=True)
    except _CutShort:
        return None


class _CutShort(Exception):
    """The whole bank's budget, not the problem's own limit, ended its check."""


#: How the time limit of one problem's check names it ("Checking this problem took too long").
_CHECKING = "Checking this problem"


def _check_now(problem: Problem, limit: float = CHECK_LIMIT, cut_short: bool = False) -> list[str]:
    """``check_problem`` itself, always worked out; with ``cut_short``, running out of
    ``limit`` raises ``_CutShort`` instead of being reported."""
    from chainrule_cli.errors import TooComplex
    from chainrule_cli.limits import time_limit

    try:
        with time_limit(limit, _CHECKING):
            if problem.applied:
                return _check_applied(problem)
            return _check_plain(problem)
    except TooComplex as exc:
        if cut_short and str(exc).startswith(_CHECKING):
            raise _CutShort from None
        return [str(exc)]
    except InputError as exc:
        return [f"cannot read the problem: {exc.message}"]
    except ChainruleError as exc:
        return [str(exc)]
    except RecursionError:
        return ["the expression is nested too deeply to work with"]
    except Exception as exc:  # hostile input must be reported, never end the command
        return [
            f"could not be checked ({type(exc).__name__}: {short(str(exc), 80)}): please report it"
        ]


def _check_plain(problem: Problem) -> list[str]:
    import sympy as sp

    from chainrule_cli.maths.numeric import Undefined, float_function
    from chainrule_cli.maths.rules import admissible_types, analyse, real_value

    shown = clip(problem.expression)
    try:
        analysis = analyse(problem.expression)
    except InputError as exc:
        where = f" (at column {exc.position + 1})" if exc.position is not None else ""
        return [f"cannot read the expression {shown}: {exc.message}{where}"]
    messages = []
    f = float_function(analysis.derivative, analysis.variable)
    if not _agrees_with_numbers(f, float_function(analysis.expr, analysis.variable)):
        oracle = sp.diff(analysis.expr, analysis.variable)
        g = float_function(oracle, analysis.variable)
        agreed = 0
        for v in TEST_POINTS:
            try:
                a, b = f(v), g(v)
            except Undefined:
                continue
            agreed += 1
            if abs(a - b) > 1e-7 * max(1.0, abs(b)):
                messages.append(
                    "the rule tree's derivative disagrees with sympy.diff (a bug: please report it)"
                )
                break
        if agreed == 0:
            messages.append(
                "the derivative has no real value at any test point: check the expression"
            )
    kinds = admissible_types(analysis.tree)
    if not kinds:
        messages.append(
            f"{shown} needs no chain rule (its inner function is just x): "
            "it does not belong in a chain-rule bank"
        )
    elif problem.type not in kinds:
        messages.append(
            f"type {clip(problem.type)} does not match {shown}, which is "
            f"{' or '.join(sorted(kinds))}"
        )
    if problem.at is not None:
        point, trouble = _point("at", problem.at)
        if trouble:
            messages.append(trouble)
        elif real_value(analysis.expr, analysis.variable, point) is None:
            messages.append(f"'at: {short(problem.at, 40)}' is outside the domain of the function")
        elif real_value(analysis.derivative, analysis.variable, point) is None:
            messages.append(f"'at: {short(problem.at, 40)}': the derivative is undefined there")
    return messages


#: Where a problem's derivative is compared with the truth.
TEST_POINTS = (0.37, 0.81, 1.3, 2.2, -0.6, -1.7, 0.05, -2.6, 3.4, -4.2, 5.5, -7.5, 9.1)


def _agrees_with_numbers(
    derivative: Callable[[float], float], function: Callable[[float], float]
) -> bool:
    """Whether the rule tree's derivative is plainly right, from numbers alone.

    True only when, at every test point where the function and its derivative
    have values, the function's numerical slope (``numeric.slope``, with a
    finer step if need be) is defined too and agrees to six figures, at three
    points at least. That settles almost every problem in well under a
    millisecond; anything less (a wildly steep function, a point at the edge of
    the domain, a real disagreement) goes to the exact oracle, ``sympy.diff``,
    which alone may call a derivative wrong: the verdicts are the oracle's.
    """
    from chainrule_cli.maths.numeric import Undefined, slope

    compared = 0
    for v in TEST_POINTS:
        try:
            a = derivative(v)
            function(v)
        except Undefined:
            continue
        for step in (1e-4, 1e-6):
            try:
                b = slope(function, v, step)
            except Undefined:
                return False
            if abs(a - b) <= 1e-6 * max(1.0, abs(a)):
                break
        else:
            return False
        compared += 1
    return compared >= 3


def _point(key: str, text: str) -> tuple[Any, str]:
    """Read a point or rate; the value, or a message saying why it cannot be used."""
    from chainrule_cli.reading.parsing import parse_number

    try:
        value = parse_number(text)
    except InputError as exc:
        return None, f"cannot read '{key}: {short(text, 40)}': {exc.message}"
    try:
        magnitude = abs(float(value))
    except (TypeError, ValueError, OverflowError):
        magnitude = math.inf
    if not magnitude <= POINT_LIMIT:
        return None, f"'{key}: {short(text, 40)}' is too large: it {_OUT_OF_RANGE}"
    return value, ""


def _check_applied(problem: Problem) -> list[str]:
    """An applied problem: the quantity parses in its variable, the point is in the
    domain, the rate is a number, and the answer can be worked out."""
    from chainrule_cli.maths.checking import AppliedChecker

    messages = [
        trouble
        for key, text in (("at", problem.at), ("rate", problem.rate))
        if text is not None
        for _, trouble in [_point(key, text)]
        if trouble
    ]
    if messages:
        return messages
    AppliedChecker(problem)
    return []


@dataclass
class Report:
    """What validating a bank found: its issues, and how many problems are valid, have
    issues, or were not reached before the budget ran out (never counted as valid)."""

    #: Every issue, in file and line order (problems not reached are counted, not listed).
    issues: list[Issue] = field(default_factory=list)
    #: Problems written in the files: loaded, and those that could not be (``Bank.rejected``).
    problems: int = 0
    #: The problems checked and found fine, in bank order.
    valid: list[Problem] = field(default_factory=list)
    #: Problems not checked: the budget ran out first.
    unchecked: int = 0
    budget: float = VALIDATE_BUDGET
    #: Where the first problem not checked is ("file:line").
    first_unchecked: str = ""

    @property
    def checked(self) -> int:
        return self.problems - self.unchecked

    @property
    def with_issues(self) -> int:
        """Problems that cannot be used: a schema error, a repeated id, a failed check."""
        return self.checked - len(self.valid)

    @property
    def file_issues(self) -> int:
        """Issues with a file itself (unreadable, not YAML, no 'problems:' list), not a problem."""
        return sum(1 for issue in self.issues if issue.problem_id is None)

    @property
    def complete(self) -> bool:
        """Every problem checked and valid, and nothing wrong with the files."""
        return not self.issues and not self.unchecked

    def unchecked_issue(self) -> Issue | None:
        """The problems not reached, said as one issue at the first of them (None if none)."""
        if not self.unchecked:
            return None
        path, _, line = self.first_unchecked.rpartition(":")
        return Issue(
            path,
            int(line) if line.isdigit() else None,
            None,
            f"not checked: validation stopped after its {self.budget:g} s budget, with "
            f"{self.unchecked} problem{'s' if self.unchecked != 1 else ''} (this one and "
            "others) not reached",
        )


def validate_bank(
    bank: Bank,
    budget: float = VALIDATE_BUDGET,
    limit: float = CHECK_LIMIT,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int], None] | None = None,
    cached: bool = True,
) -> Report:
    """Schema issues plus every problem's own check, counted.

    Each problem gets at most ``limit`` seconds and the whole bank ``budget``;
    a problem not reached when the budget runs out is counted as unchecked,
    never as valid. Problems proven valid before are not checked again
    (``valcache``) unless ``cached`` is False; a large bank is checked over all
    cores (``parallel``). ``progress(n)`` is told as each ``n`` more are done.
    """
    from chainrule_cli.bank import parallel, valcache

    deadline = clock() + budget
    cache = valcache.shared()
    answered: dict[int, list[str]] = {}
    if clock is time.monotonic:
        fresh = [i for i, p in enumerate(bank.problems) if not (cached and cache.proven(p))]
        if parallel.worth_it(len(fresh)):
            if progress is not None and len(fresh) < len(bank.problems):
                progress(len(bank.problems) - len(fresh))
            found = parallel.check_all([bank.problems[i] for i in fresh], deadline, limit, progress)
            for index, messages in zip(fresh, found, strict=True):
                if messages is not None:
                    answered[index] = messages
                    if not messages:
                        cache.add(bank.problems[index])
            unchecked = set(fresh)
            answered.update((i, []) for i in range(len(bank.problems)) if i not in unchecked)
    report = Report(
        issues=list(bank.issues), problems=len(bank.problems) + bank.rejected, budget=budget
    )
    for index, problem in enumerate(bank.problems):
        messages = answered.get(index)
        if messages is None:  # not checked yet: here, if there is time left
            messages = check_before(problem, deadline, limit, cached, clock)
            if messages is None:
                report.unchecked += 1
                report.first_unchecked = report.first_unchecked or problem.source
                continue
            if not cached and not messages:
                cache.add(problem)  # proven afresh: remembered all the same
            if progress is not None:
                progress(1)
        if not messages:
            report.valid.append(problem)
        path, _, line = problem.source.rpartition(":")
        where = int(line) if line.isdigit() else None
        report.issues.extend(Issue(path, where, problem.id, message) for message in messages)
    cache.save()
    report.issues = in_file_order(report.issues, bank.files)
    return report


def validate(
    bank: Bank,
    budget: float = VALIDATE_BUDGET,
    limit: float = CHECK_LIMIT,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int], None] | None = None,
    cached: bool = True,
) -> list[Issue]:
    """``validate_bank``'s issues, with the problems not reached (if any) as one more issue
    at the end: an empty list means every problem was checked and is valid."""
    report = validate_bank(bank, budget, limit, clock, progress, cached)
    missed = report.unchecked_issue()
    return report.issues if missed is None else [*report.issues, missed]


def in_file_order(issues: Iterable[Issue], files: Sequence[Path]) -> list[Issue]:
    """Issues by file (in the order the bank's files were read) and line; issues about a
    folder or a skipped file first, and issues on one line in the order they were found."""
    order = {str(path): index for index, path in enumerate(files)}
    return sorted(issues, key=lambda i: (order.get(i.path, -1), i.line or 0))


def counts(problems: Sequence[Problem]) -> dict[str, dict[int, int]]:
    """Problems per type and difficulty, for the summary table."""
    table: dict[str, dict[int, int]] = {}
    for p in problems:
        table.setdefault(p.type, {1: 0, 2: 0, 3: 0})[p.difficulty] += 1
    return table


def dump(problems: Sequence[Problem], unicode: bool = True) -> str:
    """Problems as a bank file (stable, so the same problems give the same bytes).

    Without ``unicode``, characters beyond ASCII are written as YAML escapes
    (``"\\u03C0"``), which read back the same: for an output that cannot carry them.
    """
    import yaml

    return yaml.safe_dump(
        {"problems": [p.to_dict() for p in problems]},
        sort_keys=False,
        allow_unicode=unicode,
        width=100,
    )


def _yaml_number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
