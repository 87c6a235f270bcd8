"""Static shell completions: fresh, and answering TAB without starting Python."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chainrule_cli.cli.completion import command_tree, scripts

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"


@pytest.mark.parametrize("name", sorted(scripts()))
def test_completions_are_fresh(name: str) -> None:
    """The committed scripts match the app's commands (run scripts/gen_completions.py if not)."""
    assert (COMPLETIONS / name).read_text(encoding="utf-8") == scripts()[name], (
        "completions/ is stale: run python scripts/gen_completions.py"
    )


def tab(words: str) -> list[str]:
    """What bash offers for TAB after ``words`` (a trailing space starts a new word)."""
    parts = words.split(" ")
    array = " ".join(f"'{p}'" for p in parts)
    script = (
        f"source {COMPLETIONS / 'chainrule.bash'}\n"
        f"COMP_WORDS=({array}); COMP_CWORD={len(parts) - 1}\n"
        "_chainrule\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True, timeout=10
    )
    return [line for line in proc.stdout.splitlines() if line]


def test_tab_completes_commands() -> None:
    assert tab("chainrule qu") == ["quiz"]
    assert set(tab("chainrule ")) >= {"solve", "check", "quiz", "bank", "stats", "--help"}


def test_tab_completes_type_choices() -> None:
    assert tab("chainrule quiz --type ") == [
        "power",
        "exponential",
        "trig",
        "root",
        "log",
        "quadratic-inside",
        "applied",
        "multivariable",
        "implicit",
        "backprop",
    ]
    assert tab("chainrule quiz --type t") == ["trig"]


def test_tab_completes_options_after_values() -> None:
    """An option's value does not count as a command word."""
    assert "--count" in tab("chainrule quiz --type trig --")
    assert tab("chainrule bank ") == ["list", "validate", "--help"]
    assert "--difficulty" in tab("chainrule bank list --")


def test_tab_completes_files_for_bank(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("problems: []\n")
    got = tab(f"chainrule quiz --bank {tmp_path}/mi")
    assert got == [f"{tmp_path}/mine.yaml"]


def test_every_command_is_in_the_tree() -> None:
    names = {c.name for c in command_tree().subcommands}
    assert {
        "solve",
        "check",
        "quiz",
        "bank",
        "stats",
        "history",
        "review",
        "export",
        "generate",
        "plot",
    } <= names


@pytest.mark.parametrize(("shell", "name"), [("zsh", "_chainrule"), ("fish", "chainrule.fish")])
def test_other_shells_parse_their_script(shell: str, name: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    flag = ["-n"] if shell == "zsh" else ["--no-execute"]
    subprocess.run([shell, *flag, str(COMPLETIONS / name)], check=True, timeout=10)
