"""A bounded memo for work the request path would otherwise repeat (generated people, rendered
payloads, parsed URLs). First in, first out: cheaper than LRU bookkeeping, and a miss only costs a
recompute."""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, size: int = 256) -> None:
        self.size = size
        # An OrderedDict, not a dict: a dict emptied from the front makes `next(iter(d))` walk
        # every deleted slot until it is resized, and a memo under new keys does that each time.
        self._values: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            return self._values[key]
        except KeyError:
            pass
        value = self._values[key] = make()
        if len(self._values) > self.size:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        self._values.clear()
