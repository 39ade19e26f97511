"""Serving the application: in the foreground for the CLI, or on a thread for the pytest plugin."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from typing import AsyncIterator, Callable, Final

from aiohttp import web

from ..scenarios.model import ScenarioSet
from ..settings import Settings
from . import keys
from .accesslog import AccessLog
from .app import create_app
from .client import Upstream
from .connections import start_runner

START_TIMEOUT: Final = 10.0


def run(
    settings: Settings,
    scenarios: ScenarioSet,
    access_log: AccessLog | None,
    ready: Callable[[int], None],
    upstream: Upstream | None = None,
) -> None:
    """Serve until Ctrl-C or SIGTERM; `ready(port)` is called once listening, with the port really
    bound (`port=0` takes any free one). OSError: cannot listen."""
    app = create_app(settings, scenarios, access_log=access_log, upstream=upstream)
    # Everything alive now (modules, the scenario set, the application) lives as long as the
    # server: out of the collector's way, its full collections no longer walk it every time.
    # (This process serves and nothing else, so the choice is ours to make, not an embedder's;
    # and so it is at each reload's too: see `Runtime.owns_collector`.)
    gc.freeze()
    app[keys.RUNTIME].owns_collector = True
    # What web.run_app does, but it tells only a printable name; the runner knows the real port.
    with contextlib.suppress(web.GracefulExit, KeyboardInterrupt):
        asyncio.run(_serve(app, settings, ready))


async def _serve(app: web.Application, settings: Settings, ready: Callable[[int], None]) -> None:
    # handle_signals: SIGINT and SIGTERM raise GracefulExit, which ends asyncio.run after cleanup.
    runner = await start_runner(app, settings, handle_signals=True)
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        ready(int(runner.addresses[0][1]))
        await asyncio.Event().wait()  # until a signal
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def serving(
    settings: Settings, scenarios: ScenarioSet | None = None, upstream: Upstream | None = None
) -> AsyncIterator[str]:
    """A mock on this event loop, on 127.0.0.1 and a free port, for as long as the block runs:
    its base URL (the command line's diff and record check against it)."""
    app = create_app(settings, scenarios, access_log=None, upstream=upstream)
    runner = await start_runner(app, settings)
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{int(runner.addresses[0][1])}/"
    finally:
        await runner.cleanup()


class InThread:
    """A mock on its own event loop in a daemon thread, bound to 127.0.0.1 on a free port, so a
    browser, a subprocess or plain `urllib` all reach it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._serve, name="shopxo-mock", daemon=True)
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self) -> int:
        """The port it listens on, once it does; RuntimeError if it could not start."""
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT) or self._failure:
            if self._failure is not None:  # the thread has ended: its loop goes now, not at a later gc
                self._thread.join(START_TIMEOUT)
                self._loop.close()
            raise RuntimeError(f"shopxo-mock did not start: {self._failure!r}") from self._failure
        return self.port

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(START_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT)
        self._loop.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            app = create_app(self.settings)
            self._runner = self._loop.run_until_complete(start_runner(app, self.settings))
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            self.port = int(self._runner.addresses[0][1])
        except BaseException as exc:  # reported by start()
            self._failure = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
