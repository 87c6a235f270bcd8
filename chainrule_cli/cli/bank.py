"""``chainrule bank``: validate and list problem banks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule_cli.cli.common import (
    BankPaths,
    DifficultyFilter,
    OptionError,
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


def _positive_seconds(ctx: Any, param: Any, value: float | None) -> float | None:
    if value is not None and not 0 < value <= MAX_BUDGET:
        raise OptionError(
            f"--budget must be more than 0 and at most {MAX_BUDGET:g} seconds, not {value:g}"
        )
    return value


#: The longest --budget (a day).
MAX_BUDGET = 86_400.0


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
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            metavar="SECONDS",
            callback=_positive_seconds,
            help="Time for the whole bank (default 30); problems not reached are counted as such.",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object: the counts (valid, with issues, unchecked) and the issues.",
            show_default=False,
        ),
    ] = False,
) -> None:
    """Check every problem in a bank (default: the shipped one).

    The expression parses, its derivative is right (checked with numbers, and
    with sympy.diff where numbers cannot tell), the type fits and the point is
    in the domain; every id is used once. Each problem has a time limit and
    the whole bank a time budget (--budget); problems not reached in time are
    counted as not checked, never as valid. Problems proven valid before (by
    this version) are not checked again, unless --no-cache is given.

    Prints a summary table and every error (file:line: id: message), in file
    and line order. Exit status: 0 when every problem was checked and is valid,
    1 otherwise (2 for bad usage, 128 + the signal's number when stopped).

    Example: chainrule bank validate problems/ --budget 120
    """
    from chainrule_cli import render
    from chainrule_cli.bank.load import load
    from chainrule_cli.bank.problem import VALIDATE_BUDGET, counts
    from chainrule_cli.bank.validate import validate_bank
    from chainrule_cli.cli.stopping import stopping
    from chainrule_cli.render.bank import validation_summary
    from chainrule_cli.render.progress_bar import ProgressBar

    with stopping():
        bank = load(paths or None)
        with ProgressBar(len(bank.problems), "Validating", enabled=not json_output) as bar:
            report = validate_bank(
                bank, budget or VALIDATE_BUDGET, progress=bar.advance, cached=not no_cache
            )
    if json_output:
        render.print_json(_report_data(report, len(bank.files)))
    else:
        console = render.make_console()
        console.print(render.bank_summary(counts(report.valid), len(bank.files), console))
        render.issue_lines(report.issues)
        console.print(validation_summary(report))
    if not report.complete:
        raise typer.Exit(int(ExitCode.WRONG))


def _report_data(report: Any, files: int) -> dict[str, Any]:
    """``bank validate --json``: the counts and every issue, located."""
    return {
        "files": files,
        "problems": report.problems,
        "valid": len(report.valid),
        "with_issues": report.with_issues,
        "unchecked": report.unchecked,
        "budget_seconds": report.budget,
        "complete": report.complete,
        "issues": [
            {"file": i.path, "line": i.line, "id": i.problem_id, "message": i.message}
            for i in report.issues
        ],
    }


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
    from chainrule_cli.bank.load import load

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
