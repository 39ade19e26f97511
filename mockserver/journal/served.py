"""One served request, as the edge hands it to every observer (the journal, the access log).

It keeps the request's Call and the scenario pick as they are and works the readable fields out
when someone reads them, not while the client waits. Not the answer's body: a thousand user
payloads would double the server's memory. The answer as sent goes along with the record to the
observers that show it (`Sent`, `Runtime.observe_answers`) and is kept by none of the others.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Final, Mapping, Protocol

from ..params import Call
from ..scenarios.selection import Pick
from ..support.records import keyword_builder, per_request

NO_ANSWER: Final = 0  # the status of a dropped connection (reset, empty reply, hang)


class Sent(Protocol):
    """The answer as the edge sent it (an aiohttp `web.Response` is one), handed by reference
    with its record to the observers that show answers (the dashboard): nothing is read of it,
    nor copied, for the others."""

    @property
    def body(self) -> object: ...  # the bytes sent, when they were bytes

    @property
    def headers(self) -> Mapping[str, str]: ...


@per_request
class UpstreamVisit:
    """A request the mock handed to its upstream (`mockserver.upstream`): where it went, what came
    back and how long it took, or why the mock answered instead."""

    url: str  # the upstream's site root and the route; never the query, which may hold a token
    status: int  # the upstream's HTTP status, NO_ANSWER when it gave none
    ms: float
    error: str = ""  # why the mock answered in the envelope instead ("" when the answer passed)

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "status": self.status, "ms": self.ms, "error": self.error}


@per_request
class Served:
    id: int
    time: float  # Unix seconds, on the mock's (movable) clock
    method: str
    url: str
    call: Call
    pick: Pick | None  # which scenario answered, by which rule (None: no scenario lookup)
    code: int | None  # the envelope's code, None for faults and raw replies
    status: int  # NO_ANSWER for a dropped connection
    latency_ms: float
    notice: str = ""  # what the server says once, e.g. that this client needs another profile
    upstream: UpstreamVisit | None = None  # the request went to the upstream (None: the mock answered)
    # Bytes this record holds beyond any record's own, as `cut.weight` estimates them: what the
    # journal counts against its budget. Not in `as_json`: it describes the record, not the request.
    weight: int = 0
    release: str = ""  # the profile that answered (`context.Releases`); "" when none did
    release_reason: str = ""  # why that one: pinned, what the client sent, the device's first answer

    @property
    def time_iso(self) -> str:
        """`time` in ISO 8601, UTC, to the millisecond: 2026-12-02T02:11:12.345Z. UTC, not the
        server's Shanghai zone: the journal is read by people in any zone, and by tools."""
        stamp = datetime.fromtimestamp(self.time, timezone.utc).isoformat(timespec="milliseconds")
        return stamp.removesuffix("+00:00") + "Z"

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
    def device(self) -> str:  # the uuid parameter, or the device it continues after a wipe
        return self.call.device

    @property
    def authcode(self) -> str:
        return self.call.text("authcode")

    @property
    def scenario(self) -> str | None:
        return self.pick.scenario.name if self.pick and self.pick.scenario else None

    @property
    def rule(self) -> str:  # which selection rule answered, e.g. "exact authcode" or "default user"
        if self.upstream is not None:
            return "upstream"
        return self.pick.rule.value if self.pick else "built-in"

    @property
    def near_misses(self) -> tuple[str, ...]:
        return self.pick.near_misses if self.pick else ()

    @property
    def note(self) -> str:  # e.g. a header naming no scenario (with a did-you-mean), or ignored
        return self.pick.note if self.pick else ""

    def as_json(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in JSON_FIELDS}


make_served = keyword_builder(Served)  # Served(...) with keywords, for less: support.records says why


JSON_FIELDS: Final = (
    "id", "time", "time_iso", "method", "url", "action", "params", "client_type", "device", "authcode",
    "scenario", "rule", "near_misses", "note", "notice", "code", "status", "latency_ms",
    "upstream",  # added last: readers of the earlier keys see them unchanged
    "release", "release_reason",  # likewise
)  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, UpstreamVisit):
        return value.as_json()
    if isinstance(value, Mapping):
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


