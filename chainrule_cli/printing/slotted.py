"""``Slotted``: the light value class that boxes and expression nodes are made of.

Plain slotted classes, not dataclasses: both trees are built for the quiz's first
screen, before SymPy loads, and a dozen dataclasses take milliseconds to create.
Two values are equal when they are of one class with equal fields.
"""

from __future__ import annotations

from typing import Any


class Slotted:
    """Equality, hashing and a readable repr from the fields named in ``__slots__``."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self), self._fields()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({fields})"
