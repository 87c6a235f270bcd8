"""A bank's YAML read in one pass over the parser's events is exactly what PyYAML's loader builds.

``bankyaml.read`` is the fast path under ``bank.load``; ``bankyaml.read_slowly``
(PyYAML's composer and constructor, with the bank's refusals) is the
reference. On every text, hostile or not, the two give the same values, the
same lines and duplicate keys on every mapping, or the same error.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainrule_cli.bank import yamlfile as bankyaml
from chainrule_cli.bank.load import load, parse_bank
from tests.test_bank_fuzz import _bank

ROOT = Path(__file__).resolve().parent.parent


def _shape(value: Any) -> Any:
    """A value with everything ``read`` promises made comparable (lines, duplicates, types)."""
    if isinstance(value, bankyaml.LocatedMap):
        return (
            "map",
            value.line,
            value.duplicates,
            [(_shape(k), _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, dict):
        return ("plain dict", [(_shape(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _outcome(read: Any, text: str) -> Any:
    try:
        return ("value", _shape(read(text)))
    except bankyaml.Refused as exc:
        return ("refused", exc.line, exc.message)
    except Exception as exc:
        return ("error", type(exc).__name__, str(exc))


def _agree(text: str) -> None:
    assert _outcome(bankyaml.read, text) == _outcome(bankyaml.read_slowly, text)


CASES = [
    pytest.param("", id="empty"),
    pytest.param("---\n", id="empty-document"),
    pytest.param("problems:\n  - {id: a, type: trig, expression: 'sin(3x)'}\n", id="flow-problem"),
    pytest.param(
        "problems:\n  - id: a\n    type: trig\n    id: b\n    at: 1e3\n    difficulty: 2\n",
        id="duplicate-key-and-yaml12-float",
    ),
    pytest.param("a: 1\nb: '1'\n'a': 2\n1: x\n'1': y\n", id="duplicates-by-tag-and-text"),
    pytest.param(
        "a: 2001-12-14\nb: 2001-13-45\nc: 12:30:00\nd: 0x1F\ne: 0o17\n", id="dates-sexagesimal"
    ),
    pytest.param("a: " + "9" * 5000 + "\n", id="more-digits-than-python-converts"),
    pytest.param("a: [yes, no, ~, null, .inf, -.inf, .nan, true]\n", id="yaml11-scalars"),
    pytest.param("a: !!binary aGVsbG8=\nb: !!str 12\nc: !!float 3\n", id="explicit-scalar-tags"),
    pytest.param("a: !!int abc\n", id="explicit-tag-refuses-its-value"),
    pytest.param("a: !!set {x, y}\n", id="set-tag-on-a-mapping"),
    pytest.param("a: !!omap [{x: 1}]\n", id="omap"),
    pytest.param("a: !foo bar\n", id="unknown-tag"),
    pytest.param("a: !!map x\n", id="collection-tag-on-a-scalar"),
    pytest.param("? [a, b]\n: 1\n", id="list-as-a-key"),
    pytest.param("? {a: 1}\n: 1\n", id="mapping-as-a-key"),
    pytest.param("<<: {a: 1}\nb: 2\n", id="merge-key"),
    pytest.param("=: 1\n", id="value-key"),
    pytest.param("a: 1\n---\nb: 2\n", id="two-documents"),
    pytest.param("a: &x 1\nb: *x\n", id="anchor-and-alias"),
    pytest.param("a: *x\n", id="alias-alone"),
    pytest.param("a: [" * 17 + "]" * 17 + "\n", id="too-deep"),
    pytest.param("a: [" * 15 + "]" * 15 + "\n", id="deep-but-allowed"),
    pytest.param("a: [1, 2\n", id="unclosed-flow"),
    pytest.param("a: b: c\n", id="mapping-in-a-plain-scalar"),
    pytest.param("- a\nb: 1\n", id="list-then-mapping"),
    pytest.param("\t- a\n", id="tab-indent"),
    pytest.param("a: 'x\n", id="unclosed-quote"),
    pytest.param("a: ! 12\nb: '12'\nc: \"1.5\"\n", id="non-specific-tag-and-quoted-numbers"),
    pytest.param("%YAML 1.1\n---\na: 1\n", id="directive"),
    pytest.param("a:\n  - - - x\n", id="nested-lists"),
    pytest.param("a: |\n  line one\n  line two\nb: >\n  folded\n", id="block-scalars"),
]


@pytest.mark.parametrize("text", CASES)
def test_the_fast_reader_agrees_on_odd_yaml(text: str) -> None:
    """Each odd YAML construct is read to the same value, lines and duplicates, or the same error."""
    _agree(text)


@pytest.mark.parametrize("seed", range(120))
def test_the_fast_reader_agrees_on_hostile_banks(seed: int) -> None:
    """Every bank of the hostile fuzz (bombs, anchors, tags, huge scalars, junk bytes) reads alike."""
    data = _bank(seed)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    _agree(text)


def test_the_fast_reader_agrees_on_every_shipped_and_test_bank() -> None:
    """The shipped bank and every YAML file the tests keep are read alike."""
    files = sorted(ROOT.joinpath("problems").glob("*.yaml")) + sorted(
        ROOT.joinpath("tests").rglob("*.yaml")
    )
    assert len(files) >= 6
    for path in files:
        _agree(path.read_text("utf-8"))


_KEYS = st.sampled_from(
    ["id", "type", "expression", "at", "difficulty", "note", "1", "'id'", "<<", "? x", "true"]
)
_VALUES = st.sampled_from(
    [
        "a",
        "'sin(3x)'",
        '"x\\ty"',
        "1",
        "1.5",
        "1e3",
        "-.inf",
        "~",
        "yes",
        "0x10",
        "2001-12-14",
        "!!str 3",
        "!!int x",
        "!!binary aGk=",
        "[1, 2]",
        "{a: 1, a: 2}",
        "&a 1",
        "*a",
        "[",
        "!bad 1",
        "''",
    ]
)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """Bank-shaped YAML from fragments: keys, values, nesting, and the odd broken piece."""
    problems = draw(
        st.lists(st.lists(st.tuples(_KEYS, _VALUES), min_size=0, max_size=5), max_size=4)
    )
    lines = ["problems:"]
    for fields in problems:
        if not fields:
            lines.append("  - {}")
            continue
        for index, (key, value) in enumerate(fields):
            lines.append(("  - " if index == 0 else "    ") + f"{key}: {value}")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["extra: 1", "problems: []", "---", "- x", "  bad: 1"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_the_fast_reader_agrees_on_random_banks(text: str) -> None:
    """Random bank-shaped YAML, well formed or not, reads alike both ways."""
    _agree(text)


def _big_bank(count: int) -> str:
    lines = ["problems:"]
    for i in range(count):
        lines += [
            f"- id: big-{i:06d}",
            "  type: power",
            f"  expression: (3x+{i % 97 + 1})^{i % 5 + 2}",
            f"  difficulty: {i % 3 + 1}",
        ]
    return "\n".join(lines) + "\n"


def test_a_large_bank_reads_as_pyyaml_reads_it() -> None:
    """A bank of 6,000 problems is read to the same data as PyYAML's own loader reads it,
    every problem on its line. (How much faster is measured in bench/: ``bench_load``.)"""
    text = _big_bank(6000)
    assert bankyaml.read(text) == bankyaml.read_slowly(text)
    problems, issues = parse_bank(text, "big.yaml")
    assert issues == []
    assert len(problems) == 6000
    assert problems[-1].source == f"big.yaml:{2 + 4 * 5999}"


def test_load_reads_a_bank_near_the_cap(tmp_path: Path) -> None:
    """A bank just under the 5 MB cap loads in full, every problem located on its line."""
    text = _big_bank(68_000)
    assert 4.5 * 1024 * 1024 < len(text.encode()) < 5 * 1024 * 1024
    path = tmp_path / "big.yaml"
    path.write_text(text, "utf-8")
    bank = load([path])
    assert bank.issues == []
    assert len(bank.problems) == 68_000
    assert bank.problems[1234].source == f"{path}:{2 + 4 * 1234}"
    assert bank.problems[1234].difficulty == 1234 % 3 + 1
