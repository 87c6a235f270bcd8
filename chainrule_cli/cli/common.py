"""What every command shares: error mapping and option types.

All of the core's exceptions end here, as one line on stderr (with the input
and a caret for math) and an exit code from ``ExitCode``; never a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.exitcodes import ExitCode
from chainrule_cli.kinds import TYPES

F = TypeVar("F", bound=Callable[..., Any])

#: Arguments may start with a minus sign ("-x^2+1", "-3sin(3x)") without "--".
MATH_ARGS = {"ignore_unknown_options": True}


#: The values an option accepts, for help texts and the static shell completions.
CHOICES: dict[str, tuple[str, ...]] = {
    "--type": TYPES,
    "--difficulty": ("1", "2", "3"),
    "--activation": ("sigmoid", "tanh", "relu"),
    "--section": (
        "intuition",
        "four-steps",
        "why-multiply",
        "check-with-numbers",
        "nested",
        "types",
        "applications",
        "backprop",
    ),
}


#: Options shared by the commands that take problems (quiz, review, bank list).
TypeFilter = Annotated[
    list[str] | None,
    typer.Option("--type", help=f"Only this type ({', '.join(TYPES)}); repeatable."),
]
DifficultyFilter = Annotated[
    int | None, typer.Option("--difficulty", min=1, max=3, help="Only this difficulty (1-3).")
]
BankPaths = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank", help="Use this bank file or folder instead of the shipped one (repeatable)."
    ),
]


def fail(
    message: str, code: ExitCode = ExitCode.USAGE, caret: list[str] | None = None
) -> typer.Exit:
    from chainrule_cli import render

    render.error(message, caret or [])
    return typer.Exit(int(code))


def guard(fn: F) -> F:
    """Turn the core's exceptions into one clear line and the right exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            raise fail(exc.message, ExitCode.USAGE, exc.caret_lines()) from None
        except ChainruleError as exc:
            raise fail(str(exc), ExitCode.USAGE) from None
        except RecursionError:
            raise fail("that expression is nested too deeply to work with") from None

    return wrapper  # type: ignore[return-value]


def reject_option_like(text: str, what: str) -> None:
    """An argument such as ``--fast`` is a mistyped option, not math."""
    if text.startswith("--") and text[2:].replace("-", "").isalpha():
        raise fail(
            f"no such option: {text} (to pass {what} that starts with '-', write it in quotes)"
        )


def check_type(values: list[str] | None) -> list[str]:
    for value in values or []:
        if value not in TYPES:
            raise fail(f"unknown type {value!r}: choose from {', '.join(TYPES)}")
    return list(values or [])
