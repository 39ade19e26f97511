"""The one bounded table every piece of state is kept in: the least recently written entries go."""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(OrderedDict[K, V], Generic[K, V]):
    """A dict that forgets its least recently written entries beyond `limit`, telling `on_evict`
    (so an owner can keep its indexes in step with what it forgets)."""

    def __init__(self, limit: int, on_evict: Callable[[K, V], None] | None = None) -> None:
        super().__init__()
        self.limit = limit
        self._on_evict = on_evict

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            evicted = self.popitem(last=False)
            if self._on_evict is not None:
                self._on_evict(*evicted)
