"""Runtime scenario bindings: a scenario chosen for one device, one token, or every client.

They override the authcode rules (see `scenarios.selection`); the admin API and the dashboard
change them, a reload drops the ones whose scenario is gone.
"""

from __future__ import annotations

from typing import Any, Iterable

from .bounded import Bounded

MAX_BINDINGS = 5_000


class Bindings:
    def __init__(self, limit: int = MAX_BINDINGS) -> None:
        self._devices: Bounded[str, str] = Bounded(limit)  # uuid -> scenario name
        self._tokens: Bounded[str, str] = Bounded(limit)  # token -> scenario name
        self.active: str | None = None  # the scenario for every client (--scenario)
        # Is any device or token bound? Usually not: then selection skips both lookups. (An
        # attribute, not a property: every request asks, twice, and a call costs more.)
        self.per_client = False

    # -- what selection asks, on every request --------------------------------------------
    def for_device(self, device: str) -> str:
        return self._devices.get(device, "")

    def for_token(self, token: str) -> str:
        return self._tokens.get(token, "")

    # -- changes ---------------------------------------------------------------------------
    def bind(self, scenario: str, *, device: str | None = None, token: str | None = None) -> None:
        """For one device, else one token, else every client."""
        if device is not None:
            self._devices[device] = scenario
        elif token is not None:
            self._tokens[token] = scenario
        else:
            self.active = scenario
        self._counted()

    def unbind(self, *, device: str | None = None, token: str | None = None, active: bool = False) -> None:
        if device is not None:
            self._devices.pop(device, None)
        if token is not None:
            self._tokens.pop(token, None)
        if active:
            self.active = None
        self._counted()

    def clear(self) -> None:
        self._devices.clear()
        self._tokens.clear()
        self.active = None
        self.per_client = False

    def prune(self, keep: Iterable[str]) -> None:
        """After a reload: forget the bindings of scenarios that no longer exist."""
        names = set(keep)
        for table in (self._devices, self._tokens):
            for key in [key for key, name in table.items() if name not in names]:
                del table[key]
        if self.active not in names:
            self.active = None
        self._counted()

    def _counted(self) -> None:
        self.per_client = bool(self._devices or self._tokens)

    def as_json(self) -> dict[str, Any]:
        return {"active": self.active, "devices": dict(self._devices), "tokens": dict(self._tokens)}
