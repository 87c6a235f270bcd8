"""An Anki deck: one note per problem, the worked solution on the back.

Built with genanki. The front asks for dy/dx (or the slope at a point, or a
rate); the back shows the answer and every step, from the same ``Solution``
that ``solve`` prints; the math is Anki's MathJax, ``\\( … \\)``.

Identity is stable, so importing a regenerated deck updates the notes already
in the collection instead of adding copies: the deck id comes from the deck
name, the note type's id from its name, and each note's GUID from the deck
name and the problem id. Anki updates a note only when the incoming one is
newer, so the notes' modification time is the time of export (``timestamp``);
pin it (``SOURCE_DATE_EPOCH``) and the same selection gives the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import sqlite3
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chainrule_cli.takeaway.markup import to_latex
from chainrule_cli.takeaway.worked import Item, Line, Node, Part

if TYPE_CHECKING:
    import genanki

DEFAULT_DECK = "Chain rule"
MODEL_NAME = "chainrule: worked solution"
FIELDS = ("Front", "Back", "Problem")
#: A zip entry's date when none is meaningful (the earliest a zip can hold).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 20px;
        line-height: 1.5; text-align: center; }
.prompt { font-size: 1.2em; margin: 0.3em 0; }
.back { display: inline-block; text-align: left; max-width: 40em; }
.answer { font-size: 1.1em; margin: 0 0 0.5em; }
.steps { margin: 0; padding-left: 1.2em; font-size: 0.85em; }
.steps ul { padding-left: 1.2em; }
.label { font-style: italic; }
.note { font-size: 0.85em; font-style: italic; margin-top: 0.5em; }
.source { font-size: 0.65em; opacity: 0.6; margin-top: 1.2em; }
"""
FRONT_TEMPLATE = '<div class="front">{{Front}}</div>'
BACK_TEMPLATE = (
    '{{FrontSide}}\n<hr id="answer">\n<div class="back">{{Back}}</div>\n'
    '<div class="source">{{Problem}}</div>'
)


@dataclass(frozen=True)
class Card:
    """One note's content, before genanki."""

    guid: str
    front: str
    back: str
    problem: str  # "trig-001 · trig · difficulty 2"
    tags: tuple[str, ...]


def stable_id(*parts: str) -> int:
    """An id for Anki (a deck, a note type) that depends only on ``parts``.

    In the range genanki recommends for ids chosen by hand, 2³⁰ ≤ id < 2³¹.
    """
    digest = hashlib.sha256("\x1f".join(("chainrule", *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def guid(deck_name: str, problem_id: str) -> str:
    """A note's GUID: the same deck and problem give the same note, so re-imports update it."""
    import genanki

    return str(genanki.guid_for(deck_name, problem_id))


def card(item: Item, deck_name: str) -> Card:
    """The fields and tags of ``item``'s note."""
    problem = item.problem
    front = f'<div class="prompt">{_parts(item.prompt)}</div>'
    if item.task:
        front += f'\n<div class="task">{_parts(item.task)}</div>'
    back = [f'<div class="answer">{_parts(item.answer)}</div>']
    if item.tree is not None:
        back.append(f'<ul class="tree">{_tree(item.tree)}</ul>')
    back.append('<ul class="steps">')
    for block in item.blocks:
        if block.title:
            back.append(f"<li>{_parts(block.title)}<ul>")
            back += [_line(line) for line in block.lines]
            back.append("</ul></li>")
        else:
            back += [_line(line) for line in block.lines]
    back.append("</ul>")
    if item.note:
        back.append(f'<div class="note">{_words(item.note)}</div>')
    source = f"{problem.id} · {problem.type} · difficulty {problem.difficulty}"
    tags = (problem.type, f"difficulty::{problem.difficulty}")
    return Card(guid(deck_name, problem.id), front, "\n".join(back), _words(source), tags)


def _tree(node: Node) -> str:
    """A tree diagram as nested lists, each variable after its edge's label (MathJax)."""
    name = _mathjax(to_latex(node.name, True))
    if node.marked:
        name = f"<b>{name}</b>"
    edge = f"{_mathjax(to_latex(node.edge, True))} → " if node.edge is not None else ""
    kids = "".join(_tree(child) for child in node.children)
    return f"<li>{edge}{name}{f'<ul>{kids}</ul>' if kids else ''}</li>"


def _parts(parts: Sequence[Part]) -> str:
    return "".join(_words(p) if isinstance(p, str) else _mathjax(to_latex(p, True)) for p in parts)


def _words(text: str) -> str:
    """Words as HTML that MathJax leaves alone: a backslash in them never opens math.

    An empty element after each backslash splits the text where MathJax looks
    for ``\\(``, ``\\[`` or ``$$``, which it never reads across a tag.
    """
    return (
        html.escape(text, quote=False)
        .replace("\\", "\\<span></span>")
        .replace("$$", "$<span></span>$")
    )


def _mathjax(latex: str) -> str:
    return f"\\({html.escape(latex, quote=False)}\\)"


def _line(line: Line) -> str:
    label = f'<span class="label">{_words(line.label)}:</span> ' if line.label else ""
    return f"<li>{label}{_parts(line.parts)}</li>"


def model() -> genanki.Model:
    """The note type: front, back (the worked solution) and the problem's id."""
    import genanki

    return genanki.Model(
        stable_id("model", MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Derivative", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CSS,
    )


def deck(cards: Sequence[Card], deck_name: str) -> genanki.Deck:
    import genanki

    note_type = model()
    result = genanki.Deck(
        stable_id("deck", deck_name),
        deck_name,
        description="Chain-rule practice from chainrule: each card's back shows every step.",
    )
    for entry in cards:
        result.add_note(
            genanki.Note(
                model=note_type,
                fields=[entry.front, entry.back, entry.problem],
                tags=list(entry.tags),
                guid=entry.guid,
            )
        )
    return result


def package(items: Sequence[Item], deck_name: str, timestamp: float) -> bytes:
    """The ``.apkg`` file: a zip holding the SQLite collection and an empty media list.

    genanki builds the collection; the zip is written here with fixed entry
    dates, so that only ``timestamp`` (the notes' modification time) varies.
    """
    import genanki

    cards = [card(item, deck_name) for item in items]
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        ids = itertools.count(int(timestamp * 1000))
        genanki.Package(deck(cards, deck_name)).write_to_db(cursor, timestamp, ids)
        connection.commit()
        collection = connection.serialize()
    finally:
        connection.close()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
