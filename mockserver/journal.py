"""Every API request the mock answered, newest last: a bounded ring buffer, queryable. Pure.

Each entry says which scenario answered and by which rule, or, when none did, which built-in
rule answered and why the candidate scenarios for that authcode did not match (near misses).
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any, Final, Mapping

from .params import Call
from .scenarios.selection import Pick

DEFAULT_SIZE: Final = 1000
NO_ANSWER: Final = 0  # the status of a dropped connection (reset, empty reply, hang)


@dataclass(slots=True)  # not frozen: one is made per request, and a frozen __init__ costs
class Entry:
    """One answered request. It keeps the request's Call and the scenario pick as they are and
    works the readable fields out when someone reads them, not while the client waits. (Not the
    answer's body: a thousand user payloads would double the server's memory.)"""

    id: int
    time: float  # Unix seconds, on the mock's (movable) clock
    method: str
    url: str
    call: Call
    pick: Pick | None  # which scenario answered, by which rule (None: no scenario lookup)
    code: int | None  # the envelope's code, None for faults and raw replies
    status: int  # NO_ANSWER for a dropped connection
    latency_ms: float

    @property
    def action(self) -> str:  # e.g. user/appminiuserauth
        return self.call.route.name

    @property
    def params(self) -> Mapping[str, Any]:  # merged: route < query < body
        return self.call.params

    @property
    def client_type(self) -> str:
        return self.call.client_type

    @property
    def device(self) -> str:  # the uuid parameter
        return self.call.text("uuid")

    @property
    def authcode(self) -> str:
        return self.call.text("authcode")

    @property
    def scenario(self) -> str | None:
        return self.pick.scenario.name if self.pick and self.pick.scenario else None

    @property
    def rule(self) -> str:  # which selection rule answered, e.g. "exact authcode" or "default user"
        return self.pick.rule.value if self.pick else "built-in"

    @property
    def near_misses(self) -> tuple[str, ...]:
        return self.pick.near_misses if self.pick else ()

    def as_json(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in JSON_FIELDS}


JSON_FIELDS: Final = (
    "id", "time", "method", "url", "action", "params", "client_type", "device", "authcode",
    "scenario", "rule", "near_misses", "code", "status", "latency_ms",
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True, slots=True)
class Query:
    """Filters; each one given must hold. `action` also matches a prefix like `user/`."""

    action: str | None = None
    authcode: str | None = None
    uuid: str | None = None
    scenario: str | None = None
    since: float | None = None
    limit: int | None = None

    def admits(self, entry: Entry) -> bool:
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
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: Entry) -> None:
        self._entries.append(entry)

    def find(self, query: Query = Query()) -> list[Entry]:
        found = [entry for entry in self._entries if query.admits(entry)]
        return found[-query.limit :] if query.limit else found

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
