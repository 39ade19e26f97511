"""What a file's aliases add once written out, and the bound on it.

A YAML alias (`*name`) stands for the whole value its anchor (`&name`) marks, so a few hundred
bytes of aliases nesting aliases stand for millions of values, and every one of them would be
built at load and rendered into every answer. This module counts what the aliases of a composed
file add, without building anything: the file is walked once in document order, each node
written in it counting once, and each alias (a node met again) counting as all its target stands
for, which is remembered per node. Only the files the fast reader steps aside for (anchors, tags,
merge keys) are composed (`positions.load`); a plain file holds what it says, up to the loader's
byte limit.
"""

from __future__ import annotations

from typing import Final, Iterator

import yaml

# Values (scalars, lists and mappings; keys included) a file's aliases may add, written out.
# Hand-written files hold hundreds or thousands of values in all; the benchmark's generated files
# 10,000 (1,000 scenarios, and no aliases). At this bound a declared endpoint's data answers
# ~0.45 MB in ~80 ms; at ten times as much, ~0.8 s per request, during which the server answers
# no one else.
MAX_VALUES: Final = 100_000


class TooLarge(Exception):
    """A file whose aliases add more than MAX_VALUES; `mark` is where the value that holds the
    alias passing the bound begins."""

    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__(
            f"aliases expand the file by more than {MAX_VALUES:,} values (passing the bound in this value); "
            f"a scenario file's aliases may add at most {MAX_VALUES:,} scalars, lists and mappings"
        )
        self.mark = mark


def check(root: yaml.Node) -> None:
    """Raise TooLarge when the composed document's aliases add more than MAX_VALUES values.

    Depth first, in document order, so an anchor's node is met (and counted whole) before any
    alias of it; a node met again is an alias. A node inside itself (`&a [*a]`) counts once
    there: the constructor refuses such a file anyway."""
    cap = MAX_VALUES + 1  # what a node stands for past the bound is of no interest
    sizes: dict[int, int] = {}  # node id -> what it stands for, once all of it has been met
    met: set[int] = {id(root)}
    added = 0
    # One frame per open collection: the node, its children yet to meet, what it stands for so far.
    frames: list[tuple[yaml.Node, Iterator[yaml.Node], list[int]]] = [(root, _children(root), [1])]
    while frames:
        node, children, size = frames[-1]
        child = next(children, None)
        if child is None:
            frames.pop()
            sizes[id(node)] = min(cap, size[0])
            if frames:
                frames[-1][2][0] += sizes[id(node)]
        elif id(child) in met:
            repeated = sizes.get(id(child), 1)
            added += repeated
            size[0] += repeated
            if added > MAX_VALUES:
                raise TooLarge(node.start_mark)
        elif isinstance(child, yaml.ScalarNode):
            size[0] += 1  # not remembered: an alias of a scalar counts one value, as written
        else:
            met.add(id(child))
            frames.append((child, _children(child), [1]))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value
