"""Hot reload: on save, load the whole file set again and swap it in, or keep the last good one.

The new set is validated in full before anything changes; a broken edit is logged with every
`file:line:column` and the old set keeps serving. Runtime state (sequence positions, used codes,
bindings) is keyed by scenario name and survives wherever the scenario still exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from pathlib import Path
from typing import AsyncIterator

from aiohttp import web
from aiohttp.helpers import ChainMapProxy

from . import keys
from .scenarios.loader import SUFFIXES, ScenarioError, ScenarioLoadError, load_scenarios

log = logging.getLogger(__name__)


async def reload_now(app: web.Application | ChainMapProxy) -> list[ScenarioError]:
    """Load the fixtures again; swap them in if they are sound. Returns the problems found."""
    settings = app[keys.SETTINGS]
    try:
        scenarios = await asyncio.to_thread(load_scenarios, settings.fixtures, settings.locale)
    except ScenarioLoadError as exc:
        problems = "\n".join(f"  {error}" for error in exc.errors)
        log.error("%d problem(s) in the scenario files; still serving the last good set:\n%s", len(exc.errors), problems)
        return exc.errors
    live = app[keys.LIVE]
    live.context.state.prune(scenarios.by_name)
    live.context = dataclasses.replace(live.context, scenarios=scenarios)
    log.info("reloaded %d scenario(s) from %d file(s)", len(scenarios.scenarios), len(scenarios.files))
    return []


def _scenario_file(_: object, path: str) -> bool:
    return path.endswith(SUFFIXES)


async def _watch(app: web.Application) -> None:
    from watchfiles import awatch

    fixtures = Path(app[keys.SETTINGS].fixtures)
    async for _ in awatch(fixtures, watch_filter=_scenario_file, stop_event=app[keys.STOPPING]):
        await reload_now(app)


async def watching(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: watch the fixtures directory while the server runs."""
    task = asyncio.create_task(_watch(app))
    yield
    app[keys.STOPPING].set()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
