"""Progress: recorded at once, safe under concurrency and corruption, scheduled with FSRS."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import load
from chainrule_cli.cli import app
from chainrule_cli.practice.review import review_deck
from chainrule_cli.progress.stats import flagged, mastery, streak, summary
from chainrule_cli.progress.store import DB_NAME, Attempt, Store, data_dir, rating_for
from tests.screens import launch

runner = CliRunner()


def attempt(
    correct: bool = True,
    kind: str = "trig",
    difficulty: int = 1,
    hints: int = 0,
    tries: int = 1,
    seconds: float = 30.0,
    pid: str = "trig-001",
    outcome: str | None = None,
    when: datetime | None = None,
) -> Attempt:
    return Attempt(
        answered_at=(when or datetime.now(UTC)).isoformat(),
        problem_id=pid,
        expression="sin(2x)",
        type=kind,
        difficulty=difficulty,
        answer="2cos(2x)" if correct else "cos(2x)",
        correct=correct,
        outcome=outcome or ("correct" if correct else "missed"),
        mistake=None if correct else "forgot_inner_derivative",
        hints=hints,
        tries=tries,
        seconds=seconds,
    )


def test_data_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home"
    with Store.open() as store:
        assert store.path == tmp_path / "home" / DB_NAME
    assert (tmp_path / "home" / DB_NAME).exists()


def test_record_and_read_back(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.record(attempt(correct=False))
        store.record(attempt(correct=True, hints=2))
    with Store.open(tmp_path) as store:
        got = store.attempts()
        assert [a.correct for a in got] == [True, False]
        assert got[0].hints == 2 and got[1].mistake == "forgot_inner_derivative"
        assert got[1].expression == "sin(2x)" and got[1].type == "trig"


def _writer(args: tuple[str, int]) -> None:
    folder, n = args
    with Store.open(Path(folder)) as store:
        for i in range(n):
            store.record(attempt(pid=f"p{os.getpid()}-{i}", correct=i % 2 == 0))


def test_parallel_quizzes_keep_every_attempt(tmp_path: Path) -> None:
    """Eight processes writing at once: no attempt is lost."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(8) as pool:
        pool.map(_writer, [(str(tmp_path), 15)] * 8)
    with Store.open(tmp_path) as store:
        assert store.count() == 8 * 15


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database at all" * 100)
    store = Store.open(tmp_path)
    assert store.warning is not None and "moved to" in store.warning
    store.record(attempt())
    assert store.count() == 1
    store.close()
    kept = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(kept) == 1
    assert kept[0].read_bytes().startswith(b"this is not a database")


def test_corrupt_database_message_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    (tmp_path / DB_NAME).write_bytes(b"garbage" * 1000)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert "could not be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_answer_is_due_sooner_than_right() -> None:
    """FSRS: Again comes back within minutes, Good/Easy much later."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    import tempfile

    with (
        tempfile.TemporaryDirectory() as a,
        tempfile.TemporaryDirectory() as b,
        Store.open(Path(a)) as wrong,
        Store.open(Path(b)) as right,
    ):
        wrong.record(attempt(correct=False, when=base), now=base)
        right.record(attempt(correct=True, when=base, seconds=5), now=base)
        due_wrong = wrong.card_due("trig:1")
        due_right = right.card_due("trig:1")
    assert due_wrong is not None and due_right is not None
    assert due_wrong < due_right


@pytest.mark.parametrize(
    ("kwargs", "rating"),
    [
        ({"correct": False}, "Again"),
        ({"correct": True, "outcome": "revealed"}, "Again"),
        ({"correct": True, "hints": 1}, "Hard"),
        ({"correct": True, "seconds": 60}, "Good"),
        ({"correct": True, "tries": 2, "seconds": 5}, "Good"),
        ({"correct": True, "seconds": 5}, "Easy"),
    ],
)
def test_rating_comes_from_what_happened(kwargs: dict[str, object], rating: str) -> None:
    assert rating_for(attempt(**kwargs)) == rating  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("history", "level"),
    [
        ([], "not started"),
        ([attempt(False)], "attempted"),
        ([attempt(True)] * 2 + [attempt(False)] * 3, "attempted"),
        ([attempt(True)] * 3, "familiar"),
        ([attempt(True, difficulty=2)] * 5, "proficient"),
        ([attempt(True, difficulty=3)] * 4 + [attempt(True, difficulty=3, hints=1)], "mastered"),
        ([attempt(True, difficulty=3, hints=1)] * 6, "proficient"),
        ([attempt(False)] + [attempt(True, difficulty=3)] * 9, "mastered"),
    ],
)
def test_mastery_from_made_up_histories(history: list[Attempt], level: str) -> None:
    """One typo among many right answers does not reset mastery."""
    assert mastery(history) == level


def test_streak() -> None:
    today = date(2026, 11, 27)
    days = [today, today - timedelta(days=1), today - timedelta(days=2), today - timedelta(days=5)]
    assert streak(days, today) == 3
    assert streak(days[1:], today) == 2  # not yet today: yesterday's streak still counts
    assert streak([today - timedelta(days=3)], today) == 0


def test_summary_shape(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.record(attempt(True))
        store.record(attempt(False, kind="log"))
        data = summary(store)
    assert data["attempts"] == 2
    assert data["by_type"]["trig"] == {**data["by_type"]["trig"], "attempts": 1, "correct": 1}
    assert data["by_type"]["log"]["mastery"] == "attempted"


def test_review_puts_missed_problems_first(tmp_path: Path) -> None:
    bank = load()
    past = datetime.now(UTC) - timedelta(days=3)
    with Store.open(tmp_path) as store:
        store.record(attempt(False, pid="trig-002", when=past), now=past)
        store.record(attempt(True, kind="log", pid="log-001", when=past), now=past)
        deck = review_deck(store, bank, 5, seed=1)
    assert deck[0].id == "trig-002"
    assert {p.type for p in deck} <= {"trig", "log"}


def test_flagged_after_many_misses(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for _ in range(3):
            store.record(attempt(False, pid="trig-009"))
        assert [f[0] for f in flagged(store.attempts())] == ["trig-009"]
        store.record(attempt(True, pid="trig-009"))
        assert flagged(store.attempts()) == []


def test_quiz_records_each_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    result = runner.invoke(
        app, ["quiz", "--type", "trig", "--count", "2", "--seed", "4"], input="999\n999\n999\ns\n"
    )
    assert result.exit_code == 0
    with Store.open(tmp_path) as store:
        got = store.attempts()
    assert [a.outcome for a in got] == ["skipped", "missed"]


def test_killed_quiz_keeps_what_was_answered(tmp_path: Path) -> None:
    """The first problem is saved the moment it is answered, before the quiz ends."""
    env = {**os.environ, "CHAINRULE_HOME": str(tmp_path)}
    with subprocess.Popen(
        launch("quiz", "--type", "trig", "--count", "3", "--seed", "2"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("s\n")
        proc.stdin.flush()
        for line in proc.stdout:
            if "Problem 2/3" in line:
                break
        proc.kill()
        proc.wait()
    with Store.open(tmp_path) as store:
        assert store.count() == 1


def test_history_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt(True))
        store.record(attempt(False))
    data = json.loads(runner.invoke(app, ["history", "--limit", "1", "--json"]).stdout)
    assert len(data) == 1 and data[0]["correct"] is False
    out_json = tmp_path / "out.json"
    out_csv = tmp_path / "out.csv"
    assert runner.invoke(app, ["export", str(out_json)]).exit_code == 0
    assert runner.invoke(app, ["export", str(out_csv)]).exit_code == 0
    assert len(json.loads(out_json.read_text())["attempts"]) == 2
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["correct"] for r in rows] == ["True", "False"]


def test_stats_json_and_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt(True))
    data = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert data["attempts"] == 1 and data["by_type"]["trig"]["correct"] == 1
    refused = runner.invoke(app, ["stats", "--reset"], input="n\n")
    assert refused.exit_code == 0 and "nothing was reset" in refused.stdout
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["attempts"] == 1
    done = runner.invoke(app, ["stats", "--reset", "--yes"])
    assert done.exit_code == 0 and "kept in" in done.stdout
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["attempts"] == 0
    backups = [
        p
        for p in tmp_path.iterdir()
        if ".reset-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    with Store.open(tmp_path) as fresh:
        assert fresh.count() == 0
    assert backups


def test_review_with_nothing_due(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    result = runner.invoke(app, ["review"])
    assert result.exit_code == 0
    assert "Nothing to review yet" in result.stdout


def test_schema_is_versioned(tmp_path: Path) -> None:
    import sqlite3

    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    finally:
        db.close()


def test_export_json_holds_attempts_cards_and_lessons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON export carries everything: attempts, review cards and finished lessons."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt(True))
        store.record(attempt(False, kind="log", pid="log-001"))
        store.complete_lesson("intuition")
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["export", str(out)])
    assert result.exit_code == 0
    assert "Exported 2 attempts, 2 review cards and 1 finished lesson to" in result.stdout
    data = json.loads(out.read_text())
    assert set(data) >= {"schema_version", "attempts", "cards", "lessons"}
    assert [a["problem_id"] for a in data["attempts"]] == ["trig-001", "log-001"]
    assert sorted(c["skill"] for c in data["cards"]) == ["log:1", "trig:1"]
    assert all("due" in c["card"] for c in data["cards"])
    assert [lesson["section"] for lesson in data["lessons"]] == ["intuition"]


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        pytest.param(["stats", "--reset"], "n\n", id="declined"),
        pytest.param(["stats", "--reset"], "", id="end-of-input"),
    ],
)
def test_declined_reset_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], answer: str
) -> None:
    """Saying no (or nothing) to a reset prints "nothing was reset" and exits 0."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt(True))
    result = runner.invoke(app, args, input=answer)
    assert result.exit_code == 0
    assert "nothing was reset" in result.stdout and "error" not in result.stderr
    with Store.open() as store:
        assert store.count() == 1


def test_reset_backup_holds_every_attempt(tmp_path: Path) -> None:
    """The backup a reset leaves is a database with every attempt it had."""
    with Store.open(tmp_path) as store:
        for i in range(4):
            store.record(attempt(pid=f"p{i}"))
        backup = store.reset()
        assert store.count() == 0 and store.cards() == []
    with Store.open(tmp_path) as fresh:
        assert fresh.count() == 0
    import sqlite3

    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 4
    finally:
        copy.close()


@pytest.mark.parametrize("module", ["quiz", "learn"])
def test_commands_open_the_store_through_stores(module: str) -> None:
    """No import cycle: quiz and learn get the store from cli/stores.py, not from cli/progress.py."""
    import ast

    import chainrule_cli.cli

    source = (Path(chainrule_cli.cli.__file__).parent / f"{module}.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "chainrule_cli.cli.progress" not in imported
    assert "chainrule_cli.cli.stores" in imported
