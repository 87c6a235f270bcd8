"""Which builder works a problem out for paper and Anki, by its kind: a tree's or an
equation's diagram (``takeaway.graphs``), or a chain's worked solution and a backprop
table (``takeaway.worked``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chainrule_cli.bank.load import Problem
    from chainrule_cli.takeaway.worked import Item


def build(problem: Problem) -> Item:
    """The item for ``problem``. Raises the core's errors for a problem that cannot be solved."""
    if problem.graph and problem.type != "backprop":
        from chainrule_cli.takeaway import graphs

        return graphs.build(problem)
    from chainrule_cli.takeaway import worked

    return worked.build(problem)
