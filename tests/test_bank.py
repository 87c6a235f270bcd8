"""The shipped bank is valid, broken banks get located messages, and installs find it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank import Problem, check_problem, counts, dump, load, shipped_bank, validate
from chainrule_cli.cli import app

runner = CliRunner()
SHIPPED = load()
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("problem", SHIPPED.problems, ids=[p.id for p in SHIPPED.problems])
def test_every_shipped_problem_is_valid(problem: Problem) -> None:
    """Parses, agrees with sympy.diff, has the right type, and its point is in the domain."""
    assert check_problem(problem) == []


def test_shipped_bank_has_no_schema_issues() -> None:
    assert SHIPPED.issues == []


def test_shipped_bank_size_and_spread() -> None:
    """At least 40 problems of each type, spread over the three difficulties."""
    table = counts(SHIPPED.problems)
    assert set(table) == {
        "power",
        "exponential",
        "trig",
        "root",
        "log",
        "quadratic-inside",
        "applied",
    }
    for kind, by_level in table.items():
        if kind == "applied":
            assert sum(by_level.values()) >= 10
            continue
        assert sum(by_level.values()) >= 40, kind
        assert all(by_level[d] >= 10 for d in (1, 2, 3)), kind


@pytest.mark.parametrize(
    ("expression", "at"),
    [("(2x+1)^2", "1"), ("e^(3x)", "0"), ("sin(2x)", "0"), ("ln(x^2+1)", "0")],
)
def test_chapter_examples_are_in_the_bank(expression: str, at: str) -> None:
    assert any(p.expression == expression and p.at == at for p in SHIPPED.problems)


def _write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """problems:
  - id: t-1
    type: trig
    expression: "sin(3x^2+1)"
    difficulty: 2
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n    difficuly: 2\n",
            "bank.yaml:2: t-1: unknown key 'difficuly' (did you mean 'difficulty'?)",
            id="unknown-key",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n",
            "bank.yaml:2: t-1: missing key 'expression'",
            id="missing-key",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n    difficulty: hard\n",
            "bank.yaml:2: t-1: 'difficulty' must be 1, 2 or 3, not 'hard'",
            id="wrong-type-difficulty",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n    difficulty: 4\n",
            "bank.yaml:2: t-1: 'difficulty' must be 1, 2 or 3, not 4",
            id="difficulty-out-of-range",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 5\n",
            "bank.yaml:2: t-1: 'expression' must be text",
            id="expression-not-text",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trigonometry\n    expression: 'sin(3x)'\n",
            "bank.yaml:2: t-1: unknown type 'trigonometry'",
            id="unknown-type",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3y)'\n",
            "bank.yaml:2: t-1: cannot read the expression 'sin(3y)': unknown name 'y': the variable is x (at column 6)",
            id="unparseable",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: log\n    expression: 'sin(3x)'\n",
            "bank.yaml:2: t-1: type 'log' does not match 'sin(3x)', which is trig",
            id="type-mismatch",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: log\n    expression: 'ln(2x)'\n    at: -1\n",
            "bank.yaml:2: t-1: 'at: -1' is outside the domain of the function",
            id="at-outside-domain",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(x)'\n",
            "bank.yaml:2: t-1: 'sin(x)' needs no chain rule",
            id="no-chain",
        ),
        pytest.param(
            GOOD + "  - id: t-1\n    type: trig\n    expression: 'cos(2x)'\n",
            "bank.yaml:6: t-1: duplicate id: already used at",
            id="duplicate-id",
        ),
        pytest.param("problems: [\n", "bank.yaml:", id="bad-yaml"),
        pytest.param("", "bank.yaml: the file is empty", id="empty-file"),
        pytest.param(
            "- 1\n- 2\n", "bank.yaml:1: expected a top-level 'problems:' key", id="no-problems-key"
        ),
        pytest.param(
            "problems:\n  - !!python/object/apply:os.system ['true']\n",
            "bank.yaml:",
            id="unsafe-tag-refused",
        ),
    ],
)
def test_broken_banks_get_located_messages(tmp_path: Path, text: str, expected: str) -> None:
    """Each broken bank names the file, the line and the problem id."""
    path = _write(tmp_path, text)
    issues = [str(i).replace(str(tmp_path) + os.sep, "") for i in validate(load([path]))]
    assert any(issue.startswith(expected) for issue in issues), issues


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    good = _write(tmp_path, GOOD, "good.yaml")
    bad = _write(
        tmp_path, "problems:\n  - id: b\n    type: log\n    expression: 'sin(3x)'\n", "bad.yaml"
    )
    ok = runner.invoke(app, ["bank", "validate", str(good)])
    assert ok.exit_code == 0
    assert "All 1 problems are valid." in ok.stdout
    broken = runner.invoke(app, ["bank", "validate", str(bad)])
    assert broken.exit_code == 1
    assert "type 'log' does not match" in broken.stderr


def test_validate_shipped_bank_command() -> None:
    result = runner.invoke(app, ["bank", "validate"])
    assert result.exit_code == 0
    assert f"All {len(SHIPPED.problems)} problems are valid." in result.stdout


def test_list_json_fields() -> None:
    result = runner.invoke(app, ["bank", "list", "--type", "log", "--difficulty", "1", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert items and all(i["type"] == "log" and i["difficulty"] == 1 for i in items)
    assert {"id", "type", "difficulty", "expression", "at"} <= set(items[0])


def test_list_with_own_bank(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    result = runner.invoke(app, ["bank", "list", "--bank", str(path), "--json"])
    assert [i["id"] for i in json.loads(result.stdout)] == ["t-1"]


def test_unknown_type_is_a_usage_error() -> None:
    result = runner.invoke(app, ["bank", "list", "--type", "trigonometry"])
    assert result.exit_code == 2
    assert "unknown type 'trigonometry'" in result.stderr


def test_dump_round_trips(tmp_path: Path) -> None:
    """A bank written by dump loads back to the same problems."""
    path = _write(tmp_path, dump(SHIPPED.problems[:10]))
    assert load([path]).problems == SHIPPED.problems[:10]


def test_missing_bank_path_is_an_error() -> None:
    result = runner.invoke(app, ["bank", "list", "--bank", "/nonexistent/bank.yaml"])
    assert result.exit_code == 2
    assert "no such bank file or folder" in result.stderr


@pytest.mark.slow
def test_non_editable_install_finds_the_bank(tmp_path: Path) -> None:
    """A plain (non-editable) install carries problems/ inside the package."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    code = "from chainrule_cli.bank import shipped_bank, load; print(shipped_bank()); print(len(load().problems))"
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    where, count = proc.stdout.split()
    assert Path(where).is_relative_to(target)
    assert int(count) == len(SHIPPED.problems)


def test_shipped_bank_is_found_from_the_checkout() -> None:
    assert (shipped_bank() / "trig.yaml").is_file()
