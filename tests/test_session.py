"""The quiz session: hint order, tries, scoring and reproducible decks, with no terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainrule_cli.bank import Bank, Problem, load
from chainrule_cli.deck import build_deck
from chainrule_cli.errors import InputError
from chainrule_cli.mathtext import show
from chainrule_cli.session import QuizSession


def problem(expression: str, kind: str = "trig", at: str | None = None, pid: str = "p") -> Problem:
    return Problem(pid, kind, expression, 1, at)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.5
        return self.now


def session(*problems: Problem, **kwargs: object) -> QuizSession:
    s = QuizSession(list(problems), len(problems), clock=Clock(), **kwargs)  # type: ignore[arg-type]
    assert s.next_problem() is not None
    return s


def test_single_chain_hint_order() -> None:
    """Identify, outer derivative, inner derivative, multiply, then the full solution."""
    s = session(problem("sin(x^2)"))
    kinds = []
    while (hint := s.hint()) is not None:
        kinds.append(hint.kind)
    assert kinds == ["identify", "outer", "inner", "multiply", "solution"]


def test_hint_content_for_a_single_chain() -> None:
    s = session(problem("(3x+1)^2", "power"))
    identify = s.hint()
    assert identify is not None and identify.step is not None
    assert show(identify.step.inner, ordered=False) == "3x + 1"  # type: ignore[union-attr]
    outer = s.hint()
    assert outer is not None
    assert show(outer.step.outer_derivative, ordered=False) == "2(3x + 1)"  # type: ignore[union-attr]


def test_nested_chain_hints_walk_the_layers() -> None:
    """sin(e^(x²)): the outer layer's four steps, then the inner layer's, then the solution."""
    s = session(problem("sin(e^(x^2))"))
    hints = []
    while (hint := s.hint()) is not None:
        hints.append(hint)
    assert [h.kind for h in hints] == ["identify", "outer", "inner", "multiply"] * 2 + ["solution"]
    assert show(hints[0].step.inner) == "e^(x²)"  # type: ignore[union-attr]
    assert show(hints[4].step.inner) == "x²"  # type: ignore[union-attr]
    assert hints[-1].number == hints[-1].total == 9


def test_product_gets_a_rule_hint_first() -> None:
    s = session(problem("x^2 sin(3x)"))
    first = s.hint()
    assert first is not None and first.kind == "rule"


def test_right_answer_first_try_earns_full_credit() -> None:
    s = session(problem("sin(x^2)"))
    result = s.answer("2x cos(x^2)")
    assert result.verdict.correct and result.finished
    assert s.rounds[0].credit == 1.0
    assert s.rounds[0].seconds == pytest.approx(1.5)


def test_each_hint_costs_a_quarter() -> None:
    s = session(problem("sin(x^2)"))
    s.hint()
    s.hint()
    s.answer("2x cos(x^2)")
    assert s.rounds[0].credit == 0.5


def test_three_misses_end_the_problem_with_no_credit() -> None:
    s = session(problem("sin(x^2)"))
    assert not s.answer("cos(x^2)").finished
    assert not s.answer("2x").finished
    last = s.answer("x")
    assert last.finished and last.tries_left == 0
    assert s.rounds[0].outcome == "missed"
    assert s.rounds[0].credit == 0.0
    assert s.rounds[0].mistake is None  # the last answer matched no known mistake


def test_wrong_then_right() -> None:
    s = session(problem("sin(x^2)"))
    first = s.answer("cos(x^2)")
    assert first.verdict.mistake == "forgot_inner_derivative"
    assert first.tries_left == 2
    assert s.answer("2xcos(x^2)").verdict.correct
    assert s.rounds[0].tries == 2 and s.rounds[0].credit == 1.0


def test_bad_syntax_does_not_use_a_try() -> None:
    s = session(problem("sin(x^2)"))
    with pytest.raises(InputError):
        s.answer("2x cos(x^2")
    assert s.current is not None and s.current.tries == 0


def test_the_solution_hint_ends_the_problem_without_credit() -> None:
    s = session(problem("e^(3x)", "exponential"))
    while s.hint() is not None:
        pass
    assert s.rounds[0].outcome == "revealed"
    assert s.rounds[0].credit == 0.0


def test_skip_earns_nothing() -> None:
    s = session(problem("e^(3x)", "exponential"))
    s.skip()
    assert s.rounds[0].outcome == "skipped" and s.rounds[0].credit == 0.0


def test_quit_keeps_a_tried_problem_and_drops_an_untouched_one() -> None:
    s = session(problem("sin(x^2)", pid="a"), problem("cos(3x)", pid="b"))
    s.answer("cos(x^2)")
    s.quit()
    assert [r.problem.id for r in s.rounds] == ["a"]
    assert s.rounds[0].outcome == "missed"
    s2 = session(problem("sin(x^2)"))
    s2.quit()
    assert s2.rounds == []


def test_value_problems_check_the_slope() -> None:
    s = session(problem("(2x+1)^2", "power", at="1"))
    assert not s.answer("4").verdict.correct
    assert s.answer("12").verdict.correct


def test_guided_walk_checks_each_step() -> None:
    s = session(problem("(3x+1)^2", "power"))
    walk = s.guided()
    assert walk.submit("3x+1").ok
    assert not walk.submit("u").ok  # f'(u) = 2u
    assert walk.submit("3").ok
    final = walk.submit("6(3x+1)")
    assert final.done and final.ok
    s.finish_guided(final)
    assert s.rounds[0].outcome == "correct"
    assert s.rounds[0].credit == 0.5


def test_guided_outer_derivative_may_be_written_in_x() -> None:
    s = session(problem("sin(x^2)"))
    walk = s.guided()
    walk.submit("x^2")
    assert walk.submit("cos(x^2)").ok


def test_on_finish_is_called_for_each_round() -> None:
    seen = []
    s = QuizSession([problem("sin(x^2)"), problem("cos(3x)")], 2, on_finish=seen.append)
    s.next_problem()
    s.answer("2x cos(x^2)")
    s.next_problem()
    s.skip()
    assert [r.outcome for r in seen] == ["correct", "skipped"]


def test_summary_per_type() -> None:
    s = QuizSession([problem("sin(x^2)"), problem("(3x+1)^2", "power")], 2)
    s.next_problem()
    s.hint()
    s.answer("2x cos(x^2)")
    s.next_problem()
    s.skip()
    summary = s.summary()
    assert [(line.type, line.right, line.attempted, line.hints) for line in summary.lines] == [
        ("power", 0, 1, 0),
        ("trig", 1, 1, 1),
    ]
    assert summary.score == 0.75
    assert [r.problem.expression for r in summary.missed] == ["(3x+1)^2"]


def test_a_broken_problem_is_skipped_not_fatal() -> None:
    s = QuizSession([problem("sin(3y)"), problem("cos(3x)")], 2)
    current = s.next_problem()
    assert current is not None and current.problem.expression == "cos(3x)"
    assert len(s.skipped_broken) == 1


# -- decks ---------------------------------------------------------------------------------
BANK = load()


def test_same_seed_same_problems_same_order() -> None:
    a = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=42).problems]
    b = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=42).problems]
    c = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=43).problems]
    assert a == b and a != c


def test_no_shuffle_keeps_bank_order() -> None:
    deck = build_deck(BANK, ["log"], 1, 3, shuffle=False)
    assert [p.id for p in deck.problems] == ["log-001", "log-002", "log-003"]


def test_default_count_is_ten_or_the_whole_bank() -> None:
    assert build_deck(BANK, ["trig"]).total == 10
    small = Bank(problems=[problem("sin(2x)", pid="a"), problem("cos(2x)", pid="b")])
    assert build_deck(small).total == 2


def test_filters() -> None:
    deck = build_deck(BANK, ["power", "log"], 2, 50, seed=1)
    chosen = list(deck.problems)
    assert all(p.type in ("power", "log") and p.difficulty == 2 for p in chosen if not p.generated)


def test_short_bank_is_filled_with_generated_problems() -> None:
    small = Bank(problems=[problem("sin(2x)", pid="a")])
    deck = build_deck(small, ["trig"], 1, 3, seed=5)
    chosen = list(deck.problems)
    assert len(chosen) == 3 and deck.generated == 2
    assert [p.generated for p in chosen] == [False, True, True]
    assert all(p.type == "trig" and p.difficulty == 1 for p in chosen)


def test_bank_folder(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("problems:\n  - {id: a, type: trig, expression: 'sin(2x)'}\n")
    (tmp_path / "b.yaml").write_text("problems:\n  - {id: b, type: log, expression: 'ln(2x)'}\n")
    assert [p.id for p in load([tmp_path]).problems] == ["a", "b"]


def test_own_bank_without_type_uses_all_its_problems() -> None:
    """A bank of applied problems only still makes a quiz when no --type is given."""
    applied = [p for p in BANK.problems if p.applied][:3]
    deck = build_deck(Bank(problems=applied), shuffle=False)
    assert [p.id for p in deck.problems] == [p.id for p in applied]
