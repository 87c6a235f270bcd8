"""``review`` never asks again what was just answered, titles its summary, and says what is due."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.cli import app
from chainrule_cli.practice.review import FRESH, due, review_deck
from chainrule_cli.progress.store import Attempt, Store

runner = CliRunner()
NOW = datetime.now(UTC)

ONE_TRIG = """\
problems:
- id: only-trig
  type: trig
  expression: sin(3x)
  difficulty: 1
"""


def attempt(
    pid: str, when: datetime, expression: str = "sin(2x)", correct: bool = False, kind: str = "trig"
) -> Attempt:
    """One try at a difficulty-1 problem, answered at ``when``."""
    return Attempt(
        answered_at=when.isoformat(),
        problem_id=pid,
        expression=expression,
        type=kind,
        difficulty=1,
        answer="2cos(2x)" if correct else "cos(2x)",
        correct=correct,
        outcome="correct" if correct else "revealed",
        mistake=None if correct else "forgot_inner_derivative",
        hints=0,
        tries=1,
        seconds=20.0,
    )


def record(store: Store, entry: Attempt) -> None:
    """Record ``entry`` with its skill's review scheduled a month earlier, so it is due now."""
    store.record(entry, now=NOW - timedelta(days=30))


@pytest.mark.parametrize(
    ("ago", "asked_again"),
    [
        pytest.param(timedelta(minutes=5), False, id="minutes-ago"),
        pytest.param(FRESH - timedelta(minutes=1), False, id="within-the-hour"),
        pytest.param(timedelta(hours=3), True, id="hours-ago"),
        pytest.param(timedelta(days=3), True, id="days-ago"),
    ],
)
def test_a_problem_just_answered_is_not_asked_again(
    ago: timedelta, asked_again: bool, tmp_path: Path
) -> None:
    """A problem missed in the last hour gives way to another of its skill; an older miss comes first."""
    when = NOW - ago
    with Store.open(tmp_path) as store:
        record(store, attempt("trig-002", when))
        deck = review_deck(store, load(), 5, seed=1, now=NOW)
    assert deck, "the skill is due, so the review has problems"
    ids = [p.id for p in deck]
    assert ("trig-002" in ids) is asked_again
    if asked_again:
        assert ids[0] == "trig-002"
    assert {(p.type, p.difficulty) for p in deck} == {("trig", 1)}


def test_the_same_expression_under_another_id_is_not_asked(tmp_path: Path) -> None:
    """A generated problem just answered (its id differs from the bank's) is matched by its expression."""
    bank = load()
    target = next(p for p in bank.problems if p.type == "trig" and p.difficulty == 1)
    with Store.open(tmp_path) as store:
        record(store, attempt("gen-trig-1-abc", NOW, target.expression))
        deck = review_deck(store, bank, 40, seed=2, now=NOW)
    assert deck
    assert all("".join(p.expression.split()) != "".join(target.expression.split()) for p in deck)


def test_a_generated_problem_stands_in_when_the_bank_has_no_other(tmp_path: Path) -> None:
    """With the skill's only bank problem just answered, the review asks a generated one of that skill."""
    path = tmp_path / "one.yaml"
    path.write_text(ONE_TRIG, encoding="utf-8")
    bank = load([path])
    with Store.open(tmp_path) as store:
        record(store, attempt("only-trig", NOW, "sin(3x)"))
        deck = review_deck(store, bank, 1, seed=3, now=NOW)
    assert len(deck) == 1
    assert deck[0].generated and deck[0].type == "trig" and deck[0].difficulty == 1
    assert deck[0].id != "only-trig"


def test_due_counts_skills_due_now_and_the_next_one(tmp_path: Path) -> None:
    """``due`` says how many skills are due now, and when the next one after them falls due."""
    with Store.open(tmp_path) as store:
        assert due(store) == due(store, NOW)
        assert due(store).now == 0 and due(store).next is None
        store.record(attempt("trig-002", NOW - timedelta(days=2)), now=NOW - timedelta(days=2))
        store.record(attempt("log-001", NOW, "ln(2x)", correct=True, kind="log"), now=NOW)
        schedule = due(store, NOW)
    assert schedule.now == 1
    assert schedule.next is not None and schedule.next > NOW


def test_stats_json_says_what_is_due(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``stats --json`` keeps its fields and adds due_now and next_due (ISO time or null)."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    empty = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert empty["due_now"] == 0 and empty["next_due"] is None
    past = NOW - timedelta(days=2)
    with Store.open() as store:
        store.record(attempt("trig-002", past), now=past)
    data = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert data["due_now"] == 1
    assert data["next_due"] is None
    assert {"attempts", "by_type"} <= set(data)


def test_review_screen_says_what_is_due_and_titles_its_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review screen says how many skills are due, and its summary is "Your review"
    (a review of one problem ends with one line, as practise does)."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    past = NOW - timedelta(days=2)
    with Store.open() as store:
        store.record(attempt("trig-002", past), now=past)
        store.record(attempt("log-002", past, "ln(2x+1)", kind="log"), now=past)
    result = runner.invoke(app, ["review", "--count", "2", "--seed", "1"], input="s\ns\n")
    assert result.exit_code == 0, result.output
    assert "2 skills due now" in result.stdout
    assert "Your review" in result.stdout and "Your quiz" not in result.stdout
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "one"))
    with Store.open() as store:
        store.record(attempt("trig-002", past), now=past)
    one = runner.invoke(app, ["review", "--count", "1", "--seed", "1"], input="s\n")
    assert one.exit_code == 0, one.output
    assert one.stdout.endswith("\nskipped: 0 / 1\n") and "Your review" not in one.stdout
