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
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
APPLIED_KEYS = ("question", "variable", "rate", "unit", "chain")
REQUIRED = ("id", "type", "expression")


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
        who = f" {self.problem_id}:" if self.problem_id else ""
        return f"{where}:{who} {self.message}"


@dataclass
class Bank:
    """Problems loaded from one or more files, and what was wrong with them."""

    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

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


# -- locating banks -------------------------------------------------------------------------
def shipped_bank() -> Path:
    """The bank that ships with chainrule, found in the installed package.

    A wheel carries it as ``chainrule_cli/problems``; a source checkout (an
    editable install) has it at the top level, beside the package.
    """
    packaged = importlib.resources.files("chainrule_cli").joinpath("problems")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "problems"
    if checkout.is_dir():
        return checkout
    raise BankError("the shipped problem bank is missing: reinstall chainrule")


def bank_files(paths: Iterable[Path]) -> list[Path]:
    """YAML files named directly, and those inside named folders, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            files.append(path)
        else:
            raise BankError(f"no such bank file or folder: {path}")
    return files


# -- loading --------------------------------------------------------------------------------
def load(paths: Sequence[Path] | None = None) -> Bank:
    """Read banks (the shipped one by default), checking the schema and unique ids."""
    files = bank_files(paths if paths else [shipped_bank()])
    bank = Bank(files=files)
    seen: dict[str, str] = {}
    for path in files:
        problems, issues = load_file(path)
        bank.issues.extend(issues)
        for problem in problems:
            if problem.id in seen:
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
    import yaml

    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Issue(name, None, None, f"cannot read the file: {exc}")]
    try:
        data = yaml.load(text, Loader=_line_loader())  # a SafeLoader subclass: no tags run code
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return [], [Issue(name, line, None, f"not valid YAML: {problem}")]
    if data is None:
        return [], [Issue(name, None, None, "the file is empty: expected 'problems:' and a list")]
    if not isinstance(data, dict) or "problems" not in data:
        return [], [
            Issue(name, 1, None, "expected a top-level 'problems:' key with a list of problems")
        ]
    extra = [k for k in data if k not in ("problems", "__line__")]
    issues = [
        Issue(name, 1, None, f"unknown top-level key {k!r}: only 'problems' is allowed")
        for k in extra
    ]
    entries = data["problems"]
    if not isinstance(entries, list):
        return [], [*issues, Issue(name, data.get("__line__"), None, "'problems' must be a list")]
    problems: list[Problem] = []
    for index, entry in enumerate(entries, start=1):
        problem, found = _problem(entry, name, index)
        issues.extend(found)
        if problem is not None:
            problems.append(problem)
    return problems, issues


def _problem(entry: Any, path: str, index: int) -> tuple[Problem | None, list[Issue]]:
    if not isinstance(entry, dict):
        return None, [
            Issue(path, None, None, f"problem {index} is not a mapping of keys to values")
        ]
    line = entry.get("__line__")
    raw_id = entry.get("id")
    pid = raw_id if isinstance(raw_id, str) and raw_id else None
    label = pid or f"problem {index}"
    issues: list[Issue] = []

    def issue(message: str) -> None:
        issues.append(Issue(path, line, label, message))

    for key in entry:
        if key == "__line__" or key in KEYS:
            continue
        guess = difflib.get_close_matches(str(key), KEYS, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown key {key!r}{hint}")
    for key in REQUIRED:
        if key not in entry:
            issue(f"missing key {key!r}")
    if "id" in entry and not (isinstance(raw_id, str) and raw_id.strip()):
        issue("'id' must be non-empty text")
    kind = entry.get("type")
    if "type" in entry and kind not in TYPES:
        guess = difflib.get_close_matches(str(kind), TYPES, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        issue(f"unknown type {kind!r}{hint}: choose from {', '.join(TYPES)}")
    expression = entry.get("expression")
    if "expression" in entry and not isinstance(expression, str):
        issue("'expression' must be text: put it in quotes, e.g. \"sin(3x)\"")
    difficulty = entry.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 3:
        issue(f"'difficulty' must be 1, 2 or 3, not {difficulty!r}")
    at = entry.get("at")
    if at is not None and (isinstance(at, bool) or not isinstance(at, int | float | str)):
        issue(f"'at' must be a number, not {at!r}")
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        issue("'note' must be text")
    if kind == "applied":
        for key in ("question", "rate", "at"):
            if key not in entry:
                issue(f"missing key {key!r} (an applied problem needs question, rate and at)")
        for key in ("question", "unit", "variable"):
            if key in entry and not isinstance(entry[key], str):
                issue(f"{key!r} must be text")
        rate = entry.get("rate")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float | str)):
            issue(f"'rate' must be a number, not {rate!r}")
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
            at=None if at is None else str(at),
            note=note,
            question=entry.get("question"),
            variable=entry.get("variable", "x"),
            rate=None if entry.get("rate") is None else str(entry.get("rate")),
            unit=entry.get("unit"),
            chain=tuple(chain_value) if chain_value else None,
            source=f"{path}:{line}",
        ),
        [],
    )


@functools.cache
def _line_loader() -> type:
    import yaml

    class LineLoader(yaml.SafeLoader):
        """The safe loader, recording the line each mapping starts on."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            mapping = super().construct_mapping(node, deep=deep)
            mapping["__line__"] = node.start_mark.line + 1
            return mapping

    return LineLoader


# -- validation -----------------------------------------------------------------------------
def check_problem(problem: Problem) -> list[str]:
    """Everything that makes a loaded problem unusable, in words (empty when fine).

    The expression parses; its rule-tree derivative agrees with ``sympy.diff``;
    the chain rule is needed; the type fits the structure; the point lies in the
    domain of the function and its derivative.
    """
    import sympy as sp

    from chainrule_cli.limits import time_limit
    from chainrule_cli.numeric import Undefined, float_function
    from chainrule_cli.parsing import parse_number
    from chainrule_cli.rules import admissible_types, analyse, real_value

    if problem.applied:
        return _check_applied(problem)
    try:
        with time_limit(5.0, "Checking this problem"):
            try:
                analysis = analyse(problem.expression)
            except InputError as exc:
                where = f" (at column {exc.position + 1})" if exc.position is not None else ""
                return [f"cannot read the expression {problem.expression!r}: {exc.message}{where}"]
            messages = []
            oracle = sp.diff(analysis.expr, analysis.variable)
            f = float_function(analysis.derivative, analysis.variable)
            g = float_function(oracle, analysis.variable)
            agreed = 0
            for v in (0.37, 0.81, 1.3, 2.2, -0.6, -1.7, 0.05, -2.6, 3.4, -4.2, 5.5, -7.5, 9.1):
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
                    f"{problem.expression!r} needs no chain rule (its inner function is just x): "
                    "it does not belong in a chain-rule bank"
                )
            elif problem.type not in kinds:
                messages.append(
                    f"type {problem.type!r} does not match {problem.expression!r}, which is "
                    f"{' or '.join(sorted(kinds))}"
                )
            if problem.at is not None:
                try:
                    point = parse_number(problem.at)
                except InputError as exc:
                    messages.append(f"cannot read 'at: {problem.at}': {exc.message}")
                else:
                    if real_value(analysis.expr, analysis.variable, point) is None:
                        messages.append(f"'at: {problem.at}' is outside the domain of the function")
                    elif real_value(analysis.derivative, analysis.variable, point) is None:
                        messages.append(f"'at: {problem.at}': the derivative is undefined there")
            return messages
    except ChainruleError as exc:
        return [str(exc)]


def _check_applied(problem: Problem) -> list[str]:
    """An applied problem: the quantity parses in its variable, the point is in the
    domain, the rate is a number, and the answer can be worked out."""
    from chainrule_cli.checking import AppliedChecker

    try:
        AppliedChecker(problem)
    except InputError as exc:
        return [f"cannot read the problem: {exc.message}"]
    except ChainruleError as exc:
        return [str(exc)]
    return []


def validate(bank: Bank) -> list[Issue]:
    """Schema issues plus every problem's own check."""
    issues = list(bank.issues)
    for problem in bank.problems:
        path, _, line = problem.source.rpartition(":")
        for message in check_problem(problem):
            issues.append(Issue(path, int(line) if line.isdigit() else None, problem.id, message))
    return issues


def counts(problems: Sequence[Problem]) -> dict[str, dict[int, int]]:
    """Problems per type and difficulty, for the summary table."""
    table: dict[str, dict[int, int]] = {}
    for p in problems:
        table.setdefault(p.type, {1: 0, 2: 0, 3: 0})[p.difficulty] += 1
    return table


def dump(problems: Sequence[Problem]) -> str:
    """Problems as a bank file (stable, so the same problems give the same bytes)."""
    import yaml

    return yaml.safe_dump(
        {"problems": [p.to_dict() for p in problems]},
        sort_keys=False,
        allow_unicode=True,
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
