"""The admin API under /__mock/: steer the running mock and read what the front-end sent.

JSON in, JSON out; each route parses its request into a task of `control` and sends what the
task returns. Errors are `{"error": "<reason>"}` with a 4xx status. The sub-application's own
middlewares (which never run for the API's routes) guard it: callers not on loopback are refused
unless the server has an admin token and they send it (`X-Mock-Admin-Token: <token>` or
`Authorization: Bearer <token>`), every error is answered in JSON, and CORS is added when on.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from typing import Any, Awaitable, Callable, Final

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .. import control
from ..runtime import Runtime
from . import keys
from .cors import Cors

PREFIX: Final = "/__mock"
TOKEN_HEADER: Final = "X-Mock-Admin-Token"
log = logging.getLogger(__name__)

Route = Callable[[web.Request, Runtime], Awaitable[Any]]


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
        raise control.TaskError(400, f"the body is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise control.TaskError(400, "the body must be a JSON object")
    return document


# -- routes: request -> task ------------------------------------------------------------------


async def health(request: web.Request, runtime: Runtime) -> Any:
    return control.health(runtime)


async def version(request: web.Request, runtime: Runtime) -> Any:
    return control.version()


async def scenarios(request: web.Request, runtime: Runtime) -> Any:
    return control.scenarios(runtime, request.query.get("tag"))


async def bindings(request: web.Request, runtime: Runtime) -> Any:
    return control.bindings(runtime)


async def use(request: web.Request, runtime: Runtime) -> Any:
    """`{"scenario": name}` globally, with `"device": uuid` or `"token": token` for one client."""
    document = await body(request)
    return control.use(runtime, document.get("scenario"), device=document.get("device"), token=document.get("token"))


async def unuse(request: web.Request, runtime: Runtime) -> Any:
    """Clear one binding (`device` / `token` / `"active": true` in the body or query), or all."""
    return control.unuse(runtime, {**request.query, **await body(request)})


async def reset(request: web.Request, runtime: Runtime) -> Any:
    return control.reset(runtime)


async def clock(request: web.Request, runtime: Runtime) -> Any:
    return control.clock(runtime)


async def move_clock(request: web.Request, runtime: Runtime) -> Any:
    return control.move_clock(runtime, await body(request))


async def reload(request: web.Request, runtime: Runtime) -> web.Response:
    document = await control.reload(runtime)
    return reply(document, status=422 if document["problems"] else 200)


async def journal(request: web.Request, runtime: Runtime) -> Any:
    return control.journal(runtime, request.query)


async def clear_journal(request: web.Request, runtime: Runtime) -> Any:
    return control.clear_journal(runtime)


ROUTES: Final[tuple[tuple[str, str, Route], ...]] = (
    ("GET", "/health", health),
    ("GET", "/version", version),
    ("GET", "/scenarios", scenarios),
    ("GET", "/bindings", bindings),
    ("POST", "/use", use),
    ("DELETE", "/use", unuse),
    ("POST", "/reset", reset),
    ("GET", "/clock", clock),
    ("POST", "/clock", move_clock),
    ("POST", "/reload", reload),
    ("GET", "/journal", journal),
    ("DELETE", "/journal", clear_journal),
)
CALLS: Final = ", ".join(f"{method} {PREFIX}{path}" for method, path, _ in ROUTES)
METHODS: Final = {
    PREFIX + path: ", ".join(method for method, other, _ in ROUTES if other == path) for _, path, _ in ROUTES
}


# -- the sub-application and its middlewares --------------------------------------------------


def admin_app(cors: Cors | None = None) -> web.Application:
    """The admin API as a sub-application with its own middlewares (CORS outermost)."""
    middlewares: list[Middleware] = [cors.middleware()] if cors else []
    app = web.Application(middlewares=[*middlewares, guard, as_json])
    for method, path, route in ROUTES:
        app.router.add_route(method, path, _handler(route))
        if method == "GET":
            app.router.add_route("HEAD", path, _handler(route))
    return app


def _handler(route: Route) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        answer = await route(request, request.config_dict[keys.RUNTIME])
        return answer if isinstance(answer, web.StreamResponse) else reply(answer)

    return handle


def is_loopback(remote: str | None) -> bool:
    try:
        return remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        return False


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Admin calls from off this machine need the admin token."""
    if not is_loopback(request.remote):
        token = request.config_dict[keys.RUNTIME].settings.admin_token
        sent = request.headers.get(TOKEN_HEADER) or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token is None:
            return reply({"error": "the admin API answers loopback only; start with --admin-token to allow others"}, 403)
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return reply({"error": f"send the admin token in {TOKEN_HEADER}"}, 401)
    return await handler(request)


@web.middleware
async def as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal and failure as `{"error": ...}`: no admin call answers HTML or a traceback."""
    try:
        return await handler(request)
    except control.TaskError as exc:
        return reply({"error": exc.reason, **exc.extra}, exc.status)
    except web.HTTPNotFound:
        return reply({"error": f"no admin call {request.method} {request.path}; calls: {CALLS}"}, 404)
    except web.HTTPMethodNotAllowed:
        allowed = METHODS.get(request.path, "")
        return reply({"error": f"{request.path} answers {allowed}, not {request.method}"}, 405)
    except web.HTTPException as exc:
        return reply({"error": exc.reason}, exc.status)
    except Exception as exc:
        log.exception("admin call %s %s failed", request.method, request.path)
        return reply({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)
