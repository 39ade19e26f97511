"""The aiohttp edge of the API: route -> collect -> act -> deliver -> journal.

Every request that is not the admin API or an image comes through `Api.handle`. It holds what
each request needs (no application lookups per request) and answers any failure in the
envelope itself, so the API path runs no middleware at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Final, TypeVar

from aiohttp import web

from . import params, routing
from .accesslog import AccessLog
from .actions import controller_exists, lookup
from .answer import Answer
from .context import Context
from .contract import messages as m
from .cors import Cors
from .envelope import Encoding, Envelope
from .faults import deliver, respond
from .journal import NO_ANSWER, Entry, Journal
from .keys import Live
from .memo import Memo
from .params import Call, UrlInputs
from .scenarios.model import Fault
from .scenarios.selection import UnknownScenario
from .settings import Settings
from .suggest import did_you_mean

log = logging.getLogger(__name__)
T = TypeVar("T")

# ThinkPHP answers OPTIONS itself, before any ShopXO code (§1.2).
OPTIONS_HEADERS: Final = {"Allow": "GET, POST, PUT, DELETE", "Content-Type": "text/html; charset=utf-8"}
SCENARIO_HEADER: Final = "X-Mock-Scenario"
DROPPED: Final = (Fault.RESET, Fault.EMPTY, Fault.HANG)  # faults that never send a status
# A client sends the same URL again and again (only the uuid differs between devices).
URLS_REMEMBERED: Final = 256


class Api:
    """The API's handler, holding the live context, the journal and the log: a request looks
    nothing up in the application."""

    def __init__(
        self,
        live: Live,
        settings: Settings,
        journal: Journal,
        stopping: asyncio.Event,
        access_log: AccessLog | None = None,
        cors: Cors | None = None,
    ) -> None:
        self.live = live
        self.journal = journal
        self.stopping = stopping
        self.access_log = access_log
        self.cors = cors
        self.body_timeout = settings.body_timeout
        self.max_body = settings.max_body
        self.hang_seconds = settings.hang_seconds
        self._urls: Memo[str, UrlInputs | None] = Memo(URLS_REMEMBERED)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        cors = self.cors
        if cors is not None:
            preflight = cors.preflight(request)
            if preflight is not None:
                return preflight
        try:
            response = await self._answer(request)
        except UnknownScenario as exc:
            hint = did_you_mean(exc.name, exc.known)
            response = respond(Envelope(m.UNKNOWN_SCENARIO.format(name=exc.name, hint=hint), m.FAIL), status=400)
        except web.HTTPException as exc:
            # Transport-level refusals (body too large, too slow, ...) keep their HTTP status.
            response = respond(Envelope(exc.reason, m.FAIL), status=exc.status)
        except Exception as exc:
            log.exception("unhandled error answering %s %s", request.method, request.path)  # no query: it may hold a token
            # As ShopXO's ExceptionHandle answers when the client sends ajax=ajax (it always does).
            text = m.INTERNAL_ERROR.format(error=f"{type(exc).__name__}: {exc}")
            response = respond(Envelope(text, m.SERVER_ERROR_CODE, encoding=Encoding.EXCEPTION))
        if cors is not None:
            cors.tag(request, response)
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=OPTIONS_HEADERS)
        url = self._urls.get(request.raw_path, lambda: url_inputs(request))
        if url is None:
            return respond(Envelope(m.NOT_AN_API_PATH, m.UNKNOWN_ROUTE), status=404)
        call = await self._collect(request, url)
        ctx = self.live.context
        route = url.route
        action = lookup(route.key, ctx)
        if action is None:
            answer = Answer(unknown_route(route, ctx, ctx.profile.lang(call.text("lang"))))
        else:
            answer = await action(call, ctx)
        response = await deliver(request, answer, self.stopping, self.hang_seconds)
        body = answer.body
        code = body.code if isinstance(body, Envelope) else None
        status = NO_ANSWER if body in DROPPED else response.status
        latency_ms = (time.perf_counter() - started) * 1000
        entry = Entry(self.journal.next_id(), ctx.state.clock.now(), request.method, request.raw_path, call, answer.pick, code, status, latency_ms)
        self.journal.record(entry)
        if self.access_log is not None:
            self.access_log.write(entry)
        return response

    async def _collect(self, request: web.Request, url: UrlInputs) -> Call:
        """The body off the wire, then the Call `params` makes of URL and body."""
        body: dict[str, Any] = {}
        form: dict[str, Any] | None = None
        if request.method in params.BODY_METHODS and request.can_read_body:
            kind = params.body_kind(request.headers.get("Content-Type", ""))
            if kind is params.BodyKind.FORM:
                posted = await self._within_time(request.post())
                form = params.php_pairs((k, v) for k, v in posted.items() if isinstance(v, str))
                body = dict(form)
            elif kind is params.BodyKind.JSON:
                body = params.decode_json_body(await self._raw_body(request))
        base_url = f"{request.scheme}://{request.host}"
        return params.complete_call(url, body, form, base_url, request.headers.get(SCENARIO_HEADER, ""))

    async def _raw_body(self, request: web.Request) -> bytes:
        content = request.content
        if not content.is_eof():
            return await self._within_time(request.read())
        # The usual small body is all here already: take it, no waiting, no timer.
        raw = content.read_nowait()
        if len(raw) > self.max_body:
            raise web.HTTPRequestEntityTooLarge(max_size=self.max_body, actual_size=len(raw))
        return raw

    async def _within_time(self, reading: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.body_timeout):
                return await reading
        except TimeoutError:
            raise web.HTTPRequestTimeout(reason="the request body did not arrive in time") from None


def url_inputs(request: web.Request) -> UrlInputs | None:
    """The route and query of an API URL (None: not an API path); memoised per raw URL. The
    client's own URLs have nothing to unquote and are split as they are; others go through yarl."""
    plain = params.split_plain_url(request.raw_path)
    path, pairs = plain if plain is not None else (request.path, request.query.items())
    return params.api_url_inputs(path, pairs)


def unknown_route(route: routing.Route, ctx: Context, lang: str) -> Envelope:
    """-1000 for a controller or action the mock has no answer for (§1.1)."""
    if not controller_exists(route.controller, ctx):
        text = f"{m.CONTROLLER_NOT_EXIST.in_lang(lang)}({route.typed_controller.lower()})"
        return Envelope(text, m.UNKNOWN_ROUTE)
    return Envelope(f"{m.ILLEGAL_ACCESS.in_lang(lang)}({route.typed_action})", m.UNKNOWN_ROUTE)
