"""Whose admin settings are in force for each device: the scenario carrying `config` that last
answered it, until another answer takes its place on the same endpoint; and the settings
`base/common` last showed each device, which the client keeps until it launches again.

Kept by scenario name, like the bindings, so a reload that changes a scenario's `config` changes
what its devices see, and one that removes the scenario forgets them (`prune`).
"""

from __future__ import annotations

from typing import Any, Final, Iterable, Mapping

from ..support.records import per_request
from .bounded import Bounded

MAX_DEVICES = 5_000
NOTHING: Final[Mapping[str, Any]] = {}


@per_request
class Read:
    """The settings a device was last shown by `base/common`: the server's (the very mapping,
    shared by every device) and what was shown over them, only that (usually nothing), so a
    device read costs a reference, not a copy of a hundred settings."""

    server: Mapping[str, Any]
    over: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.over[key] if key in self.over else self.server.get(key, default)


class DeviceSettings:
    def __init__(self, limit: int = MAX_DEVICES) -> None:
        self._scenarios: Bounded[str, str] = Bounded(limit)  # uuid -> scenario name
        self._read: Bounded[str, Read] = Bounded(limit)  # uuid -> what base/common showed it last
        self._warned: Bounded[tuple[str, str], None] = Bounded(limit)  # (uuid, scenario) logged
        # Has any device settings? Usually not: then nobody looks a device up. (An attribute, not
        # `__bool__`: the door and every pick ask, and a method call costs more.)
        self.any = False

    def __len__(self) -> int:
        return len(self._scenarios)

    def scenario(self, device: str) -> str:
        """The scenario whose settings are in force for this device, "" for none."""
        return self._scenarios.get(device, "")

    def record(self, device: str, scenario: str) -> None:
        self._scenarios[device] = scenario
        self.any = True

    def forget(self, device: str) -> None:
        self._scenarios.pop(device, None)
        self.any = bool(self._scenarios)

    def read(self, device: str, server: Mapping[str, Any], shown: Mapping[str, Any]) -> None:
        """`base/common` showed this device `shown`, the server's settings `server` under any
        other in force for it."""
        if shown is server:  # the usual answer: nothing over the server's
            self._read[device] = Read(server, NOTHING)
        else:
            self._read[device] = Read(server, {k: v for k, v in shown.items() if server.get(k, _ABSENT) != v})

    def last_read(self, device: str) -> Read | None:
        """What `base/common` last showed this device (None: it never asked, as far as kept)."""
        return self._read.get(device)

    def first_warning(self, device: str, scenario: str) -> bool:
        """True the first time this is asked for this device and scenario (as far as kept)."""
        key = (device, scenario)
        if key in self._warned:
            return False
        self._warned[key] = None
        return True

    def clear(self) -> None:
        self._scenarios.clear()
        self._read.clear()
        self._warned.clear()
        self.any = False

    def prune(self, keep: Iterable[str]) -> None:
        """After a reload: forget the devices whose scenario no longer exists."""
        names = set(keep)
        for device in [device for device, name in self._scenarios.items() if name not in names]:
            del self._scenarios[device]
        self.any = bool(self._scenarios)

    def as_json(self) -> dict[str, Any]:
        return dict(self._scenarios)


_ABSENT: Final = object()
