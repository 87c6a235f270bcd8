"""The fast paths (issue 16) give exactly what the slow ones give.

The first problem printed without SymPy, a problem proven before, a bank read
before, a bank checked over all cores, option values read without pydantic:
each is checked here against the path it short-cuts. No test here is timed.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from chainrule_cli.bank import check as checks
from chainrule_cli.bank import loadcache, parallel, valcache
from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import Bank, Problem, load
from chainrule_cli.bank.validate import validate
from chainrule_cli.cli import app
from chainrule_cli.cli.coercion import plain_value
from chainrule_cli.cli.quickstart import Primed, peek
from chainrule_cli.printing import written
from chainrule_cli.printing.mathtext import show
from chainrule_cli.reading.parsing import parse, symbol
from chainrule_cli.reading.syntax import to_sympy
from chainrule_cli.render.progress_bar import ProgressBar
from tests.screens import IN_STEP

runner = CliRunner()
SHIPPED = [p for p in load().problems if not p.graph]  # one variable: printed as written


def sympy_text(text: str, variable: str = "x", unicode: bool = True) -> str:
    """What the quiz printed for a problem before: mathtext over the unevaluated SymPy tree."""
    tree = parse(text, variable)
    return show(to_sympy(tree, symbol(variable), evaluate=False), unicode=unicode, ordered=False)


# -- the first problem, printed without SymPy ------------------------------------------------
@pytest.mark.parametrize("problem", SHIPPED, ids=[p.id for p in SHIPPED])
def test_written_prints_every_shipped_problem_as_sympy_did(problem: Problem) -> None:
    """The parser's tree prints exactly as the unevaluated SymPy tree, in unicode and ASCII."""
    for unicode in (True, False):
        expected = sympy_text(problem.expression, problem.variable, unicode)
        assert written.problem_text(problem.expression, problem.variable, unicode) == expected


@pytest.mark.parametrize(
    ("text", "variable"),
    [
        pytest.param("(3x+1)^(-1/2)", "x", id="negative-fraction-power"),
        pytest.param("x^(-2)", "x", id="negative-power"),
        pytest.param("(2x)^(-1)", "x", id="reciprocal"),
        pytest.param("x^(-0.5)", "x", id="negative-decimal-power"),
        pytest.param("x^(1/2)", "x", id="fraction-power-kept"),
        pytest.param("(x+1)^(4/2)", "x", id="unreduced-fraction"),
        pytest.param("∜(x+1)", "x", id="fourth-root"),
        pytest.param("sqrt(x)^2", "x", id="root-squared"),
        pytest.param("-2x + 3", "x", id="leading-minus"),
        pytest.param("(-2)x", "x", id="negative-factor-first"),
        pytest.param("x(-2)", "x", id="negative-factor-after"),
        pytest.param("x^(-0)", "x", id="minus-zero-power"),
        pytest.param("x^0 + x^1", "x", id="zero-and-one-powers"),
        pytest.param("2^(-x)", "x", id="variable-exponent"),
        pytest.param("x^(2^3)", "x", id="tower"),
        pytest.param("x^pi + x^e", "x", id="constant-exponents"),
        pytest.param("sin^2(x) + sin^-1(x)", "x", id="function-powers"),
        pytest.param("1/sin(x)^2", "x", id="over-a-function-power"),
        pytest.param("ln|3x| + |x|", "x", id="absolute-values"),
        pytest.param("log_2(x^2+1) + lg(x) + log_(1/2)(x)", "x", id="log-bases"),
        pytest.param("e^(x^2) + exp(3x) + (e^x)^2", "x", id="exponentials"),
        pytest.param("2/(x+1)^(-1/2)", "x", id="flipped-twice"),
        pytest.param("1.0x + 1.0·x·1 + 1·x", "x", id="ones"),
        pytest.param("0.000123x + 123456.5", "x", id="decimals"),
        pytest.param("2.0000001x + 0.00001x + 100000000.5", "x", id="every-digit-typed"),
        pytest.param("2 pi x + pi x + π e", "x", id="pi-juxtaposed"),
        pytest.param("\\frac{1}{1+e^{-z}}", "z", id="latex"),
        pytest.param("θ^2 + sin(θ)", "θ", id="greek-variable"),
        pytest.param("10 pi r^2", "r", id="applied"),
    ],
)
def test_written_prints_tricky_forms_as_sympy_does(text: str, variable: str) -> None:
    """Signs, fractions, flipped powers, roots, logs, constants: the same text."""
    for unicode in (True, False):
        expected = sympy_text(text, variable, unicode)
        assert written.problem_text(text, variable, unicode) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x^(1+1)", id="sum-in-an-exponent"),
        pytest.param("x^(-(2·3))", id="unusual-negative-exponent"),
        pytest.param("1" * 45 + "x", id="long-integer"),
        pytest.param("0.12345678901234x", id="long-decimal"),
    ],
)
def test_written_leaves_what_only_sympy_can_say_to_sympy(text: str) -> None:
    """An unusual constant or a very long number: None, and the quiz asks SymPy."""
    assert written.problem_text(text) is None


def test_written_returns_none_for_unreadable_text() -> None:
    assert written.problem_text("(2x+1") is None


def quiz_in_a_fresh_process(
    home: Path, args: list[str], answer: str, shipped_proofs: bool = True
) -> dict[str, Any]:
    """Run a quiz in a new interpreter; report the screen and SymPy's state at the first prompt.

    ``shipped_proofs=False`` runs it as if the shipped bank came without proven.json.
    """
    code = textwrap.dedent(
        f"""
        import io, json, sys
        from chainrule_cli.cli import live
        from chainrule_cli.bank import valcache
        if not {shipped_proofs!r}:
            valcache.shipped_proofs = lambda: frozenset()
        live.warm_up = lambda on_ready=None: None  # SymPy stays out, to look at the first screen
        seen = []

        class Answers(io.StringIO):
            def readline(self, *args):
                if not seen:
                    seen.append({{"sympy": "sympy" in sys.modules, "screen": out.getvalue()}})
                return super().readline(*args)

        class Screen(io.TextIOWrapper):
            def getvalue(self):
                self.flush()
                return self.buffer.getvalue().decode("utf-8")

        out = Screen(io.BytesIO(), encoding="utf-8")
        sys.stdin, sys.stdout = Answers({answer!r}), out
        from chainrule_cli.cli import app
        try:
            app({args!r}, prog_name="chainrule")
        except SystemExit:
            pass
        sys.__stdout__.write(json.dumps({{**seen[0], "all": out.getvalue()}}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "CHAINRULE_HOME": str(home)},
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        pytest.param(["quiz", "--type", "trig", "--seed", "3", "--count", "2"], "q\n", id="trig"),
        pytest.param(["quiz", "--seed", "5", "--count", "1"], "s\n", id="any-type"),
        pytest.param(
            ["quiz", "--type", "applied", "--seed", "2", "--count", "1"], "q\n", id="applied"
        ),
    ],
)
def test_the_first_problem_is_shown_before_sympy_is_imported(
    tmp_path: Path, args: list[str], answer: str
) -> None:
    """Once its problems are proven, a quiz shows the first one (and its prompt) without SymPy,
    and the whole session reads exactly as when SymPy was loaded first.

    The shipped problems are proven when the bank is built (proven.json), so a
    student's very first quiz is fast too; without that file the first quiz
    proves the problems it meets and the next one is fast.
    """
    unproven = quiz_in_a_fresh_process(tmp_path / "a", args, answer, shipped_proofs=False)
    proven_by_then = quiz_in_a_fresh_process(tmp_path / "a", args, answer, shipped_proofs=False)
    first_ever = quiz_in_a_fresh_process(tmp_path / "b", args, answer)
    assert unproven["sympy"] is True
    assert proven_by_then["sympy"] is False
    assert first_ever["sympy"] is False
    assert "Problem 1/" in first_ever["screen"] and "Type your answer" in first_ever["screen"]
    assert first_ever["screen"] == proven_by_then["screen"] == unproven["screen"]
    assert first_ever["all"] == proven_by_then["all"] == unproven["all"]


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param("6(3x+1)\n2x cos(x^2)\n4x/(x^2+1)\n", id="right"),
        pytest.param("3(3x+1)\n6(3x+1)\nh\nh\nh\nh\nh\n", id="wrong-then-right-and-hints"),
        pytest.param("g\n3x+1\nu^2\n3\n2(3x+1)*3\n6(3x+1)\nq\n", id="guided"),
        pytest.param("s\na\n?\nq\n", id="skip-reveal-keys"),
        pytest.param("", id="end-of-input"),
        pytest.param("(((\n6(3x+1)\nq\n", id="unreadable-first"),
    ],
)
def test_a_quiz_reads_the_same_with_its_problems_proven(
    tmp_path: Path, answers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run (first problem shown early, first answer read before SymPy) prints the
    same screen, verdicts and summary as the first."""
    from chainrule_cli.cli import quickstart

    early: list[str | None] = []
    real = quickstart.early_text

    def spy(problem: Problem, unicode: bool) -> str | None:
        early.append(real(problem, unicode))
        return early[-1]

    monkeypatch.setattr(quickstart, "early_text", spy)
    bank = tmp_path / "hw.yaml"
    bank.write_text(
        "problems:\n"
        "  - {id: hw-1, type: power, expression: '(3x+1)^2'}\n"
        "  - {id: hw-2, type: trig, expression: 'sin(x^2)'}\n"
        "  - {id: hw-3, type: log, expression: 'ln(x^2+1)', at: 2}\n",
        encoding="utf-8",
    )
    args = ["quiz", "--bank", str(bank), "--no-shuffle"]
    first = runner.invoke(app, args, input=answers)
    second = runner.invoke(app, args, input=answers)
    assert early == [None, "(3x + 1)²"]  # the slow way, then the quick one
    assert first.exit_code == second.exit_code == 0
    assert second.stdout == first.stdout


def test_the_primed_reader_answers_once_then_reads() -> None:
    """The line read while SymPy loaded comes first; then lines are read as usual."""
    calls = []

    def reader(prompt: str, *rest: object) -> str:
        calls.append(prompt)
        return "next"

    primed = Primed(reader, "first")  # type: ignore[arg-type]
    assert primed("p: ") == "first"
    assert primed("p: ") == "next"
    assert calls == ["p: "]
    interrupted = Primed(reader, None, interrupt=True)  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        interrupted("p: ")
    forgotten = Primed(reader, "first")  # type: ignore[arg-type]
    forgotten.forget()
    assert forgotten("q: ") == "next"


def test_peek_keeps_every_item() -> None:
    first, items = peek(iter([1, 2, 3]))
    assert first == 1
    assert list(items) == [1, 2, 3]
    assert peek([]) == (None, ())


# -- problems proven before ----------------------------------------------------------------
@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The problems really checked (not answered from the cache), by expression."""
    checked: list[str] = []
    real = checks._check_now

    def check_now(
        problem: Problem, limit: float = checks.CHECK_LIMIT, cut_short: bool = False
    ) -> list[str]:
        checked.append(problem.expression)
        return real(problem, limit, cut_short)

    monkeypatch.setattr(checks, "_check_now", check_now)
    return checked


def test_a_problem_proven_valid_is_not_checked_again(counted: list[str]) -> None:
    """The second check of a valid problem is a lookup; cached=False checks all the same."""
    problem = Problem("a", "trig", "sin(3x)")
    assert check_problem(problem) == []
    assert check_problem(problem) == []
    assert counted == ["sin(3x)"]
    assert check_problem(problem, cached=False) == []
    assert counted == ["sin(3x)", "sin(3x)"]


def test_a_failure_is_never_remembered(counted: list[str]) -> None:
    """A failing problem (maybe only a time limit on a busy machine) is checked every time."""
    problem = Problem("a", "log", "sin(3x)")
    first = check_problem(problem)
    assert first and check_problem(problem) == first
    assert counted == ["sin(3x)", "sin(3x)"]


def test_a_second_validation_checks_nothing(tmp_path: Path, counted: list[str]) -> None:
    """bank validate remembers what it proved, in the data directory, for the next run."""
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "problems:\n"
        "  - {id: a, type: trig, expression: 'sin(3x)'}\n"
        "  - {id: b, type: log, expression: 'ln(x^2+1)', at: 1}\n"
        "  - {id: c, type: log, expression: 'sin(5x)'}\n",
        encoding="utf-8",
    )
    first = runner.invoke(app, ["bank", "validate", str(bank)])
    assert sorted(counted) == ["ln(x^2+1)", "sin(3x)", "sin(5x)"]
    valcache._shared = None  # a new process: only the file remembers
    second = runner.invoke(app, ["bank", "validate", str(bank)])
    assert counted[3:] == ["sin(5x)"]  # only the failing one again
    assert second.exit_code == first.exit_code == 1
    assert second.stdout == first.stdout and second.stderr == first.stderr


@pytest.mark.parametrize(
    ("change", "same"),
    [
        pytest.param({"id": "other", "note": "n", "difficulty": 3}, True, id="id-note-difficulty"),
        pytest.param({"type": "power"}, False, id="type"),
        pytest.param({"expression": "sin(4x)"}, False, id="expression"),
        pytest.param({"at": "1"}, False, id="at"),
        pytest.param({"variable": "t"}, False, id="variable"),
        pytest.param({"rate": "2"}, False, id="rate"),
        pytest.param({"unit": "cm"}, False, id="unit"),
        pytest.param({"chain": ("y", "x", "t")}, False, id="chain"),
    ],
)
def test_the_key_is_everything_that_decides_validity(change: dict[str, Any], same: bool) -> None:
    """Fields that change whether a problem is valid change its key; the rest do not."""
    from dataclasses import replace

    problem = Problem("a", "trig", "sin(3x)")
    assert (valcache.key(replace(problem, **change)) == valcache.key(problem)) is same


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xffnot json", id="garbage"),
        pytest.param(b'{"format": 1, "stamp": "other", "proven": []}', id="other-version"),
        pytest.param(b'{"format": 1, "proven": 7}', id="wrong-shape"),
        pytest.param(b"[1, 2, 3]", id="a-list"),
    ],
)
def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    """Whatever is in the file, validation checks for itself, then writes a sound file."""
    path = tmp_path / "validated.json"
    path.write_bytes(content)
    cache = valcache.ValidationCache(path)
    problem = Problem("a", "trig", "sin(3x)")
    assert not cache.proven(problem)
    cache.add(problem)
    assert cache.save()
    assert valcache.ValidationCache(path).proven(problem)


def test_a_forged_entry_in_another_versions_file_proves_nothing(tmp_path: Path) -> None:
    """A file written by another version (or edited by hand) is not trusted."""
    problem = Problem("a", "log", "sin(3x)")
    path = tmp_path / "validated.json"
    forged = {"format": 1, "stamp": "0" * 24, "proven": [valcache.key(problem)]}
    path.write_text(json.dumps(forged), encoding="utf-8")
    assert not valcache.ValidationCache(path).proven(problem)


def test_an_unwritable_cache_never_breaks_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the data directory unusable (a file where the folder should be), all still works."""
    blocker = tmp_path / "home"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CHAINRULE_HOME", str(blocker))
    bank = Bank(problems=[Problem("a", "trig", "sin(3x)", source="b.yaml:2")])
    assert validate(bank) == []
    assert not valcache.shared().save()


# -- banks read before ---------------------------------------------------------------------
def same_bank(a: Bank, b: Bank) -> bool:
    return (a.problems, a.issues, a.files) == (b.problems, b.issues, b.files) and all(
        (p.source, p.generated) == (q.source, q.generated)
        for p, q in zip(a.problems, b.problems, strict=True)
    )


def test_a_bank_read_before_is_the_bank_read_now(tmp_path: Path) -> None:
    """The shipped bank and a bank with issues come back from the cache exactly as read."""
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "problems:\n"
        "  - {id: a, type: trig, expression: 'sin(3x)', at: 0.5, note: 'n'}\n"
        "  - {id: a, type: trig, expression: 'cos(3x)'}\n"
        "  - {id: b, type: nonsense, expression: 'x'}\n",
        encoding="utf-8",
    )
    for paths in (None, [bank]):
        read = load(paths)
        assert same_bank(loadcache.load(paths), read)  # read, and kept
        assert same_bank(loadcache.load(paths), read)  # from the cache


def test_an_edited_bank_is_read_again(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("problems:\n  - {id: a, type: trig, expression: 'sin(3x)'}\n", "utf-8")
    assert [p.expression for p in loadcache.load([bank]).problems] == ["sin(3x)"]
    bank.write_text("problems:\n  - {id: a, type: trig, expression: 'sin(30x)'}\n", "utf-8")
    assert [p.expression for p in loadcache.load([bank]).problems] == ["sin(30x)"]


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p: p.update(difficulty="3"), id="text-for-a-number"),
        pytest.param(lambda p: p.update(chain=[1, 2]), id="numbers-for-names"),
        pytest.param(lambda p: p.pop("expression"), id="missing-field"),
        pytest.param(lambda p: p.update(extra=1), id="extra-field"),
    ],
)
def test_a_tampered_bank_cache_is_read_again(tmp_path: Path, tamper: Any) -> None:
    """A cached problem with a field of the wrong type is never used: the YAML is read."""
    bank = tmp_path / "b.yaml"
    bank.write_text("problems:\n  - {id: a, type: trig, expression: 'sin(3x)'}\n", "utf-8")
    loadcache.load([bank])
    path = loadcache._path()
    assert path is not None
    data = json.loads(path.read_text("utf-8"))
    for entry in data["entries"].values():
        tamper(entry["problems"][0])
    path.write_text(json.dumps(data), "utf-8")
    assert same_bank(loadcache.load([bank]), load([bank]))


# -- a bank checked over all cores --------------------------------------------------------------
def pool_bank() -> Bank:
    expressions = ["sin(3x)", "(2x+1)^3", "ln(x^2+1)", "e^(x^2)", "sqrt(3x+1)", "cos(x^2)"]
    problems = [
        Problem(f"p{n}", kind, text, source=f"b.yaml:{n + 2}")
        for n, (kind, text) in enumerate(
            [("trig", expressions[0]), ("power", expressions[1]), ("log", expressions[2])]
            + [("exponential", expressions[3]), ("root", expressions[4]), ("trig", expressions[5])]
            + [("log", "sin(5x)"), ("power", "(2x+1"), ("log", "ln(2x)")]
            + [("trig", f"sin({k}x+1)") for k in range(2, 14)]
        )
    ]
    problems[-1] = Problem("last", "log", "ln(x^2+1)", at="-7/0", source="b.yaml:40")
    return Bank(problems=problems)


def test_a_bank_checked_over_all_cores_gives_the_same_issues(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool finds the same issues, in the same order, as checking one by one."""
    bank = pool_bank()
    monkeypatch.setattr(valcache, "shared", lambda: valcache.ValidationCache(None))
    monkeypatch.setattr(parallel, "MIN_PROBLEMS", 10**9)
    one_by_one = [str(i) for i in validate(bank)]
    monkeypatch.setattr(parallel, "MIN_PROBLEMS", 4)
    monkeypatch.setattr(parallel, "BATCH", 3)
    if not parallel.worth_it(len(bank.problems)):
        pytest.skip("no pool here (one core, no fork, or another thread running)")
    done: list[int] = []
    assert [str(i) for i in validate(bank, progress=done.append)] == one_by_one
    assert sum(done) == len(bank.problems)
    assert any("(2x+1" in issue for issue in one_by_one)


def test_the_pool_leaves_problems_past_the_deadline_unchecked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the deadline nothing is checked: those problems come back as None."""
    monkeypatch.setattr(parallel, "BATCH", 2)
    if not parallel.worth_it(parallel.MIN_PROBLEMS):
        pytest.skip("no pool here")
    problems = pool_bank().problems[:6]
    import time

    assert parallel.check_all(problems, time.monotonic() - 1, 5.0) == [None] * 6
    answers = parallel.check_all(problems, time.monotonic() + 60, 5.0)
    assert answers == [check_problem(p, cached=False) for p in problems]


# -- the progress bar ---------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("terminal", "seconds", "shown"),
    [
        pytest.param(True, 2.0, True, id="slow-on-a-terminal"),
        pytest.param(True, 0.5, False, id="quick-on-a-terminal"),
        pytest.param(False, 5.0, False, id="slow-into-a-pipe"),
    ],
)
def test_the_bar_shows_only_for_slow_work_on_a_terminal(
    terminal: bool, seconds: float, shown: bool
) -> None:
    """After a second of work, on a terminal only; erased at the end."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=80)
    clock = Clock()
    with ProgressBar(10, "Validating", console=console, clock=clock) as bar:
        for _ in range(5):
            clock.now += seconds / 5
            bar.advance(1)
        assert bar.shown is shown
    assert not bar.shown
    assert ("Validating" in out.getvalue()) is shown


def test_the_bar_is_off_when_asked(tmp_path: Path) -> None:
    console = Console(file=io.StringIO(), force_terminal=True)
    clock = Clock()
    bar = ProgressBar(3, "Generating", enabled=False, console=console, clock=clock)
    clock.now = 10.0
    bar.advance(2)
    assert not bar.shown and bar.done == 2


def test_bank_validate_prints_no_bar_into_a_pipe(tmp_path: Path) -> None:
    """Piped (as here), the output is the table and the verdict, and nothing else."""
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 0
    assert "Validating" not in result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("problems are valid.")


# -- option values without pydantic ------------------------------------------------------------
def typer_value(annotation: Any, value: Any, **info: Any) -> Any:
    """What typer's own (pydantic) coercion makes of ``value``."""
    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer.models import OptionInfo

    descriptor = resolve_type_descriptor(annotation, OptionInfo(**info))
    param = type("Param", (), {"multiple": False, "nargs": 1})()
    return build_runtime_param(descriptor)._coerce_value(value, param, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("annotation", "value", "info"),
    [
        pytest.param(str, "(3x+1)^2", {}, id="text"),
        pytest.param(str, "", {}, id="empty-text"),
        pytest.param(int, "7", {}, id="number"),
        pytest.param(int, "-3", {}, id="negative"),
        pytest.param(int, "007", {}, id="leading-zeros"),
        pytest.param(int, 10, {}, id="default"),
        pytest.param(int, "3", {"min": 1, "max": 3}, id="in-range"),
        pytest.param(bool, True, {}, id="flag"),
    ],
)
def test_plain_values_are_what_typer_makes_of_them(annotation: Any, value: Any, info: Any) -> None:
    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    descriptor = resolve_type_descriptor(annotation, OptionInfo(**info))
    mine = plain_value(descriptor, value, multiple=False)
    assert mine == typer_value(annotation, value, **info)
    assert type(mine) is type(typer_value(annotation, value, **info))


@pytest.mark.parametrize(
    ("annotation", "value", "info"),
    [
        pytest.param(int, "4", {"min": 1, "max": 3}, id="out-of-range"),
        pytest.param(int, "1_000", {}, id="underscores"),
        pytest.param(int, " 5", {}, id="space"),
        pytest.param(int, "٣", {}, id="other-digits"),
        pytest.param(int, "3.0", {}, id="decimal"),
        pytest.param(int, "x", {}, id="not-a-number"),
        pytest.param(bool, "yes", {}, id="flag-text"),
        pytest.param(Path, "b.yaml", {}, id="path"),
    ],
)
def test_anything_unusual_goes_to_typer(annotation: Any, value: Any, info: Any) -> None:
    """Values that are not plain are left to typer (and pydantic), with their own messages."""
    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    from chainrule_cli.cli import coercion

    descriptor = resolve_type_descriptor(annotation, OptionInfo(**info))
    assert plain_value(descriptor, value, multiple=False) is coercion._UNANSWERED


def test_solve_runs_without_pydantic() -> None:
    """A command with plain options never imports pydantic (0.1 s of start-up).

    Its time limit is kept in step with the CPU the process gets (tests/screens.py), so a
    machine busy with other tests does not cut the solve short."""
    code = IN_STEP + (
        "import sys\n"
        "from chainrule_cli.cli import app\n"
        "try:\n"
        "    app(['solve', '(3x+1)^2', '--at', '1', '--json'], prog_name='chainrule')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PYDANTIC=' + str('pydantic' in sys.modules), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["value"] == "24"
    assert "PYDANTIC=False" in proc.stderr


def test_the_collector_runs_less_often_and_no_timer_signal_is_set() -> None:
    """Start-up raises the collector's threshold and arms no timer (a timer signal
    arriving at shutdown would end the process with exit −26)."""
    code = (
        "import gc, signal\n"
        "import chainrule_cli.cli\n"
        "print(gc.isenabled(), gc.get_threshold()[0] >= 100000,"
        " signal.getitimer(signal.ITIMER_VIRTUAL)[0] == 0)\n"
    )
    if not hasattr(__import__("signal"), "getitimer"):
        pytest.skip("no interval timers here")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["True", "True", "True"]
