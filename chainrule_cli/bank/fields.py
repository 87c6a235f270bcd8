"""Field checks shared by every kind of bank problem: numbers, control characters, lines.

A number field (a point, a rate) becomes the text the math parser reads; text
shown to a learner must carry no control characters; ``line_of`` and
``duplicates`` read what the YAML loader (``bank/yamlfile.py``) recorded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from chainrule_cli.bank.problem import MAX_NUMBER_TEXT, OUT_OF_RANGE, POINT_LIMIT, clip

#: Control characters (and bidi overrides) refused in a bank's short texts.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
#: The same, but tabs and line breaks are fine in the longer texts.
CONTROL_IN_TEXT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def refuse_controls(entry: dict[Any, Any], issue: Callable[[str], None]) -> None:
    """Text shown to the learner carries no control characters: an escape sequence in
    a bank (a terminal title, a hidden link) is an error, never something to print."""
    for key, pattern in (
        ("question", CONTROL_IN_TEXT),
        ("note", CONTROL_IN_TEXT),
        ("unit", CONTROL),
        ("variable", CONTROL),
        ("expression", CONTROL_IN_TEXT),
        ("function", CONTROL_IN_TEXT),
        ("wrt", CONTROL),
    ):
        value = entry.get(key)
        if isinstance(value, str) and (found := pattern.search(value)):
            issue(
                f"{key!r} must not contain control characters such as escape sequences "
                f"(found {found.group()!r} at character {found.start() + 1})"
            )
    where = entry.get("where")
    if isinstance(where, dict) and any(
        isinstance(v, str) and CONTROL_IN_TEXT.search(v) for v in where.values()
    ):
        issue("'where' must not contain control characters such as escape sequences")
    chain = entry.get("chain")
    if isinstance(chain, list) and any(isinstance(c, str) and CONTROL.search(c) for c in chain):
        issue("'chain' names must not contain control characters such as escape sequences")


def number_field(key: str, value: Any, issue: Callable[[str], None]) -> str | None:
    """A point or a rate as the math parser reads it, or None (with an issue) when unusable.

    A YAML number is taken as YAML typed it (``1e3`` is a thousand) and turned
    into plain decimal text; text is kept for the math parser (``pi/4``) and
    checked by ``check_problem``. Either way, it must lie within ±POINT_LIMIT.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        issue(f"{key!r} must be a number, not {clip(value)}")
        return None
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_TEXT:
            issue(f"{key!r} is too long ({len(value)} characters; at most {MAX_NUMBER_TEXT})")
            return None
        return value
    if isinstance(value, float) and not math.isfinite(value):
        issue(f"{key!r} must be a finite number, not {clip(value)}")
        return None
    if abs(value) > POINT_LIMIT:
        issue(f"{key!r} is too large: {clip(value)} {OUT_OF_RANGE}")
        return None
    return number_text(value)


def number_text(value: int | float) -> str:
    """A YAML number as decimal text the math parser reads (never ``1e+15``)."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def line_of(mapping: Any) -> int | None:
    return getattr(mapping, "line", None)


def duplicates(mapping: Any) -> list[tuple[int, str]]:
    return [
        (line, f"duplicate key {clip(key)}: each key may appear once")
        for line, key in getattr(mapping, "duplicates", ())
    ]
