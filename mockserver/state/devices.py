"""Whose admin settings are in force for each device: the scenario carrying `config` that last
answered it, until another answer takes its place on the same endpoint.

Kept by scenario name, like the bindings, so a reload that changes a scenario's `config` changes
what its devices see, and one that removes the scenario forgets them (`prune`).
"""

from __future__ import annotations

from typing import Any, Iterable

from .bounded import Bounded

MAX_DEVICES = 5_000


class DeviceSettings:
    def __init__(self, limit: int = MAX_DEVICES) -> None:
        self._scenarios: Bounded[str, str] = Bounded(limit)  # uuid -> scenario name

    def __bool__(self) -> bool:
        """Has any device settings? (Usually not: then nobody looks a device up.)"""
        return bool(self._scenarios)

    def __len__(self) -> int:
        return len(self._scenarios)

    def scenario(self, device: str) -> str:
        """The scenario whose settings are in force for this device, "" for none."""
        return self._scenarios.get(device, "")

    def record(self, device: str, scenario: str) -> None:
        self._scenarios[device] = scenario

    def forget(self, device: str) -> None:
        self._scenarios.pop(device, None)

    def clear(self) -> None:
        self._scenarios.clear()

    def prune(self, keep: Iterable[str]) -> None:
        """After a reload: forget the devices whose scenario no longer exists."""
        names = set(keep)
        for device in [device for device, name in self._scenarios.items() if name not in names]:
            del self._scenarios[device]

    def as_json(self) -> dict[str, Any]:
        return dict(self._scenarios)
