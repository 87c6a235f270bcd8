"""A bank's YAML, read safely, with lines, and fast: the layer under ``bank.parse_bank``.

``read(text)`` gives what a safe YAML loader gives, except that every mapping
is a ``LocatedMap`` (it knows its line and the keys written twice in it),
numbers are read as YAML 1.2 writes them (``1e15`` is a number), and anchors,
aliases and deep nesting are refused (``Refused``) before anything expands.

A bank near the 5 MB cap has half a million YAML nodes. PyYAML's composer
builds a node for each, then its constructor walks them again: about 8 s.
``read`` builds the values straight from the parser's events (in C when
libyaml is there) in one pass, resolving and constructing each scalar with
the loader's own resolver and constructors (memoised: a bank repeats its
types and difficulties): 4–5× faster, 3.3× for ``bank.parse_bank`` as a
whole (``bench/run.py --only load``). Anything a bank does not need
(explicit tags on collections, complex or merge keys, several documents, a
scalar the constructors refuse) makes it hand over to the full loader,
``BankLoader``, which then gives its own result or error: the two agree on
every text (tests/test_bank_yaml.py holds them to it).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

#: How deep YAML may nest (a bank needs four levels: file, list, problem, chain).
MAX_NESTING = 16

ALIASES = (
    "YAML anchors and aliases (&name, *name) are not allowed in a bank: "
    "write each value out in full"
)
TOO_DEEP = f"nested too deeply (more than {MAX_NESTING} levels)"

_STR = "tag:yaml.org,2002:str"
#: Keys that change how a mapping is built (``<<: {…}`` merges, ``=`` is a value key).
_SPECIAL_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")
#: Scalars that may be shared between mappings once constructed.
_IMMUTABLE = (str, int, float, bool, type(None), datetime.date, bytes)


class Refused(Exception):
    """YAML the bank loader will not read (an alias, or nesting too deep), located."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class LocatedMap(dict[Any, Any]):
    """A YAML mapping that knows its line and the keys written twice in it
    (each as its line and the key as typed)."""

    line: int | None = None
    duplicates: tuple[tuple[int, str], ...] = ()


class _Unusual(Exception):
    """Something only the full loader builds (or refuses) exactly: hand over to it."""


def read(text: str) -> Any:
    """The bank's YAML as the bank loader builds it; raises ``Refused`` or ``yaml.YAMLError``
    (or ``ValueError``, ``OverflowError``, ``RecursionError`` for a value it cannot build)."""
    try:
        return _from_events(text)
    except _Unusual:
        return read_slowly(text)


def read_slowly(text: str) -> Any:
    """``read`` by PyYAML's own composer and constructor (the reference ``read`` agrees with)."""
    refuse_aliases_and_depth(text)
    return yaml.load(text, Loader=bank_loader())  # a safe loader: no tags run code


def _refusal(event: Any, depth: int) -> int:
    """The nesting depth after ``event``; raises ``Refused`` at an anchor, an alias, or too deep."""
    kind = type(event)
    if kind is yaml.AliasEvent or getattr(event, "anchor", None):
        raise Refused(_line(event), ALIASES)
    if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
        depth += 1
        if depth > MAX_NESTING:
            raise Refused(_line(event), TOO_DEEP)
    elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
        depth -= 1
    return depth


def _line(event: Any) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


def refuse_aliases_and_depth(text: str) -> None:
    """Refuse anchors and aliases (``&a``, ``*a``, merge keys) and deep nesting.

    One pass over the parse events, before any value is built: an alias
    "bomb" of a few hundred bytes never expands.
    """
    depth = 0
    for event in yaml.parse(text, Loader=base_loader()):
        depth = _refusal(event, depth)


class _Frame:
    """A mapping or list being built, and (for a mapping) the key waiting for its value."""

    __slots__ = ("container", "is_map", "key", "repeated", "seen", "want_key")

    def __init__(self, container: Any, is_map: bool) -> None:
        self.container = container
        self.is_map = is_map
        self.want_key = is_map
        self.key: Any = None
        self.seen: set[tuple[str, str]] = set()
        self.repeated: list[tuple[int, str]] = []


def _from_events(text: str) -> Any:
    """``read``'s one pass; raises ``_Unusual`` where only the full loader is exact."""
    parser = base_loader()(text)
    try:
        return _build(iter(parser.get_event, None))  # the parser's own loop, in C with libyaml
    finally:
        parser.dispose()


def _build(events: Iterator[Any]) -> Any:
    """The value of the single document in ``events``.

    Written flat, for speed: this loop runs once per YAML node.
    """
    loader = _scalar_loader()
    resolve = loader.resolve
    constructors = loader.yaml_constructors
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    tags: dict[str, str] = {}  # a plain scalar's text → its resolved tag
    built: dict[tuple[str, str], Any] = {}  # (tag, text) → the value, when immutable
    stack: list[_Frame] = []
    frame: _Frame | None = None  # the innermost container being built
    root: Any = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind is scalar_event:
            if event.anchor:
                raise Refused(_line(event), ALIASES)
            value_text = event.value
            tag = event.tag
            if tag is None or tag == "!":
                if event.implicit[0]:
                    tag = tags.get(value_text)
                    if tag is None:
                        tag = tags[value_text] = resolve(ScalarNode, value_text, (True, False))
                else:
                    tag = _STR
            if tag == _STR:
                value = value_text
            else:
                value = built.get((tag, value_text), _MISSING)
                if value is _MISSING:
                    value = _construct(loader, constructors, tag, event)
                    if isinstance(value, _IMMUTABLE):
                        built[(tag, value_text)] = value
            if frame is None:
                root = value
            elif not frame.is_map:
                frame.container.append(value)
            elif frame.want_key:
                if tag in _SPECIAL_KEYS:
                    raise _Unusual  # a merge key or a value key
                seen = (tag, value_text)
                if seen in frame.seen:
                    frame.repeated.append((event.start_mark.line + 1, value_text))
                frame.seen.add(seen)
                frame.key = value
                frame.want_key = False
            else:
                frame.container[frame.key] = value
                frame.want_key = True
        elif kind is map_start or kind is seq_start:
            if event.anchor:
                raise Refused(_line(event), ALIASES)
            if len(stack) >= MAX_NESTING:
                raise Refused(_line(event), TOO_DEEP)
            if event.tag not in (None, "!"):
                raise _Unusual  # !!set, !!omap and the like
            if frame is not None and frame.want_key:
                raise _Unusual  # a mapping or a list as a key
            if kind is map_start:
                container: Any = LocatedMap()
                container.line = event.start_mark.line + 1
                frame = _Frame(container, True)
            else:
                frame = _Frame([], False)
            stack.append(frame)
        elif kind is map_end or kind is seq_end:
            done = stack.pop()
            if done.repeated:
                done.container.duplicates = tuple(done.repeated)
            frame = stack[-1] if stack else None
            if frame is None:
                root = done.container
            elif not frame.is_map:
                frame.container.append(done.container)
            else:
                frame.container[frame.key] = done.container
                frame.want_key = True
        elif kind is alias_event:
            raise Refused(_line(event), ALIASES)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual  # the full loader says "expected a single document"
    return root


_MISSING = object()


def _construct(loader: Any, constructors: dict[str, Any], tag: str, event: Any) -> Any:
    """A scalar built by the loader's own constructor for its tag."""
    constructor = constructors.get(tag)
    if constructor is None:
        raise _Unusual  # an unknown tag: the full loader says so
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = constructor(loader, node)
    except Exception:
        raise _Unusual from None
    if hasattr(value, "__next__"):
        raise _Unusual  # a collection's constructor on a scalar
    return value


@functools.cache
def base_loader() -> type:
    """PyYAML's safe loader, in C when libyaml is there."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _scalar_loader() -> Any:
    """A ``BankLoader`` used only for its resolver and scalar constructors."""
    return bank_loader()("")


@functools.cache
def bank_loader() -> type:
    """The safe loader, with each mapping's line, duplicate keys found, and
    numbers read as YAML 1.2 writes them (``1e15`` is a number)."""

    class BankLoader(base_loader()):  # type: ignore[misc]
        """The safe loader, with each mapping's line, duplicate keys found, and
        numbers read as YAML 1.2 writes them (``1e15`` is a number)."""

        def construct_bank_map(self, node: Any) -> Any:
            data = LocatedMap()
            data.line = node.start_mark.line + 1
            seen: set[tuple[str, str]] = set()
            repeated: list[tuple[int, str]] = []
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        repeated.append((key_node.start_mark.line + 1, key_node.value))
                    seen.add(key)
            if repeated:
                data.duplicates = tuple(repeated)
            yield data
            data.update(self.construct_mapping(node))

        def construct_bank_int(self, node: Any) -> Any:
            try:
                return SafeConstructor.construct_yaml_int(self, node)
            except ValueError:  # more digits than Python converts: keep the text
                return str(self.construct_scalar(node))

        def construct_bank_timestamp(self, node: Any) -> Any:
            try:
                return SafeConstructor.construct_yaml_timestamp(self, node)
            except ValueError:  # looks like a date but is none: keep the text
                return str(self.construct_scalar(node))

    BankLoader.add_constructor("tag:yaml.org,2002:map", BankLoader.construct_bank_map)
    BankLoader.add_constructor("tag:yaml.org,2002:int", BankLoader.construct_bank_int)
    BankLoader.add_constructor("tag:yaml.org,2002:timestamp", BankLoader.construct_bank_timestamp)
    BankLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."),
    )
    return BankLoader
