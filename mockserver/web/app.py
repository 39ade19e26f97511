"""Settings + scenarios -> the aiohttp application: the API edge, the admin API, the images."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..runtime import Runtime
from ..scenarios.loader import load_scenarios
from ..scenarios.model import ScenarioSet
from ..settings import Settings
from . import admin, keys
from .accesslog import TO_LOGGER, AccessLog
from .client import Upstream
from .cors import Cors
from .dashboard import Dashboard
from .guard import Guard
from .handlers import Api
from .images import static
from .reload import watching
from .wrapping import wrapped


def create_app(
    settings: Settings | None = None,
    scenarios: ScenarioSet | None = None,
    *,
    access_log: AccessLog | None = TO_LOGGER,
    upstream: Upstream | None = None,
) -> web.Application:
    """The mock as an aiohttp app; scenarios are loaded from `settings.layers` unless given.
    The access log goes to the `mockserver.access` logger unless another one (or None) is given.
    With `settings.upstream`, what the mock does not answer goes there (`upstream`, or one made
    from the settings: the recorder passes its own, with a listener)."""
    settings = settings or Settings()
    if scenarios is None:
        scenarios = load_scenarios(settings.layers, settings.locale, max_bytes=settings.max_scenario_bytes)
    runtime = Runtime.start(settings, scenarios)
    # No middleware anywhere (see `wrapping`): the API handler answers its own errors and CORS.
    app = web.Application(client_max_size=settings.max_body, client_max_fields=settings.max_fields)
    app[keys.RUNTIME] = runtime
    if access_log is not None:
        runtime.observe(access_log.write)

        async def flush_access_log(_: web.Application) -> None:
            access_log.flush()

        app.on_cleanup.append(flush_access_log)
    if settings.warm_up:
        app.on_startup.append(_warm_up)
    app.on_shutdown.append(_stop_hanging)
    if settings.watch:
        app.cleanup_ctx.append(watching)
    if upstream is None and settings.upstream is not None:
        upstream = Upstream(settings)
    if upstream is not None:
        relay = upstream

        async def close_upstream(_: web.Application) -> None:
            await relay.close()

        app.on_cleanup.append(close_upstream)
    cors = Cors(settings.cors_origins) if settings.cors else None
    guard = Guard(settings)  # everything under /__mock/; the API and /static/ answer any Host, with CORS
    dashboard = Dashboard(runtime)
    dashboard.mount(app, guard)  # before the admin API: its page, /__mock/, is inside the admin prefix
    app.add_subapp(admin.PREFIX, admin.admin_app(guard))
    app.router.add_route("*", "/static/{path:.*}", wrapped(static, [cors.around] if cors else []))
    app.router.add_route("*", "/{tail:.*}", Api(runtime, cors, upstream).handle)
    return app


WARM_UP_DELAY = 1.0  # seconds: after the first answers, so start-up does not share the CPU with it


async def _warm_up(app: web.Application) -> None:
    """Make the Faker value pools in a thread soon after start, so the first made-up user does
    not pay for them (~0.3 s)."""
    fake_users = app[keys.RUNTIME].context.fake_users
    loop = asyncio.get_running_loop()
    loop.call_later(WARM_UP_DELAY, lambda: loop.run_in_executor(None, lambda: fake_users.pools))


async def _stop_hanging(app: web.Application) -> None:
    app[keys.RUNTIME].stopping.set()
