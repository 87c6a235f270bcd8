"""The hint outline: the explanation's steps as a tree, and the hints in teaching order.

Hints teach in the order a teacher works a nested chain: name the layers from
the outside in; then the outer derivative of each layer with its inner kept;
where an inner derivative needs the chain rule again, the next layer is worked
out before it is used; then the products are multiplied back up, innermost
first. The last hint is the full solution. Everything shown comes from the
explanation of the rule tree (``explain``); the derivatives "as built" keep the
inner functions exactly as written, so one hint never shows two notations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainrule_cli.maths.analysis import clean_form, inner_sums, unscaled
from chainrule_cli.maths.explain import Combination, Layer, Step, layers
from chainrule_cli.maths.rules import Scaled
from chainrule_cli.printing.mathtext import ordered
from chainrule_cli.reading.syntax import replace_unevaluated


# -- the steps as a tree ---------------------------------------------------------------------
def times(*factors: Any) -> Any:
    """The product of ``factors`` as built, unevaluated, nested products opened up
    (so a sign leads: −sin(2x)·2, not a "+ −" inside a sum)."""
    import sympy as sp

    flat: list[Any] = []
    for factor in factors:
        if isinstance(factor, sp.Mul):
            flat.extend(factor.args)
        else:
            flat.append(factor)
    flat = [f for f in flat if f != 1] or [sp.Integer(1)]
    return flat[0] if len(flat) == 1 else sp.Mul(*flat, evaluate=False)


def constant(layer: Layer) -> Any:
    """The layer's constant multiple c (3 in 3sin(x²)); 1 when it has none."""
    return getattr(layer, "constant", 1)


def _region(step: Step) -> set[int]:
    """The rule-tree nodes a step works on below itself."""
    if isinstance(step, Layer):
        return set() if step.trivial else {id(n) for n in step.node.g.walk()}
    return {id(n) for n in step.node.walk()} - {id(step.node)}


@dataclass(frozen=True)
class Part:
    """One part of a sum, product, quotient or constant multiple, for the rule hint."""

    written: Any
    #: Its derivative straight from the table, or None when it needs the chain rule.
    derivative: Any


class Outline:
    """The explanation's steps as a tree: which step works inside which, the
    layers numbered from the outside in, and each step's derivative as built
    from its parts (inner functions kept as written)."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.parent: dict[int, Step | None] = {}
        self.children: dict[int, list[Step]] = {id(s): [] for s in steps}
        self.by_node: dict[int, Step] = {id(s.node): s for s in steps}
        seen: list[tuple[Step, set[int]]] = []
        for step in steps:
            # Steps come outermost first, so the last one whose region holds this
            # step's node is its nearest enclosing step.
            parent = next((s for s, region in reversed(seen) if id(step.node) in region), None)
            self.parent[id(step)] = parent
            if parent is not None:
                self.children[id(parent)].append(step)
            seen.append((step, _region(step)))
        self.roots = [s for s in steps if self.parent[id(s)] is None]
        self.real: list[Layer] = [s for s in layers(steps) if not s.trivial]
        self.numbers = {id(s): i for i, s in enumerate(self.real, start=1)}
        self._built: dict[int, Any] = {}
        self._tidy: dict[int, Any] = {}

    # -- reading the tree ------------------------------------------------------------------
    def layer_number(self, step: Step | None) -> int:
        """1 for the outermost layer, 2 for the next …; 0 when there is only one layer."""
        if step is None or len(self.real) < 2:
            return 0
        return self.numbers.get(id(step), 0)

    def step_of(self, node: Any) -> Step | None:
        """The step that works on this rule-tree node (a layer also owns its constant multiple)."""
        found = self.by_node.get(id(node))
        if found is None:
            found = self.by_node.get(id(unscaled(node)[1]))
        return found

    def inner_step(self, layer: Layer) -> Step | None:
        """The step that works out this layer's inner derivative (None: straight from the table)."""
        if layer.trivial:
            return None
        return self.step_of(layer.node.g)

    def depth(self, step: Step) -> int:
        depth = 0
        parent = self.parent[id(step)]
        while parent is not None:
            depth += 1
            parent = self.parent[id(parent)]
        return depth

    def within(self, step: Step) -> list[Layer]:
        """The real layers at or below ``step``."""
        nodes = {id(n) for n in step.node.walk()}
        return [s for s in self.real if id(s.node) in nodes]

    @staticmethod
    def combines(step: Step) -> bool:
        """A combination whose parts must be put together: not a sum with one varying term."""
        if not isinstance(step, Combination):
            return False
        if step.kind != "sum":
            return True
        return sum(1 for c in step.node.children if c.derivative != 0) > 1

    def completes(self, step: Step) -> Layer | None:
        """The layer whose inner derivative is this step's result, once it is worked out."""
        parent = self.parent[id(step)]
        while isinstance(parent, Combination) and not self.combines(parent):
            parent = self.parent[id(parent)]
        return parent if isinstance(parent, Layer) else None

    # -- derivatives as built ------------------------------------------------------------
    def result(self, step: Step) -> Any:
        """The step's derivative as the hints leave it: tidied when that is safe, else as built."""
        tidy = self.tidy(step)
        return tidy if tidy is not None else self.built(step)

    def part_derivative(self, node: Any) -> Any:
        step = self.step_of(node)
        return (
            self.result(step)
            if step is not None
            else ordered(clean_form(node.derivative, inner_sums(node)))
        )

    def inner_derivative(self, layer: Layer) -> Any:
        """g′(x) as the hints worked it out: from the inner step when there is one,
        else from the table."""
        inner = self.inner_step(layer)
        return self.result(inner) if inner is not None else ordered(layer.inner_derivative)

    def factors(self, layer: Layer) -> list[Any]:
        """f′(g(x)) and g′(x) as built (just f′ when g′ = 1)."""
        inner = self.inner_derivative(layer)
        return [layer.outer_derivative] if inner == 1 else [layer.outer_derivative, inner]

    def built(self, step: Step) -> Any:
        """The step's derivative as its rule builds it, each inner function as written."""
        if id(step) not in self._built:
            self._built[id(step)] = self._build(step)
        return self._built[id(step)]

    def _build(self, step: Step) -> Any:
        import sympy as sp

        if isinstance(step, Layer):
            if step.trivial:
                return step.outer_derivative
            return times(*self.factors(step))
        node = step.node
        children = list(node.children)
        parts = [self.part_derivative(c) for c in children]
        if step.kind == "sum":
            terms = [d for d in parts if d != 0]
            if not terms:
                return sp.Integer(0)
            return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
        if isinstance(node, Scaled):
            return times(node.factor, parts[0])
        if step.kind == "product":
            terms = []
            for i, d in enumerate(parts):
                if d == 0:
                    continue
                # As in the formula f′·g + f·g′: the derivative stands in its part's place.
                before = [c.written for c in children[:i]]
                after = [c.written for c in children[i + 1 :]]
                terms.append(times(*before, d, *after))
            return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)
        if step.kind == "quotient":
            (f, g), (df, dg) = children, parts
            top = sp.Add(times(df, g.written), times(-1, f.written, dg), evaluate=False)
            return sp.Mul(top, sp.Pow(g.written, -2, evaluate=False), evaluate=False)
        return step.derivative

    def tidy(self, step: Step) -> Any:
        """The step's derivative tidied, with its inner functions as written
        (2(3x + 1)·3 = 6(3x + 1), 1/x²·2x = 2/x); None when tidying would rewrite
        a function's argument (e^(x² + x) is never shown as e^(x(x + 1)) beside
        it) or would only reorder the factors."""
        if id(step) not in self._tidy:
            self._tidy[id(step)] = self._tidied(step)
        return self._tidy[id(step)]

    def _tidied(self, step: Step) -> Any:
        import sympy as sp

        clean = step.product if isinstance(step, Layer) else step.derivative
        known = set(sp.preorder_traversal(step.node.expr))
        for inside in clean.atoms(sp.Function):
            if any(arg not in known for arg in inside.args):
                return None
        for power in clean.atoms(sp.Pow):
            if isinstance(power.base, sp.Add) and power.base not in known:
                return None
        built = self.built(step)
        leads = not (  # a number further along moves to the front: cos(3x)·3 = 3cos(3x)
            isinstance(built, sp.Mul) and any(f.is_Number for f in built.args[1:])
        )
        try:
            if leads and clean == built.doit():
                return None  # the same factors in another order: nothing to tidy
        except (TypeError, ValueError):
            pass
        written = {layer.node.g.expr: layer.node.g.written for layer in self.within(step)}
        shown = replace_unevaluated(clean, written)  # 6(3x + 1) must not become 18x + 6
        return ordered(shown, frozenset(written.values()))

    def parts(self, step: Combination) -> tuple[Part, ...]:
        out = []
        for child in step.node.children:
            has_step = self.step_of(child) is not None
            derivative = None if has_step else clean_form(child.derivative, inner_sums(child))
            out.append(Part(child.written, derivative))
        return tuple(out)

    def rows(self) -> tuple[tuple[int, Step, int], ...]:
        """The overview: (depth, step, layer number) for every step, outermost first."""
        return tuple(
            (self.depth(s), s, self.layer_number(s))
            for s in self.steps
            if not (isinstance(s, Layer) and s.trivial)
        )


# -- hints --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanItem:
    """One hint in the plan: what it reveals about which step."""

    kind: str  # layers | identify | outer | inner | multiply | rule | combine | table | solution | applied-…
    step: Step | None = None


@dataclass(frozen=True)
class Hint:
    """One hint: what it reveals (``kind``) about which step, and its place in the plan."""

    kind: str
    step: Step | None
    number: int
    total: int
    #: Which layer, counted from the outside (1 = outermost); 0 when there is only one.
    layer: int = 0
    #: The step this one works inside of (the layer whose inner derivative needs it).
    parent: Step | None = None
    #: multiply/combine: the layer whose inner derivative this result is.
    completes: Layer | None = None
    #: multiply: the factors side by side, f′(g(x)) and g′(x) as built.
    factors: tuple[Any, ...] = ()
    #: multiply/combine: the derivative as built from its parts, and tidied when that is safe.
    result: Any = None
    tidy: Any = None
    #: rule: the parts and their table derivatives.
    parts: tuple[Part, ...] = ()
    #: layers: (depth, step, layer number) for every step, outermost first.
    rows: tuple[tuple[int, Step, int], ...] = ()
    #: The layer numbers of ``parent`` and ``completes``.
    parent_layer: int = 0
    completes_layer: int = 0


def hint_plan(steps: list[Step], outline: Outline | None = None) -> list[PlanItem]:
    """The hints in teaching order, ending with the full solution.

    One layer: identify, outer derivative, inner derivative, multiply (5 hints
    with the solution). Nested layers: the layers from the outside in; each
    layer's outer derivative, outside in; the innermost inner derivative; the
    products multiplied back up, innermost first (2n + 3 hints for n layers).
    A sum, product or quotient gets its rule first and, where parts must be put
    together, a hint that puts them together after its parts are worked out.
    """
    tree = outline or Outline(steps)
    overview = len(tree.real) >= 2
    plan: list[PlanItem] = [PlanItem("layers")] if overview else []

    def visit(step: Step) -> None:
        if isinstance(step, Layer):
            if step.trivial:
                plan.append(PlanItem("table", step))
                return
            if not overview:
                plan.append(PlanItem("identify", step))
            plan.append(PlanItem("outer", step))
            inner = tree.inner_step(step)
            if inner is None:
                plan.append(PlanItem("inner", step))
            else:
                visit(inner)
            plan.append(PlanItem("multiply", step))
            return
        plan.append(PlanItem("rule", step))
        for child in tree.children[id(step)]:
            visit(child)
        if tree.combines(step):
            plan.append(PlanItem("combine", step))

    for root in tree.roots:
        visit(root)
    plan.append(PlanItem("solution"))
    return plan


#: An applied problem's hints: the chain of quantities, each rate, then the product.
APPLIED_PLAN: list[PlanItem] = [
    PlanItem("applied-chain"),
    PlanItem("applied-outer"),
    PlanItem("applied-inner"),
    PlanItem("applied-multiply"),
    PlanItem("solution"),
]


def make_hint(item: PlanItem, number: int, total: int, tree: Outline | None) -> Hint:
    """Everything a hint panel shows, from the plan item and the outline."""
    step = item.step
    if tree is None or step is None:
        rows = tree.rows() if tree is not None and item.kind == "layers" else ()
        return Hint(item.kind, step, number, total, rows=rows)
    parent = tree.parent[id(step)]
    completes = tree.completes(step) if item.kind in ("multiply", "combine") else None
    extra: dict[str, Any] = {}
    if item.kind == "multiply" and isinstance(step, Layer):
        extra["factors"] = tuple(tree.factors(step))
    if item.kind in ("multiply", "combine"):
        extra["result"] = tree.built(step)
        extra["tidy"] = tree.tidy(step)
    if item.kind == "rule" and isinstance(step, Combination):
        extra["parts"] = tree.parts(step)
    return Hint(
        item.kind,
        step,
        number,
        total,
        layer=tree.layer_number(step),
        parent=parent,
        completes=completes,
        parent_layer=tree.layer_number(parent),
        completes_layer=tree.layer_number(completes),
        **extra,
    )
