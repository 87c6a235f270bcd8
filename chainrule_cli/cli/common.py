"""What every command shares: error mapping, option types and their checks.

All of the core's exceptions end here, as one line on stderr (with the input
and a caret for math) and an exit code from ``ExitCode``; never a traceback.
Mistakes on the command line itself (an unknown option, a bad value) are
turned into the same one-line style by the app's command group
(``cli.ChainruleGroup``).

The options several commands take are declared once, below, as ``Annotated``
aliases. Every option that takes a value has a metavar (``N``, ``PATH``,
``[md|tex|html]``), so ``--help`` never shows typer's ``<list[str]>``; options
with a fixed set of values are checked case-insensitively by ``choice`` and
list their values in the help.
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

#: The lesson's sections and the worksheet's formats (kept here so that ``--help``
#: and the completions need not import the lessons; tests check they agree).
SECTIONS = (
    "intuition",
    "four-steps",
    "why-multiply",
    "check-with-numbers",
    "nested",
    "types",
    "applications",
    "backprop",
)
ACTIVATIONS = ("sigmoid", "tanh", "relu")
FORMATS = ("md", "tex", "html")

#: The values an option accepts, for help texts and the static shell completions.
CHOICES: dict[str, tuple[str, ...]] = {
    "--type": TYPES,
    "--difficulty": ("1", "2", "3"),
    "--activation": ACTIVATIONS,
    "--section": SECTIONS,
    "--format": FORMATS,
}


class OptionError(typer.BadParameter):
    """A value the command line cannot take, with the whole message already written."""

    def format_message(self) -> str:
        return self.message


def listed(values: tuple[str, ...], last: str = "or") -> str:
    """power, trig or log."""
    return f"{', '.join(values[:-1])} {last} {values[-1]}" if len(values) > 1 else values[0]


def choice(what: str, values: tuple[str, ...]) -> Callable[[Any, Any, Any], Any]:
    """An option callback: the value (or each value) lower-cased and one of ``values``."""

    def check(ctx: Any, param: Any, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list | tuple):
            return [one(v) for v in value]
        return one(value)

    def one(value: str) -> str:
        lowered = value.strip().lower()
        if lowered not in values:
            raise OptionError(f"unknown {what} {value!r}: choose from {', '.join(values)}")
        return lowered

    return check


def between(low: int, high: int) -> Callable[[Any, Any, Any], Any]:
    """An option callback: a whole number from ``low`` to ``high``."""

    def check(ctx: Any, param: Any, value: Any) -> Any:
        if value is not None and not low <= value <= high:
            name = param.opts[0] if param is not None and param.opts else "the value"
            raise OptionError(f"{name} must be from {low} to {high}, not {value}")
        return value

    return check


def at_least(low: int) -> Callable[[Any, Any, Any], Any]:
    """An option callback: a whole number of at least ``low``."""

    def check(ctx: Any, param: Any, value: Any) -> Any:
        if value is not None and value < low:
            name = param.opts[0] if param is not None and param.opts else "the value"
            raise OptionError(f"{name} must be at least {low}, not {value}")
        return value

    return check


# -- options several commands share ---------------------------------------------------------
# Choosing problems (quiz, review, anki, worksheet): the same words everywhere. How many
# (``count_option``) is declared by each command, as each has its own default.
TypeFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        callback=choice("type", TYPES),
        help=f"Only this type: {listed(TYPES)} (repeatable).",
        show_default=False,
    ),
]


def difficulty_option(help: str) -> Any:
    """``--difficulty [1|2|3]``."""
    return typer.Option(
        "--difficulty", metavar="[1|2|3]", callback=between(1, 3), help=help, show_default=False
    )


def seed_option(help: str) -> Any:
    """``--seed N``: the same seed, the same result."""
    return typer.Option("--seed", metavar="N", help=help, show_default=False)


DifficultyFilter = Annotated[int | None, difficulty_option("Only this difficulty: 1, 2 or 3.")]
BankPaths = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank",
        metavar="PATH",
        help="Use this bank file or folder instead of the shipped one (repeatable).",
        show_default=False,
    ),
]
Seed = Annotated[
    int | None, seed_option("The same seed chooses the same problems in the same order.")
]
Shuffle = Annotated[
    bool,
    typer.Option(
        "--shuffle/--no-shuffle",
        help="Shuffle the problems (the default), or keep bank order.",
        show_default=False,
    ),
]
Generated = Annotated[
    bool,
    typer.Option(
        "--generated", help="Use generated problems instead of the bank.", show_default=False
    ),
]
Missed = Annotated[
    bool,
    typer.Option(
        "--missed",
        help="Replay what you missed, revealed, skipped or got right only after a wrong try, and have not got right at the first try since, oldest first.",
        show_default=False,
    ),
]
Mistake = Annotated[
    str | None,
    typer.Option(
        "--mistake",
        metavar="CODE",
        help="Drill one mistake, by the code stats and check give it: only problems where that slip is easy to make.",
        show_default=False,
    ),
]
#: --at of solve: one number, or name=value pairs for several variables.
AT_PAIRS = (
    "Also find the slope at this point (e.g. 1, -0.5, pi/4; "
    "with --where or --implicit: name=value pairs, e.g. s=1,t=2)."
)
Point = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="POINT",
        help="Also find the slope at this point (e.g. 1, -0.5, pi/4).",
        show_default=False,
    ),
]
Variable = Annotated[
    str,
    typer.Option(
        "--var", metavar="NAME", help="The variable's name (default x).", show_default=False
    ),
]
Json = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead.", show_default=False)
]
Plot = Annotated[
    bool,
    typer.Option(
        "--plot", help="Draw the graphs with the full solution (last hint, skip, or a miss)."
    ),
]


def count_option(help: str, high: int | None = None) -> Any:
    """``--count N``: how many problems, from 1 (to ``high``)."""
    return typer.Option(
        "--count",
        metavar="N",
        callback=between(1, high) if high is not None else at_least(1),
        help=help,
        show_default=False,
    )


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
        from chainrule_cli import safefile

        safefile.listen(_note)  # a file in the data folder skipped: one line, as it happens
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            raise fail(exc.message, ExitCode.USAGE, exc.caret_lines()) from None
        except ChainruleError as exc:
            raise fail(str(exc), ExitCode.USAGE) from None
        except RecursionError:
            raise fail("that expression is nested too deeply to work with") from None

    return wrapper  # type: ignore[return-value]


def _note(message: str) -> None:
    from chainrule_cli import render

    render.warn(message)


def check_type(values: list[str] | None) -> list[str]:
    """The ``--type`` values, lower-cased and checked (the option's callback does it too)."""
    out = []
    for value in values or []:
        if value.lower() not in TYPES:
            raise fail(f"unknown type {value!r}: choose from {', '.join(TYPES)}")
        out.append(value.lower())
    return out
