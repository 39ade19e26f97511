"""Settings + scenarios -> the aiohttp application."""

from __future__ import annotations

from aiohttp import web

from . import keys
from .context import Context
from .contract.profiles import PROFILES
from .fake_users import FakeUsers
from .handlers import api
from .middlewares import envelope_errors
from .scenarios.loader import load_scenarios
from .scenarios.model import ScenarioSet
from .settings import Settings


def create_context(settings: Settings, scenarios: ScenarioSet) -> Context:
    return Context(
        profile=PROFILES[settings.profile],
        scenarios=scenarios,
        fake_users=FakeUsers(settings.locale, settings.seed),
        mandatory_bind_mobile=settings.mandatory_bind_mobile,
    )


def create_app(settings: Settings | None = None, scenarios: ScenarioSet | None = None) -> web.Application:
    """The mock as an aiohttp app; scenarios are loaded from `settings.fixtures` unless given."""
    settings = settings or Settings()
    if scenarios is None:
        scenarios = load_scenarios(settings.fixtures)
    app = web.Application(middlewares=[envelope_errors], client_max_size=settings.max_body)
    app[keys.CONTEXT] = create_context(settings, scenarios)
    app.router.add_route("*", "/{tail:.*}", api)
    return app
