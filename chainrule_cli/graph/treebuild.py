"""Building a tree diagram: the function line, the ``--where`` definitions and ``wrt``
read into a ``Tree`` (``graph/tree.py``), refusing what cannot be one.
"""

from __future__ import annotations

from collections.abc import Sequence

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.tree import Tree, listed
from chainrule_cli.reading.equations import Read, name_of, read_definition, read_function_line

#: The most variables a tree may have (dependent + intermediates + independents).
MAX_VARIABLES = 12


def build_tree(function_line: str, where: Sequence[str], wrt: str | None = None) -> Tree:
    """Read the function line, the ``--where`` definitions and ``wrt`` into a ``Tree``.

    Refused with one line (``InputError`` with a caret, or ``ChainruleError``): a
    variable defined twice or in terms of itself (also through others), a
    definition nothing uses, a function of no variable, ``wrt`` missing when
    there are several independent variables, or naming something else.
    """
    dependent, body = read_function_line(function_line)
    reads: dict[str, Read] = {dependent: body}
    lines: dict[str, str] = {dependent: function_line}
    for text in where:
        name, read = read_definition(text)
        if name == dependent:
            raise InputError(
                f"{name} is the dependent variable (the function line); "
                "--where defines the variables it depends on",
                text,
                text.index(text.lstrip()[0]),
            )
        if name in reads:
            raise InputError(f"{name} is defined twice", text, text.index(text.lstrip()[0]))
        reads[name] = read
        lines[name] = text
    if not body.names:
        raise InputError(
            f"{dependent} does not depend on any variable",
            function_line,
            function_line.index("=") + 1,
        )
    # The tree: each variable's children, and the variables reached from the root.
    children = {name: read.names for name, read in reads.items()}
    reached: list[str] = []
    _visit(dependent, children, [], reached, lines)
    for name in reads:
        if name not in reached:
            text = lines[name]
            raise InputError(
                f"{dependent} does not depend on {name}: "
                "the function line and the other definitions never use it",
                text,
                text.index(text.lstrip()[0]),
            )
    independents = tuple(n for n in reached if n not in reads)
    if len(reached) > MAX_VARIABLES:
        raise ChainruleError(f"too many variables ({len(reached)}; at most {MAX_VARIABLES})")
    where_exprs = {n: reads[n].expr for n in reads if n != dependent}
    return Tree(
        dependent=dependent,
        function=body.expr,
        where=where_exprs,
        texts={n: r.text for n, r in reads.items()},
        written={n: r.written for n, r in reads.items()},
        independents=independents,
        wrt=_wrt(wrt, independents, reads, dependent),
        children={n: children[n] for n in reads},
    )


def _visit(
    name: str,
    children: dict[str, tuple[str, ...]],
    stack: list[str],
    reached: list[str],
    lines: dict[str, str],
) -> None:
    """Depth first from ``name``, refusing a cycle (x = s·y, y = x + 1)."""
    if name in stack:
        cycle = [*stack[stack.index(name) :], name]
        text = lines[name]
        raise InputError(
            f"{' → '.join(cycle)}: a variable cannot depend on itself",
            text,
            text.index(text.lstrip()[0]),
        )
    if name in reached:
        return
    reached.append(name)
    for kid in children.get(name, ()):
        _visit(kid, children, [*stack, name], reached, lines)


def _wrt(
    wrt: str | None, independents: tuple[str, ...], reads: dict[str, Read], dependent: str
) -> str:
    if wrt is None:
        if len(independents) == 1:
            return independents[0]
        raise ChainruleError(
            f"--wrt is needed: {dependent} depends on {listed(independents)} "
            f"(e.g. --wrt {independents[0]})"
        )
    name = name_of(wrt)
    if name in independents:
        assert name is not None
        return name
    if name in reads:
        raise ChainruleError(
            f"--wrt {wrt}: {name} is an intermediate variable (from --where); "
            f"differentiate with respect to {listed(independents)}"
        )
    raise ChainruleError(
        f"--wrt {wrt}: {dependent} does not depend on {wrt}; pick {listed(independents)}"
    )
