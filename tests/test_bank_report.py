"""Reports never overstate: bank validate counts what it checked, and only that.

A problem the budget did not reach is counted as not checked (and the bank
exits 1), never as valid; a repeated id is an error on its own line while the
first use of the id stays valid; issues come in file and line order; the
summary says "1 … with an issue" in the singular.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chainrule_cli.bank.check import check_before
from chainrule_cli.bank.load import Issue, Problem, load
from chainrule_cli.bank.problem import in_file_order
from chainrule_cli.bank.validate import Report, validate_bank
from chainrule_cli.cli import app
from chainrule_cli.render.bank import suggested_budget, validation_summary

runner = CliRunner()

GOOD = ["sin(3x)", "(2x+1)^3", "e^(4x)", "ln(x^2+1)", "sqrt(5x+2)", "cos(x^2)"]
KINDS = {
    "sin(3x)": "trig",
    "(2x+1)^3": "power",
    "e^(4x)": "exponential",
    "ln(x^2+1)": "log",
    "sqrt(5x+2)": "root",
    "cos(x^2)": "trig",
}


def _bank(rows: list[tuple[str, str]]) -> str:
    """A bank file, one flow-style problem a line (line n + 1 holds problem n)."""
    lines = ["problems:"]
    for pid, expression in rows:
        kind = KINDS.get(expression, "trig")
        lines.append(f"  - {{id: {pid}, type: {kind}, expression: '{expression}'}}")
    return "\n".join(lines) + "\n"


def _write(folder: Path, name: str, rows: list[tuple[str, str]]) -> Path:
    path = folder / name
    path.write_text(_bank(rows), "utf-8")
    return path


def test_many_copies_of_one_id_count_one_valid_and_each_copy_as_an_error(tmp_path: Path) -> None:
    """Five copies of one id: 1 of 5 valid, four duplicate errors, each on its own line."""
    path = _write(tmp_path, "dup.yaml", [("a", "sin(3x)")] * 5)
    report = validate_bank(load([path]))
    assert [p.id for p in report.valid] == ["a"]
    assert (report.problems, report.with_issues, report.unchecked) == (5, 4, 0)
    assert [(i.line, i.problem_id) for i in report.issues] == [(n, "a") for n in (3, 4, 5, 6)]
    assert all(i.message == f"duplicate id: already used at {path}:2" for i in report.issues)
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 1
    assert "1 of 5 problems valid; 4 with issues. Fix them and validate again." in " ".join(
        result.stdout.split()
    )
    assert result.stderr.count("duplicate id") == 4


def test_issues_are_listed_in_file_and_line_order(tmp_path: Path) -> None:
    """Schema errors, failed checks and duplicates interleave by file (as given) and line."""
    second = tmp_path / "b.yaml"
    second.write_text(
        "problems:\n"
        "  - {id: x1, type: log, expression: 'sin(3x)'}\n"  # 2: type does not fit
        "  - {id: x2, type: trig}\n"  # 3: missing expression
        "  - {id: x1, type: trig, expression: 'sin(3x)'}\n"  # 4: repeated id
        "  - {id: x4, type: power, expression: '(2x+1'}\n",  # 5: does not parse
        "utf-8",
    )
    first = _write(tmp_path, "a.yaml", [("y1", "sin(3x)"), ("x4", "cos(x^2)"), ("y3", "sin(x)")])
    report = validate_bank(load([second, first]))
    located = [(Path(i.path).name, i.line) for i in report.issues]
    assert located == [
        ("b.yaml", 2),
        ("b.yaml", 3),
        ("b.yaml", 4),
        ("b.yaml", 5),
        ("a.yaml", 3),
        ("a.yaml", 4),
    ]
    result = runner.invoke(app, ["bank", "validate", str(second), str(first)])
    printed = [line.split(":")[:2] for line in result.stderr.splitlines()]
    assert [(Path(f).name, int(n)) for f, n in printed] == located


def test_issue_order_puts_folder_notes_first_and_keeps_one_line_in_order() -> None:
    """A note about a skipped file comes first; two issues on one line keep their order."""
    files = [Path("b.yaml"), Path("a.yaml")]
    issues = [
        Issue("a.yaml", 3, "p", "second"),
        Issue("b.yaml", 9, "q", "first on 9"),
        Issue("b.yaml", 9, "q", "second on 9"),
        Issue("pipe.yaml", None, None, "a named pipe (FIFO), not a bank file: skipped"),
        Issue("b.yaml", None, None, "unknown top-level key"),
    ]
    assert [i.message for i in in_file_order(issues, files)] == [
        "a named pipe (FIFO), not a bank file: skipped",
        "unknown top-level key",
        "first on 9",
        "second on 9",
        "second",
    ]


def test_a_bank_not_fully_checked_says_so_and_exits_1(tmp_path: Path) -> None:
    """With a budget too short for the bank, the unchecked are counted and the way out named."""
    rows = [(f"p{n}", GOOD[n % len(GOOD)] if n % 7 else f"sin({n}x+1)") for n in range(90)]
    path = _write(tmp_path, "many.yaml", rows)
    result = runner.invoke(app, ["bank", "validate", str(path), "--no-cache", "--budget", "0.0001"])
    assert result.exit_code == 1
    said = " ".join(result.stdout.split())
    assert " not reached in 0.0001 s: run with a longer budget (--budget " in said
    assert "or split the bank." in said
    assert "problems are valid" not in said
    data = json.loads(
        runner.invoke(
            app, ["bank", "validate", str(path), "--no-cache", "--budget", "0.0001", "--json"]
        ).stdout
    )
    assert data["unchecked"] > 0 and data["complete"] is False
    assert data["valid"] + data["with_issues"] + data["unchecked"] == data["problems"] == 90


def test_a_problem_cut_short_by_the_budget_is_unchecked_not_too_slow() -> None:
    """Out of budget mid-check: not checked (None); out of its own limit: too slow."""
    problem = Problem("slow", "trig", "sin(7x^2+3x+11)", source="b.yaml:2")
    now = 100.0
    assert check_before(problem, now + 1e-4, cached=False, clock=lambda: now) is None
    assert check_before(problem, now, cached=False, clock=lambda: now) is None
    assert check_before(problem, now + 50, limit=1e-4, cached=False, clock=lambda: now) == [
        "Checking this problem took too long (the limit is 0.0001 s)"
    ]


def test_json_gives_the_counts_and_every_issue(tmp_path: Path) -> None:
    """--json: files, problems, valid, with_issues, unchecked, budget and the issues, located."""
    path = _write(tmp_path, "b.yaml", [("a", "sin(3x)"), ("b", "sin(x)"), ("a", "cos(x^2)")])
    result = runner.invoke(app, ["bank", "validate", str(path), "--json", "--budget", "60"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {k: data[k] for k in data if k != "issues"} == {
        "files": 1,
        "problems": 3,
        "valid": 1,
        "with_issues": 2,
        "unchecked": 0,
        "budget_seconds": 60.0,
        "complete": False,
    }
    assert [(i["line"], i["id"]) for i in data["issues"]] == [(3, "b"), (4, "a")]
    assert data["issues"][1]["message"].startswith("duplicate id: already used at ")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "0", "--budget must be more than 0 and at most 86400 seconds, not 0", id="zero"
        ),
        pytest.param(
            "-5", "--budget must be more than 0 and at most 86400 seconds, not -5", id="neg"
        ),
        pytest.param(
            "nan", "--budget must be more than 0 and at most 86400 seconds, not nan", id="nan"
        ),
        pytest.param(
            "1e9", "--budget must be more than 0 and at most 86400 seconds, not 1e+09", id="huge"
        ),
    ],
)
def test_a_budget_out_of_range_is_a_usage_error(tmp_path: Path, value: str, message: str) -> None:
    """A budget of zero, below it, not a number or beyond a day: one line, exit 2."""
    path = _write(tmp_path, "b.yaml", [("a", "sin(3x)")])
    result = runner.invoke(app, ["bank", "validate", str(path), "--budget", value])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[0] == f"error: {message}"
    assert "Traceback" not in result.stderr


def _report(problems: int, valid: int, unchecked: int = 0, files: int = 0) -> Report:
    issues = [Issue("b.yaml", None, None, "file trouble")] * files
    issues += [Issue("b.yaml", 2, "p", "wrong")] * (problems - valid - unchecked)
    report = Report(
        issues=issues,
        problems=problems,
        valid=[Problem(f"v{n}", "trig", "sin(3x)") for n in range(valid)],
        unchecked=unchecked,
        budget=30.0,
    )
    return report


@pytest.mark.parametrize(
    ("report", "said"),
    [
        pytest.param(_report(262, 262), "All 262 problems are valid.", id="all-valid"),
        pytest.param(_report(1, 1), "The 1 problem is valid.", id="one-valid"),
        pytest.param(
            _report(2, 1),
            "1 of 2 problems valid; 1 with an issue. Fix it and validate again.",
            id="one-issue-singular",
        ),
        pytest.param(
            _report(1, 0),
            "0 of 1 problem valid; 1 with an issue. Fix it and validate again.",
            id="one-problem-invalid",
        ),
        pytest.param(
            _report(5, 1),
            "1 of 5 problems valid; 4 with issues. Fix them and validate again.",
            id="many-issues",
        ),
        pytest.param(
            _report(1, 1, files=1),
            "The 1 problem is valid. 1 issue with the bank files themselves. "
            "Fix it and validate again.",
            id="a-file-issue",
        ),
        pytest.param(
            _report(0, 0, files=2),
            "No problem could be read. 2 issues with the bank files themselves. "
            "Fix them and validate again.",
            id="nothing-read",
        ),
        pytest.param(
            _report(81_935, 11_998, unchecked=69_935),
            "12,000 of 81,935 problems checked, 69,935 not reached in 30 s: run with a longer "
            "budget (--budget 260) or split the bank. Of those checked, 11,998 valid; 2 with "
            "issues. Fix them and validate again.",
            id="budget-ran-out",
        ),
        pytest.param(
            _report(100, 40, unchecked=60),
            "40 of 100 problems checked, 60 not reached in 30 s: run with a longer budget "
            "(--budget 100) or split the bank. Of those checked, 40 valid.",
            id="budget-ran-out-all-checked-valid",
        ),
    ],
)
def test_the_summary_counts_only_what_was_checked(report: Report, said: str) -> None:
    """Each kind of outcome in words: singular and plural, unchecked never passed as valid."""
    assert validation_summary(report) == said


@given(st.integers(1, 4000), st.integers(1, 100_000))
def test_the_suggested_budget_is_longer_than_the_one_used(checked: int, problems: int) -> None:
    """The budget suggested is always longer, and enough at the pace so far."""
    report = Report(
        problems=max(problems, checked + 1), unchecked=max(problems, checked + 1) - checked
    )
    seconds = suggested_budget(report)
    assert seconds > report.budget
    assert seconds >= report.budget / checked * report.problems


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from([*GOOD, "sin(x)"])),
        min_size=1,
        max_size=12,
    )
)
def test_counts_add_up_for_any_mix_of_repeats(rows: list[tuple[str, str]]) -> None:
    """Any bank: valid + with issues = problems written; the valid are the first use of each
    id whose problem checks out; every repeat is one issue on its own line, in line order."""
    with tempfile.TemporaryDirectory() as folder:
        report = validate_bank(load([_write(Path(folder), "r.yaml", rows)]))
    assert len(report.valid) + report.with_issues == report.problems == len(rows)
    first: dict[str, str] = {}
    for pid, expression in rows:
        first.setdefault(pid, expression)
    assert [p.id for p in report.valid] == [pid for pid, e in first.items() if e != "sin(x)"]
    lines = [i.line or 0 for i in report.issues]
    assert lines == sorted(lines)
    repeats = [i for i in report.issues if i.message.startswith("duplicate id")]
    assert len(repeats) == len(rows) - len(first)
