"""YAML that remembers where things were, and where a JSON path points in the file.

This module owns reading a scenario file's text into plain data whose mappings and lists know the
position of each key and item, with every repeated key noted instead of silently overwritten
(a key merged in by `<<: *defaults` may be given again: overriding it is what merging is for).
`load` is the one entry point: the fast event reader (`yaml_events.load_plain`) for plain YAML,
else PyYAML's SafeLoader (only plain data, never objects) with the same positions, once what the
file's aliases add has been counted (`expansion`: a file past the bound is refused before any of
it is built). The helpers below turn a path into the document (`["scenarios", 0, "match"]`)
into a `Place` and a readable name, for every message that points into a file.
"""

from __future__ import annotations

from typing import Any, Iterable, TypeAlias

import yaml

from . import expansion
from .model import Place
from .yaml_events import MERGE_TAG, load_plain
from .yaml_events import Mapping as _Mapping
from .yaml_events import SafeLoader as _SafeBase
from .yaml_events import Sequence as _Sequence

Repeated: TypeAlias = list[tuple[Any, yaml.Mark]]


def load(text: str) -> tuple[Any, Repeated]:
    """The document and its repeated keys (key, mark). Syntax errors raise yaml's MarkedYAMLError;
    a file whose aliases add more than `expansion.MAX_VALUES` values raises `expansion.TooLarge`."""
    return load_plain(text) or _load_general(text)


# -- YAML that remembers where things were --------------------------------------------------


class _Loader(_SafeBase):  # type: ignore[valid-type, misc]
    """SafeLoader, plus positions and a refusal of repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: Repeated = []


def _load_general(text: str) -> tuple[Any, Repeated]:
    """Any YAML the safe loader reads (anchors, tags, merge keys), with positions; a file whose
    aliases add more than the bound raises `expansion.TooLarge` before any of it is built."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        expansion.check(node)
        return loader.construct_document(node), loader.repeated
    finally:
        loader.dispose()


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    # A key merged in (`<<: *defaults`) may be given again: the mapping's own keys override them.
    own = {id(key_node) for key_node, _ in node.value if key_node.tag != MERGE_TAG}
    loader.flatten_mapping(node)
    result = _Mapping()
    result.mark, result.key_marks, result.value_marks = node.start_mark, {}, {}
    given: set[Any] = set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", key_node.start_mark
            )
        if id(key_node) in own:
            if key in given:
                loader.repeated.append((key, key_node.start_mark))
            given.add(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_marks[key] = key_node.start_mark
        result.value_marks[key] = value_node.start_mark
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _Sequence:
    result = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.mark = node.start_mark
    result.item_marks = [child.start_mark for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


# -- where a JSON path points in the file -------------------------------------------------


def place(file: str, mark: yaml.Mark | None) -> Place:
    if mark is None:
        return Place(file, 1, 1)
    return Place(file, mark.line + 1, mark.column + 1)


def mark_at(document: Any, path: Iterable[Any], *, key: bool = False) -> yaml.Mark | None:
    """The position of the value at `path` (or of its key, when `key`)."""
    node, mark = document, getattr(document, "mark", None)
    for step in path:
        if isinstance(node, _Mapping) and step in node:
            mark = (node.key_marks if key else node.value_marks)[step]
        elif isinstance(node, _Sequence) and isinstance(step, int) and step < len(node):
            mark = node.item_marks[step]
        else:
            break
        node = node[step]
    return mark


def describe(path: Iterable[Any]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "the file"
