"""Published multivariable chain-rule and implicit-differentiation exercises (OpenStax
Calculus Volume 3 §4.5, APEX Calculus §12.5 and §2.6), typed as the books print them:
every function is read, every published answer is accepted, and each item's two typical
wrong answers are caught and named.

The corpus is ``tests/corpus/tree.yaml``; each item cites its source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chainrule_cli.graph.implicit import Implicit
from chainrule_cli.graph.judge import TreeJudge
from chainrule_cli.graph.treebuild import build_tree
from chainrule_cli.maths.checking import Verdict
from chainrule_cli.reading.equations import read_point

CORPUS = Path(__file__).parent / "corpus" / "tree.yaml"
ITEMS: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["items"]


def check(item: dict[str, Any], answer: str) -> Verdict:
    """The verdict on ``answer`` for the item's problem (and point)."""
    at = read_point(item["at"]) if item.get("at") else None
    if item["kind"] == "implicit":
        imp = Implicit.from_text(item["function"])
        return imp.check(answer, imp.point(at) if at else None)
    tree = build_tree(item["function"], item["where"], item["wrt"])
    return TreeJudge(tree, tree.point(at) if at else None).check(answer)


def test_the_corpus_is_large_and_cited() -> None:
    """At least 60 published exercises from both books, each cited, with two wrong answers."""
    assert len(ITEMS) >= 60
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    books = {item["source"].split(" (")[0] for item in ITEMS}
    assert books == {"OpenStax Calculus Volume 3", "APEX Calculus"}
    assert sum(item["kind"] == "implicit" for item in ITEMS) >= 6
    for item in ITEMS:
        assert item["source"] and item["url"].startswith("https://github.com/"), item["id"]
        assert len(item["wrong"]) == 2, item["id"]


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_published_answer_is_accepted(item: dict[str, Any]) -> None:
    """The book's answer, in the book's notation, is right."""
    verdict = check(item, str(item["answer"]))
    assert verdict.correct, f"{item['id']}: {item['answer']!r} → {verdict.feedback}"


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_wrong_answers_are_caught_and_named(item: dict[str, Any]) -> None:
    """Each typical wrong answer is marked wrong, with the name of its mistake."""
    for wrong in item["wrong"]:
        verdict = check(item, str(wrong["answer"]))
        assert not verdict.correct, f"{item['id']}: {wrong['answer']!r} accepted"
        assert verdict.mistake == wrong["mistake"], (
            f"{item['id']}: {wrong['answer']!r} named {verdict.mistake}, not {wrong['mistake']}"
        )
