"""Generated problems: valid, distinct, of the requested kind, reproducible, loadable together."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank import check as checks
from chainrule_cli.bank import parallel, valcache
from chainrule_cli.bank.check import check_problem
from chainrule_cli.bank.load import Problem, load
from chainrule_cli.cli import app
from chainrule_cli.kinds import CHAIN_TYPES, GENERATED_TYPES
from chainrule_cli.maths.analysis import analyse, real_chains
from chainrule_cli.practice.generate import generate

runner = CliRunner()
COMBOS = [(kind, level) for kind in GENERATED_TYPES for level in (1, 2, 3)]


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "level"), COMBOS, ids=[f"{k}-{d}" for k, d in COMBOS])
def test_two_hundred_problems_validate(kind: str, level: int) -> None:
    """200 seeded problems: each validates, ≥ 95 % are distinct, type and difficulty as asked."""
    problems = generate(kind, level, 200, seed=2026)
    assert len(problems) == 200
    asked = {(p.question or p.expression, p.where, p.wrt, p.point) for p in problems}
    assert len(asked) >= 190
    assert all(p.type == kind and p.difficulty == level for p in problems)
    for problem in problems:  # checked afresh: the generator has just proven them (valcache)
        assert check_problem(problem, cached=False) == [], problem


@pytest.mark.parametrize("kind", CHAIN_TYPES)
def test_difficulty_three_has_nested_chains(kind: str) -> None:
    """At least a fifth of difficulty-3 problems are chains of three or more layers."""
    problems = generate(kind, 3, 40, seed=5)
    nested = [p for p in problems if len(real_chains(analyse(p.expression).tree)) >= 2]
    assert len(nested) >= len(problems) / 5


@pytest.mark.parametrize("kind", CHAIN_TYPES)
def test_difficulty_one_is_one_linear_layer(kind: str) -> None:
    for problem in generate(kind, 1, 20, seed=8):
        layers = real_chains(analyse(problem.expression).tree)
        assert len(layers) == 1, problem.expression
        inner = layers[0].g.expr
        degree = (
            inner.as_poly(layers[0].variable).degree()
            if inner.is_polynomial(layers[0].variable)
            else None
        )
        assert degree == (2 if kind == "quadratic-inside" else 1), problem.expression


def test_points_are_clean() -> None:
    """An `at` is a small, clean number, never a long decimal."""
    points = {
        p.at for kind in CHAIN_TYPES for p in generate(kind, 2, 30, seed=3) if p.at is not None
    }
    assert points and points <= {"0", "1", "-1", "2", "1/2"}


def test_same_seed_same_problems() -> None:
    assert generate("trig", 2, 15, seed=1) == generate("trig", 2, 15, seed=1)
    assert generate("trig", 2, 15, seed=1) != generate("trig", 2, 15, seed=2)


def test_generate_command_is_byte_for_byte_reproducible() -> None:
    args = ["generate", "--type", "trig", "--count", "6", "--difficulty", "3", "--seed", "7"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.count("- id: ") == 6


def test_generated_files_load_with_the_shipped_bank(tmp_path: Path) -> None:
    """Ids are unique across types, difficulties and seeds."""
    files = []
    for n, args in enumerate(
        (
            ["--type", "trig", "--count", "5", "--seed", "1"],
            ["--type", "trig", "--count", "5", "--seed", "2"],
            ["--type", "log", "--count", "5", "--seed", "1"],
        )
    ):
        path = tmp_path / f"g{n}.yaml"
        path.write_text(runner.invoke(app, ["generate", *args]).stdout, encoding="utf-8")
        files.append(path)
    from chainrule_cli.bank.load import shipped_bank

    bank = load([shipped_bank(), *files])
    assert bank.issues == []
    assert len(bank.problems) == len(load().problems) + 15
    result = runner.invoke(app, ["bank", "validate", *map(str, files)])
    assert result.exit_code == 0


def test_generated_bank_works_with_quiz(tmp_path: Path) -> None:
    path = tmp_path / "more.yaml"
    path.write_text(
        runner.invoke(app, ["generate", "--type", "root", "--count", "2", "--seed", "4"]).stdout
    )
    result = runner.invoke(app, ["quiz", "--bank", str(path), "--no-shuffle"], input="s\ns\n")
    assert result.exit_code == 0
    assert "Problem 2/2" in result.stdout


def test_unknown_type() -> None:
    result = runner.invoke(app, ["generate", "--type", "calculus"])
    assert result.exit_code == 2


def test_applied_problems_have_a_question_rate_and_unit() -> None:
    for problem in generate("applied", 2, 20, seed=6):
        assert problem.question and problem.rate is not None and problem.at is not None
        assert check_problem(problem, cached=False) == []


def test_many_problems_made_at_once_are_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over all cores (each type and difficulty on its own) the file is byte for byte the same."""
    args = ["generate", "--type", "trig", "--type", "log", "--count", "4", "--seed", "11"]
    monkeypatch.setattr(parallel, "MIN_PROBLEMS", 10**9)
    one_by_one = runner.invoke(app, args)
    monkeypatch.setattr(valcache, "shared", lambda: valcache.ValidationCache(None))
    monkeypatch.setattr(parallel, "MIN_PROBLEMS", 2)
    if not parallel.worth_it(8):
        pytest.skip("no pool here (one core, no fork, or another thread running)")
    at_once = runner.invoke(app, args)
    assert one_by_one.exit_code == at_once.exit_code == 0
    assert at_once.stdout == one_by_one.stdout
    assert at_once.stdout.count("- id: ") == 8


def test_a_generated_file_is_already_proven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What generate made, bank validate does not check again: it was proven as it was made."""
    path = tmp_path / "made.yaml"
    path.write_text(
        runner.invoke(app, ["generate", "--type", "root", "--count", "3", "--seed", "9"]).stdout,
        encoding="utf-8",
    )
    checked: list[Problem] = []
    real = checks._check_now

    def check_now(problem: Problem, limit: float = checks.CHECK_LIMIT) -> list[str]:
        checked.append(problem)
        return real(problem, limit)

    monkeypatch.setattr(checks, "_check_now", check_now)
    valcache._shared = None  # as in a new process: only the file in CHAINRULE_HOME remembers
    result = runner.invoke(app, ["bank", "validate", str(path)])
    assert result.exit_code == 0
    assert checked == []
