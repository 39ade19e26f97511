"""Every API request the mock answered, newest last: a bounded ring buffer, queryable. Pure.

Each entry says which scenario answered and by which rule, or, when none did, which built-in
rule answered and why the candidate scenarios for that authcode did not match (near misses).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

from .served import Served

DEFAULT_SIZE: Final = 1000


@dataclass(frozen=True, slots=True)
class Query:
    """Filters; each one given must hold. `action` also matches a prefix like `user/`."""

    action: str | None = None
    authcode: str | None = None
    uuid: str | None = None
    scenario: str | None = None
    since: float | None = None
    limit: int | None = None

    def admits(self, entry: Served) -> bool:
        return (
            (self.action is None or entry.action == self.action or entry.action.startswith(self.action.rstrip("/") + "/"))
            and (self.authcode is None or entry.authcode == self.authcode)
            and (self.uuid is None or entry.device == self.uuid)
            and (self.scenario is None or entry.scenario == self.scenario)
            and (self.since is None or entry.time >= self.since)
        )


QUERY_FIELDS: Final = ("action", "authcode", "uuid", "scenario", "since", "limit")


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: deque[Served] = deque(maxlen=size)

    def record(self, entry: Served) -> None:
        self._entries.append(entry)

    def find(self, query: Query = Query()) -> list[Served]:
        found = [entry for entry in self._entries if query.admits(entry)]
        return found[-query.limit :] if query.limit else found

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
