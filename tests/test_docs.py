"""The tool documents itself: help with examples, a fresh command reference and performance
page in docs/, a short README that links them, a fast --help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule_cli import __version__
from chainrule_cli.cli import app
from chainrule_cli.cli.common import CHOICES, FORMATS
from chainrule_cli.cli.completion import command_tree, reference
from chainrule_cli.graph.deepchain import ACTIVATIONS
from chainrule_cli.kinds import TYPES
from chainrule_cli.practice.lessons import NAMES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
runner = CliRunner()


def _script(name: str):  # type: ignore[no-untyped-def]
    """A module from scripts/, imported by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands() -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for command in command_tree().subcommands:
        if command.subcommands:
            out.extend((command.name, sub.name) for sub in command.subcommands)
        else:
            out.append((command.name,))
    return out


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_has_help_with_an_example_and_is_in_the_reference(
    path: tuple[str, ...],
) -> None:
    """Every command's --help ends with an example, and docs/reference.md has a section on it."""
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example: chainrule " + " ".join(path) in result.stdout
    assert f"### `chainrule {' '.join(path)}`" in REFERENCE


def test_reference_is_fresh() -> None:
    """docs/reference.md shows each command's --help as printed; run python
    scripts/gen_reference.py when this fails."""
    text = reference()
    assert text in REFERENCE
    assert _script("gen_reference").updated(REFERENCE) == REFERENCE
    assert runner.invoke(app, ["quiz", "--help"]).stdout.rstrip() in text


def test_performance_figures_are_fresh() -> None:
    """docs/performance.md quotes bench/results.json as it is; run python
    scripts/gen_performance.py when this fails."""
    gen = _script("gen_performance")
    page = gen.DOC.read_text(encoding="utf-8")
    results = json.loads(gen.RESULTS.read_text(encoding="utf-8"))
    assert gen.START in page and gen.END in page
    assert gen.updated(page, results) == page
    assert f"{results['validate_cold_per_s']:,.0f} problems/s" in page


def test_readme_is_short_and_links_the_docs() -> None:
    """The README stays a five-minute read; every docs/ page it links exists, and the
    reference and performance pages are linked."""
    assert README.count("\n") <= 370
    linked = set(re.findall(r"\]\((docs/[^)#]+)", README))
    assert {"docs/reference.md", "docs/performance.md", "docs/dependencies.md"} <= linked
    for page in linked:
        assert (ROOT / page).is_file(), page
    for page in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(\.\./([^)#]+)", page.read_text(encoding="utf-8")):
            assert (ROOT / target).is_file(), (page.name, target)


def test_the_bank_page_quotes_the_loading_figures() -> None:
    """docs/banks.md's bank-loading figures are those of bench/results.json."""
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    text = " ".join((ROOT / "docs" / "banks.md").read_text(encoding="utf-8").split())
    assert f"{results['load_speedup']:.1f}× faster" in text
    assert f"read in about {results['load_s']:.0f} s" in text


def test_readme_commands_match_ci() -> None:
    """The README's install and test lines work where pip refuses the system Python."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert venv + "pip install -e '.[test]' && pytest -n auto" in README
    assert "pip install -e '.[test]' && pytest --version" in ci
    assert "\npytest -n auto " in ci
    assert venv + 'pip install . && chainrule solve "(3x+1)^2" --at 1' in README
    assert "`pipx install .`" in README


def test_no_arguments_prints_the_help() -> None:
    """`chainrule` alone (and `chainrule bank`) prints the help on stdout and exits 0."""
    for args in ([], ["bank"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert result.stdout.startswith("Usage: chainrule")
        assert result.stderr == ""


@pytest.mark.parametrize("path", [(), *_commands()], ids=lambda p: " ".join(p) or "chainrule")
def test_dash_h_is_help_and_help_has_no_type_noise(path: tuple[str, ...]) -> None:
    """-h prints what --help prints; no <str>, <bool>, <list[str]>, ranges or completion options."""
    long = runner.invoke(app, [*path, "--help"])
    short = runner.invoke(app, [*path, "-h"])
    assert long.exit_code == short.exit_code == 0
    assert short.stdout == long.stdout
    for noise in ("<", "{", "<=x<=", "--install-completion", "--show-completion", "╭"):
        assert noise not in long.stdout


@pytest.mark.parametrize(
    ("path", "option", "values"),
    [
        pytest.param(("quiz",), "--type", TYPES, id="quiz-type"),
        pytest.param(("bank", "list"), "--type", TYPES, id="bank-list-type"),
        pytest.param(("learn",), "--section", NAMES, id="learn-section"),
        pytest.param(("backprop",), "--activation", ACTIVATIONS, id="backprop-activation"),
        pytest.param(("worksheet",), "--format", FORMATS, id="worksheet-format"),
        pytest.param(("quiz",), "--difficulty", ("1", "2", "3"), id="quiz-difficulty"),
    ],
)
def test_help_lists_the_allowed_values(
    path: tuple[str, ...], option: str, values: tuple[str, ...]
) -> None:
    """--help names every value an option takes, and the completions offer the same."""
    text = " ".join(runner.invoke(app, [*path, "--help"]).stdout.split())
    start = text.index(option)
    described = text[start : start + 400]
    for value in values:
        assert value in described
    assert tuple(CHOICES[option]) == tuple(values)


def test_choices_agree_with_the_core() -> None:
    """The choices kept for help and completion are the ones the core knows."""
    from chainrule_cli.cli.takeaway import EXTENSIONS

    assert CHOICES["--section"] == NAMES
    assert CHOICES["--activation"] == ACTIVATIONS
    assert set(EXTENSIONS.values()) == set(CHOICES["--format"])


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
