"""Every typed key the aiohttp application holds state under."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from aiohttp import web

from .context import Context
from .journal import Journal
from .settings import Settings


@dataclass(slots=True)
class Live:
    """The Context now serving. A reload swaps it in one assignment; requests read it once."""

    context: Context


LIVE: Final = web.AppKey("live", Live)
SETTINGS: Final = web.AppKey("settings", Settings)
JOURNAL: Final = web.AppKey("journal", Journal)
STOPPING: Final = web.AppKey("stopping", asyncio.Event)  # set at shutdown: hanging replies end
