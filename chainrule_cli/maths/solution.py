"""A worked solution: everything ``solve`` shows, computed once from the rule tree.

``solve`` prints it, ``--json`` serialises it, and the quiz shows it as the last
hint and after a miss: one computation, three views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chainrule_cli.maths.analysis import Analysis, analyse
from chainrule_cli.maths.explain import Layer, Step, chain_letters, explain, to_json
from chainrule_cli.maths.points import (
    LayerValues,
    NumberCheck,
    number_check,
    require_real,
    values_at,
)
from chainrule_cli.maths.rules import function_name
from chainrule_cli.printing.notes import notes as reading_notes
from chainrule_cli.reading.parsing import parse_number

if TYPE_CHECKING:
    import sympy

#: Where to try the "check with numbers" when no point is given.
CHECK_POINTS = (1.0, 0.5, 2.0, 0.3, -1.0, 3.0)


@dataclass
class Solution:
    analysis: Analysis
    steps: list[Step]
    pairs: list[tuple[str, Any]]
    at: Any = None  # the point, exact
    slope: Any = None  # the derivative there, exact
    values: list[LayerValues] = field(default_factory=list)
    check: NumberCheck | None = None
    #: Ambiguity notes on how the expression was read ("read as e²·x; did you mean e^(2x)?").
    notes: list[str] = field(default_factory=list)
    #: The point as typed, when it was a decimal: shown as 1.56, not 39/25.
    at_text: str | None = None

    @property
    def name(self) -> str:
        """What the function is called: y (z when the variable is y)."""
        return function_name(self.analysis.variable.name)

    @property
    def y_at(self) -> Any:
        """The function's value at the point (exact), or None without a point."""
        if self.at is None:
            return None
        from chainrule_cli.reading.roots import real_branch

        return real_branch(self.analysis.expr).xreplace({self.analysis.variable: self.at})

    def to_json(self) -> dict[str, Any]:
        """The ``solve --json`` contract (README: 'solve --json')."""
        values = {id(v.layer): v.as_dict() for v in self.values}
        data: dict[str, Any] = {
            "expression": str(self.analysis.expr),
            "variable": self.analysis.variable.name,
            "function": self.name,
            "type": self.analysis.type,
            "derivative": str(self.analysis.clean),
            "steps": to_json(self.steps, values if self.at is not None else None),
            "rules": [rule_name(s) for s in self.steps],
            "notes": self.notes,
        }
        if self.at is not None and self.slope is not None:
            data.update(
                {"at": str(self.at), "value": str(self.slope), "numeric": float(self.slope)}
            )
        return data


def rule_name(step: Step) -> str:
    """chain, table (a derivative straight from the table), or the combination's rule."""
    if isinstance(step, Layer):
        return "table" if step.trivial else "chain"
    return str(step.kind)


def solve(
    expression: str,
    at: str | sympy.Expr | None = None,
    variable: str = "x",
    analysis: Analysis | None = None,
    unicode: bool = True,
) -> Solution:
    """Analyse ``expression`` (or reuse ``analysis``) and work out every step.

    Refuses (``DomainError``) a function with no real value anywhere, and a
    point outside the domain of the function or its derivative.
    """
    analysis = analysis or analyse(expression, variable)
    require_real(analysis)
    notes = reading_notes(analysis.reading, unicode)
    point = parse_number(at) if isinstance(at, str) else at
    steps = explain(analysis.tree)
    slope, values = values_at(analysis, point, steps) if point is not None else (None, [])
    candidates = [float(point)] if point is not None else list(CHECK_POINTS)
    check = None
    for x0 in candidates:
        check = number_check(analysis, x0)
        if check is not None:
            break
    return Solution(
        analysis=analysis,
        steps=steps,
        pairs=chain_letters(analysis.tree),
        at=point,
        slope=slope,
        values=values,
        check=check,
        notes=notes,
        at_text=at.strip() if isinstance(at, str) and _decimal(at.strip()) else None,
    )


def _decimal(text: str) -> bool:
    """A plain decimal such as 1.56 or -0.0098."""
    body = text.lstrip("-−")
    return "." in body and body.replace(".", "", 1).isdigit()
