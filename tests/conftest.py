"""Factories shared by the tests: a running mock per test, configured by keyword."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from mockserver import Settings, create_app
from mockserver.scenarios.loader import ScenarioError
from mockserver.web import keys

pytest_plugins = ["mockserver.pytest_plugin", "pytester"]

TESTS = Path(__file__).parent
DATA = TESTS / "data"

AiohttpClient = Callable[[Application], Awaitable[TestClient[Any, Application]]]


class MakeClient(Protocol):
    def __call__(self, **settings: Any) -> Awaitable[TestClient[Any, Application]]: ...


@pytest.fixture
def make_client(aiohttp_client: AiohttpClient) -> MakeClient:
    """`await make_client(profile="current", fixtures=path, seed=1, ...)`: a client of a fresh mock."""

    async def factory(**settings: Any) -> TestClient[Any, Application]:
        return await aiohttp_client(create_app(Settings(**settings)))

    return factory


async def reload_now(app: Application) -> list[ScenarioError]:
    """Load the app's fixtures layers again, as a save would (`Runtime.reload`): the problems found."""
    return await app[keys.RUNTIME].reload()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The install test (a wheel built and installed in a new environment, ~40 s) runs in CI
    (`CI` set, as CI sets it) or when asked for with `-m install`; a developer's plain run stays
    under a minute."""
    if os.environ.get("CI") or "install" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="builds and installs the wheel (~40 s): runs in CI (CI=true) or with -m install")
    for item in items:
        if "install" in item.keywords:
            item.add_marker(skip)
