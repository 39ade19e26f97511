"""Where each scenario's sequence of replies stands, per device or authcode."""

from __future__ import annotations

from typing import Iterable

from .bounded import Bounded

MAX_POSITIONS = 5_000


class Sequences:
    def __init__(self, limit: int = MAX_POSITIONS) -> None:
        self._positions: Bounded[tuple[str, str], int] = Bounded(limit)

    def advance(self, scenario: str, key: str) -> int:
        """How many times this scenario has answered this key before (0 the first time)."""
        position = self._positions.get((scenario, key), 0)
        self._positions[(scenario, key)] = position + 1
        return position

    def prune(self, keep: Iterable[str]) -> None:
        names = set(keep)
        for position in [p for p in self._positions if p[0] not in names]:
            del self._positions[position]

    def clear(self) -> None:
        self._positions.clear()

    def __len__(self) -> int:
        return len(self._positions)
