"""The differential test against SymPy over generated (function, answer) pairs.

Right answers come from ``sympy.diff`` written several ways (SymPy's own
syntax, LaTeX, expanded, factored, trig identities); wrong answers are the
derivative with one typical mistake, kept only where SymPy says they differ.
The verdicts must show 0 false accepts and 0 false rejects. ``bench/run.py``
records the same counts in ``bench/results.json``.
"""

from __future__ import annotations

import pytest

from tests.differential import FUNCTIONS, SEED, run


@pytest.mark.slow
def test_no_false_accepts_and_no_false_rejects() -> None:
    """Over 5 000 pairs: every right form is accepted, every mistaken derivative is caught."""
    tally = run(FUNCTIONS, seed=SEED)
    assert tally.pairs >= 5000, tally.as_dict()
    assert tally.false_rejects == []
    assert tally.false_accepts == []
    assert set(tally.forms) >= {"sympy", "latex", "expanded", "factored", "trig-identity"}
    assert len(tally.codes) >= 8, tally.codes


def test_a_quick_sample_agrees_with_sympy() -> None:
    """A small run for everyday use: right forms accepted, mistakes caught."""
    tally = run(8, seed=7)
    assert tally.pairs > 50
    assert tally.false_rejects == [] and tally.false_accepts == []
