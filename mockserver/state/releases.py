"""The release each device was first answered as (`--profile auto`): a device keeps it for its
life, so its users, tokens and settings are never shown as two releases. Forgotten with the users.
"""

from __future__ import annotations

from typing import Any

from .bounded import Bounded

MAX_DEVICES = 5_000  # as the other per-device tables (`devices`, `wipes`)


class DeviceReleases:
    def __init__(self, limit: int = MAX_DEVICES) -> None:
        self._releases: Bounded[str, str] = Bounded(limit)  # uuid -> profile name

    def __len__(self) -> int:
        return len(self._releases)

    def keep(self, device: str, release: str) -> str:
        """The release `device` was answered as before, remembering `release` for it if none."""
        before = self._releases.get(device)
        if before is None:
            self._releases[device] = release
            return release
        return before

    def clear(self) -> None:
        self._releases.clear()

    def as_json(self) -> dict[str, Any]:
        return dict(self._releases)
