"""The admin API under /__mock/: steer the running mock and read what the front-end sent.

JSON in, JSON out, one small function per task. Errors are `{"error": "<reason>"}` with a 4xx
status. Callers not on loopback are refused unless the server has an admin token and they send
it (`X-Mock-Admin-Token: <token>` or `Authorization: Bearer <token>`).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from typing import Any, Awaitable, Callable, Final

from aiohttp import web

from . import __version__, keys
from .catalogue import scenario_json
from .journal import QUERY_FIELDS, Query
from .reload import reload_now
from .state import State
from .suggest import closest

PREFIX: Final = "/__mock"
log = logging.getLogger(__name__)
TOKEN_HEADER: Final = "X-Mock-Admin-Token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class AdminError(Exception):
    def __init__(self, status: int, reason: str, **extra: Any) -> None:
        super().__init__(reason)
        self.status, self.reason, self.extra = status, reason, extra


def reply(document: Any, status: int = 200) -> web.Response:
    return web.json_response(document, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def body(request: web.Request) -> dict[str, Any]:
    """The JSON object sent, `{}` for an empty body; anything else is a 400 with the reason."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise AdminError(400, f"the body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise AdminError(400, "the body must be a JSON object")
    return document


def state(request: web.Request) -> State:
    return request.config_dict[keys.LIVE].context.state


def scenario_name(request: web.Request, value: Any) -> str:
    """A scenario name the loaded set has, or a 404 that suggests the closest one."""
    scenarios = request.config_dict[keys.LIVE].context.scenarios.by_name
    if not isinstance(value, str) or not value:
        raise AdminError(400, "give 'scenario': the name of a loaded scenario")
    if value not in scenarios:
        raise AdminError(404, f"no scenario named '{value}'", did_you_mean=closest(value, scenarios))
    return value


# -- tasks -----------------------------------------------------------------------------------


async def health(request: web.Request) -> web.Response:
    ctx = request.config_dict[keys.LIVE].context
    return reply(
        {"status": "ok", "version": __version__, "profile": ctx.profile.name, "scenarios": len(ctx.scenarios.scenarios)}
    )


async def version(request: web.Request) -> web.Response:
    return reply({"version": __version__})


async def scenarios(request: web.Request) -> web.Response:
    loaded = request.config_dict[keys.LIVE].context.scenarios
    tag = request.query.get("tag")
    chosen = [s for s in loaded.scenarios if tag is None or tag in s.tags]
    return reply({"files": list(loaded.files), "scenarios": [scenario_json(s) for s in chosen]})


async def bindings(request: web.Request) -> web.Response:
    current = state(request)
    return reply(
        {"active": current.active, "devices": dict(current.device_scenarios), "tokens": dict(current.token_scenarios)}
    )


async def use(request: web.Request) -> web.Response:
    """`{"scenario": name}` globally, with `"device": uuid` or `"token": token` for one client."""
    document = await body(request)
    name = scenario_name(request, document.get("scenario"))
    current = state(request)
    device, token = document.get("device"), document.get("token")
    if device is not None and token is not None:
        raise AdminError(400, "give 'device' or 'token', not both")
    if device is not None:
        current.device_scenarios[_key(device, "device")] = name
    elif token is not None:
        current.token_scenarios[_key(token, "token")] = name
    else:
        current.active = name
    return await bindings(request)


async def unuse(request: web.Request) -> web.Response:
    """Clear one binding (`device` / `token` / `"active": true` in the body or query), or all."""
    document = {**request.query, **await body(request)}
    current = state(request)
    if not document:
        current.device_scenarios.clear()
        current.token_scenarios.clear()
        current.active = None
    if "device" in document:
        current.device_scenarios.pop(_key(document["device"], "device"), None)
    if "token" in document:
        current.token_scenarios.pop(_key(document["token"], "token"), None)
    if document.get("active") in (True, "true", "1"):
        current.active = None
    return await bindings(request)


async def reset(request: web.Request) -> web.Response:
    state(request).reset()
    return reply({"reset": ["users", "tokens", "codes", "sequences", "verify codes"]})


async def clock(request: web.Request) -> web.Response:
    """GET: the mock's time. POST `{"advance": seconds}` or `{"offset": seconds}` moves it."""
    current = state(request).clock
    if request.method == "POST":
        document = await body(request)
        for name in ("advance", "offset"):
            value = document.get(name)
            if name in document and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise AdminError(400, f"'{name}' must be a number of seconds")
        if "advance" in document:
            current.advance(float(document["advance"]))
        elif "offset" in document:
            current.offset = float(document["offset"])
        else:
            raise AdminError(400, "give 'advance' or 'offset' in seconds")
    return reply({"now": current.now(), "offset": current.offset})


async def reload(request: web.Request) -> web.Response:
    problems = await reload_now(request.config_dict)
    loaded = request.config_dict[keys.LIVE].context.scenarios
    document = {"reloaded": not problems, "scenarios": len(loaded.scenarios), "problems": [str(p) for p in problems]}
    return reply(document, status=422 if problems else 200)


async def journal(request: web.Request) -> web.Response:
    """GET with filters action, authcode, uuid, scenario, since, limit; DELETE clears it."""
    entries = request.config_dict[keys.JOURNAL]
    if request.method == "DELETE":
        entries.clear()
        return reply({"cleared": True})
    unknown = set(request.query) - set(QUERY_FIELDS)
    if unknown:
        raise AdminError(400, f"unknown filter(s): {', '.join(sorted(unknown))}; filters: {', '.join(QUERY_FIELDS)}")
    try:
        query = Query(
            **{k: v for k, v in request.query.items() if k not in ("since", "limit")},
            since=float(request.query["since"]) if "since" in request.query else None,
            limit=int(request.query["limit"]) if "limit" in request.query else None,
        )
    except ValueError:
        raise AdminError(400, "'since' must be Unix seconds and 'limit' a whole number") from None
    found = entries.find(query)
    return reply({"count": len(found), "size": entries.size, "requests": [e.as_json() for e in found]})


def _key(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise AdminError(400, f"'{name}' must be a non-empty string")
    return value


# -- guard and routes ------------------------------------------------------------------------


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


def guarded(handler: Handler) -> Handler:
    async def guarded_handler(request: web.Request) -> web.StreamResponse:
        return await guard(request, handler)

    return guarded_handler


async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Admin calls from off this machine need the admin token; errors become JSON reasons."""
    token = request.config_dict[keys.SETTINGS].admin_token
    if not is_loopback(request.remote):
        sent = request.headers.get(TOKEN_HEADER) or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token is None:
            return reply({"error": "the admin API answers loopback only; start with --admin-token to allow others"}, 403)
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return reply({"error": f"send the admin token in {TOKEN_HEADER}"}, 401)
    try:
        return await handler(request)
    except AdminError as exc:
        return reply({"error": exc.reason, **{k: v for k, v in exc.extra.items() if v is not None}}, exc.status)
    except web.HTTPException as exc:
        return reply({"error": exc.reason}, exc.status)
    except Exception as exc:
        log.exception("admin call %s %s failed", request.method, request.path)
        return reply({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)


ROUTES: Final[tuple[tuple[str, str, Handler], ...]] = (
    ("GET", "/health", health),
    ("GET", "/version", version),
    ("GET", "/scenarios", scenarios),
    ("GET", "/bindings", bindings),
    ("POST", "/use", use),
    ("DELETE", "/use", unuse),
    ("POST", "/reset", reset),
    ("GET", "/clock", clock),
    ("POST", "/clock", clock),
    ("POST", "/reload", reload),
    ("GET", "/journal", journal),
    ("DELETE", "/journal", journal),
)


def admin_app(wrap: Callable[[Handler], Handler] = lambda handler: handler) -> web.Application:
    """The admin API as a sub-application, each path guarded (and wrapped, e.g. for CORS) on its
    own: no middleware, so API requests pay nothing for it."""
    app = web.Application()
    by_path: dict[str, dict[str, Handler]] = {}
    for method, path, handler in ROUTES:
        by_path.setdefault(path, {})[method] = handler
    for path, methods in by_path.items():
        app.router.add_route("*", path, wrap(guarded(_by_method(methods))))
    app.router.add_route("*", "/{tail:.*}", wrap(guarded(unknown)))
    return app


def _by_method(methods: dict[str, Handler]) -> Handler:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        handler = methods.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            raise AdminError(405, f"{request.path} answers {', '.join(methods)}, not {request.method}")
        return await handler(request)

    return dispatch


async def unknown(request: web.Request) -> web.Response:
    calls = ", ".join(f"{method} {PREFIX}{path}" for method, path, _ in ROUTES)
    return reply({"error": f"no admin call {request.method} {request.path}; calls: {calls}"}, 404)

