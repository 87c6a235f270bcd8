"""Published chain-rule exercises (Active Calculus, APEX Calculus, OpenStax), typed as
the books print them: every function is read, every published answer is accepted,
and each item's two typical wrong answers are caught and named.

The corpus is ``tests/corpus/textbook.yaml``; each item cites its source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sympy as sp
import yaml

from chainrule_cli.maths.analysis import analyse
from chainrule_cli.maths.checking import Checker
from chainrule_cli.reading.parsing import parse_number

CORPUS = Path(__file__).parent / "corpus" / "textbook.yaml"
ITEMS: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["items"]


def _checker(item: dict[str, Any]) -> Checker:
    at = item.get("at")
    point = parse_number(str(at)) if at is not None else None
    return Checker(analyse(item["function"], item.get("variable") or "x"), point)


def test_the_corpus_is_large_and_cited() -> None:
    """At least 100 published exercises, each with a source and two wrong answers."""
    assert len(ITEMS) >= 100
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert item["source"] and item["url"], item["id"]
        assert len(item["wrong"]) == 2, item["id"]


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_published_answer_is_accepted(item: dict[str, Any]) -> None:
    """The book's answer, in the book's notation, is right; the rule tree agrees with sympy.diff."""
    checker = _checker(item)
    analysis = checker.analysis
    oracle = sp.diff(analysis.expr, analysis.variable)
    assert sp.simplify(analysis.derivative - oracle) == 0 or checker.sampler.usable
    answer = item["value"] if item.get("at") is not None and item.get("value") else item["answer"]
    verdict = checker.check(str(answer))
    assert verdict.correct, f"{item['id']}: {answer!r} → {verdict.feedback}"


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_wrong_answers_are_caught_and_named(item: dict[str, Any]) -> None:
    """Each typical wrong answer is marked wrong, with the name of its mistake."""
    checker = _checker(item)
    for wrong in item["wrong"]:
        verdict = checker.check(str(wrong["answer"]))
        assert not verdict.correct, f"{item['id']}: {wrong['answer']!r} accepted"
        named = [verdict.mistake, *verdict.also]  # at a point, two slips can give one number
        assert wrong["mistake"] in named, (
            f"{item['id']}: {wrong['answer']!r} named {verdict.mistake}, "
            f"expected {wrong['mistake']} ({verdict.feedback})"
        )
