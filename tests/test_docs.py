"""The tool documents itself: help with examples, a fresh README reference, a fast --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli import __version__
from chainrule_cli.cli import app
from chainrule_cli.completion import command_tree, reference

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _commands() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for command in command_tree().subcommands:
        if command.subcommands:
            out.extend((command.name, sub.name) for sub in command.subcommands)
        else:
            out.append((command.name,))
    return out


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example: chainrule " + " ".join(path) in result.stdout
    assert f"`chainrule {' '.join(path)}`" in README


def test_readme_reference_is_fresh() -> None:
    """Run python scripts/gen_reference.py when this fails."""
    assert reference() in README


def test_readme_commands_match_ci() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in README
    assert "pip install -e '.[test]' && pytest" in ci
    assert 'pip install . && chainrule solve "(3x+1)^2" --at 1' in README


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"chainrule {__version__}"


def test_help_does_not_import_heavy_modules() -> None:
    """chainrule --help (and every TAB through typer) must not pay for sympy and friends."""
    code = (
        "import sys\n"
        "from chainrule_cli.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='chainrule')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('sympy', 'yaml', 'plotext', 'fsrs', 'sqlite3') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage" in proc.stdout
    assert "HEAVY=\n" in proc.stderr


def test_changelog_exists() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text or f"## [{__version__}]" in text
