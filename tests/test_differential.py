"""The differential test against SymPy over generated (function, answer) pairs.

Right answers come from ``sympy.diff`` written several ways (SymPy's own
syntax, LaTeX, expanded, factored, trig identities); wrong answers are the
derivative with one typical mistake, kept only where SymPy says they differ.
Near misses a float tolerance would accept (factors 10⁻¹² and 10¹², offsets
10⁻⁹ and 10⁻¹², 1.0000001 times), scaled functions and slopes far out on
exponentials are in the run too. The verdicts must show 0 false accepts, 0
false rejects, 0 answers the checker could not confirm and 0 accepted by
floats alone. ``bench/run.py`` records the same counts in ``bench/results.json``.
"""

from __future__ import annotations

import pytest

from tests.differential import FUNCTIONS, SEED, run

#: The algebra's limits follow the CPU this process gets (conftest's ``in_step``): under
#: ``pytest -n auto`` on a busy machine a right answer is still decided by algebra, not
#: turned "unconfirmed" for want of CPU. The verdicts' promise is checked unchanged.
pytestmark = pytest.mark.usefixtures("in_step")


#: The 5,000 pairs, dealt out in parts that the test workers take side by side.
PARTS = 8


@pytest.mark.slow
@pytest.mark.parametrize("part", range(PARTS))
def test_no_false_accepts_and_no_false_rejects(part: int) -> None:
    """Over 5 000 pairs (here one part of eight): every right form is accepted, every
    mistaken derivative is caught."""
    tally = run(FUNCTIONS, seed=SEED, part=(part, PARTS))
    assert tally.pairs >= 5000 // PARTS, tally.as_dict()  # so the eight hold at least 5,000
    assert tally.false_rejects == []
    assert tally.false_accepts == []
    assert tally.unconfirmed == []
    assert tally.numbers_alone == []
    assert set(tally.forms) >= {"sympy", "latex", "expanded", "factored", "trig-identity"}
    assert set(tally.forms) >= {"scaled-1e-12", "scaled-1e12"}
    assert len(tally.codes) >= 8, tally.codes
    assert set(tally.near) >= {"factor-1e-12", "factor-1e12", "offset-1e-9", "offset-1e-12"}
    assert "near-decimal" in tally.near
    if part == 0:
        assert set(tally.near) >= {"far-out-zero", "far-out-near"}


def test_a_quick_sample_agrees_with_sympy() -> None:
    """A small run for everyday use: right forms accepted, mistakes and near misses caught,
    nothing accepted by floats alone."""
    tally = run(8, seed=7)
    assert tally.pairs > 150
    assert tally.false_rejects == [] and tally.false_accepts == []
    assert tally.unconfirmed == [] and tally.numbers_alone == []
    assert sum(tally.near.values()) > 60
