"""Anki decks: one note per problem, the worked solution of ``solve`` on the back, stable identity.

The tests open the ``.apkg`` as Anki does: a zip holding an SQLite collection.
"""

from __future__ import annotations

import html
import json
import math
import random
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki
import pytest
import sympy as sp
from typer.testing import CliRunner

from chainrule_cli.bank.load import Problem, load
from chainrule_cli.cli import app
from chainrule_cli.maths.applied import AppliedChecker
from chainrule_cli.maths.explain import Layer
from chainrule_cli.maths.solution import solve
from chainrule_cli.reading.parsing import parse_number
from chainrule_cli.takeaway.anki import MODEL_NAME, stable_id
from chainrule_cli.takeaway.markup import to_latex
from chainrule_cli.takeaway.notation import layout

runner = CliRunner()
BANK = {p.id: p for p in load(None).problems}


@dataclass
class Note:
    id: int
    guid: str
    mid: int
    mod: int
    tags: list[str]
    front: str
    back: str
    problem_id: str


@dataclass
class Package:
    notes: list[Note]
    cards: int
    decks: dict[str, Any]
    models: dict[str, Any]


def export(
    path: Path, *args: str, epoch: int | None = 1_700_000_000, deck: str | None = None
) -> Package:
    env = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else {}
    extra = ["--deck", deck] if deck else []
    result = runner.invoke(app, ["anki", str(path), *args, *extra], env=env)
    assert result.exit_code == 0, result.output
    return read(path)


def read(path: Path) -> Package:
    """The notes, cards, decks and note types of an .apkg, read as Anki reads them."""
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert json.loads(archive.read("media")) == {}
        data = archive.read("collection.anki2")
    db = sqlite3.connect(":memory:")
    db.deserialize(data)
    notes = []
    for nid, guid, mid, mod, tags, fields in db.execute(
        "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
    ):
        front, back, problem = fields.split("\x1f")
        notes.append(
            Note(nid, guid, mid, mod, tags.split(), front, back, html.unescape(problem).split()[0])
        )
    cards = db.execute("SELECT count(*) FROM cards").fetchone()[0]
    decks, models = db.execute("SELECT decks, models FROM col").fetchone()
    db.close()
    return Package(notes, cards, json.loads(decks), json.loads(models))


def solve_json(problem: Problem) -> dict[str, Any]:
    """What ``chainrule solve EXPR [--at A] [--var V] --json`` prints for the problem."""
    args = ["solve", problem.expression, "--var", problem.variable, "--json"]
    if problem.at is not None:
        args[2:2] = ["--at", problem.at]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def shown(expr: Any, ordered: bool = True) -> str:
    """An expression as the cards write it: MathJax inside \\( … \\), HTML-escaped."""
    return html.escape(to_latex(layout(expr, ordered=ordered)), quote=False)


def equal(a: Any, b: Any, variable: str) -> bool:
    """Equal as functions, at random points where both are real (sympify'd JSON vs the tree)."""
    x = sp.Symbol(variable)
    fa = sp.lambdify(x, sp.sympify(a).subs(sp.Symbol(variable, real=True), x), "math")
    fb = sp.lambdify(x, sp.sympify(b).subs(sp.Symbol(variable, real=True), x), "math")
    rng = random.Random(7)
    agreed = 0
    for _ in range(100):
        v = rng.uniform(0.1, 0.9)
        try:
            ya, yb = complex(fa(v)), complex(fb(v))
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if not math.isclose(abs(ya - yb), 0, abs_tol=1e-7 * (1 + abs(ya))):
            return False
        agreed += 1
    return agreed >= 5


# -- the deck --------------------------------------------------------------------------------------
def test_one_note_and_card_per_problem_tagged_by_type_and_difficulty(tmp_path: Path) -> None:
    pkg = export(tmp_path / "d.apkg", "--type", "trig", "--difficulty", "2", "--count", "6")
    assert len(pkg.notes) == 6 and pkg.cards == 6
    for note in pkg.notes:
        assert note.tags == ["trig", "difficulty::2"]
        assert BANK[note.problem_id].type == "trig"
    deck_id = str(stable_id("deck", "Chain rule"))
    assert pkg.decks[deck_id]["name"] == "Chain rule"
    assert pkg.models[str(stable_id("model", MODEL_NAME))]["name"] == MODEL_NAME


def test_default_is_every_matching_bank_problem(tmp_path: Path) -> None:
    pkg = export(tmp_path / "d.apkg", "--type", "log", "--difficulty", "1")
    wanted = {p.id for p in load(None).select(["log"], 1)}
    assert {n.problem_id for n in pkg.notes} == wanted


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--type", "power", "--count", "8", "--seed", "2"], id="power"),
        pytest.param(["--difficulty", "3", "--count", "10", "--seed", "4"], id="nested"),
        pytest.param(["--type", "trig", "--type", "log", "--count", "8", "--seed", "9"], id="mix"),
        pytest.param(["--generated", "--count", "6", "--seed", "5"], id="generated"),
    ],
)
def test_every_card_matches_solve_json(tmp_path: Path, args: list[str]) -> None:
    """Front: the function and the question; back: every step and number of ``solve --json``.

    Each expression of the JSON must appear on the back as the cards write it:
    clean forms exactly as solve prints them, forms kept "as written" (the
    inner function, the outer derivative with the inner kept) as the
    solution's own expression whose value the JSON gives.
    """
    pkg = export(tmp_path / "d.apkg", *args)
    assert pkg.notes
    problems = {p.id: p for p in deck_problems(args)}
    for note in pkg.notes:
        problem = problems[note.problem_id]
        if problem.graph:  # a tree or an equation: tests/test_tree_practice.py
            continue
        data = solve_json(problem)
        point = parse_number(problem.at) if problem.at is not None else None
        solution = solve(problem.expression, point, problem.variable)
        assert solution.to_json() == data  # the card's solution is the one solve prints
        variable = data["variable"]
        # Front: the function as typed (the same function as the JSON's) and the question.
        written = solution.analysis.tree.written
        assert shown(written, ordered=False) in note.front
        assert equal(data["expression"], sp.sympify(str(written)), variable)
        assert ("Find the slope" if problem.at is not None else "Find") in note.front
        assert "\\(" in note.front and "\\)" in note.front
        # Back: the derivative, the value, each layer's four steps.
        assert str(solution.analysis.clean) == data["derivative"]
        assert shown(solution.analysis.clean) in note.back
        if "value" in data:
            assert shown(solution.slope) in note.back and str(solution.slope) == data["value"]
        layers = [s for s in solution.steps if isinstance(s, Layer)]
        assert len(layers) == len(data["steps"])
        for layer, step in zip(layers, data["steps"], strict=True):
            if layer.trivial:
                assert shown(layer.outer_derivative_form) in note.back
                continue
            assert str(layer.outer_form) == step["outer"]
            assert shown(layer.outer_form) in note.back
            assert equal(step["inner"], layer.inner, variable)
            assert shown(layer.inner, ordered=False) in note.back
            assert str(layer.outer_derivative) == step["outer_derivative"]
            assert shown(layer.outer_derivative, ordered=False) in note.back
            assert str(layer.inner_derivative) == step["inner_derivative"]
            assert shown(layer.inner_derivative) in note.back
            assert str(layer.product) == step["product"]
            assert shown(layer.product) in note.back
        for label in ("Identify", "Outer derivative", "Inner derivative", "Multiply"):
            if any(not layer.trivial for layer in layers):
                assert f"{label}:" in note.back


def deck_problems(args: list[str]) -> list[Problem]:
    """The problems a deck with these options holds (the same selection as the command)."""
    from chainrule_cli.practice.deck import build_deck

    def value(flag: str) -> str | None:
        return args[args.index(flag) + 1] if flag in args else None

    types = [args[i + 1] for i, a in enumerate(args) if a == "--type"]
    difficulty = value("--difficulty")
    count = value("--count")
    seed = value("--seed")
    deck = build_deck(
        load(None),
        types,
        int(difficulty) if difficulty else None,
        int(count) if count else None,
        int(seed) if seed else None,
        True,
        "--generated" in args,
    )
    return list(deck.problems)


def test_rates_cards_show_the_checker_answer(tmp_path: Path) -> None:
    """A rates card asks its question and its back multiplies the two rates to the answer."""
    pkg = export(tmp_path / "d.apkg", "--type", "applied")
    assert len(pkg.notes) == len([p for p in BANK.values() if p.applied])
    for note in pkg.notes:
        problem = BANK[note.problem_id]
        checker = AppliedChecker(problem)
        assert html.escape(problem.question or "", quote=False) in note.front
        assert shown(checker.expected) in note.back
        assert shown(checker.outer_rate) in note.back
        assert "Multiply:" in note.back
        assert note.tags == ["applied", f"difficulty::{problem.difficulty}"]


# -- identity: re-imports update, never duplicate ---------------------------------------------------
def test_guids_and_ids_are_stable_across_exports(tmp_path: Path) -> None:
    """Two exports at different times: the same deck id, note type id and GUIDs."""
    args = ("--type", "root", "--count", "7", "--seed", "3")
    first = export(tmp_path / "a.apkg", *args, epoch=1_700_000_000)
    second = export(tmp_path / "b.apkg", *args, epoch=1_800_000_000)
    assert [n.guid for n in first.notes] == [n.guid for n in second.notes]
    assert all(n.guid == genanki.guid_for("Chain rule", n.problem_id) for n in first.notes)
    assert first.decks.keys() == second.decks.keys()
    assert first.models.keys() == second.models.keys()
    assert {n.mid for n in first.notes} == {n.mid for n in second.notes}
    assert len({n.guid for n in first.notes}) == 7
    other = export(tmp_path / "c.apkg", *args, deck="Calculus::Chain rule")
    assert not {n.guid for n in other.notes} & {n.guid for n in first.notes}


def test_reimporting_a_regenerated_deck_updates_its_notes(tmp_path: Path) -> None:
    """Anki's rule, simulated: a note whose GUID is known is updated when it is newer, never added.

    A regenerated deck (more problems, exported later) adds only the new problems
    and updates the ones already imported.
    """
    old = export(tmp_path / "old.apkg", "--type", "exponential", "--count", "5", "--seed", "8")
    new = export(
        tmp_path / "new.apkg",
        "--type",
        "exponential",
        "--count",
        "9",
        "--seed",
        "8",
        epoch=1_700_086_400,
    )
    collection: dict[str, Note] = {}
    assert anki_import(collection, old) == {"new": 5, "updated": 0, "duplicate": 0}
    result = anki_import(collection, new)
    repeated = {n.guid for n in old.notes} & {n.guid for n in new.notes}
    assert result == {"new": 9 - len(repeated), "updated": len(repeated), "duplicate": 0}
    assert len(collection) == len({n.guid for n in old.notes} | {n.guid for n in new.notes})
    assert anki_import(collection, new)["updated"] == 0  # the same file again: nothing newer


def anki_import(collection: dict[str, Note], pkg: Package) -> dict[str, int]:
    """Anki's package import for notes: match by GUID; update only a newer note of the same type."""
    counts = {"new": 0, "updated": 0, "duplicate": 0}
    for note in pkg.notes:
        existing = collection.get(note.guid)
        if existing is None:
            collection[note.guid] = note
            counts["new"] += 1
        elif existing.mid == note.mid and note.mod > existing.mod:
            collection[note.guid] = note
            counts["updated"] += 1
        elif existing.mid != note.mid:
            raise AssertionError("a different note type: Anki would skip the update")
    return counts


def test_pinned_time_gives_the_same_bytes(tmp_path: Path) -> None:
    """With SOURCE_DATE_EPOCH the deck is reproducible byte for byte."""
    args = ("--type", "power", "--count", "4", "--seed", "1")
    export(tmp_path / "a.apkg", *args)
    export(tmp_path / "b.apkg", *args)
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()


def test_notes_are_stamped_with_the_export_time(tmp_path: Path) -> None:
    """Unpinned, the notes carry the time of export: Anki updates notes only when newer."""
    import time

    before = int(time.time())
    pkg = export(tmp_path / "a.apkg", "--count", "2", epoch=None)
    assert all(before <= n.mod <= int(time.time()) + 1 for n in pkg.notes)


# -- errors ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        pytest.param("deck.txt", [], "must end in .apkg", id="extension"),
        pytest.param("d.apkg", ["--type", "nope"], "unknown type 'nope'", id="type"),
        pytest.param("d.apkg", ["--deck", 'a"b'], "--deck", id="deck-name"),
        pytest.param("missing/d.apkg", [], "does not exist", id="folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, name: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["anki", str(tmp_path / name), "--count", "1", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / name).exists()


def test_refuses_to_overwrite_what_is_not_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "deck.apkg"
    target.mkdir()
    result = runner.invoke(app, ["anki", str(target), "--count", "1"])
    assert result.exit_code == 2
    assert "regular file" in result.stderr
    assert target.is_dir()


def test_bad_source_date_epoch(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["anki", str(tmp_path / "d.apkg"), "--count", "1"], env={"SOURCE_DATE_EPOCH": "soon"}
    )
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr
