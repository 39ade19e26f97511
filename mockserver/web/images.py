"""The aiohttp edge for the pictures the mock serves: default avatars at ShopXO's paths, generated
ones under /static/mock/avatar/, a placeholder at each picture a fresh install's answers link to
(`contract.routes.PICTURES`, each registered with its route), and avatars uploaded to it
(`personal/useravatarupload`, kept in memory). Nothing here reads a file, so no path can leave
the mock."""

from __future__ import annotations

import re
from typing import Final

from aiohttp import web

from ..contract import routes, uploads
from ..contract.profiles import PROFILES
from ..people import avatars
from ..rendering.envelope import Envelope
from . import keys
from .faults import respond

DEFAULT_PATHS: Final = frozenset(
    {p.default_avatar_path for p in PROFILES.values()}
    | {f"/static/common/images/default-user-avatar-{size}.png" for size in ("lg", "md", "sm")}
)
_GENERATED: Final = re.compile(re.escape(avatars.GENERATED_PREFIX) + r"([0-9a-f]{1,64})\.png")
CACHE: Final = "public, max-age=86400"
HEADERS: Final = {"Content-Type": "image/png", "Cache-Control": CACHE}


async def static(request: web.Request) -> web.StreamResponse:
    path = request.path
    if request.method not in ("GET", "HEAD"):
        return respond(Envelope(f"shopxo-mock: images answer GET, not {request.method}", -1), status=405)
    if path in DEFAULT_PATHS:
        return web.Response(body=avatars.default_avatar(), headers=HEADERS)
    generated = _GENERATED.fullmatch(path)
    if generated:
        return web.Response(body=avatars.identicon(generated.group(1)), headers=HEADERS)
    if path in routes.PICTURES:  # an icon, logo or banner: a pattern per path
        return web.Response(body=avatars.identicon(path), headers=HEADERS)
    if uploads.PATH.fullmatch(path):
        picture = request.app[keys.RUNTIME].state.pictures.get(path)
        if picture is not None:
            headers = {"Content-Type": picture.content_type, "Cache-Control": CACHE}
            return web.Response(body=picture.data, headers=headers)
    return respond(Envelope(f"shopxo-mock: no image at {path}", -1), status=404)
