"""CORS for H5 front-ends served from another origin (e.g. a Vite dev server on :5173).

ShopXO itself sends no CORS headers; the mock adds them by default so a browser lets the H5
build read the answers, and answers preflights itself. `--no-cors` restores the bare server.
The API handler asks `preflight` and `tag` itself; the images put `around` among the layers of
their route (`wrapping`: no middleware, which would cost every API request). Never on /__mock/:
no page of another origin may read or steer the mock (`guard`).
"""

from __future__ import annotations

from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

METHODS: Final = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
DEFAULT_HEADERS: Final = "Content-Type, X-Mock-Scenario"
MAX_AGE: Final = "86400"


class Cors:
    """Allow `origins` (any origin when empty): echo the origin, answer preflights with 204."""

    def __init__(self, origins: tuple[str, ...] = ()) -> None:
        self._allowed = frozenset(origins)

    def _origin(self, request: web.Request) -> str | None:
        origin = request.headers.get("Origin")
        if origin is None or (self._allowed and origin not in self._allowed):
            return None
        return origin

    def preflight(self, request: web.Request) -> web.Response | None:
        """The answer to a browser's preflight, or None when this is not one we allow."""
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return None
        origin = self._origin(request)
        if origin is None:
            return None
        headers = {
            **_allow(origin),
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers", DEFAULT_HEADERS),
            "Access-Control-Max-Age": MAX_AGE,
        }
        return web.Response(status=204, headers=headers)

    def tag(self, request: web.Request, response: web.StreamResponse) -> None:
        """Let the requesting origin read `response` (before it is sent)."""
        origin = self._origin(request)
        if origin is not None:
            response.headers.update(_allow(origin))

    async def around(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer a preflight, else let `handler` answer and tag its response (a middleware)."""
        preflight = self.preflight(request)
        if preflight is not None:
            return preflight
        response = await handler(request)
        self.tag(request, response)
        return response


def _allow(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Allow-Credentials": "true"}
