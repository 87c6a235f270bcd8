"""The differential test of the tree judge against sympy.diff over generated trees
(``tests/tree_differential.py``): right answers in the four forms accepted, wrong ones
made by every mistake code caught; 0 false accepts, 0 false rejects. ``bench/run.py``
records the counts of the full run in ``bench/results.json`` (``tree_differential``)."""

from __future__ import annotations

import pytest

from tests.tree_differential import SEED, TREES, run

CODES = {
    "missing_path",
    "extra_path",
    "forgot_inner_derivative",
    "wrong_variable",
    "added_instead_of_multiplied",
    "substituted_wrong",
}


#: The 2,000 trees, dealt out in parts that the test workers take side by side.
PARTS = 8


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_no_false_accepts_and_no_false_rejects_over_2000_trees(part: int) -> None:
    """Over 2,000 generated trees (1–3 independents, 2–3 levels, shared intermediates,
    direct and indirect paths; here one part of eight): every right form accepted,
    every slip caught."""
    report = run(TREES, SEED, part=(part, PARTS))
    assert report.trees == TREES // PARTS  # so the eight judge all 2,000
    assert report.false_rejects == []
    assert report.false_accepts == []
    assert set(report.made) == CODES
    assert set(report.forms) == {"substituted", "intermediates", "value", "formula", "formula_d"}


def test_a_quick_sample_agrees_with_sympy() -> None:
    """A small run for everyday use: right forms accepted, every mistake code made and caught."""
    report = run(25, seed=7)
    assert report.false_rejects == [] and report.false_accepts == []
    assert set(report.made) == CODES
    assert sum(report.named.values()) >= 0.9 * report.wrong
