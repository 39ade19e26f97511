"""pytest plugin: a running shopxo-mock per test (or per session), steered from Python.

    def test_disabled_user_sees_the_toast(shopxo_mock):
        shopxo_mock.use("status-disabled", device="e2e-phone")
        ...drive the front-end against shopxo_mock.url...
        shopxo_mock.assert_requested("user/appminiuserauth", uuid="e2e-phone", times=1)

Settings come from the marker: `@pytest.mark.shopxo_mock(profile="current", fixtures="tests/data")`.
The server runs in a thread on its own event loop, bound to 127.0.0.1 on a free port, so tests
driving a browser, a subprocess or plain `urllib` all reach it, and pytest-xdist workers never
collide. Control goes through the admin API, the same calls a UI test in another language makes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterator

import pytest

from .settings import Settings
from .web.serve import START_TIMEOUT, InThread

MARKER = "shopxo_mock"


class MockServer:
    """A running mock: its address, and the calls a test needs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server = InThread(settings)
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> MockServer:
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    # -- addresses -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The base URL to put in the front-end's `request_url`, e.g. `http://127.0.0.1:54321/`."""
        return f"http://127.0.0.1:{self.port}/"

    def api_url(self, action: str = "user/appminiuserauth", **query: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"{self.url}api.php?s={action}{extra}"

    # -- steering --------------------------------------------------------------------------
    def use(self, scenario: str, *, device: str | None = None, token: str | None = None) -> None:
        """Answer with `scenario`: for every client, or only for one device (`uuid`) or token."""
        document: dict[str, Any] = {"scenario": scenario}
        if device is not None:
            document["device"] = device
        if token is not None:
            document["token"] = token
        self._admin("POST", "use", document)

    def clear(self) -> None:
        """Drop every binding made with `use`."""
        self._admin("DELETE", "use")

    def reset(self) -> None:
        """Forget users, tokens, used codes and sequence positions."""
        self._admin("POST", "reset")

    def advance_clock(self, seconds: float) -> None:
        self._admin("POST", "clock", {"advance": seconds})

    # -- what the front-end sent -----------------------------------------------------------
    def requests(self, action: str | None = None, **filters: str) -> list[dict[str, Any]]:
        """Journal entries, oldest first; filters: action, authcode, uuid, scenario, since, limit."""
        query = {"action": action, **filters} if action else filters
        text = urllib.parse.urlencode(query)
        found: list[dict[str, Any]] = self._admin("GET", f"journal?{text}")["requests"]
        return found

    def assert_requested(self, action: str | None = None, *, times: int | None = None, **filters: str) -> list[dict[str, Any]]:
        """The matching requests; fails, showing everything received, if none (or not `times`)."""
        found = self.requests(action, **filters)
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = "any number of" if times is None else str(times)
            expected = f"expected {wanted if times is not None else 'at least one'} request(s)"
            raise AssertionError(f"{expected} matching {self._describe(action, filters)}, got {len(found)}.\n{self._received()}")
        return found

    def assert_not_requested(self, action: str | None = None, **filters: str) -> None:
        found = self.requests(action, **filters)
        if found:
            raise AssertionError(f"expected no request matching {self._describe(action, filters)}, got {len(found)}.\n{self._received()}")

    def _received(self) -> str:
        entries = self.requests()
        if not entries:
            return "The mock received no request."
        lines = [f"  {e['method']} {e['action']} {json.dumps(e['params'], ensure_ascii=False)} -> "
                 f"{e['scenario'] or '[' + e['rule'] + ']'} code={e['code']} status={e['status']}" for e in entries]  # fmt: skip
        return "The mock received:\n" + "\n".join(lines)

    @staticmethod
    def _describe(action: str | None, filters: dict[str, str]) -> str:
        parts = [f"action={action!r}"] if action else []
        return ", ".join(parts + [f"{k}={v!r}" for k, v in filters.items()]) or "anything"

    def _admin(self, method: str, call: str, document: dict[str, Any] | None = None) -> Any:
        data = json.dumps(document).encode() if document is not None else None
        request = urllib.request.Request(f"{self.url}__mock/{call}", data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            reason = json.loads(exc.read()).get("error", exc.reason)
            raise ValueError(f"shopxo-mock: {reason}") from None


def _settings(request: pytest.FixtureRequest) -> Settings:
    marker = request.node.get_closest_marker(MARKER)
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    return Settings(**options)  # fixtures: one directory or several, as Settings takes them


@pytest.fixture
def shopxo_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A fresh mock for one test, configured by `@pytest.mark.shopxo_mock(**settings)`."""
    server = MockServer(_settings(request)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shopxo_mock_session() -> Iterator[MockServer]:
    """One mock for the whole session (shipped fixtures); call `reset()`/`clear()` as needed."""
    server = MockServer(Settings()).start()
    try:
        yield server
    finally:
        server.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**settings): settings of the shopxo_mock fixture (profile, fixtures, seed, config, ...)"
    )
