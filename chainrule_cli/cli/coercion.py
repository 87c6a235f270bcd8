"""Plain command-line values without pydantic.

Typer (0.2x) checks every parameter of a command with a pydantic
``TypeAdapter``, built when the command runs. Importing pydantic and building
the adapters costs about 0.1 s, as much as the rest of ``chainrule solve``
beyond SymPy. Most values need no checking at all: a string option is the
string typed, a count is a run of digits within its bounds.

``install`` gives typer's parameters a lazy coercion that answers those plain
cases itself and hands everything else (a path, an out-of-range number, text
that is not a number) to typer's own pydantic coercion, built only then: so
every value either comes out exactly as typer would make it, or goes through
typer itself, with typer's own error messages. When typer's internals are not
the ones this was written for, ``install`` does nothing.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

#: A plain integer as typed: the only text this module turns into an int itself.
_INTEGER = re.compile(r"-?[0-9]{1,18}")
#: "Not answered here: ask typer."
_UNANSWERED = object()


def plain_value(descriptor: Any, value: Any, multiple: bool) -> Any:
    """``value`` as typer's coercion would give it, or ``_UNANSWERED`` when not plain."""
    info = descriptor.parameter_info
    if getattr(info, "parser", None) is not None or descriptor.is_choice:
        return _UNANSWERED
    annotation = descriptor.annotation
    if multiple:
        if (
            get_origin(annotation) is list
            and get_args(annotation) == (str,)
            and isinstance(value, list | tuple)
            and all(isinstance(item, str) for item in value)
        ):
            return list(value)
        return _UNANSWERED
    if annotation is str:
        return value if isinstance(value, str) else _UNANSWERED
    if annotation is bool:
        return value if isinstance(value, bool) else _UNANSWERED
    if annotation is int:
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            return _UNANSWERED
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if (low is not None and number < low) or (high is not None and number > high):
            return _UNANSWERED  # typer clamps or refuses, in its own words
        return number
    return _UNANSWERED


class LazyCoercion:
    """Typer's runtime coercion for one parameter, with pydantic built only when needed."""

    def __init__(self, descriptor: Any, build: Any) -> None:
        self.descriptor = descriptor
        self._build = build
        self._typer: Any = None

    def typer(self) -> Any:
        """Typer's own coercion (a pydantic TypeAdapter), built on first use."""
        if self._typer is None:
            self._typer = self._build(self.descriptor)
        return self._typer

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = bool(param.multiple or param.nargs == -1)
        if value is None:  # as typer's RuntimeParam.coerce
            return () if multiple else None
        if not (multiple and isinstance(value, str)):
            answer = plain_value(self.descriptor, value, multiple)
            if answer is not _UNANSWERED:
                return answer
        return self.typer().coerce(value, param=param, ctx=ctx)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.typer(), name)


def install() -> bool:
    """Give typer's parameters the lazy coercion; False when typer is not the expected shape."""
    try:
        from typer import core
        from typer._coercion import build_runtime_param
    except ImportError:
        return False
    parameter = getattr(core, "_TyperParameter", None)
    if parameter is None or not hasattr(parameter, "get_runtime_param"):
        return False
    if getattr(parameter.get_runtime_param, "_chainrule_lazy", False):
        return True

    def get_runtime_param(self: Any) -> Any:
        if getattr(self, "_runtime_param", None) is None:
            self._runtime_param = LazyCoercion(self.type_descriptor, build_runtime_param)
        return self._runtime_param

    get_runtime_param._chainrule_lazy = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param
    return True
