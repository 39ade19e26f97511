"""What the admin API and the dashboard can do to a running mock: plain functions of a Runtime.

Each task checks its inputs and returns a JSON-ready document, or raises `TaskError` with the
status and reason the caller answers with. Nothing here knows HTTP: the admin API
(`web.admin`) parses a request into these arguments and sends what they return.
"""

from __future__ import annotations

import json
from typing import Any, Final, Mapping

from .journal import QUERY_FIELDS, Query
from .journal.served import Served
from .runtime import Runtime, reloaded
from .scenarios.listing import file_name, scenario_json
from .scenarios.loader import provider_names
from .scenarios.model import ScenarioSet
from .scenarios.posted import RUNTIME, Posted, Problem, Refused, build
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


def add_scenario(runtime: Runtime, document: Mapping[str, Any]) -> dict[str, Any]:
    """One scenario in the file format, checked as a file's is, layered over the files' (the
    `runtime` layer): a 400 naming the path of the first mistake, else it answers at once."""
    posted, settings = runtime.posted, runtime.settings
    name = document.get("name")
    if isinstance(name, str) and name in posted.scenarios:
        raise TaskError(
            409, f"a scenario named '{name}' was posted already: DELETE /__mock/scenarios/{name} first, or choose another name", path="name"
        )
    if len(posted.scenarios) >= settings.max_runtime_scenarios:
        raise TaskError(
            409,
            f"the mock holds {len(posted.scenarios)} posted scenario(s), its bound: delete some "
            f"(DELETE /__mock/scenarios/<name>), or raise it with --max-runtime-scenarios (SHOPXO_MOCK_MAX_RUNTIME_SCENARIOS)",
        )
    size = len(json.dumps(document, ensure_ascii=False).encode())
    if posted.bytes + size > settings.max_scenario_bytes:
        raise TaskError(
            413,
            f"the posted scenarios would add up to {posted.bytes + size:,} bytes of JSON, and the mock holds at most "
            f"{settings.max_scenario_bytes:,}: delete some, or raise it with --max-scenario-bytes (SHOPXO_MOCK_MAX_SCENARIO_BYTES)",
        )
    files = runtime.context.scenarios if posted.files is None else posted.files
    try:
        scenario = build(dict(document), lambda: provider_names(settings.locale))
        layered = posted.over(files, [*(s for s, _ in posted.scenarios.values()), scenario])
    except Refused as exc:
        first, more = exc.problems[0], exc.problems[1:]
        raise TaskError(400, first.message, path=first.path, problems=[_problem_json(p) for p in exc.problems] if more else None) from None
    posted.files = files
    posted.scenarios[scenario.name] = (scenario, size)
    _serve(runtime, layered)
    return {"scenario": scenario_json(scenario, RUNTIME), "posted": len(posted.scenarios)}


def remove_scenario(runtime: Runtime, name: str) -> dict[str, Any]:
    """Delete a posted scenario, and what clients did with it (bindings, sequences); a file's
    scenario stays (edit its file), an unknown name is a 404 with the closest one."""
    posted = runtime.posted
    if name not in posted.scenarios:
        serving = runtime.context.scenarios
        found = serving.by_name.get(name)
        if found is not None:
            where = file_name(found.place.file, serving.origin(found))
            raise TaskError(400, f"'{name}' is a scenario of the files ({where}), not a posted one: "
                            "only scenarios posted to /__mock/scenarios can be deleted (edit its file)")  # fmt: skip
        raise TaskError(404, f"no posted scenario named '{name}'", did_you_mean=closest(name, posted.scenarios))
    del posted.scenarios[name]
    files = posted.files if posted.files is not None else runtime.context.scenarios
    _serve(runtime, posted.over(files))
    runtime.state.prune(runtime.context.scenarios.by_name)
    return {"deleted": name, "posted": len(posted.scenarios)}


def drop_posted(runtime: Runtime) -> None:
    """Every posted scenario gone (a reset of everything: the mock as it just started)."""
    posted = runtime.posted
    if posted.files is not None and posted.scenarios:
        _serve(runtime, posted.files)
    runtime.posted = Posted(files=posted.files)


def _serve(runtime: Runtime, scenarios: ScenarioSet) -> None:
    """Every release's Context over `scenarios`, swapped in one assignment (as a reload does)."""
    runtime.releases = reloaded(runtime.releases, scenarios)


def _problem_json(problem: Problem) -> dict[str, str]:
    return {"error": problem.message, "path": problem.path}


JOURNAL = "journal"
POSTED = "posted"  # the scenarios posted at run time
# What a reset may name: the state's scopes, the journal, the posted scenarios, and two groups.
RESET_GROUPS: Final[Mapping[str, tuple[str, ...]]] = {
    "clients": tuple(scope.value for scope in CLIENT_STATE),  # what clients did (the default)
    "all": (*(scope.value for scope in Scope), JOURNAL, POSTED),  # back to the just-started mock
}
RESET_SCOPES: Final = (*(scope.value for scope in Scope), JOURNAL, POSTED, *RESET_GROUPS)


def reset(runtime: Runtime, scope: Any = "clients") -> dict[str, Any]:
    """Forget what `scope` names: a group ("clients", "all"), one scope, or a list of them.
    "all" is the just-started mock: the `--scenario` chosen at start is active again, and the
    scenarios posted at run time are gone (a test that posted them starts from the files alone)."""
    names = reset_names(scope)
    if POSTED in names:
        drop_posted(runtime)
        runtime.state.prune(runtime.context.scenarios.by_name)
    state = runtime.state
    state.reset(Scope(name) for name in names if name not in (JOURNAL, POSTED))
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
