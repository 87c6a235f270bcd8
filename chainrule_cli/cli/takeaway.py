"""``chainrule anki`` and ``chainrule worksheet``: practice beyond the terminal.

Both choose problems the way the quiz does (``deck.build_deck``), work each one
out with the same ``Solution`` that ``solve`` prints (``takeaway.worked``) and
hand the result to a writer: genanki for an Anki package, Markdown, LaTeX or
HTML for a worksheet. Files are written whole or not at all (``safefile``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainrule_cli.cli.common import (
    FORMATS,
    BankPaths,
    DifficultyFilter,
    Generated,
    Seed,
    Shuffle,
    TypeFilter,
    check_type,
    choice,
    count_option,
    fail,
    guard,
    seed_option,
)

if TYPE_CHECKING:
    from chainrule_cli.takeaway.worked import Item

#: The file extensions that choose a worksheet's format (``common.FORMATS``).
EXTENSIONS = {".md": "md", ".markdown": "md", ".tex": "tex", ".html": "html", ".htm": "html"}
WORKSHEET_COUNT = 10


def register(app: typer.Typer) -> None:
    app.command()(anki)
    app.command()(worksheet)


@guard
def anki(
    out: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="The deck file to write (.apkg).", show_default=False),
    ],
    kind: TypeFilter = None,
    difficulty: DifficultyFilter = None,
    count: Annotated[
        int | None,
        count_option(
            "How many problems (default: every matching bank problem; 20 with --generated)."
        ),
    ] = None,
    seed: Seed = None,
    bank: BankPaths = None,
    shuffle: Shuffle = True,
    generated: Generated = False,
    deck_name: Annotated[
        str,
        typer.Option(
            "--deck",
            metavar="NAME",
            help='The deck\'s name in Anki (Parent::Child nests it; default "Chain rule"). '
            "It names the notes too: importing a deck of the same name again updates its notes.",
            show_default=False,
        ),
    ] = "Chain rule",
) -> None:
    """Write an Anki deck: each card asks for a derivative, its back shows every step.

    The math is MathJax, which Anki shows on computers and phones alike. Tags:
    the type and difficulty::N. Import the file again after regenerating it and
    Anki updates the notes (and keeps your reviews) instead of adding copies.

    Example: chainrule anki chain-rule.apkg --type trig --difficulty 2
    """
    import os
    import time

    from chainrule_cli import render
    from chainrule_cli.takeaway.anki import package

    if out.suffix.lower() != ".apkg":
        raise fail(f"{out}: an Anki deck file must end in .apkg")
    if not deck_name.strip() or any(c in deck_name for c in '"\x00\n'):
        raise fail("--deck: give a name without quotes or line breaks")
    if count is None and generated:
        count = 20
    items, _ = select(kind, difficulty, count, seed, bank, shuffle, generated, every=True)
    data = package(
        items, deck_name.strip(), _timestamp(os.environ.get("SOURCE_DATE_EPOCH"), time.time())
    )
    _write(out, data)
    plural = "s" if len(items) != 1 else ""
    render.make_console(stderr=True).print(
        render.dim(f"{len(items)} note{plural} in deck {deck_name.strip()!r} written to {out}")
    )


@guard
def worksheet(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="[md|tex|html]",
            callback=choice("format", FORMATS),
            help="md, tex or html (default: from the -o file's extension, else md).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write to this file instead of printing it.",
            show_default=False,
        ),
    ] = None,
    kind: TypeFilter = None,
    difficulty: DifficultyFilter = None,
    count: Annotated[
        int | None,
        count_option(
            f"How many problems (default {WORKSHEET_COUNT}, or the whole bank if smaller)."
        ),
    ] = None,
    seed: Annotated[
        int | None,
        seed_option(
            "The same seed gives the same worksheet, byte for byte "
            "(default: a new one, printed in the answer key)."
        ),
    ] = None,
    bank: BankPaths = None,
    shuffle: Shuffle = True,
    generated: Generated = False,
    title: Annotated[
        str,
        typer.Option(
            "--title",
            metavar="TEXT",
            help='The worksheet\'s heading (default "Chain rule practice").',
            show_default=False,
        ),
    ] = "Chain rule practice",
) -> None:
    """Print a worksheet: numbered problems, room to work, an answer key on a new page.

    The key gives each derivative (or slope) and the worked steps. Markdown
    uses $…$ math; LaTeX is a whole document for pdflatex (amsmath only);
    HTML is one self-contained page with MathML, ready to print.

    Example: chainrule worksheet --type power --count 6 --format html -o power.html
    """
    import secrets

    from chainrule_cli.takeaway.worksheet import render as write_sheet

    chosen = fmt.lower() if fmt else None
    if chosen is None:
        chosen = EXTENSIONS.get(output.suffix.lower(), "md") if output is not None else "md"
    if chosen not in FORMATS:
        raise fail(f"unknown format {fmt!r}: choose from {', '.join(FORMATS)}")
    if "\n" in title:
        raise fail("--title: give a title on one line")
    if seed is None:
        seed = secrets.randbelow(10**6)
    if count is None and generated:
        count = WORKSHEET_COUNT
    items, seed = select(kind, difficulty, count, seed, bank, shuffle, generated, every=False)
    text = write_sheet(items, chosen, title=title, seed=seed)
    if output is None:
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
        return
    _write(output, text.encode("utf-8"))


def select(
    kind: list[str] | None,
    difficulty: int | None,
    count: int | None,
    seed: int | None,
    bank: list[Path] | None,
    shuffle: bool,
    generated: bool,
    every: bool,
) -> tuple[list[Item], int | None]:
    """The problems, worked out, chosen exactly as ``quiz`` chooses them (``deck.choose``).

    ``every``: without --count, all matching bank problems. A problem that fails
    validation (``deck.trouble``, as the quiz checks before asking) or cannot be
    worked out is left out, and named with the reason on stderr, one line each.
    Progress never steers an export: the same seed gives the same problems.
    """
    from chainrule_cli import render
    from chainrule_cli.bank.loadcache import load  # bank.load, without YAML when read before
    from chainrule_cli.bank.problem import short
    from chainrule_cli.errors import ChainruleError
    from chainrule_cli.practice.deck import choose, trouble
    from chainrule_cli.takeaway.items import build

    types = check_type(kind)
    loaded = load(bank or None)
    for issue in loaded.issues:
        render.warn(f"left out: {issue}")
    deck = choose(loaded, types, difficulty, count, seed, shuffle, generated, every=every)
    if deck.total == 0:
        raise fail("no problems match: try fewer filters, or --generated")
    if deck.total is not None and deck.total > 20:
        render.make_console(stderr=True).print(render.dim(f"Working out {deck.total} problems…"))
    items: list[Item] = []
    for problem in deck.problems:
        try:
            reason = trouble(problem)
            if reason is None:
                items.append(build(problem))
        except (ChainruleError, ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            reason = str(exc) or type(exc).__name__
        if reason is not None:
            render.warn(f"left out {short(problem.id)}: {short(reason, 200)}")
    if not items:
        raise fail("none of the chosen problems could be worked out")
    if deck.generated > 0 and not generated:
        render.warn(
            f"the bank had {deck.from_bank} matching problems; "
            f"{deck.generated} generated ones fill up the rest"
        )
    return items, seed


#: The latest SOURCE_DATE_EPOCH a deck can carry: the last second of the year 9999.
#: Anki keeps times in milliseconds in SQLite's 64-bit integers and shows them as dates;
#: later than this no date can be shown, and far later the numbers overflow.
EPOCH_MAX = 253_402_300_799


def _timestamp(pinned: str | None, now: float) -> float:
    """SOURCE_DATE_EPOCH (reproducible builds) when it is set, else now."""
    from chainrule_cli.bank.problem import clip

    if pinned is None or not pinned.strip():
        return now
    text = pinned.strip()
    if not text.isascii() or not text.isdigit():
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            raise fail("SOURCE_DATE_EPOCH must not be negative")
        raise fail(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {clip(pinned)}"
        ) from None
    if len(text) > len(str(EPOCH_MAX)) or int(text) > EPOCH_MAX:
        raise fail(
            f"SOURCE_DATE_EPOCH must be at most {EPOCH_MAX} (the end of the year 9999), "
            f"not {clip(text)}"
        )
    return float(int(text))


def _write(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all; refuse anything but a regular file."""
    from chainrule_cli.safefile import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}") from None
