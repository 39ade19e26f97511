"""Every typed key the aiohttp application holds state under."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from .context import Context

CONTEXT: Final = web.AppKey("context", Context)
