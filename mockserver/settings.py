"""The server's settings, frozen: what the command line (or a test) chose."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Mapping

from .contract.profiles import DEFAULT_PROFILE

# The shipped scenarios, beside the package in a checkout or an editable install.
SHIPPED_FIXTURES: Final = Path(__file__).resolve().parent.parent / "fixtures"
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
DEFAULT_LOCALE: Final = "zh_CN"
DEFAULT_MAX_BODY: Final = 1024**2
# aiohttp refuses request lines and header values over 8 KiB with a bare 400; clients that put
# long tokens or many parameters in the URL get served up to this length instead.
MAX_LINE: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    fixtures: Path = SHIPPED_FIXTURES
    profile: str = DEFAULT_PROFILE
    seed: int = 0
    locale: str = DEFAULT_LOCALE
    config: Mapping[str, Any] = field(default_factory=dict)  # admin settings over contract.site's
    max_body: int = DEFAULT_MAX_BODY
    scenario: str | None = None  # the globally active scenario (--scenario)
    single_use_codes: bool = False
    code_ttl: float | None = None
    sms_code: str = "123456"
    journal_size: int = 1000
    cors: bool = True  # answer browsers' preflights and tag responses for H5 front-ends
    cors_origins: tuple[str, ...] = ()  # empty: any origin
    admin_token: str | None = None  # required from callers not on loopback
    watch: bool = False  # hot reload (the CLI turns it on)
    warm_up: bool = False  # make the Faker pools in a thread at start (the CLI turns it on)
    hang_seconds: float = 30.0
    body_timeout: float = 10.0  # a body trickling in slower than this answers 408  # a `hang` fault answers nothing for this long (client gives up at 10 s)
