"""Worksheets and Anki decks choose problems as the quiz does, and never export a broken one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.cli import app
from chainrule_cli.practice.deck import choose, trouble
from chainrule_cli.takeaway.worked import build
from chainrule_cli.takeaway.worksheet import render

runner = CliRunner()
BANK = Path(__file__).parent / "golden" / "worksheet.bank.yaml"

MIXED_BANK = """\
problems:
- id: good-1
  type: trig
  expression: sin(x^2)
  difficulty: 1
- id: no-chain
  type: power
  expression: x^2
  difficulty: 1
- id: good-2
  type: power
  expression: (3x+1)^4
  difficulty: 1
- id: outside-domain
  type: log
  expression: ln(x^2 - 1)
  at: 0
  difficulty: 1
"""


@pytest.fixture
def mixed_bank(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED_BANK, encoding="utf-8")
    return path


def test_a_seed_chooses_the_same_problems_whatever_the_progress() -> None:
    """With a seed, the learner's type weights do not change which problems come, or their order."""
    bank = load([BANK])
    plain = [p.id for p in choose(bank, count=4, seed=3).problems]
    weighted = [
        p.id for p in choose(bank, count=4, seed=3, weights=dict.fromkeys("x", 9.0)).problems
    ]
    assert plain == weighted
    assert len(plain) == 4


def test_the_worksheet_is_the_shared_selection_worked_out() -> None:
    """A seeded worksheet is exactly the problems ``deck.choose`` picks for the quiz, in that order."""
    result = runner.invoke(
        app, ["worksheet", "--bank", str(BANK), "--seed", "3", "--count", "4", "--format", "tex"]
    )
    assert result.exit_code == 0, result.output
    chosen = list(choose(load([BANK]), count=4, seed=3).problems)
    assert len(chosen) == 4
    assert result.stdout == render([build(p) for p in chosen], "tex", seed=3)


@pytest.mark.parametrize("command", ["worksheet", "anki"])
def test_problems_that_fail_validation_are_left_out_and_named(
    command: str, mixed_bank: Path, tmp_path: Path
) -> None:
    """A problem that fails validation is never exported; stderr names it and why, one line each."""
    args = [command]
    if command == "anki":
        args.append(str(tmp_path / "d.apkg"))
    result = runner.invoke(app, [*args, "--bank", str(mixed_bank), "--seed", "1"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "left out" in line]
    assert sorted(re.findall(r"left out (\S+):", "\n".join(lines))) == [
        "no-chain",
        "outside-domain",
    ]
    assert all(len(line.split(": ", 2)) == 3 for line in lines)  # note: left out ID: why
    if command == "worksheet":
        assert "2 problems" in result.stdout
        assert r"\sin(x^{2})" in result.stdout
        assert "(3x+1)^{4}" in result.stdout


@pytest.mark.parametrize(
    ("problem_id", "broken"),
    [
        pytest.param("good-1", False, id="chain-rule-problem"),
        pytest.param("no-chain", True, id="needs-no-chain-rule"),
        pytest.param("outside-domain", True, id="point-outside-domain"),
    ],
)
def test_trouble_is_the_quiz_validation(problem_id: str, broken: bool, mixed_bank: Path) -> None:
    """``deck.trouble`` (what the quiz and the exports check) gives a reason exactly for a broken problem."""
    problem = next(p for p in load([mixed_bank]).problems if p.id == problem_id)
    assert (trouble(problem) is not None) is broken


@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        pytest.param("99999999999999999999999", "at most 253402300799", id="beyond-sqlite"),
        pytest.param("253402300800", "at most 253402300799", id="after-year-9999"),
        pytest.param("-1", "must not be negative", id="negative"),
        pytest.param("1e9", "whole seconds since 1970", id="not-whole"),
        pytest.param("٣", "whole seconds since 1970", id="arabic-digit"),
    ],
)
def test_source_date_epoch_out_of_range_is_a_usage_error(
    epoch: str, message: str, tmp_path: Path
) -> None:
    """A SOURCE_DATE_EPOCH Anki and SQLite cannot hold is one line on stderr and exit 2."""
    result = runner.invoke(
        app,
        ["anki", str(tmp_path / "d.apkg"), "--bank", str(BANK), "--count", "1"],
        env={"SOURCE_DATE_EPOCH": epoch},
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "d.apkg").exists()


def test_the_latest_epoch_is_written(tmp_path: Path) -> None:
    """The last second of the year 9999 is still a deck's time."""
    result = runner.invoke(
        app,
        ["anki", str(tmp_path / "d.apkg"), "--bank", str(BANK), "--count", "1"],
        env={"SOURCE_DATE_EPOCH": "253402300799"},
    )
    assert result.exit_code == 0, result.output
