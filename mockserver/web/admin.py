"""The admin API under /__mock/: steer the running mock and read what the front-end sent.

JSON in, JSON out; each route parses its request into a task of `control` and sends what the
task returns. Errors are `{"error": "<reason>"}` with a 4xx status. Every route is wrapped in the
same layers: the guard (`web.guard`: this machine's Host names, no page of another origin, callers
off this machine or behind a proxy only with the admin token, everybody with it when there is
one), and JSON for every refusal and failure. No CORS here: no page of another origin may read
or steer the mock; the API keeps its CORS for H5 builds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Final

from aiohttp import web
from aiohttp.typedefs import Handler

from .. import control
from ..journal.served import Served
from ..runtime import Runtime
from ..support.suggest import did_you_mean
from . import keys
from .guard import Guard
from .wrapping import wrapped

PREFIX: Final = "/__mock"
BATCH: Final = 50  # journal entries encoded per write (a cut entry is a few KiB of JSON at most)
log = logging.getLogger(__name__)

Route = Callable[[web.Request, Runtime], Awaitable[Any]]
# No admin call takes more than a few levels; a deeper body is refused before a task walks it
# (json.loads itself raises RecursionError, not ValueError, near a thousand).
MAX_JSON_DEPTH: Final = 32


def dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False)


def reply(document: Any, status: int = 200) -> web.Response:
    return web.json_response(document, status=status, dumps=dumps)


async def body(request: web.Request) -> dict[str, Any]:
    """The JSON object sent, `{}` for an empty body; anything else is a 400 with the reason."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw)
    except ValueError as exc:
        raise control.TaskError(400, f"the body is not JSON: {exc}") from None
    except RecursionError:
        too_deep = True
    else:
        too_deep = json_depth(document) > MAX_JSON_DEPTH
    if too_deep:
        raise control.TaskError(400, f"the body is nested deeper than {MAX_JSON_DEPTH} levels")
    if not isinstance(document, dict):
        raise control.TaskError(400, "the body must be a JSON object")
    return document


def json_depth(document: Any) -> int:
    """How deep arrays and objects nest in a parsed JSON document (a scalar: 0), without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            pending.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return deepest


# -- routes: request -> task ------------------------------------------------------------------


async def health(request: web.Request, runtime: Runtime) -> Any:
    return control.health(runtime)


async def version(request: web.Request, runtime: Runtime) -> Any:
    return control.version()


async def scenarios(request: web.Request, runtime: Runtime) -> Any:
    return control.scenarios(runtime, request.query.get("tag"))


async def add_scenario(request: web.Request, runtime: Runtime) -> web.Response:
    """One scenario as a file's `scenarios:` item, as JSON: 201 with it as listed."""
    return reply(control.add_scenario(runtime, await body(request)), status=201)


async def remove_scenario(request: web.Request, runtime: Runtime) -> Any:
    return control.remove_scenario(runtime, request.match_info["name"])


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
    """`{"scope": "all"}` (or `?scope=all`): a group, one scope or a list; default "clients"."""
    document = {**request.query, **await body(request)}
    # A misspelt key would otherwise reset the default scope, silently: more than was asked.
    unknown = sorted(set(document) - {"scope"})
    if unknown:
        raise control.TaskError(400, f"reset takes 'scope', not '{unknown[0]}'{did_you_mean(unknown[0], ['scope'])}")
    return control.reset(runtime, document.get("scope", "clients"))


async def clock(request: web.Request, runtime: Runtime) -> Any:
    return control.clock(runtime)


async def move_clock(request: web.Request, runtime: Runtime) -> Any:
    return control.move_clock(runtime, await body(request))


async def reload(request: web.Request, runtime: Runtime) -> web.Response:
    document = await control.reload(runtime)
    return reply(document, status=422 if document["problems"] else 200)


async def journal(request: web.Request, runtime: Runtime) -> Any:
    return JournalStream(*control.journal_found(runtime, request.query))


class JournalStream(web.StreamResponse):
    """`control.journal`'s document, the same bytes `reply` would send, written `BATCH` entries
    at a time with the event loop free between batches: a thousand large entries took seconds to
    encode in one go, and every login waited for them. The entries are those found when the call
    came (a list of references); a slow reader holds the server to a batch, not the document.
    The body is written in `write_eof`, as `web.Response` writes its own, so the layers around
    the route (CORS) still set headers before it goes."""

    def __init__(self, head: dict[str, Any], entries: list[Served]) -> None:
        super().__init__()
        self.content_type, self.charset = "application/json", "utf-8"
        self.head, self.entries = head, entries
        self.method = "GET"

    async def prepare(self, request: web.BaseRequest) -> Any:
        self.method = request.method
        return await super().prepare(request)

    async def write_eof(self, data: bytes = b"") -> None:
        if self.method != "HEAD" and self.prepared and not self._eof_sent:
            try:
                await self._write_document()
            except ConnectionError:  # the reader left: nothing more to send
                return
        await super().write_eof(data)

    async def _write_document(self) -> None:
        document = dumps({**self.head, "requests": []})
        await self.write(document[: -len("]}")].encode())
        entries = self.entries
        for start in range(0, len(entries), BATCH):
            batch = ", ".join(dumps(entry.as_json()) for entry in entries[start : start + BATCH])
            await self.write((", " + batch if start else batch).encode())
            await asyncio.sleep(0)  # write() waits only for a full buffer; let the API in
        await self.write(b"]}")


async def clear_journal(request: web.Request, runtime: Runtime) -> Any:
    return control.clear_journal(runtime)


ROUTES: Final[tuple[tuple[str, str, Route], ...]] = (
    ("GET", "/health", health),
    ("GET", "/version", version),
    ("GET", "/scenarios", scenarios),
    ("POST", "/scenarios", add_scenario),
    ("DELETE", "/scenarios/{name}", remove_scenario),
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


# -- the sub-application -------------------------------------------------------------------


def admin_app(guard: Guard) -> web.Application:
    """The admin API as a sub-application, each route in the same layers (see `wrapping`: as the
    sub-application's middlewares they would cost every API request a layer too)."""
    app = web.Application()
    layers = [guard.data, as_json]
    by_path: dict[str, dict[str, Route]] = {}
    for method, path, route in ROUTES:
        by_path.setdefault(path, {})[method] = route
    for path, methods in by_path.items():
        app.router.add_route("*", path, wrapped(_by_method(methods), layers))
    app.router.add_route("*", "/{tail:.*}", wrapped(unknown, layers))
    return app


def _by_method(methods: dict[str, Route]) -> Handler:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        route = methods.get("GET" if request.method == "HEAD" else request.method)
        if route is None:
            raise control.TaskError(405, f"{request.path} answers {', '.join(methods)}, not {request.method}")
        answer = await route(request, request.config_dict[keys.RUNTIME])
        return answer if isinstance(answer, web.StreamResponse) else reply(answer)

    return dispatch


async def unknown(request: web.Request) -> web.Response:
    return reply({"error": f"no admin call {request.method} {request.path}; calls: {CALLS}"}, 404)


async def as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal and failure as `{"error": ...}`: no admin call answers HTML or a traceback."""
    try:
        return await handler(request)
    except control.TaskError as exc:
        return reply({"error": exc.reason, **exc.extra}, exc.status)
    except web.HTTPException as exc:
        return reply({"error": exc.reason}, exc.status)
    except Exception as exc:
        log.exception("admin call %s %s failed", request.method, request.path)
        return reply({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)
