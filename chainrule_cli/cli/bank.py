"""``chainrule bank``: validate and list problem banks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule_cli.cli.common import (
    BankPaths,
    DifficultyFilter,
    TypeFilter,
    check_type,
    guard,
)
from chainrule_cli.cli.group import ChainruleGroup
from chainrule_cli.exitcodes import ExitCode

app = typer.Typer(
    cls=ChainruleGroup,
    help="Validate and list problem banks (yours or the shipped one).\n\n"
    "Example: chainrule bank validate my-homework.yaml",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("validate")
@guard
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Bank files or folders (default: the shipped bank).",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check every problem afresh, even those proven valid before.",
        ),
    ] = False,
) -> None:
    """Check every problem in a bank (default: the shipped one).

    The expression parses, its derivative is right (checked with numbers, and
    with sympy.diff where numbers cannot tell), the type fits and the point is
    in the domain. Each problem has a time limit and
    the whole bank a time budget; a problem that runs out of time is reported.
    Problems proven valid before (by this version) are not checked again,
    unless --no-cache is given.

    Prints a summary table and every error (file:line: id: message).
    Exit status: 0 when all problems are valid, 1 otherwise.

    Example: chainrule bank validate problems/
    """
    from chainrule_cli import render
    from chainrule_cli.bank import counts, failed_ids, load, validate
    from chainrule_cli.render.progress_bar import ProgressBar

    bank = load(paths or None)
    with ProgressBar(len(bank.problems), "Validating") as bar:  # on stderr, after a second
        issues = validate(bank, progress=bar.advance, cached=not no_cache)
    console = render.make_console()
    bad_ids = failed_ids(issues)
    valid = [p for p in bank.problems if p.id not in bad_ids]
    console.print(render.bank_summary(counts(valid), len(bank.files), console))
    if issues:
        render.issue_lines(issues)
        plural = "s" if len(issues) != 1 else ""
        console.print(
            f"{len(issues)} issue{plural} found; {len(valid)} of {len(bank.problems)} "
            "loaded problems are valid. Fix them and validate again."
        )
        raise typer.Exit(int(ExitCode.WRONG))
    console.print(f"All {len(bank.problems)} problems are valid.")


@app.command("list")
@guard
def list_problems(
    kind: TypeFilter = None,
    difficulty: DifficultyFilter = None,
    bank: BankPaths = None,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print a JSON list instead of a table.", show_default=False),
    ] = False,
) -> None:
    """List the problems in a bank, filtered by type and difficulty.

    Problems that cannot be loaded are named on stderr, and the exit status
    is then 1 (0 when the whole bank loads).

    Example: chainrule bank list --type trig --difficulty 2
    """
    from chainrule_cli import render
    from chainrule_cli.bank import load

    types = check_type(kind)
    loaded = load(bank or None)
    chosen = loaded.select(types, difficulty)
    if json_output:
        render.print_json([{"at": None, **p.to_dict()} for p in chosen])
    else:
        console = render.make_console()
        console.print(render.problem_table(chosen, console))
    if loaded.issues:
        render.issue_lines(loaded.issues)
        plural = "s" if len(loaded.issues) != 1 else ""
        render.error(
            f"{len(loaded.issues)} issue{plural} in this bank: "
            "chainrule bank validate checks it in full"
        )
        raise typer.Exit(int(ExitCode.WRONG))
