"""The quiz session: tries, fair scoring, the guided walk and reproducible decks, with no terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainrule_cli.bank.load import Bank, Problem, load
from chainrule_cli.errors import InputError
from chainrule_cli.maths.analysis import analyse
from chainrule_cli.practice.deck import build_deck
from chainrule_cli.practice.rounds import COST, GUIDED_CREDIT, MIN_CREDIT, Round
from chainrule_cli.practice.session import QuizSession, Summary
from chainrule_cli.printing.mathtext import show


def problem(expression: str, at: str | None = None, pid: str = "p") -> Problem:
    """A problem filed under the type its rule tree gives it (as a valid bank would)."""
    try:
        kind = analyse(expression).type or "power"
    except InputError:
        kind = "trig"  # a broken problem, which the session must set aside
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


# -- answers and tries ------------------------------------------------------------------------
def test_single_chain_hint_order() -> None:
    """Identify, outer derivative, inner derivative, multiply, then the full solution."""
    s = session(problem("sin(x^2)"))
    kinds = []
    while (hint := s.hint()) is not None:
        kinds.append(hint.kind)
    assert kinds == ["identify", "outer", "inner", "multiply", "solution"]


def test_hint_content_for_a_single_chain() -> None:
    """The identify hint shows the inner function as written; the outer hint keeps it inside."""
    s = session(problem("(3x+1)^2"))
    identify = s.hint()
    assert identify is not None and identify.step is not None
    assert show(identify.step.inner, ordered=False) == "3x + 1"  # type: ignore[union-attr]
    outer = s.hint()
    assert outer is not None
    assert show(outer.step.outer_derivative, ordered=False) == "2(3x + 1)"  # type: ignore[union-attr]


def test_right_answer_first_try_earns_full_credit() -> None:
    """A right first answer without hints earns 1, and the round is timed."""
    s = session(problem("sin(x^2)"))
    result = s.answer("2x cos(x^2)")
    assert result.verdict.correct and result.finished
    assert s.rounds[0].credit == 1.0
    assert s.rounds[0].seconds == pytest.approx(1.5)


def test_three_misses_end_the_problem_with_no_credit() -> None:
    """Three wrong answers end the problem as missed, with no credit."""
    s = session(problem("sin(x^2)"))
    assert not s.answer("cos(x^2)").finished
    assert not s.answer("2x").finished
    last = s.answer("x")
    assert last.finished and last.tries_left == 0
    assert s.rounds[0].outcome == "missed"
    assert s.rounds[0].credit == 0.0
    assert (s.rounds[0].tries, s.rounds[0].wrong) == (3, 3)
    assert s.rounds[0].mistake is None  # the last answer matched no known mistake


def test_wrong_then_right_is_diagnosed_and_counted() -> None:
    """A wrong answer names its mistake and leaves two tries; it then costs a quarter."""
    s = session(problem("sin(x^2)"))
    first = s.answer("cos(x^2)")
    assert first.verdict.mistake == "forgot_inner_derivative"
    assert first.tries_left == 2
    assert s.answer("2xcos(x^2)").verdict.correct
    assert (s.rounds[0].tries, s.rounds[0].wrong) == (2, 1)
    assert s.rounds[0].credit == 1.0 - COST


def test_bad_syntax_does_not_use_a_try() -> None:
    """Input that does not parse raises InputError and costs nothing."""
    s = session(problem("sin(x^2)"))
    with pytest.raises(InputError):
        s.answer("2x cos(x^2")
    assert s.current is not None and s.current.tries == 0 and s.current.wrong == 0


def test_the_solution_hint_ends_the_problem_without_credit() -> None:
    """Showing the last hint (the full solution) ends the problem as revealed."""
    s = session(problem("e^(3x)"))
    while s.hint() is not None:
        pass
    assert s.rounds[0].outcome == "revealed"
    assert s.rounds[0].credit == 0.0


def test_skip_earns_nothing() -> None:
    """A skipped problem is recorded as skipped with no credit."""
    s = session(problem("e^(3x)"))
    s.skip()
    assert s.rounds[0].outcome == "skipped" and s.rounds[0].credit == 0.0


def test_quit_keeps_a_tried_problem_and_drops_an_untouched_one() -> None:
    """q after a try records a miss; q before anything records nothing."""
    s = session(problem("sin(x^2)", pid="a"), problem("cos(3x)", pid="b"))
    s.answer("cos(x^2)")
    s.quit()
    assert [r.problem.id for r in s.rounds] == ["a"]
    assert s.rounds[0].outcome == "missed"
    s2 = session(problem("sin(x^2)"))
    s2.quit()
    assert s2.rounds == []


def test_quit_during_the_guided_walk_counts_as_missed() -> None:
    """Starting the guided walk is working on the problem: quitting then is a miss."""
    s = session(problem("sin(x^2)"))
    s.guided()
    s.quit()
    assert [r.outcome for r in s.rounds] == ["missed"]


def test_value_problems_check_the_slope() -> None:
    """With a point, the answer is the slope there."""
    s = session(problem("(2x+1)^2", at="1"))
    assert not s.answer("4").verdict.correct
    assert s.answer("12").verdict.correct


def test_a_problem_in_another_variable() -> None:
    """A problem with variable t is read, checked and guided in t."""
    own = Problem("p", "trig", "sin(t^2)", 2, variable="t", generated=True)
    s = session(own)
    walk = s.guided()
    assert walk.submit("t^2").ok
    assert s.answer("2t cos(t^2)").verdict.correct


# -- fair scoring ---------------------------------------------------------------------------
def _credit(hints: int, wrong: int, guided: bool = False) -> float:
    s = session(problem("sin(x^2)"))
    for _ in range(hints):
        s.hint()
    for _ in range(wrong):
        s.answer("cos(x^2)")
    if guided:
        s.guided()
    s.answer("2x cos(x^2)")
    return s.rounds[0].credit


@pytest.mark.parametrize(
    ("hints", "wrong", "guided", "credit"),
    [
        pytest.param(0, 0, False, 1.0, id="clean"),
        pytest.param(1, 0, False, 0.75, id="one-hint"),
        pytest.param(0, 1, False, 0.75, id="one-wrong-try"),
        pytest.param(2, 0, False, 0.5, id="two-hints"),
        pytest.param(0, 2, False, 0.5, id="two-wrong-tries"),
        pytest.param(1, 1, False, 0.5, id="hint-and-wrong-try"),
        pytest.param(3, 0, False, MIN_CREDIT, id="three-hints"),
        pytest.param(2, 2, False, MIN_CREDIT, id="never-below-a-quarter"),
        pytest.param(0, 0, True, GUIDED_CREDIT, id="guided-caps-at-a-half"),
        pytest.param(1, 1, True, 0.5, id="guided-with-a-hint-and-a-miss"),
        pytest.param(2, 1, True, MIN_CREDIT, id="guided-costs-too"),
    ],
)
def test_a_wrong_try_costs_what_a_hint_costs(
    hints: int, wrong: int, guided: bool, credit: float
) -> None:
    """1, less a quarter per hint and per wrong try, at least a quarter; guided at most a half."""
    assert _credit(hints, wrong, guided) == credit


def test_guessing_never_beats_hints() -> None:
    """Three right answers after two wrong guesses each score no more than after two hints each."""
    assert _credit(0, 2) * 3 <= _credit(2, 0) * 3


def test_summary_counts_hints_wrong_tries_and_outcomes() -> None:
    """3 problems, 2 hints, 1 wrong try: 2.25 / 3, counted per type and in all."""
    s = QuizSession(
        [problem("sin(x^2)", pid="a"), problem("(3x+1)^2", pid="b"), problem("e^(3x)", pid="c")],
        3,
    )
    s.next_problem()
    s.hint()
    s.answer("2x cos(x^2)")  # 0.75
    s.next_problem()
    s.hint()
    s.answer("2(3x+1)")
    s.answer("6(3x+1)")  # 0.5
    s.next_problem()
    s.answer("3e^(3x)")  # 1
    summary = s.summary()
    assert (summary.attempted, summary.hints, summary.wrong, summary.right) == (3, 2, 1, 3)
    assert summary.score == 2.25
    assert [(line.type, line.hints, line.wrong, line.credit) for line in summary.lines] == [
        ("exponential", 0, 0, 1.0),
        ("power", 1, 1, 0.5),
        ("trig", 1, 0, 0.75),
    ]


def test_summary_per_type_with_a_skip() -> None:
    """A skipped problem counts as attempted, missed and skipped."""
    s = QuizSession([problem("sin(x^2)"), problem("(3x+1)^2")], 2)
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
    assert summary.score == 0.75 and summary.skipped == 1
    assert [r.problem.expression for r in summary.missed] == ["(3x+1)^2"]


def test_empty_summary() -> None:
    """No rounds: nothing attempted, nothing scored."""
    summary = Summary.of([])
    assert (summary.attempted, summary.score, summary.hints, summary.wrong) == (0, 0, 0, 0)


def test_on_finish_is_called_for_each_round() -> None:
    """Each round is handed over the moment it ends, so the store can record it."""
    seen: list[Round] = []
    s = QuizSession([problem("sin(x^2)"), problem("cos(3x)")], 2, on_finish=seen.append)
    s.next_problem()
    s.answer("2x cos(x^2)")
    s.next_problem()
    s.skip()
    assert [r.outcome for r in seen] == ["correct", "skipped"]


def test_a_broken_problem_is_skipped_not_fatal() -> None:
    """A problem that cannot be built is set aside and the next one is asked."""
    s = QuizSession([problem("sin(3y)"), problem("cos(3x)")], 2)
    current = s.next_problem()
    assert current is not None and current.problem.expression == "cos(3x)"
    assert len(s.skipped_broken) == 1


# -- the guided walk ----------------------------------------------------------------------------
def test_guided_walk_checks_each_step() -> None:
    """One layer: inner function, outer derivative, inner derivative, then the answer."""
    s = session(problem("(3x+1)^2"))
    walk = s.guided()
    assert [q.kind for q in walk.questions] == ["inner", "outer", "inner_derivative", "answer"]
    assert walk.submit("3x+1").ok
    miss = walk.submit("u")  # f'(u) = 2u
    assert not miss.ok and miss.tries_left == 1 and not miss.revealed
    assert walk.submit("2u").ok
    assert walk.submit("3").ok
    final = walk.submit("6(3x+1)")
    assert final.done and final.ok
    s.finish_guided(final)
    assert s.rounds[0].outcome == "correct"
    assert s.rounds[0].credit == GUIDED_CREDIT


def test_guided_outer_derivative_may_be_written_in_x() -> None:
    """f′ may be typed with the inner function put in, in x."""
    s = session(problem("sin(x^2)"))
    walk = s.guided()
    walk.submit("x^2")
    assert walk.submit("cos(x^2)").ok


def test_guided_walk_visits_every_layer_of_a_nested_chain() -> None:
    """sin(e^(x²)): both layers' inner and outer, the innermost g′, the inner product, the answer."""
    s = session(problem("sin(e^(x^2))"))
    walk = s.guided()
    assert [(q.kind, q.layer) for q in walk.questions] == [
        ("inner", 1),
        ("outer", 1),
        ("inner", 2),
        ("outer", 2),
        ("inner_derivative", 2),
        ("multiply", 2),
        ("answer", 1),
    ]
    for entry in ("e^(x^2)", "cos(v)", "x^2", "e^u", "2x", "2x e^(x^2)"):
        assert walk.submit(entry).ok, entry
    final = walk.submit("2x e^(x^2) cos(e^(x^2))")
    assert final.ok and final.done


THREE_LAYERS = "e^(sin(3x+1)^2)"


def _walk_to(kind: str, layer: int) -> tuple[QuizSession, object]:
    """The guided walk of a three-layer chain, answered right up to the asked step."""
    right = {
        ("inner", 1): "sin(3x+1)^2",
        ("outer", 1): "e^w",
        ("inner", 2): "sin(3x+1)",
        ("outer", 2): "2v",
        ("inner", 3): "3x+1",
        ("outer", 3): "cos(u)",
        ("inner_derivative", 3): "3",
        ("multiply", 3): "3cos(3x+1)",
        ("multiply", 2): "6 sin(3x+1) cos(3x+1)",
    }
    s = session(problem(THREE_LAYERS))
    walk = s.guided()
    while (walk.question.kind, walk.question.layer) != (kind, layer):
        assert walk.submit(right[(walk.question.kind, walk.question.layer)]).ok
    return s, walk


@pytest.mark.parametrize(
    ("kind", "layer", "entry", "says"),
    [
        pytest.param(
            "inner_derivative",
            3,
            "cos(3x+1)",
            "that is the outer derivative of layer 3 with the inner still inside, "
            "not the inner derivative of layer 3.",
            id="outer-for-inner",
        ),
        pytest.param(
            "inner",
            2,
            "3x+1",
            "that is the inner function of layer 3, not the inner function of layer 2.",
            id="a-deeper-inner-function",
        ),
        pytest.param(
            "multiply",
            3,
            "3",
            "that is the inner derivative of layer 3, not the product of layer 3.",
            id="only-the-inner-derivative",
        ),
        pytest.param(
            "multiply",
            2,
            "2 sin(3x+1)",
            "that is the outer derivative of layer 2 with the inner still inside, "
            "not the product of layer 2.",
            id="forgot-the-inner-derivative",
        ),
        pytest.param(
            "outer",
            2,
            "v^2",
            "that is the outer function v² itself; differentiate it with respect to v.",
            id="not-differentiated",
        ),
        pytest.param(
            "multiply",
            3,
            "-3cos(3x+1)",
            "right size, wrong sign",
            id="sign",
        ),
    ],
)
def test_a_wrong_step_gets_its_own_diagnosis(kind: str, layer: int, entry: str, says: str) -> None:
    """A wrong entry is compared with the other steps' expected expressions and named."""
    _, walk = _walk_to(kind, layer)
    result = walk.submit(entry)  # type: ignore[attr-defined]
    assert not result.ok
    assert says in result.message


def test_a_step_allows_two_tries_then_shows_it_and_goes_on() -> None:
    """Two misses at step 4 show the right entry and move on; the problem is not over."""
    s, walk = _walk_to("outer", 2)
    first = walk.submit("v^2")  # type: ignore[attr-defined]
    assert not first.ok and first.tries_left == 1 and not first.revealed
    second = walk.submit("v")  # type: ignore[attr-defined]
    assert not second.ok and second.revealed and not second.done
    assert show(second.expected) == "2v"
    assert (walk.question.kind, walk.question.layer) == ("inner", 3)  # type: ignore[attr-defined]
    assert s.current is not None and s.current.outcome is None


def test_the_answer_step_has_two_tries_and_a_diagnosis() -> None:
    """The last step is the answer: a wrong one is diagnosed, two end the problem as missed."""
    s = session(problem("sin(x^2)"))
    walk = s.guided()
    for entry in ("x^2", "cos(u)", "2x"):
        assert walk.submit(entry).ok
    first = walk.submit("cos(x^2)")
    assert not first.done and first.verdict is not None
    assert first.verdict.mistake == "forgot_inner_derivative"
    second = walk.submit("2x")
    assert second.done and not second.ok
    s.finish_guided(second)
    assert s.rounds[0].outcome == "missed"
    assert (s.rounds[0].tries, s.rounds[0].wrong) == (2, 2)


def test_guided_walk_needs_a_chain() -> None:
    """A rates problem has no layers to walk: guided() says so with ValueError."""
    applied = next(p for p in load().problems if p.applied)
    s = session(applied)
    with pytest.raises(ValueError):
        s.guided()
    assert s.current is not None and not s.current.guided


# -- decks ---------------------------------------------------------------------------------
BANK = load()


def test_same_seed_same_problems_same_order() -> None:
    """The same seed deals the same problems in the same order."""
    a = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=42).problems]
    b = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=42).problems]
    c = [p.id for p in build_deck(BANK, ["trig"], None, 8, seed=43).problems]
    assert a == b and a != c


def test_no_shuffle_keeps_bank_order() -> None:
    """--no-shuffle keeps the bank's order."""
    deck = build_deck(BANK, ["log"], 1, 3, shuffle=False)
    assert [p.id for p in deck.problems] == ["log-001", "log-002", "log-003"]


def test_default_count_is_ten_or_the_whole_bank() -> None:
    """Ten problems by default, or the whole bank when it is smaller."""
    assert build_deck(BANK, ["trig"]).total == 10
    small = Bank(problems=[problem("sin(2x)", pid="a"), problem("cos(2x)", pid="b")])
    assert build_deck(small).total == 2


def test_filters() -> None:
    """--type and --difficulty filter the bank."""
    deck = build_deck(BANK, ["power", "log"], 2, 50, seed=1)
    chosen = list(deck.problems)
    assert all(p.type in ("power", "log") and p.difficulty == 2 for p in chosen if not p.generated)


def test_short_bank_is_filled_with_generated_problems() -> None:
    """A bank shorter than --count is filled up with generated problems of the same kind."""
    small = Bank(problems=[problem("sin(2x)", pid="a")])
    deck = build_deck(small, ["trig"], 1, 3, seed=5)
    chosen = list(deck.problems)
    assert len(chosen) == 3 and deck.generated == 2
    assert [p.generated for p in chosen] == [False, True, True]
    assert all(p.type == "trig" and p.difficulty == 1 for p in chosen)


def test_bank_folder(tmp_path: Path) -> None:
    """A folder of banks loads every file in it."""
    (tmp_path / "a.yaml").write_text("problems:\n  - {id: a, type: trig, expression: 'sin(2x)'}\n")
    (tmp_path / "b.yaml").write_text("problems:\n  - {id: b, type: log, expression: 'ln(2x)'}\n")
    assert [p.id for p in load([tmp_path]).problems] == ["a", "b"]


def test_own_bank_without_type_uses_all_its_problems() -> None:
    """A bank of applied problems only still makes a quiz when no --type is given."""
    applied = [p for p in BANK.problems if p.applied][:3]
    deck = build_deck(Bank(problems=applied), shuffle=False)
    assert [p.id for p in deck.problems] == [p.id for p in applied]
