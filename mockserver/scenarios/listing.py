"""The loaded scenarios described for people: `--list` and the admin API's `/scenarios`. Pure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..settings import SHIPPED_FIXTURES
from .layers import BUILTIN
from .matching import describe
from .model import (
    CannedEnvelope,
    CustomError,
    ExistingUser,
    Fault,
    NamedError,
    NewUser,
    RawReply,
    Reply,
    Scenario,
    ScenarioSet,
    SiteConfig,
)


def catalogue(scenarios: ScenarioSet) -> str:
    """The loaded scenarios, readable: name, what selects it, where (its layer, file:line), then
    its description and tags."""
    layers = f" in {', '.join(scenarios.layers)}" if scenarios.layers else ""
    lines = [f"{len(scenarios.scenarios)} scenario(s) from {len(scenarios.files)} file(s){layers}"]
    for scenario in scenarios.scenarios:
        origin = scenarios.origin(scenario)
        file = file_name(scenario.place.file, origin)
        # A built-in file's name says its layer; another layer's is said before the file.
        shown = f"({origin}) {file}" if origin and origin != BUILTIN else file
        where = f"{shown}:{scenario.place.line}"
        lines.append("")
        lines.append(f"{scenario.name}  [{summary(scenario)}]  {where}")
        if scenario.description:
            lines.append(f"    {scenario.description}")
        if scenario.tags:
            lines.append(f"    tags: {', '.join(scenario.tags)}")
    return "\n".join(lines)


def file_name(file: str, origin: str) -> str:
    """A scenario file as people read it: `built-in:errors.yaml` for a shipped one (where pip put
    it says nothing to a reader, and is long), any other as it was loaded (relative to the working
    directory when inside it)."""
    if origin != BUILTIN:
        return file
    return f"{BUILTIN}:{Path(os.path.relpath(os.path.realpath(file), SHIPPED_FIXTURES)).as_posix()}"


def summary(scenario: Scenario) -> str:
    """What selects a scenario, what it answers and the settings it puts in force, in one line."""
    match = scenario.match
    action = "/".join(scenario.action).lower()
    if match is None:
        selected = "by name only"
    else:
        conditions = [("authcode", match.authcode), ("client_type", match.client_type), *match.params]
        selected = ", ".join(f"{name} {describe(c)}" for name, c in conditions if c is not None) or "any request"
    replies = " then ".join(reply_kind(r) for r in scenario.replies)
    settings = f"; config {', '.join(scenario.config)}" if scenario.config else ""
    return f"{action}: {selected} -> {replies}{settings}"


def reply_kind(reply: Reply) -> str:
    match reply.outcome:
        case ExistingUser(generated=generated):
            kind = "fake user" if generated else "user"
        case NewUser():
            kind = "new user"
        case NamedError(name=name):
            kind = f"error {name}"
        case CustomError(code=code):
            kind = f"error {code}"
        case Fault() as fault:
            kind = f"fault {fault.value}"
        case RawReply(status=status):
            kind = f"HTTP {status}"
        case CannedEnvelope(code=code):
            kind = f"envelope {code}"
        case SiteConfig():
            kind = "config"
    return kind + (f" after {reply.delay.min_ms}-{reply.delay.max_ms} ms" if reply.delay else "")


def scenario_json(scenario: Scenario, origin: str = "") -> dict[str, Any]:
    """One scenario for the admin API (and the dashboard, which shows `file:line`); `origin` its
    layer (`ScenarioSet.origin`), which shortens a built-in file's name."""
    return {
        "name": scenario.name,
        "action": "/".join(scenario.action).lower(),
        "description": scenario.description,
        "tags": list(scenario.tags),
        "file": file_name(scenario.place.file, origin),
        "line": scenario.place.line,
        "summary": summary(scenario),
        "layer": origin,
    }
