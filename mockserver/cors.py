"""CORS for H5 front-ends served from another origin (e.g. a Vite dev server on :5173).

ShopXO itself sends no CORS headers; the mock adds them by default so a browser lets the H5
build read the answers, and answers preflights itself. `--no-cors` restores the bare server.
"""

from __future__ import annotations

from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

METHODS: Final = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
DEFAULT_HEADERS: Final = "Content-Type, X-Mock-Scenario"
MAX_AGE: Final = "86400"


def cors(origins: tuple[str, ...] = ()) -> Middleware:
    """Allow `origins` (any origin when empty): echo the origin, answer preflights with 204."""
    allowed = frozenset(origins)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or (allowed and origin not in allowed):
            return await handler(request)
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Allow-Credentials": "true"}
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            asked = request.headers.get("Access-Control-Request-Headers", DEFAULT_HEADERS)
            preflight = {
                **headers,
                "Access-Control-Allow-Methods": METHODS,
                "Access-Control-Allow-Headers": asked,
                "Access-Control-Max-Age": MAX_AGE,
            }
            return web.Response(status=204, headers=preflight)
        response = await handler(request)
        response.headers.update(headers)
        return response

    return middleware
