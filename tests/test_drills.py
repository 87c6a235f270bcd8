"""Drills aimed at your own mistakes: stats by mistake, ``quiz --missed``, ``quiz --mistake``, review mixing."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import Problem, load
from chainrule_cli.cli import app
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.checking import mistakes
from chainrule_cli.practice.deck import build_deck
from chainrule_cli.practice.drills import RATIO_CODE, codes, invites, replay, slips
from chainrule_cli.practice.review import review_deck
from chainrule_cli.progress.stats import MISTAKE_WINDOW, by_mistake, summary
from chainrule_cli.progress.store import Attempt, Store, skill_of

runner = CliRunner()

BANK = """problems:
  - id: d-power
    type: power
    expression: "(3x+1)^2"
  - id: d-trig
    type: trig
    expression: "sin(x^2)"
  - id: d-log
    type: log
    expression: "ln(x)"
  - id: d-exp
    type: exponential
    expression: "e^(5x)"
    difficulty: 2
"""


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "drills.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


def attempt(
    pid: str,
    expression: str = "sin(x^2)",
    kind: str = "trig",
    outcome: str = "missed",
    mistake: str | None = None,
    minutes_ago: float = 0,
    difficulty: int = 1,
) -> Attempt:
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return Attempt(
        answered_at=when.isoformat(),
        problem_id=pid,
        expression=expression,
        type=kind,
        difficulty=difficulty,
        answer="",
        correct=outcome == "correct",
        outcome=outcome,
        mistake=mistake,
    )


def problem(expression: str, at: str | None = None) -> Problem:
    return Problem("p", "trig", expression, 1, at)


# -- which problems invite which slip: from the rule tree -----------------------------------------
@pytest.mark.parametrize(
    ("expression", "at", "code", "invited"),
    [
        pytest.param("sin(3x)", None, "forgot_inner_derivative", True, id="inner-3"),
        pytest.param("sin(x)", None, "forgot_inner_derivative", False, id="inner-derivative-1"),
        pytest.param("e^(x^2)", None, "forgot_inner_derivative", True, id="inner-2x"),
        pytest.param("(3x+1)^2", None, "power_not_reduced", True, id="power-layer"),
        pytest.param("e^(x^2)", None, "power_not_reduced", False, id="no-power-layer"),
        pytest.param("ln(x)", None, "sign_error", True, id="sign-always"),
        pytest.param("sin(2x)", "0", "only_inner_derivative", False, id="same-value-at-point"),
        pytest.param("sin(2x)", "0", "forgot_inner_derivative", True, id="differs-at-point"),
        pytest.param("sin(3x)", None, RATIO_CODE, True, id="ratio-dropping-3"),
        pytest.param("e^(x^2)", None, RATIO_CODE, False, id="no-constant-ratio"),
        pytest.param("ln(x)", None, RATIO_CODE, False, id="no-chain"),
    ],
)
def test_invites(expression: str, at: str | None, code: str, invited: bool) -> None:
    """A problem invites a slip when that slip's derivative would be a different answer."""
    assert invites(problem(expression, at), code) is invited


def test_invites_comes_from_the_rule_tree() -> None:
    """Every slip a one-variable bank problem invites is one ``checking.mistakes`` builds for
    it (or the ratio); the graph types' slips come from their own engines."""
    for p in [p for p in load().problems if not p.graph][::7]:
        built = {m.code for m in mistakes(analyse(p.expression, p.variable))}
        assert slips(p) <= built | {RATIO_CODE}, p.id


def test_every_candidate_code_is_drillable_from_the_shipped_bank() -> None:
    """Each code the rule tree builds for the shipped one-variable bank picks at least one problem."""
    problems = [p for p in load().problems if not p.graph]
    built = {m.code for p in problems[::5] for m in mistakes(analyse(p.expression, p.variable))}
    for code in built:
        assert any(invites(p, code) for p in problems), code


def test_mistake_filter_in_the_deck() -> None:
    """``build_deck(keep=…)``: only problems inviting the slip, bank and filler alike."""
    deck = build_deck(
        load(),
        count=12,
        seed=4,
        keep=lambda p: invites(p, "power_not_reduced"),
    )
    chosen = list(deck.problems)
    assert chosen and all(invites(p, "power_not_reduced") for p in chosen)


# -- the CLI ---------------------------------------------------------------------------------------
def test_unknown_mistake_lists_the_codes() -> None:
    """An unknown code: exit 2, and every known code is listed."""
    result = runner.invoke(app, ["quiz", "--mistake", "forgot_everything"])
    assert result.exit_code == 2
    assert "unknown mistake 'forgot_everything'" in result.stderr
    for code in codes():
        assert code in result.stderr


def test_quiz_mistake_asks_only_problems_that_invite_it(bank: Path) -> None:
    """``--mistake forgot_inner_derivative``: sin(x²), (3x+1)² and e^(5x), never ln(x)."""
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--mistake", "forgot_inner_derivative", "--no-shuffle"],
        input="s\ns\ns\ns\n",
    )
    assert result.exit_code == 0
    asked = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("y =")]
    assert asked == ["y = (3x + 1)²", "y = sin(x²)", "y = e^(5x)"]


def test_quiz_mistake_with_nothing_to_ask(bank: Path) -> None:
    """No problem in the bank invites the slip: a clear error, exit 2."""
    result = runner.invoke(
        app, ["quiz", "--bank", str(bank), "--type", "log", "--mistake", "power_not_reduced"]
    )
    assert result.exit_code == 2
    assert "no problems here invite power_not_reduced" in result.stderr


def test_quiz_missed_replays_oldest_first(bank: Path) -> None:
    """Missed and revealed problems come back oldest first; ones answered right since do not."""
    with Store.open() as store:
        store.record(attempt("d-exp", "e^(5x)", "exponential", "revealed", minutes_ago=30))
        store.record(attempt("d-trig", "sin(x^2)", "trig", "missed", minutes_ago=50))
        store.record(attempt("d-log", "ln(x)", "log", "missed", minutes_ago=40))
        store.record(attempt("d-log", "ln(x)", "log", "correct", minutes_ago=20))
        store.record(attempt("gone", "cos(4x)", "trig", "skipped", minutes_ago=10))
        assert [p.id for p in replay(store, load([bank]))] == ["d-trig", "d-exp", "gone"]
    result = runner.invoke(app, ["quiz", "--bank", str(bank), "--missed"], input="s\ns\ns\n")
    assert result.exit_code == 0
    asked = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("y =")]
    assert asked == ["y = sin(x²)", "y = e^(5x)", "y = cos(4x)"]


def test_quiz_missed_with_nothing_missed(bank: Path) -> None:
    """Nothing to replay is good news: a line, exit 0."""
    result = runner.invoke(app, ["quiz", "--bank", str(bank), "--missed"])
    assert result.exit_code == 0
    assert "Nothing to replay" in result.stdout


def test_quiz_missed_with_filters(bank: Path) -> None:
    """--missed honours --type and --mistake."""
    with Store.open() as store:
        store.record(attempt("d-trig", "sin(x^2)", "trig", "missed", minutes_ago=5))
        store.record(attempt("d-power", "(3x+1)^2", "power", "missed", minutes_ago=4))
    result = runner.invoke(
        app,
        ["quiz", "--bank", str(bank), "--missed", "--mistake", "power_not_reduced"],
        input="s\n",
    )
    asked = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("y =")]
    assert asked == ["y = (3x + 1)²"]


# -- stats: your mistakes ------------------------------------------------------------------------
def test_by_mistake_counts_the_recent_window() -> None:
    """Counts per code over the latest answers only, most frequent first."""
    old = [attempt("o", mistake="sign_error")] * 5
    recent = [attempt("r", mistake="forgot_inner_derivative")] * 3 + [
        attempt("r", mistake="constant_factor")
    ]
    right = [attempt("ok", outcome="correct")] * (MISTAKE_WINDOW - 4)
    assert by_mistake(recent + right + old) == {"forgot_inner_derivative": 3, "constant_factor": 1}


def test_stats_shows_your_mistakes() -> None:
    """``stats`` has a "your mistakes" section and ``--json`` a ``by_mistake`` object."""
    with Store.open() as store:
        for code in ["forgot_inner_derivative"] * 2 + ["sign_error"]:
            store.record(attempt("x", mistake=code))
        data = summary(store)
    assert data["by_mistake"] == {"forgot_inner_derivative": 2, "sign_error": 1}
    result = runner.invoke(app, ["stats"])
    assert "Your mistakes in your last 3 answers" in result.stdout
    assert "2  forgot_inner_derivative" in result.stdout
    assert "chainrule quiz --mistake forgot_inner_derivative" in result.stdout
    as_json = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert as_json["by_mistake"] == {"forgot_inner_derivative": 2, "sign_error": 1}


# -- review mixes the skills that are due ----------------------------------------------------------
def _due(store: Store, skills: list[tuple[str, int]]) -> None:
    past = datetime.now(UTC) - timedelta(days=3)
    for kind, level in skills:
        a = attempt(f"{kind}-{level}", kind=kind, outcome="correct", difficulty=level)
        a.answered_at, a.hints = past.isoformat(), 1  # Hard: due again within minutes
        store.record(a, now=past)


@pytest.mark.parametrize(
    ("skills", "count", "most"),
    [
        pytest.param([("trig", 1), ("log", 1), ("power", 2)], 10, 4, id="three-due"),
        pytest.param([("trig", 1), ("log", 2)], 10, 5, id="two-due"),
        pytest.param([("trig", 2)], 6, 6, id="only-one-due"),
    ],
)
def test_review_draws_from_several_skills(
    skills: list[tuple[str, int]], count: int, most: int
) -> None:
    """No skill takes more than its share of a review unless it is the only one due."""
    with Store.open() as store:
        _due(store, skills)
        deck = review_deck(store, load(), count, seed=3)
    per_skill = Counter(skill_of(p.type, p.difficulty) for p in deck)
    assert set(per_skill) == {skill_of(k, d) for k, d in skills}
    assert max(per_skill.values()) <= most
    assert len(deck) == count
    assert max(per_skill.values()) - min(per_skill.values()) <= math.ceil(count / len(skills))


def test_review_still_puts_the_latest_miss_first() -> None:
    """Within the mix, the problem missed most recently comes first."""
    past = datetime.now(UTC) - timedelta(days=2)
    with Store.open() as store:
        _due(store, [("log", 1), ("power", 1)])
        a = attempt("trig-002", expression="sin(3x)", kind="trig")
        a.answered_at = past.isoformat()
        store.record(a, now=past)
        deck = review_deck(store, load(), 6, seed=1)
    assert deck[0].id == "trig-002"
    assert len({skill_of(p.type, p.difficulty) for p in deck}) == 3
