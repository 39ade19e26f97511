"""Every API request the mock answered, newest last: a bounded ring buffer, queryable. Pure.

Each entry says which scenario answered and by which rule, or, when none did, which built-in
rule answered and why the candidate scenarios for that authcode did not match (near misses).

Bounded twice: by entries (`size`) and by bytes (`budget`), each entry counted at the estimate
the edge made of it (`cut.ENTRY_BYTES` + `Served.weight`; a large request's entry is kept cut,
`journal.cut`). Counting is two additions a request; the oldest go first while either bound
is passed, and those that went for the bytes are counted (`dropped`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

from ..settings import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_SIZE
from .cut import ENTRY_BYTES
from .served import Served


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
    def __init__(self, size: int = DEFAULT_JOURNAL_SIZE, budget: int = DEFAULT_JOURNAL_BYTES) -> None:
        self.size = size
        self.budget = budget
        self.bytes = 0  # the estimate of what the entries hold
        self.dropped = 0  # entries let go, oldest first, to stay within the budget (not the count)
        self.clears = 0  # times emptied: a reader tells a clear from entries dropped
        self._entries: deque[Served] = deque()

    def record(self, entry: Served) -> None:
        entries = self._entries
        if len(entries) >= self.size:
            self.bytes -= ENTRY_BYTES + entries.popleft().weight
        entries.append(entry)
        self.bytes += ENTRY_BYTES + entry.weight
        while self.bytes > self.budget and len(entries) > 1:  # the newest stays, whatever it weighs
            self.bytes -= ENTRY_BYTES + entries.popleft().weight
            self.dropped += 1

    def find(self, query: Query = Query()) -> list[Served]:
        found = [entry for entry in self._entries if query.admits(entry)]
        return found[-query.limit :] if query.limit else found

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = self.dropped = 0
        self.clears += 1

    def __len__(self) -> int:
        return len(self._entries)
