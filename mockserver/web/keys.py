"""The typed key the aiohttp application holds the running mock under."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from ..runtime import Runtime

RUNTIME: Final = web.AppKey("runtime", Runtime)
