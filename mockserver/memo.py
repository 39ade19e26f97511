"""A bounded memo for work the request path would otherwise repeat (generated people, rendered
payloads). First in, first out: cheaper than LRU bookkeeping, and a miss only costs a recompute."""

from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._values: dict[K, V] = {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            return self._values[key]
        except KeyError:
            pass
        value = self._values[key] = make()
        if len(self._values) > self.size:
            del self._values[next(iter(self._values))]
        return value

    def clear(self) -> None:
        self._values.clear()
