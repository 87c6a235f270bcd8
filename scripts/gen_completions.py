"""Regenerate the static shell completions in completions/ from the app's command tree.

Run after changing any command or option: python scripts/gen_completions.py
(tests/test_completions.py fails while the files are stale).
"""

from __future__ import annotations

from pathlib import Path

from chainrule_cli.cli.completion import scripts


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "completions"
    folder.mkdir(exist_ok=True)
    for name, text in scripts().items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote completions/{name}")


if __name__ == "__main__":
    main()
