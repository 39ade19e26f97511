"""Hot reload: on a save in any fixtures layer, the running mock loads every layer again
(`Runtime.reload`).

The new set is validated in full before anything changes; a broken edit is logged with every
`file:line:column` and the old set keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Final

from aiohttp import web

from ..scenarios.loader import SUFFIXES
from . import keys

log = logging.getLogger(__name__)
RETRY_SECONDS: Final = 1.0
RETRY_MAX_SECONDS: Final = 60.0


def _scenario_file(_: object, path: str) -> bool:
    return path.endswith(SUFFIXES)


async def _watch(app: web.Application) -> None:
    """Reload on every batch of saves until the server stops. Nothing the files or the watcher do
    ends it: a reload reports its own problems (`Runtime.reload`), and a watcher that fails (a
    layer's folder gone, ...) is started again, after a pause that doubles while it keeps failing."""
    import watchfiles

    runtime = app[keys.RUNTIME]
    layers = runtime.settings.layers
    if not layers:
        return  # --no-builtin and no --fixtures: nothing to watch
    pause = RETRY_SECONDS
    while True:
        try:
            async for _ in watchfiles.awatch(*layers, watch_filter=_scenario_file, stop_event=runtime.stopping):
                pause = RETRY_SECONDS  # watching again
                await runtime.reload()
        except Exception as exc:
            log.error("watching the scenario files failed (%s: %s); trying again in %g s", type(exc).__name__, exc, pause)
        if runtime.stopping.is_set():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), pause)
        pause = min(pause * 2, RETRY_MAX_SECONDS)


async def watching(app: web.Application) -> AsyncIterator[None]:
    """aiohttp cleanup context: watch every fixtures layer while the server runs."""
    task = asyncio.create_task(_watch(app))
    yield
    app[keys.RUNTIME].stopping.set()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
