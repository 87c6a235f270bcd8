"""Opening and closing the progress store for a command, with the notes a learner needs.

Below every command module that uses the store (quiz, review, learn, stats,
history, export), so none of them imports another for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule_cli.progress.store import Store


def open_store(writing: bool = False) -> Store:
    """Open the progress store, saying in one line what was unusual about it.

    A file moved aside or repaired, a wait for another program's lock and, for
    commands that save (``writing``), a read-only folder each get a note.
    """
    from chainrule_cli import render
    from chainrule_cli.progress.store import Store

    store = Store.open(on_wait=render.warn)
    if store.warning:
        render.warn(store.warning)
    if writing and store.read_only:
        render.warn(
            f"{store.path.parent} is read-only: your progress is read from it, "
            "but nothing new will be saved this time"
        )
    return store


def try_open_store() -> Store | None:
    """For practice that should go on without saving: a store, a stand-in, or None.

    When another program holds the database, the practice goes on with a
    stand-in that keeps every answer aside for next time; when the store cannot
    be opened at all, None, and a note that progress will not be saved.
    """
    from chainrule_cli import render
    from chainrule_cli.errors import StoreError
    from chainrule_cli.progress.store import Store, StoreBusy

    try:
        return open_store(writing=True)
    except StoreBusy:
        render.warn(
            "the progress database is locked by another program: your answers will be kept "
            "aside and added to your progress next time"
        )
        return Store.detached_from()
    except StoreError as exc:
        render.warn(f"{exc}; progress will not be saved this time")
        return None


def close_store(store: Store | None) -> None:
    """Close the store, saying where any answers that could not be written were kept."""
    from chainrule_cli import render

    if store is None:
        return
    note = store.close()
    if note:
        render.warn(note)
