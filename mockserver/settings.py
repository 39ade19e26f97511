"""The server's settings, frozen: what the command line (or a test) chose."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Mapping, Sequence

from .contract.clients import AUTO


def _shipped() -> Path:
    """The shipped scenarios: package data (mockserver/fixtures) when installed from a wheel or an
    sdist, else the repository's top-level fixtures/ beside the package (a checkout, `run.py`, an
    editable install). A real directory either way: the loader walks it, and pip never installs
    a package zipped."""
    package = Path(__file__).resolve().parent
    installed = package / "fixtures"
    return installed if installed.is_dir() else package.parent / "fixtures"


SHIPPED_FIXTURES: Final = _shipped()
# Each request answered as the release its client speaks (`context.Releases`); a profile's name
# (`contract.profiles.PROFILES`) pins that release for everybody (`--profile`).
DEFAULT_PROFILE: Final = AUTO
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
DEFAULT_LOCALE: Final = "zh_CN"
DEFAULT_SMS_CODE: Final = "123456"  # the verification code every "SMS" carries (`--sms-code`)
DEFAULT_UNKNOWN_USERS: Final = "real"  # a key of context.UNKNOWN_USERS (`--unknown-users`)
DEFAULT_MAX_BODY: Final = 1024**2
# aiohttp refuses request lines and header values over 8 KiB with a bare 400; clients that put
# long tokens or many parameters in the URL get served up to this length instead.
MAX_LINE: Final = 64 * 1024
# Fields of one query string or form body (urlencoded: pairs; multipart: parts): PHP's
# max_input_vars and aiohttp's client_max_fields are 1000 too. Past it: 413.
DEFAULT_MAX_FIELDS: Final = 1000
# Seconds a connection may take to send a request's line and headers (the first request and each
# later one on a keep-alive connection), before it is closed; Node's headersTimeout is 60 s, but
# the mock serves this machine, where a full request head takes microseconds.
DEFAULT_HEADER_TIMEOUT: Final = 10.0
DEFAULT_FORWARD: Final = "unmodelled"
# Under the client's own 10 s, so it reads the mock's message rather than giving up first.
DEFAULT_UPSTREAM_TIMEOUT: Final = 8.0
DEFAULT_UPSTREAM_MAX_BODY: Final = 8 * 1024**2
DEFAULT_JOURNAL_SIZE: Final = 1000
# The journal's byte budget (as `mockserver.journal.cut` estimates entries). A thousand logins take
# ~3.8 MB of it (~2.3 MB measured), so the count bounds the usual journal, this only one of large
# requests (each kept cut, ~10-20 KB); a quarter of the mock's own ~60 MB.
DEFAULT_JOURNAL_BYTES: Final = 16 * 1024**2
# Dashboard event streams open at once: a person has a tab or two open; each stream costs a
# socket's buffers and a tick's work.
DEFAULT_DASHBOARD_STREAMS: Final = 8
# A stream whose write has not gone out after this long is closed: a tab that stopped reading
# (a suspended laptop, a stuck client) holds no buffers for ever.
DEFAULT_STREAM_WRITE_SECONDS: Final = 10.0
# The scenario files read at start and at each reload, added up across every layer. Twice a file's
# own bound (a recording that large still loads beside the rest), 18 times the benchmark's 10,000
# scenarios and 1,200 times the shipped set. Measured: 10.7 MB of terse generated scenarios
# (113,000) reload in some 10 s and take the server from 150 to 290 MB; the bound keeps a load
# within about twice that.
DEFAULT_MAX_SCENARIO_BYTES: Final = 16 * 1024**2
# Scenarios posted at run time (`POST /__mock/scenarios`) held at once; their JSON adds up to at
# most `max_scenario_bytes` too. A test posts a few and its teardown deletes them: a thousand
# alive means a loop that never deletes, and each post re-indexes the whole table.
DEFAULT_MAX_RUNTIME_SCENARIOS: Final = 1000


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Scenario directories, one or several, each a layer over those before it (`layers`).
    fixtures: Path | str | Sequence[Path | str] = ()
    # The shipped scenarios under them. None: only when no directory is given, so that
    # `Settings(fixtures=dir)` serves that directory alone, as it did before there were layers.
    builtin: bool | None = None
    profile: str = DEFAULT_PROFILE
    seed: int = 0
    locale: str = DEFAULT_LOCALE
    config: Mapping[str, Any] = field(default_factory=dict)  # admin settings over contract.site's
    max_body: int = DEFAULT_MAX_BODY
    max_fields: int = DEFAULT_MAX_FIELDS  # more fields in a query or form body answer 413
    scenario: str | None = None  # the globally active scenario (--scenario)
    single_use_codes: bool = False
    code_ttl: float | None = None
    sms_code: str = DEFAULT_SMS_CODE
    unknown_users: str = DEFAULT_UNKNOWN_USERS
    journal_size: int = DEFAULT_JOURNAL_SIZE
    journal_bytes: int = DEFAULT_JOURNAL_BYTES  # the journal drops its oldest past this many bytes
    dashboard_streams: int = DEFAULT_DASHBOARD_STREAMS  # the next stream is refused (429)
    stream_write_seconds: float = DEFAULT_STREAM_WRITE_SECONDS
    max_scenario_bytes: int = DEFAULT_MAX_SCENARIO_BYTES  # the scenario files' sizes added up, all layers
    max_runtime_scenarios: int = DEFAULT_MAX_RUNTIME_SCENARIOS  # posted ones held at once
    cors: bool = True  # answer browsers' preflights and tag responses for H5 front-ends
    cors_origins: tuple[str, ...] = ()  # empty: any origin
    admin_token: str | None = None  # when set, required from every admin caller (loopback too)
    # Host names the admin API and the dashboard answer besides localhost, *.localhost, IP
    # addresses and `host` (web.guard); ".example.com": that domain and its subdomains.
    allowed_hosts: tuple[str, ...] = ()
    watch: bool = False  # hot reload (the CLI turns it on)
    warm_up: bool = False  # make the Faker pools in a thread at start (the CLI turns it on)
    hang_seconds: float = 30.0  # a `hang` fault answers nothing for this long (client gives up at 10 s)
    header_timeout: float = DEFAULT_HEADER_TIMEOUT  # a request head not complete by then: connection closed
    body_timeout: float = 10.0  # a body trickling in slower than this answers 408
    # A real ShopXO behind the mock (mockserver/upstream): what the mock does not answer goes there.
    upstream: str | None = None  # the site root, e.g. https://shop.example.com/
    forward: str = DEFAULT_FORWARD  # one of upstream.policy.FORWARD_MODES: which requests go upstream
    upstream_token: str | None = None  # a real user's token on the upstream, sent for the mock's logins
    upstream_timeout: float = DEFAULT_UPSTREAM_TIMEOUT
    upstream_max_body: int = DEFAULT_UPSTREAM_MAX_BODY  # a larger upstream answer is refused in the envelope
    upstream_insecure: bool = False  # skip TLS certificate checks (a self-signed test server)

    def __post_init__(self) -> None:
        # Normalised once, so a Settings compares and prints the same however it was written.
        object.__setattr__(self, "fixtures", directories(self.fixtures))
        if self.builtin is None:
            object.__setattr__(self, "builtin", not self.fixtures)

    @property
    def layers(self) -> tuple[Path, ...]:
        """Every scenario directory in load order: the shipped one first when on, then `fixtures`."""
        own = directories(self.fixtures)
        return (SHIPPED_FIXTURES, *own) if self.builtin else own


def directories(value: Path | str | Sequence[Path | str]) -> tuple[Path, ...]:
    """One directory or several as a tuple of paths (a string is one path, not its letters)."""
    if isinstance(value, (str, os.PathLike)):
        return (Path(value),)
    return tuple(Path(item) for item in value)
