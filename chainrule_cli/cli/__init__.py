"""The typer application: thin commands over the core.

Each command parses its options, calls the core, hands the result to
``render`` and maps the core's exceptions to one line and an exit code
(``common.guard``). Heavy modules (sympy, yaml, the renderer) are imported
inside the commands, so ``chainrule --help`` and completion stay fast.

Mistakes on the command line itself are handled once, by ``ChainruleGroup``:
an unknown option, a missing argument or a bad value prints ``error: …`` and
``try 'chainrule quiz --help'`` on stderr and exits 2, like the tool's own
errors. Help is plain text (no boxes, no type names): ``-h`` or ``--help``
anywhere, and ``chainrule`` alone prints it and exits 0. Shell completion
comes from the static scripts in completions/, not typer's dynamic one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli import __version__
from chainrule_cli.cli.group import CONTEXT, ChainruleGroup, use_plain_help
from chainrule_cli.cli.startup import prepare

prepare()  # start sooner: garbage collected in larger rounds, no pydantic (startup.py)

_app = typer.Typer(
    name="chainrule",
    cls=ChainruleGroup,
    help="Learn and practise the chain rule of calculus in the terminal.\n\n"
    'Example: chainrule solve "(3x+1)^2" --at 1',
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chainrule {__version__}")
        raise typer.Exit()


@_app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Learn and practise the chain rule of calculus in the terminal.

    Example: chainrule solve "(3x+1)^2" --at 1
    """


#: The modules of chainrule_cli.cli that define commands, in the order the help
#: lists them, with the command names each one defines.
COMMANDS: dict[str, tuple[str, ...]] = {
    "solve": ("solve",),
    "check": ("check",),
    "plot": ("plot",),
    "quiz": ("quiz",),
    "practise": ("practise", "practice"),
    "progress": ("stats", "history", "review", "export"),
    "learn": ("learn",),
    "backprop": ("backprop",),
    "generate": ("generate",),
    "takeaway": ("anki", "worksheet"),
    "bank": ("bank",),
}
_registered: list[str] = []


def application(command: str | None = None) -> typer.Typer:
    """The app, with the command named ``command`` registered, or every command.

    Building a command from its function's signature is typer's slowest step,
    so ``chainrule solve …`` registers ``solve`` alone (about 40 ms sooner to
    its work than building all twenty). Help, an unknown word and no word at
    all get every command, in the order ``COMMANDS`` gives.
    """
    import importlib

    wanted = [m for m, names in COMMANDS.items() if command in names] or list(COMMANDS)
    if all(m in _registered for m in wanted):
        return _app
    if len(wanted) > 1 and _registered:  # from one command to all: in the order of the help
        _app.registered_commands.clear()
        _app.registered_groups.clear()
        _registered.clear()
    for name in wanted:
        module = importlib.import_module(f"chainrule_cli.cli.{name}")
        if name == "bank":
            _app.add_typer(module.app, name="bank")
        else:
            module.register(_app)
        _registered.append(name)
    use_plain_help(_app)
    return _app


def command_word(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole application, every command registered (tests, scripts)."""
    if name == "app":
        return application()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    app: typer.Typer


def main() -> None:
    """Console-script entry point.

    The standard streams are made safe before any command runs: a closed stdin
    reads as empty input, a closed stdout is refused with one line, and text the
    output's encoding cannot carry is replaced instead of raising. When writing
    the output fails (a full disk, a device error), the command ends with one
    line on stderr and exit status 2; a pipe closed by the reader (``| head``)
    ends it quietly with status 1. Never a traceback.
    """
    import sys

    refused = _prepare_streams()
    if refused is not None:
        raise SystemExit(refused)
    status: int | str | None
    try:
        application(command_word(sys.argv[1:]))(prog_name="chainrule")
        status = 0
    except SystemExit as exc:
        status = exc.code
    except OSError as exc:
        status = _output_failed(exc)
    try:
        sys.stdout.flush()
    except OSError as exc:
        status = _output_failed(exc)
    raise SystemExit(status)


def _prepare_streams() -> int | None:
    """Stand in for a closed stdin; refuse a closed stdout (the exit status), else None."""
    import os
    import sys

    if sys.stdin is None:  # started with stdin closed (<&-): read as empty input
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:  # started with stdout closed (>&-): nowhere to put the result
        if sys.stderr is not None:
            sys.stderr.write("error: standard output is closed: nothing could be shown\n")
        return 2
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")  # the last safety net; views choose ASCII themselves
    return None


def _output_failed(exc: OSError) -> int:
    """One line on stderr for an output that failed; the exit status.

    Pending output is then sent to the null device, so that Python's own flush
    at exit does not fail again with a traceback.
    """
    import errno
    import os
    import sys

    if exc.filename is not None:  # a file the command itself opened, not the output
        message = f"{exc.filename}: {exc.strerror or exc}"
    else:
        message = f"cannot write the output: {exc.strerror or exc}"
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
    if exc.errno == errno.EPIPE:  # the reader stopped reading (| head): not worth a word
        return 1
    try:
        sys.stderr.write(f"error: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    return 2
