"""The typer application: thin commands over the core.

Each command parses its options, calls the core, hands the result to
``render`` and maps the core's exceptions to one line and an exit code
(``common.guard``). Heavy modules (sympy, yaml, the renderer) are imported
inside the commands, so ``chainrule --help`` and completion stay fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule_cli import __version__

app = typer.Typer(
    name="chainrule",
    help="Learn and practise the chain rule of calculus in the terminal.\n\n"
    'Example: chainrule solve "(3x+1)^2" --at 1',
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chainrule {__version__}")
        raise typer.Exit()


@app.callback()
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


def _register() -> None:
    from chainrule_cli.cli import bank, check, generate, learn, plot, progress, quiz, solve

    solve.register(app)
    check.register(app)
    plot.register(app)
    quiz.register(app)
    progress.register(app)
    learn.register(app)
    generate.register(app)
    app.add_typer(bank.app, name="bank")


_register()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="chainrule")
