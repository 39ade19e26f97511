"""Factories shared by the tests: a running mock per test, configured by keyword."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable, Protocol

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from mockserver import Settings, create_app

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
