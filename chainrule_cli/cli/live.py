"""The live reading of an answer while it is typed: how the parser reads it, or where it stops.

Fast enough for every keystroke: no simplification (the parser's tree is shown
as typed) and the last results cached. SymPy is imported on a background thread
(``warm_up``); until it is there the reading says "reading…". No terminal here:
the prompt (``prompt.toolbar``) draws the line.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from chainrule_cli.reading.units import strip_unit

#: The most ambiguity notes shown under the prompt.
MAX_NOTES = 2


@dataclass(frozen=True)
class MathField:
    """What a prompt reads: an expression in ``variables`` (tried in order), with an optional unit."""

    variables: tuple[str, ...] = ("x",)
    unit: str | None = None


@dataclass(frozen=True)
class Reading:
    """How a line is read: the expression as shown, or the parser's message and where it stops."""

    text: str
    shown: str = ""
    error: str = ""
    position: int | None = None
    notes: tuple[str, ...] = ()
    pending: bool = False  # SymPy is still loading: the reading comes in a moment

    @property
    def ok(self) -> bool:
        return not self.error and not self.pending

    def line(self) -> str:
        """The reading on one line (the notes follow, separated by semicolons)."""
        if self.pending:
            return "reading…"
        if self.error:
            where = f" (at character {self.position + 1})" if self.position is not None else ""
            head = self.error + where
        else:
            head = f"read as {self.shown}"
        return "; ".join([head, *self.notes])


def _read(text: str, variable: str, unicode: bool) -> tuple[Any, tuple[str, ...]]:
    """The parser's tree for ``text`` and its notes on ambiguous input ("did you mean …?")."""
    from chainrule_cli.printing.notes import notes
    from chainrule_cli.reading.parsing import read

    result = read(text, variable)
    if len(result.ambiguities) > MAX_NOTES:  # each note costs a few ms to write out
        result = replace(result, ambiguities=result.ambiguities[:MAX_NOTES])
    return result.tree, tuple(notes(result, unicode))


def _compute(text: str, field: MathField, unicode: bool) -> Reading:
    from chainrule_cli.errors import InputError
    from chainrule_cli.printing.mathtext import show
    from chainrule_cli.reading.parsing import symbol
    from chainrule_cli.reading.syntax import to_sympy

    candidates = [(text, "")]
    if field.unit:
        stripped = strip_unit(text, field.unit)
        if stripped is not None:
            candidates.append((stripped, " " + field.unit))
    errors: list[Reading] = []
    for candidate, unit in candidates:
        for variable in field.variables:
            try:
                tree, notes = _read(candidate, variable, unicode)
                shown = show(to_sympy(tree, symbol(variable), evaluate=False), unicode, False)
            except InputError as exc:
                errors.append(Reading(text, error=exc.message, position=exc.position))
                continue
            except RecursionError:
                errors.append(Reading(text, error="nested too deeply to read"))
                continue
            return Reading(text, shown=shown + unit, notes=_shorter(notes, shown))
    # "unknown name 'x'" from trying u says nothing when x is allowed too.
    others = tuple(f"unknown name '{v}'" for v in field.variables)
    telling = [e for e in errors if not e.error.startswith(others)]
    found = (telling or errors)[0]
    if field.unit and found.error.startswith("unknown name"):
        return replace(found, error=f"a number, optionally followed by the unit {field.unit}")
    return found


def _shorter(notes: tuple[str, ...], shown: str) -> tuple[str, ...]:
    """Notes about the whole answer, without repeating the reading shown above them."""
    head = f"read as {shown}"
    return tuple(
        note[len(head) :].lstrip(";: ") if note.startswith(head) and note != head else note
        for note in notes
    )


_cache: OrderedDict[tuple[str, MathField, bool], Reading] = OrderedDict()
_CACHE_SIZE = 128
_warm: threading.Thread | None = None
_loaded = threading.Event()  # set once the background import of SymPy is over


def warm_up(on_ready: Callable[[], None] | None = None) -> None:
    """Import SymPy on a background thread (the first import takes a few hundred ms).

    Until it is loaded the reading says "reading…"; then ``on_ready`` is called,
    to redraw the prompt.
    """
    global _warm
    if "sympy" in sys.modules or _warm is not None:
        return

    def load() -> None:
        try:
            import sympy  # noqa: F401
        finally:
            _loaded.set()
            if on_ready is not None:
                on_ready()

    _warm = threading.Thread(target=load, name="chainrule-warm-up", daemon=True)
    _warm.start()


def reading(text: str, field: MathField, unicode: bool = True) -> Reading:
    """How ``text`` is read at a prompt for ``field``: fast enough for every keystroke.

    No simplification: the parser's tree is shown as typed. The last results are cached.
    """
    key = (text, field, unicode)
    cached = _cache.get(key)
    if cached is not None:
        _cache.move_to_end(key)
        return cached
    if _warm is not None and not _loaded.is_set():
        return Reading(text, pending=True)
    try:
        result = _compute(text, field, unicode)
    except Exception as exc:  # the reading is a courtesy: it must never break the prompt
        result = Reading(text, error=f"cannot read this yet ({type(exc).__name__})")
    _cache[key] = result
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def reading_line(text: str, variable: str, unicode: bool = True) -> str:
    """The live reading of ``text`` as one line: ``read as −4sin(4x)``, or the parser's message."""
    return reading(text, MathField((variable,)), unicode).line()
