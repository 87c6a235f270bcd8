"""The differential test of the tree judge against ``sympy.diff``.

Generated trees: 1–3 independent variables (s, t, r), 2–3 levels of intermediate
variables, intermediates shared by two parents, and variables reached both
directly and through another (z uses s and x(s, t)). SymPy is the oracle: the
derivative is ``sympy.diff`` of the fully substituted function.

Right answers come in the four forms (substituted, in the intermediates, a
number at a point, a chain-rule formula with ∂ or d symbols); wrong answers are
made by each mistake code, written independently of the judge's own list and
kept only when SymPy says they differ from the right derivative. A right answer
not accepted is a false reject, a wrong one accepted a false accept.

Shared by ``tests/test_tree_differential.py`` and ``bench/run.py``
(``bench/results.json``, key ``tree_differential``).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from chainrule_cli.errors import ChainruleError, InputError
from chainrule_cli.graph.judge import TreeJudge
from chainrule_cli.graph.tree import Tree
from chainrule_cli.graph.treebuild import build_tree

TREES = 2000
SEED = 26

#: Small pieces to build definitions from; ``{a}``, ``{b}`` are variables, ``{k}`` a number.
SHAPES = (
    "{k}*{a}*{b}",
    "{a}^2 + {k}*{b}",
    "{a}*{b} + {a}",
    "sin({a}) + {b}",
    "{a}*cos({b})",
    "exp({k}*{a}) - {b}",
    "{a}^2*{b}",
    "{a} + {b}^3",
    "{a}/({b}^2 + 1)",
    "({a} + {k}*{b})^2",
)
ONE = ("{k}*{a}", "{a}^2", "sin({a})", "cos({a})", "exp({a})", "{a}^3 + {k}", "{k}*{a}^2 - {a}")


@dataclass
class TreeCase:
    function: str
    where: list[str]
    wrt: str
    at: dict[str, int]


def _piece(rng: random.Random, names: list[str]) -> str:
    k = rng.randint(2, 5)
    if len(names) == 1:
        return rng.choice(ONE).format(a=names[0], k=k)
    a, b = rng.sample(names, 2)
    return rng.choice(SHAPES).format(a=a, b=b, k=k)


def make_case(rng: random.Random) -> TreeCase:
    """One random tree (see the module docstring)."""
    independents = ["s", "t", "r"][: rng.randint(1, 3)]
    levels = rng.randint(2, 3)
    where: list[str] = []
    lower = list(independents)
    upper_names = [["x", "y"], ["u", "v"]]
    top: list[str] = list(independents)
    for level in range(levels - 1):
        names = upper_names[level][: rng.randint(1, 2)]
        for name in names:
            uses = rng.sample(lower, min(len(lower), rng.randint(1, 2)))
            where.append(f"{name} = {_piece(rng, uses)}")
        # the level above may use these and (direct + indirect) the level below
        lower = names + rng.sample(lower, min(len(lower), 1))
        top = lower
    uses = rng.sample(top, min(len(top), rng.randint(1, 2)))
    if len(uses) == 1 and len(top) > 1:
        uses = rng.sample(top, 2)
    function = f"z = {_piece(rng, uses)}"
    # drop definitions nothing uses (a generated name may go unused)
    case = TreeCase(
        function, where, independents[0], {n: rng.randint(-2, 2) or 1 for n in independents}
    )
    while True:
        try:
            tree = build_tree(
                case.function, case.where, None if len(independents) == 1 else case.wrt
            )
        except Exception as exc:  # an unused definition: drop it and try again
            text = str(exc)
            unused = [w for w in case.where if f"depend on {w.split('=')[0].strip()}:" in text]
            if not unused:
                return make_case(rng)
            case.where.remove(unused[0])
            continue
        leaves = list(tree.independents)
        case.wrt = rng.choice(leaves)
        case.at = {n: rng.randint(-2, 2) or 1 for n in leaves}
        return case


def tree_of(case: TreeCase) -> Tree:
    return build_tree(case.function, case.where, case.wrt)


def oracle(tree: Tree) -> Any:
    """The derivative by ``sympy.diff`` of the fully substituted function."""
    return sp.diff(tree.expr, tree.symbol(tree.wrt))


def typed(expr: Any) -> str:
    """An expression as a student would type it (SymPy's E is e)."""
    import re

    return re.sub(r"\bE\b", "e", str(expr))


def _same(a: Any, b: Any) -> bool:
    """a = b: exactly when ``expand`` shows it; else they must agree to 30 digits at
    five random points (only used to drop a "wrong" answer that is not wrong)."""
    difference = a - b
    if difference == 0 or sp.expand(difference) == 0:
        return True
    rng = random.Random(str(difference))
    names = sorted(difference.free_symbols, key=str)
    for _ in range(5):
        at = {n: sp.Rational(rng.randint(-19, 19), 10) for n in names}
        value = difference.xreplace(at).evalf(30)
        if value.is_number and abs(value) > 1e-20:
            return False
    return True


def right_answers(tree: Tree, point: dict[str, Any]) -> list[tuple[str, str]]:
    """(form, text) for the four forms of a right answer."""
    d = oracle(tree)
    out = [("substituted", typed(d))]
    if tree.where:
        # In the intermediate variables: the oracle's terms, path by path, left unsubstituted.
        out.append(("intermediates", typed(tree.unsubstituted)))
    try:
        value = tree.value(point)
    except ChainruleError:  # undefined or too large at this point: no number form
        value = sp.nan
    if value.is_finite and value.is_real:
        out.append(("value", typed(value)))
    out.append(("formula", tree.formula_text(unicode=True, times="*")))
    out.append(("formula_d", tree.formula_text(unicode=False, times="*")))
    return out


def wrong_answers(tree: Tree) -> list[tuple[str, str]]:
    """(mistake code, text) built by making each slip by hand."""
    out: list[tuple[str, str]] = []
    d = oracle(tree)
    paths = tree.paths
    sub = tree.substitute
    if len(paths) > 1:
        out.append(("missing_path", typed(d - sub(paths[-1].product))))
        out.append(("missing_path", " + ".join(p.symbols(True, "*") for p in paths[:-1])))
    others = [q for q in tree.all_paths if q.leaf != tree.wrt]
    if others:
        out.append(("extra_path", typed(d + sub(others[0].product))))
        out.append(
            ("extra_path", tree.formula_text(True, "*") + " + " + others[0].symbols(True, "*"))
        )
    for p in paths:
        if len(p.edges) >= 2:
            kept = sp.Mul(*(e.expr for e in p.edges[:-1]))
            out.append(("forgot_inner_derivative", typed(d - sub(p.product) + sub(kept))))
            out.append(
                (
                    "added_instead_of_multiplied",
                    typed(d - sub(p.product) + sub(sp.Add(*(e.expr for e in p.edges)))),
                )
            )
            terms = [q.symbols(True, "*") for q in paths if q is not p]
            out.append(
                (
                    "added_instead_of_multiplied",
                    " + ".join([*terms, " + ".join(e.symbol() for e in p.edges)]),
                )
            )
            break
    for p in paths:
        e = p.edges[-1]
        siblings = [k for k in tree.children[e.parent] if k != e.child]
        if siblings:
            wrong = tree.definition(e.parent).diff(tree.symbol(siblings[0]))
            swapped = sp.Mul(*(f.expr for f in p.edges[:-1])) * wrong
            out.append(("wrong_variable", typed(d - sub(p.product) + sub(swapped))))
            break
    names = list(tree.where)
    if len(names) >= 2:
        a, b = tree.symbol(names[0]), tree.symbol(names[1])
        out.append(("substituted_wrong", typed(sub(tree.unsubstituted.xreplace({a: b, b: a})))))
    elif names:
        a = tree.symbol(names[0])
        out.append(
            (
                "substituted_wrong",
                typed(sub(tree.unsubstituted.xreplace({a: tree.symbol(tree.wrt)}))),
            )
        )
    keep: list[tuple[str, str]] = []
    for code, text in out:
        if any(c in text for c in "∂") or "/d" in text:
            keep.append((code, text))
            continue
        names = {n: tree.symbol(n) for n in (*tree.where, *tree.independents)}
        expr = sp.sympify(text, locals={"e": sp.E, **names})
        if not _same(sub(expr), d):
            keep.append((code, text))
    return keep


@dataclass
class Report:
    trees: int = 0
    right: int = 0
    wrong: int = 0
    false_accepts: list[str] = field(default_factory=list)
    false_rejects: list[str] = field(default_factory=list)
    unconfirmed: int = 0
    #: Right answers SymPy printed beyond the reader's limits (numbers over 30 digits).
    too_large: int = 0
    named: Counter[str] = field(default_factory=Counter)
    made: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "trees": self.trees,
            "right_answers": self.right,
            "wrong_answers": self.wrong,
            "false_accepts": len(self.false_accepts),
            "false_rejects": len(self.false_rejects),
            "unconfirmed": self.unconfirmed,
            "too_large_to_read": self.too_large,
            "forms": dict(self.forms),
            "wrong_by_code": dict(self.made),
            "named_right_by_code": dict(self.named),
        }


def run(trees: int = TREES, seed: int = SEED, part: tuple[int, int] = (0, 1)) -> Report:
    """Judge every generated answer; see ``Report``. ``part=(k, n)`` judges only the
    trees whose index is k modulo n (the same trees as the whole run, dealt out in n
    parts that test workers can take side by side)."""
    rng = random.Random(seed)
    report = Report()
    k, n = part
    for index in range(trees):
        case = make_case(rng)  # every case is drawn, so each part sees the whole run's trees
        if index % n != k:
            continue
        tree = tree_of(case)
        assert _same(tree.derivative, oracle(tree)), case
        point = tree.point(case.at)  # type: ignore[arg-type]
        judge = TreeJudge(tree, point)
        report.trees += 1
        for form, text in right_answers(tree, point):
            try:
                verdict = judge.check(text)
            except InputError:  # beyond the reader's size limits (a 30-digit number): not judged
                report.too_large += 1
                continue
            report.right += 1
            report.forms[form] += 1
            if not verdict.correct:
                report.false_rejects.append(f"{case} {form} {text!r}: {verdict.feedback}")
        plain = TreeJudge(tree, None)
        for code, text in wrong_answers(tree):
            report.wrong += 1
            report.made[code] += 1
            verdict = plain.check(text)
            if verdict.correct:
                report.false_accepts.append(f"{case} {code} {text!r}")
            elif verdict.mistake == "unconfirmed":
                report.unconfirmed += 1
            if verdict.mistake == code:
                report.named[code] += 1
    return report
