"""pytest plugin: a running shopxo-mock per test (or per session), steered from Python.

    def test_disabled_user_sees_the_toast(shopxo_mock):
        shopxo_mock.use("status-disabled", device="e2e-phone")
        ...drive the front-end against shopxo_mock.url...
        shopxo_mock.assert_requested("user/appminiuserauth", uuid="e2e-phone", times=1)

Settings come from the ini options (`shopxo_mock_profile = current`, `shopxo_mock_fixtures = tests/data`,
... see INI_OPTIONS) and, per test, the marker: `@pytest.mark.shopxo_mock(profile="current")`.
The server runs in a thread on its own event loop, bound to 127.0.0.1 on a free port, so tests
driving a browser, a subprocess or plain `urllib` all reach it, and pytest-xdist workers never
collide. Control goes through the admin API, the same calls a UI test in another language makes.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Iterable, Iterator, Mapping

import pytest

from .cli import fields
from .scenarios.loader import ScenarioLoadError, load_scenarios
from .scenarios.selection import UnknownScenario
from .settings import Settings
from .support.suggest import did_you_mean
from .web.guard import TOKEN_HEADER
from .web.serve import START_TIMEOUT, InThread

MARKER = "shopxo_mock"


class MockServer:
    """A running mock: its address, and the calls a test needs."""

    # The mocks serving now: the scenarios a test posted go at its end (`_inline_scenarios_go`).
    running: ClassVar[set[MockServer]] = set()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server = InThread(settings)
        self.port = 0
        self._inline: dict[str, None] = {}  # names posted by `scenario`, in order, not yet removed
        self._names = itertools.count(1)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> MockServer:
        self.port = self._server.start()
        MockServer.running.add(self)
        return self

    def stop(self) -> None:
        MockServer.running.discard(self)
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

    def scenario(
        self,
        definition: Mapping[str, Any] | None = None,
        *,
        device: str | None = None,
        token: str | None = None,
        everybody: bool = False,
        **fields: Any,
    ) -> InlineScenario:
        """A scenario made here, as a scenario file's `scenarios:` item (a dict, keywords, or
        both): `scenario(reply={"error": "user_disabled"}, device="e2e-phone")`. Active for one
        `device` or `token`, for `everybody`, or (none of them) where its `match` selects it.
        It is checked as a file's (a mistake raises ValueError naming where it is), named
        `inline-<n>` unless it says, and gone when the test ends, passed or failed; or before,
        with `remove()` or at the end of its `with` block."""
        if everybody and (device is not None or token is not None):
            raise ValueError("shopxo-mock: a scenario is for everybody or for one device or token, not both")
        document = {**(definition or {}), **fields}
        name = document.setdefault("name", f"inline-{next(self._names)}")
        self._admin("POST", "scenarios", document)
        self._inline[name] = None
        handle = InlineScenario(self, name)
        if everybody or device is not None or token is not None:
            try:
                self.use(name, device=device, token=token)
            except ValueError:
                handle.remove()
                raise
        return handle

    def remove_scenarios(self) -> None:
        """Delete every scenario `scenario` posted and the test has not removed (with its
        bindings); one gone already (a reset of "all") is no matter."""
        for name in list(self._inline):
            self._remove(name)

    def _remove(self, name: str) -> None:
        if name in self._inline:
            del self._inline[name]
            self._admin("DELETE", f"scenarios/{urllib.parse.quote(name, safe='')}", missing_ok=True)

    def clear(self) -> None:
        """Drop every binding made with `use`."""
        self._admin("DELETE", "use")

    def reset(self, scope: str | list[str] = "clients") -> list[str]:
        """Forget what clients did ("clients": users, tokens, used codes, sequences, SMS codes),
        or everything ("all": bindings, clock, journal and the scenarios posted with `scenario`
        too, as just started), or the scopes named. Returns the scopes cleared."""
        cleared: list[str] = self._admin("POST", "reset", {"scope": scope})["reset"]
        return cleared

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
        journal = self._admin("GET", "journal")
        entries: list[dict[str, Any]] = journal["requests"]
        # The oldest requests went to keep the journal within its bytes: the list is not all.
        dropped = journal.get("dropped", 0)
        gone = f"\n({dropped} older request(s) dropped for the journal's byte budget, --journal-bytes)" if dropped else ""
        if not entries:
            return "The mock received no request." + gone
        lines = [f"  {e['method']} {e['action']} {json.dumps(e['params'], ensure_ascii=False)} -> "
                 f"{e['scenario'] or '[' + e['rule'] + ']'} code={e['code']} status={e['status']}" for e in entries]  # fmt: skip
        return "The mock received:\n" + "\n".join(lines) + gone

    @staticmethod
    def _describe(action: str | None, filters: dict[str, str]) -> str:
        parts = [f"action={action!r}"] if action else []
        return ", ".join(parts + [f"{k}={v!r}" for k, v in filters.items()]) or "anything"

    def _admin(self, method: str, call: str, document: dict[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        data = json.dumps(document).encode() if document is not None else None
        # With an admin token the mock asks it of every caller, this one too.
        token = self.settings.admin_token
        headers = {TOKEN_HEADER: token} if token is not None else {}
        request = urllib.request.Request(f"{self.url}__mock/{call}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=START_TIMEOUT) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return None
            answer = json.loads(exc.read())
            reason = answer.get("error", exc.reason)
            # The admin API's suggestion for a mistyped name (a scenario, a scope), as it words it.
            hint = f" (did you mean {answer['did_you_mean']}?)" if answer.get("did_you_mean") else ""
            # Where in a posted scenario the mistake is (`reply.error`).
            at = f" (at {answer['path']})" if answer.get("path") else ""
            raise ValueError(f"shopxo-mock: {reason}{hint}{at}") from None


class InlineScenario:
    """A scenario a test posted (`MockServer.scenario`): its name, for `use()` and the journal;
    `remove()` deletes it now, as leaving its `with` block does (else the test's end does)."""

    def __init__(self, server: MockServer, name: str) -> None:
        self.server, self.name = server, name

    def remove(self) -> None:
        self.server._remove(self.name)

    def __enter__(self) -> InlineScenario:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"InlineScenario({self.name!r})"


# ini options (pytest.ini, pyproject's [tool.pytest.ini_options], ...) -> Settings fields.
# Paths are relative to the ini file; both fixtures read them, a marker overrides them per test.
# Each is checked at pytest's start by the command line's own check (cli.fields), so a mistake is
# a usage error naming the option before any test runs.
INI_OPTIONS: Final = {
    "shopxo_mock_fixtures": ("paths", "scenario directories, one a line (relative to the ini file)"),
    "shopxo_mock_builtin": ("string", "true: the shipped scenarios under shopxo_mock_fixtures (false: only them)"),
    "shopxo_mock_profile": ("string", "documented (ShopXO v2.2) or current (v6.9)"),
    "shopxo_mock_unknown_users": ("string", "real (as the release does) or existing (an old made-up user)"),
    "shopxo_mock_seed": ("string", "seed of the made-up users (an integer)"),
    "shopxo_mock_locale": ("string", "Faker locale of the made-up users, e.g. zh_CN"),
    "shopxo_mock_scenario": ("string", "the scenario active for every client at start"),
    "shopxo_mock_config": ("linelist", "admin settings base/common answers, KEY=VALUE a line (VALUE as JSON if it is)"),
    "shopxo_mock_single_use_codes": ("bool", "true: a platform code works once"),
    "shopxo_mock_code_ttl": ("string", "seconds a platform code stays valid"),
    "shopxo_mock_journal_size": ("string", "requests the journal keeps"),
    "shopxo_mock_journal_bytes": ("string", "bytes the journal keeps"),
    "shopxo_mock_admin_token": ("string", "a token every admin call (the plugin's own too) must carry"),
}
SETTINGS_OF_INI: Final = {name: name.removeprefix("shopxo_mock_") for name in INI_OPTIONS}
INI_SETTINGS: Final = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    for name, (kind, help_text) in INI_OPTIONS.items():
        parser.addini(name, help_text, type=kind)  # type: ignore[arg-type]


def ini_settings(config: pytest.Config) -> dict[str, Any]:
    """The Settings fields the ini options give, checked at pytest's start (`pytest_configure`)."""
    if INI_SETTINGS not in config.stash:
        config.stash[INI_SETTINGS] = read_ini(config)
    return config.stash[INI_SETTINGS]


def read_ini(config: pytest.Config) -> dict[str, Any]:
    """The ini options as Settings fields; a bad value is a usage error naming the option, in the
    command line's words (did-you-mean included)."""
    written: dict[str, Any] = {}
    for name in INI_OPTIONS:
        try:
            written[name] = config.getini(name)
        except (ValueError, TypeError, pytest.UsageError) as exc:  # pytest reads a bool itself: "invalid truth value"
            raise pytest.UsageError(f"{name}: {exc}") from None
    given = {name: value for name, value in written.items() if value not in ("", [], None)}
    options: dict[str, Any] = {}
    for name, value in given.items():
        if name == "shopxo_mock_fixtures":
            continue  # once `builtin` is known: the built-in set given again is refused only with it
        try:
            options[SETTINGS_OF_INI[name]] = fields.checked(SETTINGS_OF_INI[name], value)
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"{name}: {exc}") from None
    if "shopxo_mock_fixtures" in given:
        try:
            found = fields.scenario_directories(given["shopxo_mock_fixtures"], options.get("builtin"))
        except argparse.ArgumentTypeError as exc:
            raise pytest.UsageError(f"shopxo_mock_fixtures: {exc}") from None
        options["fixtures"] = found
    if "fixtures" in options or "scenario" in options:
        _check_scenarios(Settings(**options))
    return options


def _check_scenarios(settings: Settings) -> None:
    """The ini's scenario files load and hold its scenario, else a usage error saying what is
    wrong (as the command line does before it serves): once, not at every test's start."""
    try:
        scenarios = load_scenarios(settings.layers, settings.locale, max_bytes=settings.max_scenario_bytes)
    except ScenarioLoadError as exc:
        raise pytest.UsageError(_load_problems(exc)) from None
    if settings.scenario is not None and settings.scenario not in scenarios.by_name:
        raise pytest.UsageError(_unknown("shopxo_mock_scenario", settings.scenario, scenarios.by_name))


def _load_problems(exc: ScenarioLoadError) -> str:
    lines = "".join(f"\n  {problem}" for problem in exc.errors)
    return f"shopxo-mock: {len(exc.errors)} problem(s) in the scenario files:{lines}"


def _unknown(option: str, name: str, known: Iterable[str]) -> str:
    return f"{option}: no scenario named '{name}'{did_you_mean(name, known)}"


def marker_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The closest `@pytest.mark.shopxo_mock(**settings)`, each argument checked as the command
    line checks its flag (the test errors, naming the argument, on a bad one); relative fixture
    paths resolve against pytest's rootdir, so a test runs the same from any working directory."""
    marker = request.node.get_closest_marker(MARKER)
    given: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = sorted(set(given) - SETTING_NAMES)
    if unknown:
        hint = did_you_mean(unknown[0], SETTING_NAMES)
        pytest.fail(f"@pytest.mark.{MARKER}: unknown setting '{unknown[0]}'{hint}", pytrace=False)
    options: dict[str, Any] = {}
    # fixtures last: whether the built-in set is on decides whether naming it again is a mistake
    for name, value in sorted(given.items(), key=lambda item: item[0] == "fixtures"):
        try:
            if name == "fixtures":
                root = request.config.rootpath
                paths = [root / Path(p) for p in ([value] if isinstance(value, (str, Path)) else value)]
                builtin = options.get("builtin", ini_settings(request.config).get("builtin"))
                options[name] = fields.scenario_directories(paths, builtin)
            else:
                options[name] = fields.checked(name, value)
        except (argparse.ArgumentTypeError, TypeError) as exc:
            pytest.fail(f"{marker_argument(name, value)}: {exc}", pytrace=False)
    return options


def marker_argument(name: str, value: Any) -> str:
    """How the marker's argument was written: `@pytest.mark.shopxo_mock(profile='curent')`."""
    return f"@pytest.mark.{MARKER}({name}={value!r})"


SETTING_NAMES: Final = frozenset(field.name for field in dataclasses.fields(Settings))


def started(settings: Settings, marked: bool) -> MockServer:
    """A started mock; a scenario file's problem or an unknown scenario name fails the test in
    the command line's words, not as a traceback."""
    try:
        return MockServer(settings).start()
    except RuntimeError as exc:
        cause = exc.__cause__
        option = marker_argument("scenario", settings.scenario) if marked else "shopxo_mock_scenario"
        if isinstance(cause, UnknownScenario):
            pytest.fail(_unknown(option, cause.name, cause.known), pytrace=False)
        if isinstance(cause, ScenarioLoadError):
            pytest.fail(_load_problems(cause), pytrace=False)
        raise


@pytest.fixture
def shopxo_mock(request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """A fresh mock for one test: the ini options, overridden by `@pytest.mark.shopxo_mock(...)`."""
    marked = marker_settings(request)
    server = started(Settings(**{**ini_settings(request.config), **marked}), "scenario" in marked)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shopxo_mock_session(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """One mock for the whole session, configured by the ini options; `reset("all")` between
    tests that must not see each other."""
    server = started(Settings(**ini_settings(pytestconfig)), False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _shopxo_mock_inline_scenarios() -> Iterator[None]:
    """The scenarios a test posted with `scenario()` go when it ends, passed or failed: a
    session's mock serves the next test as the files alone (a test's own mock stops anyway)."""
    yield
    for server in list(MockServer.running):
        server.remove_scenarios()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**settings): settings of the shopxo_mock fixture (profile, fixtures, seed, config, ...)"
    )
    ini_settings(config)  # every ini option checked before the first test: a usage error otherwise
