"""Every try is progress (issue 23 §1): each checked answer is kept with its verdict,
its mistake and its time, beside one outcome row per problem, and everything that
counts mistakes reads the tries."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli.bank.load import Problem, load
from chainrule_cli.cli import app
from chainrule_cli.cli.play import to_attempt
from chainrule_cli.errors import StoreError
from chainrule_cli.practice.drills import replay
from chainrule_cli.practice.session import QuizSession
from chainrule_cli.progress import dbfile, pending
from chainrule_cli.progress.records import Attempt, Try, tries_from
from chainrule_cli.progress.stats import MISTAKE_WINDOW, by_mistake, summary
from chainrule_cli.progress.store import DB_NAME, Store

runner = CliRunner()
FORGOT = "forgot_inner_derivative"

#: The progress database's schema before tries were kept (schema 1), as chainrule 0.2 made it.
OLD_SCHEMA = """
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answered_at TEXT NOT NULL,
    problem_id TEXT NOT NULL,
    expression TEXT NOT NULL,
    type TEXT NOT NULL,
    difficulty INTEGER NOT NULL,
    at_point TEXT,
    answer TEXT NOT NULL DEFAULT '',
    correct INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    mistake TEXT,
    hints INTEGER NOT NULL DEFAULT 0,
    tries INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0,
    mode TEXT NOT NULL DEFAULT 'quiz'
);
CREATE INDEX attempts_type ON attempts(type, answered_at);
CREATE INDEX attempts_problem ON attempts(problem_id);
CREATE TABLE cards (skill TEXT PRIMARY KEY, card TEXT NOT NULL, due TEXT NOT NULL);
CREATE TABLE lessons (section TEXT PRIMARY KEY, completed_at TEXT NOT NULL);
PRAGMA user_version = 1;
"""

#: Old rows: (problem, answer, correct, outcome, mistake, tries, minutes ago).
OLD_ROWS = [
    ("old-right", "2cos(2x)", 1, "correct", None, 1, 30),
    ("old-missed", "cos(2x)", 0, "missed", FORGOT, 3, 20),
    ("old-skipped", "", 0, "skipped", None, 0, 10),
]


def stamp(minutes_ago: float = 0.0) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def tries(*verdicts: str | None, minutes_ago: float = 0.0) -> list[Try]:
    """Tries from verdicts: a mistake code is a wrong try naming it, "" a right one."""
    return [
        Try(n, f"answer {n}", code == "", code or None, stamp(minutes_ago - n / 60))
        for n, code in enumerate(verdicts, start=1)
    ]


def attempt(
    pid: str = "t-1",
    log: list[Try] | None = None,
    outcome: str | None = None,
    minutes_ago: float = 0.0,
    expression: str = "sin(3x)",
) -> Attempt:
    """An attempt whose outcome follows its tries (right if the last try was right)."""
    log = log or []
    right = bool(log) and log[-1].correct
    wrong = [t for t in log if not t.correct]
    return Attempt(
        answered_at=stamp(minutes_ago),
        problem_id=pid,
        expression=expression,
        type="trig",
        difficulty=1,
        answer=log[-1].answer if log else "",
        correct=right,
        outcome=outcome or ("correct" if right else "missed"),
        mistake=None if right or not wrong else wrong[-1].mistake,
        tries=len(log),
        try_log=log,
    )


def old_database(folder: Path) -> Path:
    """A real schema-1 database file with three attempts, made from the old schema's SQL."""
    path = folder / DB_NAME
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    for pid, answer, correct, outcome, mistake, count, ago in OLD_ROWS:
        db.execute(
            "INSERT INTO attempts (answered_at, problem_id, expression, type, difficulty, answer,"
            " correct, outcome, mistake, tries) VALUES (?, ?, 'sin(2x)', 'trig', 1, ?, ?, ?, ?, ?)",
            (stamp(ago), pid, answer, correct, outcome, mistake, count),
        )
    db.commit()
    db.close()
    return path


# -- the store keeps every try ------------------------------------------------------------------
def test_every_try_is_stored_and_read_back_in_order(tmp_path: Path) -> None:
    """A problem right at the third try keeps all three tries, first to last, beside one outcome row."""
    log = tries(FORGOT, FORGOT, "")
    with Store.open(tmp_path) as store:
        store.record(attempt(log=log))
        got = store.attempts()
    assert len(got) == 1 and got[0].outcome == "correct"
    assert got[0].try_log == log
    db = sqlite3.connect(tmp_path / DB_NAME)
    try:
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
        assert db.execute("SELECT number, correct, mistake FROM tries").fetchall() == [
            (1, 0, FORGOT),
            (2, 0, FORGOT),
            (3, 1, None),
        ]
    finally:
        db.close()


def test_tries_and_outcome_are_written_in_one_transaction(tmp_path: Path) -> None:
    """When a try cannot be written, neither is the outcome row: nothing half-saved."""
    with Store.open(tmp_path) as store:
        store.db.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.tries BEGIN "
            "SELECT RAISE(ABORT, 'disk says no'); END"
        )
        with pytest.raises(StoreError, match="disk says no"):
            store.record(attempt(log=tries(FORGOT, "")))
        store.db.execute("DROP TRIGGER refuse")
        assert store.count() == 0
        assert store.db.execute("SELECT COUNT(*) FROM tries").fetchone()[0] == 0


def test_the_schema_is_at_version_2_with_a_tries_table(tmp_path: Path) -> None:
    """A new database is at schema 2 and has the tries table beside attempts."""
    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DB_NAME)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == dbfile.SCHEMA_VERSION == 2
        columns = [row[1] for row in db.execute("PRAGMA table_info(tries)")]
    finally:
        db.close()
    assert columns == ["id", "attempt_id", "number", "answered_at", "answer", "correct", "mistake"]


# -- old databases ------------------------------------------------------------------------------
def test_an_old_database_migrates_with_nothing_lost(tmp_path: Path) -> None:
    """A schema-1 file opens at schema 2, keeps every attempt, and each answered one reads as one try."""
    path = old_database(tmp_path)
    with Store.open(tmp_path) as store:
        assert store.warning is None
        got = {a.problem_id: a for a in store.attempts()}
        data = summary(store)
    assert set(got) == {"old-right", "old-missed", "old-skipped"}
    assert got["old-right"].all_tries() == [
        Try(1, "2cos(2x)", True, None, got["old-right"].answered_at)
    ]
    # the last of its three tries, the only one that was kept
    assert got["old-missed"].all_tries() == [
        Try(3, "cos(2x)", False, FORGOT, got["old-missed"].answered_at)
    ]
    assert got["old-skipped"].all_tries() == []  # skipped before any answer: no try
    assert data["by_mistake"] == {FORGOT: 1}
    assert (data["attempts"], data["tries"]) == (3, 2)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM tries").fetchone()[0] == 0  # nothing rewritten
        assert db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 3
    finally:
        db.close()


def test_an_old_database_read_only_still_counts_its_tries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old file that cannot be migrated (read-only) is read as it is: one try per answered attempt."""
    path = old_database(tmp_path)
    before = path.read_bytes()
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    monkeypatch.setattr(dbfile.os, "access", lambda *_args, **_kw: False)
    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by_mistake"] == {FORGOT: 1} and data["attempts"] == 3
    assert path.read_bytes() == before


def test_a_lost_tries_table_is_put_back(tmp_path: Path) -> None:
    """A schema-2 database without its tries table is repaired, with a note; the attempts stay."""
    with Store.open(tmp_path) as store:
        store.record(attempt(log=tries(FORGOT, "")))
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("DROP TABLE tries")
    db.commit()
    db.close()
    with Store.open(tmp_path) as store:
        assert store.warning is not None and "the missing table 'tries' was recreated" in (
            store.warning
        )
        got = store.attempts()
    assert len(got) == 1 and [t.correct for t in got[0].all_tries()] == [True]


def test_a_malformed_try_is_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A try row with a time that cannot be read is skipped and counted; its attempt stays."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt(log=tries(FORGOT, "sign_error", "")))
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute("UPDATE tries SET answered_at = 'soon' WHERE number = 2")
    db.commit()
    db.close()
    data = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert data["unreadable"] == 1 and data["attempts"] == 1
    assert data["by_mistake"] == {FORGOT: 1}


# -- an attempt without stored tries ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            {"answer": "2x", "correct": True, "outcome": "correct", "tries": 1},
            [(1, "2x", True, None)],
            id="right-first-try",
        ),
        pytest.param(
            {"answer": "x", "correct": False, "outcome": "missed", "mistake": FORGOT, "tries": 3},
            [(3, "x", False, FORGOT)],
            id="missed-after-three-last-kept",
        ),
        pytest.param(
            {"answer": "2", "correct": True, "outcome": "correct", "mistake": FORGOT, "tries": 2},
            [(2, "2", True, None)],
            id="right-names-no-mistake",
        ),
        pytest.param(
            {"answer": "", "correct": False, "outcome": "revealed", "tries": 0},
            [],
            id="revealed-untouched",
        ),
        pytest.param(
            {"answer": "", "correct": False, "outcome": "missed", "mistake": "sign_error"},
            [(1, "", False, "sign_error")],
            id="a-mistake-means-a-try",
        ),
    ],
)
def test_an_attempt_saved_without_tries_is_one_try(
    values: dict[str, object], expected: list[tuple[object, ...]]
) -> None:
    """Before tries were kept, an attempt is its final answer: one try, numbered as the last."""
    made = Attempt(
        answered_at=stamp(),
        problem_id="p",
        expression="x^2",
        type="power",
        difficulty=1,
        **values,  # type: ignore[arg-type]
    )
    assert [(t.number, t.answer, t.correct, t.mistake) for t in made.all_tries()] == expected


# -- stats: every wrong try is a mistake ----------------------------------------------------------
@pytest.mark.parametrize(
    ("logs", "expected"),
    [
        pytest.param([(FORGOT, FORGOT, "")], {FORGOT: 2}, id="forgot-twice-then-right"),
        pytest.param([(FORGOT, "sign_error", FORGOT)], {FORGOT: 2, "sign_error": 1}, id="missed"),
        pytest.param([("",), ("constant_factor", "")], {"constant_factor": 1}, id="two-problems"),
        pytest.param([(None, "")], {}, id="wrong-without-a-name"),
        pytest.param([("",)] * 3, {}, id="all-right"),
        pytest.param([("unconfirmed", FORGOT, "")], {FORGOT: 1}, id="unconfirmed-is-no-slip"),
        pytest.param([("rounding", "")], {"rounding": 1}, id="rounding-is-a-slip"),
    ],
)
def test_by_mistake_counts_every_wrong_try(
    logs: list[tuple[str | None, ...]], expected: dict[str, int]
) -> None:
    """A slip corrected at the next try still counts as a mistake made."""
    attempts = [attempt(f"p{i}", tries(*log)) for i, log in enumerate(logs)]
    assert by_mistake(attempts) == expected


def test_the_mistake_window_counts_tries_not_problems() -> None:
    """Only the latest MISTAKE_WINDOW tries count, even when the window cuts a problem in two."""
    newest = attempt("new", tries(*[""] * (MISTAKE_WINDOW - 2)))
    older = attempt("old", tries("sign_error", FORGOT, FORGOT, ""), minutes_ago=5)
    # newest first: the new problem's tries, then the old one's last three (right, forgot, forgot)
    assert by_mistake([newest, older]) == {FORGOT: 1}


def test_stats_shows_tries_and_every_slip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``stats`` says how many tries the problems took, and counts each wrong one."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt("a", tries(FORGOT, FORGOT, "")))
        store.record(attempt("b", tries("")))
    out = runner.invoke(app, ["stats"]).stdout
    assert "2 problems answered in 4 tries, 100% right" in out
    assert "Your mistakes in your last 4 answers (every try counts)" in out
    assert f"2  {FORGOT}" in out


# -- the session keeps each try ---------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 2.0
        return self.now


def test_a_round_keeps_each_try_with_its_verdict_and_time() -> None:
    """Two slips then the right answer: three tries, in order, times before the round's end."""
    s = QuizSession([Problem("p", "power", "(3x+1)^2", 1)], 1, clock=Clock())
    assert s.next_problem() is not None
    for text in ("2(3x+1)", "2(3x+1)", "6(3x+1)"):
        s.answer(text)
    made = to_attempt(s.rounds[0], "quiz")
    assert [(t.number, t.answer, t.correct, t.mistake) for t in made.try_log] == [
        (1, "2(3x+1)", False, FORGOT),
        (2, "2(3x+1)", False, FORGOT),
        (3, "6(3x+1)", True, None),
    ]
    times = [datetime.fromisoformat(t.answered_at) for t in made.try_log]
    assert times == sorted(times) and times[-1] <= datetime.fromisoformat(made.answered_at)
    assert times[1] - times[0] == timedelta(seconds=2)
    assert made.tries == 3 and made.mistake is None


def test_the_guided_walks_answer_step_is_a_try() -> None:
    """The guided walk's last step checks the answer: each entry there is a try."""
    s = QuizSession([Problem("p", "trig", "sin(x^2)", 1)], 1, clock=Clock())
    assert s.next_problem() is not None
    walk = s.guided()
    for entry in ("x^2", "cos(u)", "2x"):
        assert walk.submit(entry).ok
    walk.submit("cos(x^2)")
    final = walk.submit("2x cos(x^2)")
    s.finish_guided(final)
    made = to_attempt(s.rounds[0], "quiz")
    assert [(t.correct, t.mistake) for t in made.try_log] == [(False, FORGOT), (True, None)]


# -- answers kept aside carry their tries -------------------------------------------------------------
def test_answers_kept_aside_keep_their_tries(tmp_path: Path) -> None:
    """A locked database: the answer goes to a pending file with its tries and comes back whole."""
    stand_in = Store.detached_from(tmp_path)
    stand_in.record(attempt(log=tries(FORGOT, FORGOT, "")))
    note = stand_in.close()
    assert note is not None and "pending-" in note
    (kept,) = pending.files(tmp_path)
    entry = json.loads(kept.read_text())["attempts"][0]
    assert [t["mistake"] for t in entry["try_log"]] == [FORGOT, FORGOT, None]
    with Store.open(tmp_path) as store:
        (got,) = store.attempts()
        assert [t.mistake for t in got.try_log] == [FORGOT, FORGOT, None]
        assert by_mistake(store.attempts()) == {FORGOT: 2}


def test_an_old_pending_file_without_tries_still_imports(tmp_path: Path) -> None:
    """A pending file from before tries were kept imports; each answer counts as one try."""
    old = attempt(log=tries(FORGOT)).to_dict()
    del old["try_log"]
    (tmp_path / "pending-20250101T000000-abcd.json").write_text(
        json.dumps({"attempts": [{**old, "recorded_at": old["answered_at"]}], "lessons": []})
    )
    with Store.open(tmp_path) as store:
        assert store.warning is not None and "saved now: 1 answer" in store.warning
        (got,) = store.attempts()
        assert got.try_log == [Try(1, "answer 1", False, FORGOT, got.try_log[0].answered_at)]
        assert store.unreadable == 0
    assert pending.files(tmp_path) == []


@pytest.mark.parametrize(
    ("entries", "good", "bad"),
    [
        pytest.param(None, 0, 0, id="absent"),
        pytest.param("three", 0, 1, id="not-a-list"),
        pytest.param([{"number": 1}], 0, 1, id="fields-missing"),
        pytest.param(
            [{"number": 0, "answer": "x", "correct": 1, "mistake": None, "answered_at": stamp()}],
            0,
            1,
            id="number-zero",
        ),
        pytest.param(
            [
                {"number": 2, "answer": "x", "correct": True, "mistake": None, "answered_at": stamp()},
                {"number": 1, "answer": "y", "correct": 0, "mistake": 3, "answered_at": stamp()},
                {"number": 1, "answer": "y", "correct": 0, "mistake": FORGOT, "answered_at": stamp()},
            ],
            2,
            1,
            id="one-bad-two-good",
        ),
    ],
)  # fmt: skip
def test_tries_in_a_pending_file_are_checked(entries: object, good: int, bad: int) -> None:
    """Kept-aside tries are validated like rows: the good ones kept in order, the bad counted."""
    got, malformed = tries_from(entries)
    assert (len(got), malformed) == (good, bad)
    assert [t.number for t in got] == sorted(t.number for t in got)


# -- drills, history and export read the tries ----------------------------------------------------
def test_quiz_missed_replays_a_slip_corrected_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right only after a wrong try: replayed; right at the first try: not."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    bank = load()
    slip, clean = bank.problems[0], bank.problems[1]
    with Store.open() as store:
        store.record(
            attempt(slip.id, tries(FORGOT, ""), minutes_ago=10, expression=slip.expression)
        )
        store.record(attempt(clean.id, tries(""), minutes_ago=5, expression=clean.expression))
        assert [p.id for p in replay(store, bank)] == [slip.id]
        store.record(attempt(slip.id, tries(""), expression=slip.expression))
        assert replay(store, bank) == []


def test_history_shows_the_slip_before_a_right_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``history`` marks a problem got right after a slip, and --json lists each try."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt("slip", tries(FORGOT, ""), minutes_ago=1))
        store.record(attempt("clean", tries("")))
    lines = runner.invoke(app, ["history"], env={"COLUMNS": "100"}).stdout.splitlines()
    assert "✓ after forgot g′" in lines[3] and "after" not in lines[2]
    data = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert [len(a["try_log"]) for a in data] == [1, 2]
    assert [a["tries"] for a in data] == [1, 2]  # the existing field is unchanged


def test_export_holds_every_try_and_the_csv_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON export lists each attempt's tries; the CSV stays one row per problem and says so."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path))
    with Store.open() as store:
        store.record(attempt("a", tries(FORGOT, FORGOT, "")))
    out_json, out_csv = tmp_path / "all.json", tmp_path / "all.csv"
    done = runner.invoke(app, ["export", str(out_json)])
    assert done.exit_code == 0 and "with all 3 tries" in done.stdout
    (row,) = json.loads(out_json.read_text())["attempts"]
    assert [(t["number"], t["mistake"]) for t in row["try_log"]] == [
        (1, FORGOT),
        (2, FORGOT),
        (3, None),
    ]
    said = runner.invoke(app, ["export", str(out_csv)])
    assert said.exit_code == 0
    assert "export to .json for the 3 tries themselves" in " ".join(said.stdout.split())
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1 and rows[0]["tries"] == "3" and "try_log" not in rows[0]


# -- end to end: a quiz through the CLI --------------------------------------------------------------
def test_forgetting_the_inner_derivative_twice_counts_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped quiz: g′ forgotten twice, then right; ``stats --json`` counts two forgotten g′."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path / "home"))
    bank = tmp_path / "hw.yaml"
    bank.write_text(
        'problems:\n  - id: hw-1\n    type: power\n    expression: "(3x+1)^2"\n', encoding="utf-8"
    )
    quiz = runner.invoke(
        app, ["quiz", "--bank", str(bank), "--no-shuffle"], input="2(3x+1)\n2(3x+1)\n6(3x+1)\n"
    )
    assert quiz.exit_code == 0 and "Correct" in quiz.stdout
    data = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert data["by_mistake"][FORGOT] == 2
    assert (data["attempts"], data["correct"], data["tries"]) == (1, 1, 3)
    missed = runner.invoke(app, ["quiz", "--bank", str(bank), "--missed"], input="q\n")
    assert "y = (3x + 1)²" in missed.stdout  # the slip comes back to be drilled


@pytest.mark.parametrize(
    ("counts", "drill"),
    [
        pytest.param({"rounding": 3, FORGOT: 1}, FORGOT, id="rounding-cannot-be-drilled"),
        pytest.param({"rounding": 2}, None, id="nothing-to-drill"),
        pytest.param({FORGOT: 2, "sign_error": 1}, FORGOT, id="commonest"),
    ],
)
def test_the_drill_suggested_is_one_quiz_mistake_can_drill(
    counts: dict[str, int], drill: str | None
) -> None:
    """stats suggests `quiz --mistake` only for a slip that problems can be chosen for."""
    from chainrule_cli.practice.drills import codes
    from chainrule_cli.progress.stats import drill_for

    assert drill_for(counts) == drill
    assert drill is None or drill in codes()
