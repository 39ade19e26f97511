"""Middleware-shaped layers put around one route at a time, not around the application.

aiohttp gives the whole application a middleware layer (`_fix_request_current_app` and a cached
chain, run on every request) as soon as it or any sub-application has a middleware; the API's
requests paid ~10k instructions each for it. So the admin API and the images wrap their own
routes in these layers, and the API handler, on the hot path, runs none.
"""

from __future__ import annotations

from typing import Awaitable, Callable, Sequence

from aiohttp import web
from aiohttp.typedefs import Handler

Layer = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]  # a middleware's shape


def wrapped(handler: Handler, layers: Sequence[Layer]) -> Handler:
    """`handler` inside `layers`, the first outermost, as middlewares would run."""
    for layer in reversed(layers):
        handler = _around(layer, handler)
    return handler


def _around(layer: Layer, inner: Handler) -> Handler:
    async def layered(request: web.Request) -> web.StreamResponse:
        return await layer(request, inner)

    return layered
