"""Tree diagrams and implicit differentiation, as ``solve --where`` and ``--implicit`` show them.

* ``tree_diagram``: the tree drawn with box characters (ASCII with
  ``CHAINRULE_ASCII``): the dependent variable at the root, each edge labelled
  with its partial derivative, the leaves repeated per path, the paths that end
  at the ``--wrt`` variable marked;
* ``tree_view``: the tree, the formula as a sum of path products, each factor
  worked out (its single-variable steps with ``--steps``), the sum, the
  substituted form, the value at the point and the check with numbers;
* ``implicit_view``: both sides differentiated with y = y(x), the dy/dx
  factors the chain rule puts in, collected and solved, and the shortcut
  −F_x/F_y as the same result seen as a tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from chainrule_cli.render.console import NBSP
from chainrule_cli.render.fit import Hanging
from chainrule_cli.render.mathfmt import Math, glue, math_for

if TYPE_CHECKING:
    from chainrule_cli.graph.implicit import Implicit
    from chainrule_cli.graph.tree import Tree


def _name(name: str, m: Math) -> str:
    from chainrule_cli.reading.equations import shown_name

    return shown_name(name, m.unicode)


def tree_diagram(tree: Tree, m: Math) -> Text:
    """The tree, root at the top, one line per variable on a path (leaves repeated)."""
    tee, corner, bar = ("├─", "└─", "│ ") if m.unicode else ("+-", "`-", "| ")
    mark = " ◀" if m.unicode else " <"
    out = Text(_name(tree.dependent, m), style="bold")

    def on_wrt_path(name: str, trail: tuple[str, ...]) -> bool:
        return any(p.names[: len(trail)] == trail for p in tree.paths)

    def walk(name: str, prefix: str, trail: tuple[str, ...]) -> None:
        kids = tree.children.get(name, ())
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            edge = tree.edge(name, kid)
            assert edge is not None
            here = (*trail, kid)
            marked = on_wrt_path(kid, here)
            label = edge.symbol(m.unicode)
            out.append("\n" + prefix + (corner if last else tee), style="dim")
            out.append(f" {label} ", style="yellow" if marked else "dim")
            out.append("─ " if m.unicode else "- ", style="dim")
            out.append(_name(kid, m), style="bold green" if marked else "")
            if kid == tree.wrt and marked:
                out.append(mark, style="bold green")
            walk(kid, prefix + ("  " if last else bar) + " " * (len(label) + 4), here)

    walk(tree.dependent, "", (tree.dependent,))
    return out


def _heading(tree: Tree, m: Math) -> Text:
    text = Text(glue(f"{_name(tree.dependent, m)} = "), style="bold") + Text(
        m(tree.written[tree.dependent], written=True), style="bold cyan"
    )
    for name in tree.where:
        text.append("\n  ")
        text.append(m.eq(_name(name, m), m(tree.written[name], written=True)), style="cyan")
    independents = ", ".join(_name(n, m) for n in tree.independents)
    text.append(f"\n  independent: {independents}; by {_name(tree.wrt, m)}", style="dim")
    return text


def tree_view(
    tree: Tree, point: dict[str, Any] | None, console: Console, steps: bool = False
) -> RenderableType:
    """Everything ``solve --where`` shows (see the module docstring)."""
    from chainrule_cli.maths.analysis import clean_form
    from chainrule_cli.render.solution import number_check_text, steps_table

    m = math_for(console)
    total = tree.total_symbol(m.unicode)
    dot = "·" if m.unicode else "*"
    parts: list[RenderableType] = [_heading(tree, m), Text("")]
    mark = "◀" if m.unicode else "<"
    parts.append(Text(f"The tree (the paths to {_name(tree.wrt, m)} marked {mark})", style="bold"))
    parts.append(tree_diagram(tree, m))
    parts.append(Text(""))
    count = len(tree.paths)
    parts.append(
        Text(
            f"The formula: {count} path{'s' if count != 1 else ''} to {_name(tree.wrt, m)}, "
            "a product along each, added",
            style="bold",
        )
    )
    formula = Text(glue(f"{total} = "), style="bold") + Text(
        m.glued(tree.formula_text(m.unicode, dot)), style="yellow"
    )
    parts.append(Hanging(formula, indent=2))
    parts.append(Text(""))
    parts.append(Text("Each factor", style="bold"))
    seen: list[Any] = []
    for path in tree.paths:
        for edge in path.edges:
            if edge in seen:
                continue
            seen.append(edge)
            factor = tree.factor(edge)
            line = Text("  ") + Text(glue(f"{edge.symbol(m.unicode)} = "), style="bold")
            line.append(m(factor.clean), style="green")
            if factor.held:
                held = ", ".join(_name(n, m) for n in factor.held)
                line.append(f"   ({held} held constant)", style="dim")
            parts.append(Hanging(line, indent=0, hang=4))
            solution = tree.steps(edge) if steps else None
            if solution is not None:
                parts.append(steps_table(solution.steps, m, solution.analysis.variable.name))
    parts.append(Text(""))
    parts.append(Text("The sum", style="bold"))
    products = " + ".join(
        dot.join(m.factor(tree.factor(e).clean) for e in p.edges) for p in tree.paths
    )
    unsub = clean_form(tree.unsubstituted)
    pad = " " * len(total)
    parts.append(Hanging(Text("  " + m.glued(f"{total} = {products}")), indent=0, hang=4))
    parts.append(Hanging(Text("  " + pad + " " + m.glued(f"= {m(unsub)}")), indent=0, hang=4))
    if tree.where:
        parts.append(Text(""))
        given = ", ".join(f"{_name(n, m)} = {m(e)}" for n, e in tree.where.items())
        parts.append(Text(f"Substituted ({given})", style="bold"))
        derivative = Text("  " + glue(f"{total} = "), style="bold") + Text(
            m(clean_form(tree.derivative)), style="bold green"
        )
        parts.append(Hanging(derivative, indent=0, hang=4))
    if point is not None:
        parts.append(Text(""))
        where = ", ".join(f"{_name(n, m)} = {m(v)}" for n, v in point.items())
        parts.append(Text(f"At {where}", style="bold underline"))
        values = tree.intermediate_values(point)
        if values:
            parts.append(Text("  " + ", ".join(m.eq(_name(n, m), m(v)) for n, v in values.items())))
        factors = [
            dot.join(m.factor(tree.at_point(e.expr, point)) for e in p.edges) for p in tree.paths
        ]
        value = tree.value(point)
        line = Text("  " + glue(f"{total} = "), style="bold")
        line.append(m.glued(" + ".join(factors) + f" = {m(value)}"))
        number = float(value)
        if m(value) != m.number(number):
            line.append(glue(f" {m.approx} {m.number(number)}"))
        parts.append(Hanging(line, indent=0, hang=4))
        check = tree.number_check(point)
        if check is not None:
            parts.append(Text(""))
            fixed = [f"{_name(n, m)} = {m(v)}" for n, v in point.items() if n != tree.wrt]
            parts.append(
                Hanging(
                    number_check_text(check, _name(tree.wrt, m), m, _name(tree.dependent, m)),
                    hang=0,
                )
            )
            if fixed:
                parts.append(Text(f"  ({', '.join(fixed)} held fixed)", style="dim"))
    return Group(*parts)


def _with_dydx(x_part: Any, y_part: Any, m: Math) -> str:
    """``2x + 2y·dy/dx``: a derivative with the chain rule's dy/dx factor written last."""
    dot = "·" if m.unicode else "*"
    if y_part == 0:
        return m(x_part)
    if y_part == 1:
        term = "dy/dx"
    elif y_part == -1:
        term = f"{m.minus}dy/dx"
    else:
        term = f"{m.factor(y_part)}{dot}dy/dx"
    if x_part == 0:
        return term
    if term.startswith(m.minus):
        return f"{m(x_part)} {m.minus} {term[len(m.minus) :]}"
    return f"{m(x_part)} + {term}"


def implicit_view(imp: Implicit, point: dict[str, Any] | None, console: Console) -> RenderableType:
    """Everything ``solve --implicit`` shows (see the module docstring)."""
    import sympy as sp

    m = math_for(console)
    dydx = "dy/dx"
    parts: list[RenderableType] = [
        Text(
            m.glued(f"{m(imp.written[0], written=True)} = {m(imp.written[1], written=True)}"),
            style="bold cyan",
        )
        + Text("   with y = y(x)", style="dim"),
        Text(""),
        Text("Differentiate both sides with respect to x", style="bold"),
        Hanging(
            Text(
                "y is a function of x: the chain rule puts a factor dy/dx on every y term",
                style="dim",
            ),
            indent=2,
        ),
    ]
    for side in (imp.left, imp.right):
        for step in imp.side_steps(side):
            line = Text("  " + glue(f"d/dx[{m(step.term)}] = "))
            shown = _with_dydx(step.x_part, step.y_part, m)
            line.append(shown, style="green" if step.y_part == 0 else "yellow")
            if step.y_part != 0:
                line.append(
                    "   ← chain rule: " + dydx if m.unicode else "   <- chain rule: " + dydx,
                    style="dim",
                )
            parts.append(Hanging(line, indent=0, hang=4))
    left = _with_dydx(imp.left.diff(imp.x), imp.left.diff(imp.y), m)
    right = _with_dydx(imp.right.diff(imp.x), imp.right.diff(imp.y), m)
    parts.append(Hanging(Text("  " + m.glued(f"{left} = {right}"), style="bold"), indent=0, hang=4))
    parts.append(Text(""))
    parts.append(Text("Collect the dy/dx terms and solve", style="bold"))
    a, b = imp.F_x, imp.F_y
    collected = Text(
        "  " + m.glued(f"{m.factor(sp.factor_terms(b))}·{dydx} = {m(sp.factor_terms(-a))}")
        if m.unicode
        else "  " + m.glued(f"{m.factor(sp.factor_terms(b))}*{dydx} = {m(sp.factor_terms(-a))}")
    )
    parts.append(Hanging(collected, indent=0, hang=4))
    result = Text("  " + glue(f"{dydx} = "), style="bold") + Text(
        m(imp.derivative), style="bold green"
    )
    parts.append(Hanging(result, indent=0, hang=4))
    parts.append(Text(""))
    parts.append(Text("The same as a tree", style="bold"))
    d = "∂" if m.unicode else "d"
    tee, corner = ("├─", "└─") if m.unicode else ("+-", "`-")
    under = " " * len(f"{corner} {d}F/{d}y  ")
    diagram = Text(f"  F = {m(imp.F)}\n", style="cyan")
    diagram.append(
        f"  F\n  {tee} {d}F/{d}x  x\n  {corner} {d}F/{d}y  y\n  {under}{corner} dy/dx  x"
    )
    parts.append(diagram)
    shortcut = m.glued(
        f"dF/dx = {d}F/{d}x + {d}F/{d}y·{dydx} = 0, so {dydx} = −F_x/F_y"
        if m.unicode
        else f"dF/dx = dF/dx + dF/dy*{dydx} = 0, so {dydx} = -F_x/F_y"
    )
    parts.append(Hanging(Text("  " + shortcut), indent=0, hang=4))
    parts.append(
        Hanging(
            Text(
                "  "
                + m.glued(
                    f"{dydx} = −({m(imp.F_x)})/({m(imp.F_y)}) = {m(imp.derivative)}"
                    if m.unicode
                    else f"{dydx} = -({m(imp.F_x)})/({m(imp.F_y)}) = {m(imp.derivative)}"
                )
            ),
            indent=0,
            hang=4,
        )
    )
    if point is not None:
        parts.append(Text(""))
        value = imp.value(point)
        line = Text(f"At (x, y) = ({m(point['x'])}, {m(point['y'])})  ", style="bold")
        line.append(glue(f"{dydx} = "))
        line.append(m(value), style="bold green")
        if m(value) != m.number(float(value)):
            line.append(glue(f" {m.approx} {m.number(float(value))}"))
        parts.append(Hanging(line, indent=0))
    return Group(*[p if not isinstance(p, str) else Text(p.replace(NBSP, " ")) for p in parts])
