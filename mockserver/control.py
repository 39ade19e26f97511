"""What the admin API and the dashboard can do to a running mock: plain functions of a Runtime.

Each task checks its inputs and returns a JSON-ready document, or raises `TaskError` with the
status and reason the caller answers with. Nothing here knows HTTP: the admin API
(`web.admin`) parses a request into these arguments and sends what they return.
"""

from __future__ import annotations

from typing import Any, Final, Mapping

from .journal import QUERY_FIELDS, Query
from .journal.served import Served
from .runtime import Runtime
from .scenarios.listing import file_name, scenario_json
from .state import CLIENT_STATE, Scope
from .state.clock import RANGE, OutOfRange
from .support.suggest import closest, did_you_mean
from .version import __version__


class TaskError(Exception):
    """A task refused: the HTTP status it maps to, the reason, and extra fields to report."""

    def __init__(self, status: int, reason: str, **extra: Any) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason
        self.extra = {key: value for key, value in extra.items() if value is not None}


# -- reading ------------------------------------------------------------------------------


def health(runtime: Runtime) -> dict[str, Any]:
    ctx = runtime.context
    return {"status": "ok", "version": __version__, "profile": runtime.settings.profile, "scenarios": len(ctx.scenarios.scenarios)}


def version() -> dict[str, Any]:
    return {"version": __version__}


def scenarios(runtime: Runtime, tag: str | None = None) -> dict[str, Any]:
    loaded = runtime.context.scenarios
    chosen = [s for s in loaded.scenarios if tag is None or tag in s.tags]
    files = [file_name(file, loaded.origins.get(file, "")) for file in loaded.files]
    return {"files": files, "scenarios": [scenario_json(s, loaded.origin(s)) for s in chosen]}


def bindings(runtime: Runtime) -> dict[str, Any]:
    return runtime.state.bindings.as_json()


def journal(runtime: Runtime, filters: Mapping[str, str]) -> dict[str, Any]:
    """The requests served, filtered by action, authcode, uuid, scenario, since, limit."""
    head, found = journal_found(runtime, filters)
    return {**head, "requests": [e.as_json() for e in found]}


def journal_found(runtime: Runtime, filters: Mapping[str, str]) -> tuple[dict[str, Any], list[Served]]:
    """`journal`'s document without its requests, and the entries found, for a caller that
    writes them a few at a time (`web.admin.JournalStream`). Besides the count and the entry
    bound, the byte budget, the estimate of what the journal holds, and how many entries went
    (oldest first) to stay within the budget since the journal was last emptied."""
    unknown = set(filters) - set(QUERY_FIELDS)
    if unknown:
        raise TaskError(400, f"unknown filter(s): {', '.join(sorted(unknown))}; filters: {', '.join(QUERY_FIELDS)}")
    try:
        query = Query(
            **{k: v for k, v in filters.items() if k not in ("since", "limit")},
            since=float(filters["since"]) if "since" in filters else None,
            limit=int(filters["limit"]) if "limit" in filters else None,
        )
    except ValueError:
        raise TaskError(400, "'since' must be Unix seconds and 'limit' a whole number") from None
    kept = runtime.journal
    found = kept.find(query)
    return {"count": len(found), "size": kept.size, "budget": kept.budget, "bytes": kept.bytes, "dropped": kept.dropped}, found


def clock(runtime: Runtime) -> dict[str, Any]:
    current = runtime.state.clock
    return {"now": current.now(), "offset": current.offset}


# -- changing -----------------------------------------------------------------------------


def use(runtime: Runtime, scenario: Any, *, device: Any = None, token: Any = None) -> dict[str, Any]:
    """A scenario for every client, or for one device (uuid) or one token."""
    name = scenario_name(runtime, scenario)
    if device is not None and token is not None:
        raise TaskError(400, "give 'device' or 'token', not both")
    runtime.state.bindings.bind(
        name,
        device=None if device is None else non_empty(device, "device"),
        token=None if token is None else non_empty(token, "token"),
    )
    return bindings(runtime)


def unuse(runtime: Runtime, which: Mapping[str, Any]) -> dict[str, Any]:
    """Clear one binding (`device`, `token`, `"active": true`), or all of them when none is named."""
    current = runtime.state.bindings
    if not which:
        current.clear()
    current.unbind(
        device=non_empty(which["device"], "device") if "device" in which else None,
        token=non_empty(which["token"], "token") if "token" in which else None,
        active=which.get("active") in (True, "true", "1"),
    )
    return bindings(runtime)


JOURNAL = "journal"
# What a reset may name: the state's scopes, the journal, and two groups.
RESET_GROUPS: Final[Mapping[str, tuple[str, ...]]] = {
    "clients": tuple(scope.value for scope in CLIENT_STATE),  # what clients did (the default)
    "all": (*(scope.value for scope in Scope), JOURNAL),  # back to the just-started mock
}
RESET_SCOPES: Final = (*(scope.value for scope in Scope), JOURNAL, *RESET_GROUPS)


def reset(runtime: Runtime, scope: Any = "clients") -> dict[str, Any]:
    """Forget what `scope` names: a group ("clients", "all"), one scope, or a list of them.
    "all" is the just-started mock: the `--scenario` chosen at start is active again."""
    names = reset_names(scope)
    state = runtime.state
    state.reset(Scope(name) for name in names if name != JOURNAL)
    if JOURNAL in names:
        runtime.journal.clear()
        runtime.restart_ids()
    started_with = runtime.settings.scenario
    if Scope.BINDINGS.value in names and started_with is not None and started_with in runtime.context.scenarios.by_name:
        state.bindings.bind(started_with)
    return {"reset": list(names)}


def reset_names(scope: Any) -> tuple[str, ...]:
    """The scopes named, groups expanded, in a stable order; a 400 for anything else."""
    asked = [scope] if isinstance(scope, str) else scope
    if not isinstance(asked, list) or not asked or not all(isinstance(name, str) for name in asked):
        raise TaskError(400, f"'scope' must be a scope or a list of them: {', '.join(RESET_SCOPES)}")
    names: list[str] = []
    for name in asked:
        if name not in RESET_SCOPES:
            raise TaskError(400, f"unknown scope '{name}'{did_you_mean(name, RESET_SCOPES)}; scopes: {', '.join(RESET_SCOPES)}")
        names += [n for n in RESET_GROUPS.get(name, (name,)) if n not in names]
    return tuple(names)


CLOCK_MOVES: Final = ("advance", "offset")


def move_clock(runtime: Runtime, change: Mapping[str, Any]) -> dict[str, Any]:
    """`{"advance": seconds}` moves the mock's clock; `{"offset": seconds}` sets its offset. Either
    must keep the clock within `clock.RANGE`: a time no date can show (NaN, infinity, the year
    30000) would fail every later answer that prints one."""
    unknown = sorted(set(change) - set(CLOCK_MOVES))
    if unknown:
        raise TaskError(400, f"the clock takes 'advance' or 'offset', not '{unknown[0]}'{did_you_mean(unknown[0], CLOCK_MOVES)}")
    if len(change) != 1:
        raise TaskError(400, "give 'advance' or 'offset' in seconds" + (", not both" if change else ""))
    (name, value), = change.items()
    current = runtime.state.clock
    low, high = current.offsets()
    if name == "advance":
        low, high = low - current.offset, high - current.offset
    within = f"{low:.0f} to {high:.0f} seconds now: the clock stays between {RANGE}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TaskError(400, f"'{name}' must be a number of seconds")
    # A JSON integer has no bound (10**400 cannot even be a float): compare before converting.
    if not low <= value <= high:  # NaN fails every comparison
        raise TaskError(400, f"'{name}' must be from {within}")
    try:
        if name == "advance":
            current.advance(float(value))
        else:
            current.set_offset(float(value))
    except OutOfRange as exc:  # at the very edge, the wall clock moved on between the check and the move
        raise TaskError(400, f"'{name}': {exc}") from None
    return clock(runtime)


async def reload(runtime: Runtime) -> dict[str, Any]:
    problems = await runtime.reload()
    return {
        "reloaded": not problems,
        "scenarios": len(runtime.context.scenarios.scenarios),
        "problems": [str(p) for p in problems],
    }


def clear_journal(runtime: Runtime) -> dict[str, Any]:
    runtime.journal.clear()
    return {"cleared": True}


# -- checks -------------------------------------------------------------------------------


def scenario_name(runtime: Runtime, value: Any) -> str:
    """A scenario name the loaded set has, or a 404 that suggests the closest one."""
    known = runtime.context.scenarios.by_name
    if not isinstance(value, str) or not value:
        raise TaskError(400, "give 'scenario': the name of a loaded scenario")
    if value not in known:
        raise TaskError(404, f"no scenario named '{value}'", did_you_mean=closest(value, known))
    return value


def non_empty(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise TaskError(400, f"'{name}' must be a non-empty string")
    return value
