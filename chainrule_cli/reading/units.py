"""Units typed after a number: ``200π cm^3/s`` is the number 200π with the problem's unit."""

from __future__ import annotations


def strip_unit(text: str, unit: str) -> str | None:
    """``text`` without a trailing ``unit`` (spaces, ``^`` and superscripts ignored), or
    None when it does not end in the unit (or nothing is left before it)."""

    def norm(s: str) -> str:
        return s.replace(" ", "").replace("**", "^").replace("^2", "²").replace("^3", "³").lower()

    target = norm(unit)
    compact = text.rstrip()
    for cut in range(len(compact), 0, -1):
        if norm(compact[cut:]) == target:
            return compact[:cut].strip() or None
    return None
