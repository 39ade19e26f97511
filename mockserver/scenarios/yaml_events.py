"""Plain YAML straight from libyaml's events, with the position of every value.

Building PyYAML's node tree costs half of a large file's load (measured, issue 22: 10,000
generated scenarios load in 0.73 s instead of 1.26 s, 1,000 in 76 ms instead of 116 ms; the
shipped files gain 4 ms), and scenario files are plain YAML: mappings, lists and scalars. This builds the same values as the safe loader (scalars are
resolved and constructed by it) from the parser's events. Anything else (an anchor or alias, an
explicit tag, a merge key, a second document) answers None, and the caller loads the file the
general way, which also reports errors with its own words.
"""

from __future__ import annotations

from typing import Any, Final

import yaml

# libyaml's parser when PyYAML was built with it; the constructors stay the safe ones.
SafeLoader: Final[type[yaml.SafeLoader]] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG: Final = "tag:yaml.org,2002:str"
MERGE_TAG: Final = "tag:yaml.org,2002:merge"


class Mapping(dict[Any, Any]):
    """A YAML mapping with the position of itself, each key and each value."""

    mark: yaml.Mark
    key_marks: dict[Any, yaml.Mark]
    value_marks: dict[Any, yaml.Mark]


class Sequence(list[Any]):
    mark: yaml.Mark
    item_marks: list[yaml.Mark]


class _Unusual(Exception):
    """Not plain YAML: leave the file to the general loader."""


def load_plain(text: str) -> tuple[Any, list[tuple[Any, yaml.Mark]]] | None:
    """The document and its repeated keys (key, mark), or None when the file is not plain YAML.
    Syntax errors raise yaml's own MarkedYAMLError, as the general loader would."""
    loader = SafeLoader(text)
    try:
        return _build(loader)
    except _Unusual:
        return None
    finally:
        loader.dispose()


def _build(loader: Any) -> tuple[Any, list[tuple[Any, yaml.Mark]]]:  # (yaml's stubs lack the parser)
    repeated: list[tuple[Any, yaml.Mark]] = []
    # Each open container: [container, pending key or _NO_KEY, the key's mark].
    stack: list[list[Any]] = []
    document: Any = None
    documents = 0
    # The same keys and values come back scenario after scenario: each is resolved once.
    tags: dict[tuple[str, Any], str] = {}
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unusual
            seen = (event.value, event.implicit)
            tag = tags.get(seen)
            if tag is None:
                tag = tags[seen] = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == MERGE_TAG:
                raise _Unusual
            value = event.value if tag == STR_TAG else _scalar(loader, tag, event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _Unusual
            container: Mapping | Sequence
            if kind is yaml.MappingStartEvent:
                container = Mapping()
                container.key_marks, container.value_marks = {}, {}
            else:
                container = Sequence()
                container.item_marks = []
            container.mark = event.start_mark
            stack.append([container, _NO_KEY, None])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual
            continue
        elif kind is yaml.StreamEndEvent:
            return document, repeated
        elif kind is yaml.AliasEvent:
            raise _Unusual
        else:  # stream start, document end
            continue
        mark = event.start_mark if kind is yaml.ScalarEvent else value.mark
        if not stack:
            document = value
            continue
        frame = stack[-1]
        parent = frame[0]
        if type(parent) is Sequence:
            parent.append(value)
            parent.item_marks.append(mark)
        elif frame[1] is _NO_KEY:
            if isinstance(value, (list, dict)):
                raise _Unusual  # the general loader explains why a key cannot be a container
            frame[1], frame[2] = value, mark
        else:
            key = frame[1]
            if key in parent:
                repeated.append((key, frame[2]))
            parent[key] = value
            parent.key_marks[key] = frame[2]
            parent.value_marks[key] = mark
            frame[1] = _NO_KEY


_NO_KEY: Final = object()


def _scalar(loader: Any, tag: str, event: Any) -> Any:
    """A non-string scalar (int, float, bool, null, timestamp, ...) as the safe loader makes it."""
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    constructor = loader.yaml_constructors.get(tag)
    if constructor is None:
        raise _Unusual
    return constructor(loader, node)
