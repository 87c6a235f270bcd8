"""Backprop problems in the quiz, progress, drills and take-aways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.bank.problem import Problem
from chainrule_cli.cli import app
from chainrule_cli.graph import byhand
from chainrule_cli.graph.backprop_check import graph_problem
from chainrule_cli.graph.gates import show_number
from chainrule_cli.practice.backprop import BackpropRound
from chainrule_cli.practice.drills import codes, slips
from chainrule_cli.practice.session import QuizSession

BANK = Path(__file__).resolve().parent.parent / "problems" / "backprop.yaml"
runner = CliRunner()


def bank_problem(pid: str) -> Problem:
    return next(p for p in load([BANK]).problems if p.id == pid)


def fresh_round(pid: str) -> BackpropRound:
    problem = bank_problem(pid)
    return BackpropRound(problem, graph_problem(problem).graph(), 0.0, clock=lambda: 1.0)


def right_answers(round_: BackpropRound) -> list[str]:
    return [show_number(step.expected(round_.graph)) for step in round_.steps]


def test_every_blank_right_is_a_correct_round_with_full_credit() -> None:
    """All forward values then all gradients right: correct, credit 1, no mistake."""
    round_ = fresh_round("bp-colah-fork")
    kinds = [s.kind for s in round_.steps]
    assert kinds == ["value"] * 3 + ["grad"] * 4  # c, d, e forward; ∂e/∂d … ∂e/∂a backward
    for answer in right_answers(round_):
        assert round_.answer(answer).right
    assert round_.outcome == "correct" and round_.credit == 1.0 and round_.mistake is None


#: (problem, the node whose gradient is answered wrong on purpose, the wrong answer, its code)
MISTAKES = [
    pytest.param("bp-colah-fork", "b", "2", "overwrote_at_fork", id="fork"),
    pytest.param("bp-cs231n-circuit", "z", "-4", "multiply_not_swapped", id="mul"),
    pytest.param("bp-cs231n-max", "w", "2", "max_routed_wrong", id="max"),
    pytest.param("bp-neuron-half", "s", "0", "sigmoid_from_input", id="sigmoid"),
    pytest.param("bp-cs231n-max", "x", "-4", "local_only", id="local"),
    pytest.param("bp-cs231n-circuit", "z", "-3", "sign_error", id="sign"),
]


@pytest.mark.parametrize(("pid", "node", "wrong", "code"), MISTAKES)
def test_the_first_wrong_node_is_kept_with_its_code(
    pid: str, node: str, wrong: str, code: str
) -> None:
    """A quiz round made wrong on purpose at one node keeps that node and its mistake code."""
    round_ = fresh_round(pid)
    target = round_.graph.node(node).index
    for step, answer in zip(list(round_.steps), right_answers(round_), strict=True):
        if step == byhand.Step("grad", target):
            verdict = round_.answer(wrong)
            assert verdict.code == code
            round_.answer(answer)  # the second try is right
        else:
            assert round_.answer(answer).right
    assert [c.mistake for c in round_.checked if not c.correct] == [code]  # what stats count
    assert round_.first_wrong is not None and round_.first_wrong[0].node == target
    assert round_.first_wrong_text is not None and f"[{code}]" in round_.first_wrong_text
    assert round_.outcome == "correct" and 0.25 <= round_.credit < 1.0
    assert round_.mistake is None  # right in the end: as a chain-rule round, no mistake kept


def test_the_six_codes_are_all_drilled() -> None:
    """The table above makes every backprop mistake code, and drills know them all."""
    assert {p.values[3] for p in MISTAKES} == set(byhand.MISTAKES)
    assert set(byhand.MISTAKES) <= set(codes())


def test_hints_are_pattern_local_then_upstream_times_local() -> None:
    """A gradient blank has three hints: the gate's pattern, the local derivative, upstream × local."""
    round_ = fresh_round("bp-cs231n-circuit")
    for answer in right_answers(round_)[:2]:  # q and f forward; then ∂f/∂q is asked
        round_.answer(answer)
    hints = [round_.hint(), round_.hint(), round_.hint(), round_.hint()]
    assert hints[0] is not None and "multiply swaps" in hints[0]
    assert hints[1] == "∂f/∂q = −4"
    assert hints[2] == "∂f/∂q = 1 × (−4) = −4"
    assert hints[3] is None
    assert round_.hints == 3


def test_a_shown_blank_makes_the_round_missed() -> None:
    """Two wrong tries show the blank's answer; the round then ends missed, with no credit."""
    round_ = fresh_round("bp-add-gate")
    round_.answer("7")
    round_.answer("8")  # f = x + y is -2: shown, on to the gradients
    for answer in right_answers(round_)[1:]:
        round_.answer(answer)
    assert round_.outcome == "missed" and round_.credit == 0.0 and round_.shown == 1


def test_quitting_an_untouched_round_drops_it() -> None:
    """q before any answer drops the problem; after one, it counts as missed."""
    untouched = fresh_round("bp-add-gate")
    untouched.quit()
    assert untouched.outcome == "dropped"
    tried = fresh_round("bp-add-gate")
    tried.answer("1")
    tried.quit()
    assert tried.outcome == "missed" and tried.stopped


def test_the_session_asks_a_backprop_problem_as_a_backprop_round() -> None:
    """QuizSession dispatches by type: a backprop problem becomes a BackpropRound, recorded when it ends."""
    ended: list[object] = []
    session = QuizSession([bank_problem("bp-mul-gate")], 1, on_finish=ended.append)
    round_ = session.next_problem()
    assert isinstance(round_, BackpropRound)
    for answer in right_answers(round_):
        round_.answer(answer)
    assert ended == [round_] and session.rounds == [round_]
    summary = session.summary()
    assert summary.right == 1 and summary.lines[0].type == "backprop"
    assert session.next_problem() is None


def test_drills_find_forks_for_overwrote_at_fork() -> None:
    """quiz --mistake overwrote_at_fork finds problems with a fork, and only those."""
    problems = load([BANK]).problems
    chosen = [p for p in problems if "overwrote_at_fork" in slips(p)]
    assert chosen
    for problem in problems:
        has_fork = bool(graph_problem(problem).graph().forks())
        assert ("overwrote_at_fork" in slips(problem)) == has_fork, problem.id
    assert "max_routed_wrong" not in slips(bank_problem("bp-mul-gate"))


# -- the CLI ------------------------------------------------------------------------------------
def answers_for(pid: str) -> str:
    return "\n".join(right_answers(fresh_round(pid))) + "\n"


def test_quiz_type_backprop_piped_records_the_mistake_code(tmp_path: Path) -> None:
    """A piped `quiz --type backprop` asks blank by blank; stats --json counts the mistake code."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "problems:\n- {id: colah, type: backprop, function: 'e = (a + b)*(b + 1)', at: {a: 2, b: 1}}\n",
        encoding="utf-8",
    )
    round_ = fresh_round("bp-colah-fork")
    lines = right_answers(round_)
    b = next(i for i, s in enumerate(round_.steps) if s == byhand.Step("grad", 1))
    lines.insert(b, "2")  # ∂e/∂b = 2: one path only, the fork not added
    result = runner.invoke(
        app, ["quiz", "--type", "backprop", "--bank", str(bank)], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Problem 1/1 · backprop · difficulty 1" in result.output
    assert "c = a + b = ?" in result.output and "∂e/∂a = ?" in result.output
    assert "the first wrong one is ∂e/∂b" in result.output
    assert "[overwrote_at_fork]" in result.output
    assert "Traceback" not in result.output
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["by_mistake"] == {"overwrote_at_fork": 1}
    assert stats["by_type"]["backprop"]["attempts"] == 1
    shown = runner.invoke(app, ["stats"]).output
    assert "= not += at a fork" in shown
    history = runner.invoke(app, ["history"]).output
    assert "e = (a + b)·(b + 1)" in history  # as read, as every problem is
    out = tmp_path / "progress.json"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 0
    assert '"type": "backprop"' in out.read_text(encoding="utf-8")


def test_practise_and_quiz_share_one_prompt_loop() -> None:
    """backprop --practise asks the same questions with the same verdicts as the quiz."""
    result = runner.invoke(
        app,
        ["backprop", "f = (x + y)*z", "--at", "x=-2,y=5,z=-4", "--practise"],
        input="3\n-12\n-4\n-4\n3\n-4\n-4\n",  # ∂f/∂z = -4 first: z's own value
    )
    assert result.exit_code == 0, result.output
    assert "✗ the first wrong one is ∂f/∂z" in result.output
    assert "[multiply_not_swapped]" in result.output
    assert "Done: 6 of 6 right." in result.output


# -- take-aways ---------------------------------------------------------------------------------
def test_worksheet_has_blanks_and_a_filled_key(tmp_path: Path) -> None:
    """A backprop worksheet asks every blank and its key has upstream × local, added at the fork."""
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "problems:\n- {id: colah, type: backprop, function: 'e = c*d',"
        " where: {c: 'a + b', d: 'b + 1'}, at: {a: 2, b: 1}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["worksheet", "--bank", str(bank), "--format", "md", "--seed", "1"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    question, _, key = text.partition("## Answer key")
    assert question.count("\\_\\_\\_\\_\\_\\_") == 7  # 3 forward values, 4 gradients
    assert "c=a+b=3" in key and "e=c\\cdot d=6" in key
    assert r"\frac{\partial e}{\partial b}=3\times1+2\times1=5" in key  # += at the fork
    assert r"\frac{\partial e}{\partial a}=2" in key
    for fmt in ("tex", "html"):
        other = runner.invoke(app, ["worksheet", "--bank", str(bank), "--format", fmt])
        assert other.exit_code == 0 and "Traceback" not in other.output


def test_anki_deck_includes_backprop_cards(tmp_path: Path) -> None:
    """anki writes a card for each backprop problem asked."""
    deck = tmp_path / "bp.apkg"
    result = runner.invoke(
        app, ["anki", str(deck), "--bank", str(BANK), "--type", "backprop", "--count", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "4 notes" in result.output and deck.stat().st_size > 0


def test_the_summary_of_a_backprop_quiz_states_its_own_rule_and_reads_the_functions() -> None:
    """A quiz of backprop problems ends with backprop's scoring rule (blanks share the
    point), not the chain rule's, and its "To review" table shows each function as read."""
    result = runner.invoke(
        app, ["quiz", "--type", "backprop", "--count", "2", "--seed", "5"], input="a\n" * 60
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    summary = out[out.index("Your quiz") :]
    assert "A backprop problem with every blank right scores 1" in summary
    assert "A right answer scores 1" not in summary
    review = summary[summary.index("To review") :]
    assert "function" in review.splitlines()[1]
    assert "*" not in review and "·" in review
