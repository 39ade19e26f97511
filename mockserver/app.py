"""Settings + scenarios -> the aiohttp application."""

from __future__ import annotations

import asyncio
from types import MappingProxyType

from aiohttp import web

from . import admin, keys
from .accesslog import TO_LOGGER, AccessLog
from .cors import Cors
from .context import CodePolicy, Context, SmsPolicy
from .contract import site
from .contract.profiles import PROFILES
from .fake_users import FakeUsers
from .handlers import Api
from .images import static
from .journal import Journal
from .reload import watching
from .scenarios.loader import load_scenarios
from .scenarios.model import ScenarioSet
from .scenarios.selection import UnknownScenario
from .settings import Settings
from .state import State


def create_context(settings: Settings, scenarios: ScenarioSet) -> Context:
    state = State()
    if settings.scenario is not None:
        if settings.scenario not in scenarios.by_name:
            raise UnknownScenario(settings.scenario, scenarios)
        state.active = settings.scenario
    return Context(
        profile=PROFILES[settings.profile],
        scenarios=scenarios,
        fake_users=FakeUsers(settings.locale, settings.seed),
        state=state,
        config=MappingProxyType({**site.DEFAULT_CONFIG, **settings.config}),
        codes=CodePolicy(settings.single_use_codes, settings.code_ttl),
        sms=SmsPolicy(settings.sms_code),
    )


def create_app(
    settings: Settings | None = None,
    scenarios: ScenarioSet | None = None,
    *,
    access_log: AccessLog | None = TO_LOGGER,
) -> web.Application:
    """The mock as an aiohttp app; scenarios are loaded from `settings.fixtures` unless given.
    The access log goes to the `mockserver.access` logger unless another one (or None) is given."""
    settings = settings or Settings()
    if scenarios is None:
        scenarios = load_scenarios(settings.fixtures, settings.locale)
    # No middleware: each route answers its own errors, so API requests pay for no layer.
    app = web.Application(client_max_size=settings.max_body)
    app[keys.SETTINGS] = settings
    app[keys.LIVE] = keys.Live(create_context(settings, scenarios))
    app[keys.JOURNAL] = Journal(settings.journal_size)
    app[keys.STOPPING] = asyncio.Event()
    if settings.warm_up:
        app.on_startup.append(_warm_up)
    app.on_shutdown.append(_stop_hanging)
    if access_log is not None:

        async def flush_access_log(_: web.Application) -> None:
            access_log.flush()

        app.on_cleanup.append(flush_access_log)
    if settings.watch:
        app.cleanup_ctx.append(watching)
    cors = Cors(settings.cors_origins) if settings.cors else None
    tagged = cors.wrap if cors else lambda handler: handler
    api = Api(app[keys.LIVE], settings, app[keys.JOURNAL], app[keys.STOPPING], access_log, cors)
    app.add_subapp(admin.PREFIX, admin.admin_app(tagged))
    app.router.add_route("*", "/static/{path:.*}", tagged(static))
    app.router.add_route("*", "/{tail:.*}", api.handle)
    return app


WARM_UP_DELAY = 1.0  # seconds: after the first answers, so start-up does not share the CPU with it


async def _warm_up(app: web.Application) -> None:
    """Make the Faker value pools in a thread soon after start, so the first made-up user does
    not pay for them (~0.3 s)."""
    fake_users = app[keys.LIVE].context.fake_users
    loop = asyncio.get_running_loop()
    loop.call_later(WARM_UP_DELAY, lambda: loop.run_in_executor(None, lambda: fake_users.pools))


async def _stop_hanging(app: web.Application) -> None:
    app[keys.STOPPING].set()
