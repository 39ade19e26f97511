"""Every API request the mock answered, newest last: a bounded ring buffer, queryable. Pure.

Each entry says which scenario answered and by which rule, or, when none did, which built-in
rule answered and why the candidate scenarios for that authcode did not match (near misses).
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, fields
from typing import Any, Final, Mapping

DEFAULT_SIZE: Final = 1000
NO_ANSWER: Final = 0  # the status of a dropped connection (reset, empty reply, hang)


@dataclass(slots=True)  # not frozen: one is made per request, and frozen __init__ costs
class Entry:
    id: int
    time: float  # Unix seconds, on the mock's (movable) clock
    method: str
    url: str
    action: str  # e.g. user/appminiuserauth
    params: Mapping[str, Any]  # merged: route < query < body
    client_type: str
    device: str  # the uuid parameter
    authcode: str
    scenario: str | None
    rule: str  # which selection rule answered, e.g. "exact authcode" or "default user"
    near_misses: tuple[str, ...]
    code: int | None  # the envelope's code, None for faults and raw replies
    status: int
    latency_ms: float

    def as_json(self) -> dict[str, Any]:
        document = {field.name: getattr(self, field.name) for field in fields(self)}
        document["params"] = dict(self.params)
        document["near_misses"] = list(self.near_misses)
        return document


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


def shorten(secret: str, keep: int = 4) -> str:
    """Enough of an authcode or token to recognise it in a log, not to reuse it."""
    return secret if len(secret) <= 3 * keep else f"{secret[:keep]}…{secret[-keep:]}"


def log_line(entry: Entry) -> str:
    """One readable access-log line: method, action, authcode (shortened), scenario, status, ms."""
    parts = [entry.method, entry.action]
    if entry.authcode:
        parts.append(f"authcode={shorten(entry.authcode)}")
    if entry.device:
        parts.append(f"uuid={shorten(entry.device)}")
    parts.append(f"scenario={entry.scenario} ({entry.rule})" if entry.scenario else f"[{entry.rule}]")
    if entry.code is not None:
        parts.append(f"code={entry.code}")
    parts.append(f"{entry.status or 'dropped'} {entry.latency_ms:.1f}ms")
    return " ".join(parts)
