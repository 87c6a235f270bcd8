"""``chainrule bank``."""

from __future__ import annotations

import typer

app = typer.Typer(help="Validate and list problem banks.", no_args_is_help=True)
