"""The shipped bank is valid, broken banks get located messages, and installs find it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import Bank, Problem, load, shipped_bank
from chainrule_cli.bank.problem import MAX_BANK_BYTES, clip, counts, dump
from chainrule_cli.bank.validate import validate, validate_bank
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
        "multivariable",
        "implicit",
        "backprop",
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
    assert "The 1 problem is valid." in ok.stdout
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
    """A plain (non-editable) install carries problems/ inside the package, with its proofs
    (proven.json), and honours them: the installed code is the code that made them."""
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
    code = (
        "from chainrule_cli.bank.load import shipped_bank, load\n"
        "from chainrule_cli.bank.valcache import key, shipped_proofs\n"
        "problems = load().problems\n"
        "print(shipped_bank(), len(problems))\n"
        "print(len(shipped_proofs()), len({key(p) for p in problems}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    where, count, proofs, keys = proc.stdout.split()
    assert Path(where).is_relative_to(target)
    assert int(count) == len(SHIPPED.problems)
    assert (Path(where) / "proven.json").is_file()
    assert int(proofs) == int(keys) > 0


def test_shipped_bank_is_found_from_the_checkout() -> None:
    assert (shipped_bank() / "trig.yaml").is_file()


# -- hostile and careless banks: every failure located, bounded and in words ---------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(2x+1'\n",
            "bank.yaml:2: t-1: cannot read the expression '(2x+1'",
            id="unclosed-parenthesis",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n    id: t-2\n",
            "bank.yaml:5: t-2: duplicate key 'id': each key may appear once",
            id="duplicate-key",
        ),
        pytest.param(
            "problems: []\nproblems: []\n",
            "bank.yaml:2: duplicate key 'problems'",
            id="duplicate-top-level-key",
        ),
        pytest.param(
            "base: &b {type: trig, expression: 'sin(3x)'}\nproblems:\n  - {id: t-1, <<: *b}\n",
            "bank.yaml:1: YAML anchors and aliases (&name, *name) are not allowed in a bank",
            id="anchor-and-merge-key",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: 1e15\n",
            "bank.yaml:2: t-1: 'at' is too large: 1000000000000000.0 lies outside -1,000,000 to 1,000,000",
            id="at-yaml-exponent-too-large",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: '10^15'\n",
            "bank.yaml:2: t-1: 'at: 10^15' is too large: it lies outside -1,000,000 to 1,000,000",
            id="at-text-too-large",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: .inf\n",
            "bank.yaml:2: t-1: 'at' must be a finite number, not inf",
            id="at-infinite",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: "
            + "9" * 5000
            + "\n",
            "bank.yaml:2: t-1: 'at' is too long (5000 characters; at most 100)",
            id="at-5000-digits",
        ),
        pytest.param(
            "problems:\n  - id: a-1\n    type: applied\n    question: 'How fast?'\n"
            "    expression: '4/3 pi r^3'\n    variable: r\n    at: 5\n    rate: 2e7\n",
            "bank.yaml:2: a-1: 'rate' is too large: 20000000.0 lies outside",
            id="rate-too-large",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: {a: 1}\n",
            "bank.yaml:2: t-1: 'at' must be a number, not {'a': 1}",
            id="at-mapping-without-internal-keys",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: power\n    expression: '(x+1)^2'\n    at: 2001-12-14\n",
            "bank.yaml:2: t-1: 'at' must be a number, not datetime.date(2001, 12, 14)",
            id="at-a-date",
        ),
        pytest.param(
            "problems: " + "[" * 40 + "]" * 40 + "\n",
            "bank.yaml:1: nested too deeply (more than 16 levels)",
            id="deep-nesting",
        ),
        pytest.param("problems: []\n", "bank.yaml:1: 'problems' is empty", id="no-problems"),
        pytest.param(
            "problems:\n  - id: \"a\\tb\"\n    type: trig\n    expression: 'sin(3x)'\n",
            "bank.yaml:2: a\tb: 'id' must not contain control characters",
            id="id-with-control-character",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n"
            '    note: "Mind\\e]0;pwned\\a the inner."\n',
            "bank.yaml:2: t-1: 'note' must not contain control characters such as escape "
            "sequences (found '\\x1b' at character 5)",
            id="note-with-escape-sequence",
        ),
        pytest.param(
            "problems:\n  - id: a-1\n    type: applied\n    question: 'How fast?'\n"
            "    expression: '4/3 pi r^3'\n    variable: r\n    at: 5\n    rate: 2\n"
            '    chain: ["V\\e[31m", r, t]\n',
            "bank.yaml:2: a-1: 'chain' names must not contain control characters",
            id="chain-with-escape-sequence",
        ),
        pytest.param(
            "problems:\n  - id: t-1\n    type: trig\n    expression: 'sin(3x)'\n    __line__: 9\n",
            "bank.yaml:2: t-1: unknown key '__line__'",
            id="internal-key-name-is-just-unknown",
        ),
        pytest.param(
            "problems:\n  - \x00\n",
            "bank.yaml: not valid YAML: control characters are not allowed",
            id="nul-byte",
        ),
    ],
)
def test_hostile_banks_get_located_bounded_messages(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Each hostile or careless bank names the file, line and id, in a short message."""
    path = _write(tmp_path, text)
    issues = [str(i).replace(str(tmp_path) + os.sep, "") for i in validate(load([path]))]
    assert any(issue.startswith(expected) for issue in issues), issues
    assert all(len(issue) < 300 for issue in issues)
    assert "__line__" in text or not any("__line__" in issue for issue in issues)


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    """A billion-laughs bank of a few hundred bytes is refused at once, its first alias named."""
    lines = ["a0: &a0 ['lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol', 'lol']"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = _write(tmp_path, "\n".join([*lines, "problems:", "  - id: *a9"]) + "\n")
    issues = validate(load([path]))
    assert [(i.line, i.message.split(":")[0]) for i in issues] == [
        (1, "YAML anchors and aliases (&name, *name) are not allowed in a bank")
    ]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param("1e3", "1000", id="exponent-without-dot"),
        pytest.param("2.5e-1", "0.25", id="negative-exponent"),
        pytest.param("-1.5E+2", "-150", id="signed"),
        pytest.param("0.5", "0.5", id="decimal"),
        pytest.param("3", "3", id="integer"),
        pytest.param("1_000", "1000", id="underscores"),
        pytest.param("2001-13-45", "2001-13-45", id="not-a-date-stays-text"),
        pytest.param("'pi/4'", "pi/4", id="text-for-the-math-parser"),
    ],
)
def test_points_are_read_as_yaml_types_them(tmp_path: Path, typed: str, read: str) -> None:
    """A YAML number becomes plain decimal text the math parser reads (never 1e+15 or 15e)."""
    path = _write(
        tmp_path, f"problems:\n  - {{id: t, type: power, expression: '(x+1)^2', at: {typed}}}\n"
    )
    bank = load([path])
    assert bank.issues == []
    assert bank.problems[0].at == read


def test_validate_reports_every_failing_problem(tmp_path: Path) -> None:
    """Parse failure, type mismatch, point outside the domain and duplicate id: all four, located."""
    path = _write(
        tmp_path,
        "problems:\n"
        "  - {id: ok, type: trig, expression: 'sin(3x)'}\n"
        "  - {id: paren, type: power, expression: '(2x+1'}\n"
        "  - {id: kind, type: log, expression: 'sin(5x)'}\n"
        "  - {id: domain, type: log, expression: 'ln(2x)', at: -1}\n"
        "  - {id: ok, type: trig, expression: 'cos(3x)'}\n",
    )
    issues = validate(load([path]))
    located = sorted((i.line, i.problem_id) for i in issues)
    assert located == [(3, "paren"), (4, "kind"), (5, "domain"), (6, "ok")]
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 1
    assert all(f"bank.yaml:{n}: " in result.stderr for n in (3, 4, 5, 6))


def test_a_problem_out_of_time_is_reported_as_such(tmp_path: Path) -> None:
    """A problem that exceeds its own limit is reported as too slow, never passed."""
    bank = Bank(problems=[Problem("slow", "trig", "sin(7x^2+3x+11)", source="b.yaml:2")])
    issues = validate(bank, limit=1e-4)
    assert [i.message for i in issues] == [
        "Checking this problem took too long (the limit is 0.0001 s)"
    ]


def test_validation_budget_stops_and_says_how_many_were_not_checked() -> None:
    """When the whole-bank budget runs out, the rest are counted as not checked, never valid."""
    now = [0.0]

    def clock() -> float:
        now[0] += 4.0
        return now[0]

    problems = [Problem(f"p{n}", "trig", "sin(3x)", source=f"b.yaml:{n}") for n in range(5)]
    report = validate_bank(Bank(problems=problems), budget=10.0, clock=clock)
    assert [p.id for p in report.valid] == ["p0", "p1"]
    assert (report.problems, report.checked, report.unchecked) == (5, 2, 3)
    assert report.issues == [] and not report.complete
    issues = validate(Bank(problems=problems), budget=10.0, clock=clock)
    assert [(i.path, i.line, i.problem_id) for i in issues] == [("b.yaml", 2, None)]
    assert issues[0].message.startswith(
        "not checked: validation stopped after its 10 s budget, with 3 problems"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("x" * 10_000, "'" + "x" * 38 + "…", id="long-text"),
        pytest.param(10**5000, "<a number of about 5000 digits>", id="huge-int"),
        pytest.param([[[["deep"]]]], "[[[[…]]]]", id="deep-list"),
        pytest.param(
            list(range(10_000)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …", id="long-list"
        ),
        pytest.param("\x1b]0;t\x07", "'\\x1b]0;t\\x07'", id="escapes-shown"),
    ],
)
def test_clip_bounds_any_value(value: object, expected: str) -> None:
    """Values quoted in messages are short, whatever their size."""
    shown = clip(value)
    assert len(shown) <= 40
    assert shown.startswith(expected.rstrip("…")[:30])


def test_empty_folder_is_an_invalid_bank(tmp_path: Path) -> None:
    """bank validate and bank list on a folder without bank files exit 1 and say why."""
    for args in (["bank", "validate", str(tmp_path)], ["bank", "list", "--bank", str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert "no bank files (.yaml or .yml) in this folder" in result.stderr


def test_list_of_an_invalid_bank_exits_1_with_the_reason(tmp_path: Path) -> None:
    """bank list shows what loads, names what does not, and exits 1."""
    path = _write(tmp_path, GOOD + "  - id: t-2\n    type: trigonometry\n    expression: 'x'\n")
    result = runner.invoke(app, ["bank", "list", "--bank", str(path), "--json"])
    assert result.exit_code == 1
    assert [i["id"] for i in json.loads(result.stdout)] == ["t-1"]
    assert "bank.yaml:6: t-2: unknown type 'trigonometry'" in result.stderr
    broken = _write(tmp_path, "problems: [\n", "broken.yaml")
    result = runner.invoke(app, ["bank", "list", "--bank", str(broken)])
    assert result.exit_code == 1
    assert "broken.yaml:2: not valid YAML" in result.stderr


def test_bank_size_is_capped(tmp_path: Path) -> None:
    """A bank file over 5 MB is refused with its size, without being parsed."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_BANK_BYTES + 1)
    issues = load([path]).issues
    assert [i.message for i in issues] == ["too large (5.0 MB or more; a bank is at most 5 MB)"]


def test_quiz_skips_problems_that_fail_validation_in_one_line(tmp_path: Path) -> None:
    """The quiz never asks a failing problem; it names all the skipped ones in one line."""
    path = _write(
        tmp_path,
        "problems:\n"
        "  - {id: ok-1, type: trig, expression: 'sin(3x)'}\n"
        "  - {id: bad-paren, type: power, expression: '(2x+1'}\n"
        "  - {id: bad-type, type: log, expression: 'sin(5x)'}\n"
        "  - {id: bad-schema, type: trig}\n",
    )
    result = runner.invoke(
        app, ["quiz", "--bank", str(path), "--no-shuffle", "--count", "3"], input="s\ns\ns\n"
    )
    assert result.exit_code == 0, result.output
    assert "sin(3x)" in result.stdout
    assert "(2x + 1" not in result.stdout and "sin(5x)" not in result.stdout
    notes = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert any("bad-schema" in line for line in notes), result.stderr
    assert any("bad-paren, bad-type" in line for line in notes), result.stderr
