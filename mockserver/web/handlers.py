"""The aiohttp edge of the API: route -> collect -> act -> deliver -> observe.

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
from yarl import query_to_pairs

from .. import params
from ..actions import answering
from ..answers import Answer
from ..context import Context
from ..contract import messages as m
from ..journal import cut
from ..journal.served import NO_ANSWER, make_served
from ..params import NO_UPLOADS, Call, Uploads, UrlInputs
from ..rendering.envelope import Encoding, Envelope
from ..runtime import Runtime
from ..scenarios.model import Fault
from ..scenarios.selection import HEADER
from ..support.memo import Memo
from ..upstream.proxy import Proxy, Relayed
from .cors import Cors
from .faults import deliver, respond
from .multipart import read_form

log = logging.getLogger(__name__)
T = TypeVar("T")

# ThinkPHP answers OPTIONS itself, before any ShopXO code (§1.2).
OPTIONS_HEADERS: Final = {"Allow": "GET, POST, PUT, DELETE", "Content-Type": "text/html; charset=utf-8"}
DROPPED: Final = (Fault.RESET, Fault.EMPTY, Fault.HANG)  # faults that never send a status
# A client sends the same URL again and again (only the uuid differs between devices).
URLS_REMEMBERED: Final = 256


class Api:
    """The API's handler, holding the running mock: a request looks nothing up in the application."""

    def __init__(self, runtime: Runtime, cors: Cors | None = None, upstream: Proxy | None = None) -> None:
        self.runtime = runtime
        self.cors = cors
        self.upstream = upstream  # what the mock does not answer goes there (--upstream)
        settings = runtime.settings
        self.body_timeout = settings.body_timeout
        self.max_body = settings.max_body
        self.max_fields = settings.max_fields
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
        except web.HTTPException as exc:
            # Transport-level refusals (body too large, too slow, ...) keep their HTTP status.
            response = respond(Envelope(exc.reason, m.FAIL), status=exc.status)
        except params.TooDeep as exc:  # from the query or the body: PHP would drop the parameter
            text = m.TOO_DEEP.format(name=exc.name, depth=exc.depth, limit=params.MAX_NESTING)
            response = respond(Envelope(text, m.FAIL), status=400)
        except Exception as exc:
            log.exception("unhandled error answering %s %s", request.method, request.path)  # no query: it may hold a token
            # As ShopXO's ExceptionHandle answers when the client sends ajax=ajax (it always does).
            text = m.INTERNAL_ERROR.format(error=f"{type(exc).__name__}: {exc}")
            response = respond(Envelope(text, m.SERVER_ERROR_CODE, encoding=Encoding.EXCEPTION))
        if cors is not None:
            cors.tag(request, response)
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        """route -> collect -> act -> deliver -> observe: `_route`, `_collect`, the engine's
        `answering.answer` (or `_relay`, the upstream's), `faults.deliver` (or `passed_on`, the
        upstream's bytes as they came), `_observe`. Act and deliver are written out here, not as
        methods of their own: each would be one coroutine more on every request (~1k instructions)."""
        started = time.perf_counter()
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=OPTIONS_HEADERS)
        url = self._route(request)
        if url is None:
            return respond(Envelope(m.NOT_AN_API_PATH, m.UNKNOWN_ROUTE), status=404)
        call = await self._collect(request, url)
        # Read once the body is in (a reload meanwhile serves this request): the release's Context
        # for this call's client, and why (`context.Releases`).
        ctx, reason = self.runtime.releases.answering(call)
        relayed = await self._relay(request, call, ctx) if self.upstream is not None else None
        answer = relayed.answer if relayed is not None else await answering.answer(call, ctx, request)
        if relayed is not None and relayed.passed:
            response = passed_on(relayed)
        else:
            response = await deliver(request, answer, self.runtime.stopping, self.hang_seconds)
        self._observe(request, call, ctx, reason, answer, relayed, response, started)
        return response

    def _route(self, request: web.Request) -> UrlInputs | None:
        """The route and query of the URL (None: not an API path), remembered per raw URL."""
        return self._urls.get(request.raw_path, lambda: parse_url(request, self.max_fields))

    async def _collect(self, request: web.Request, url: UrlInputs) -> Call:
        """The body off the wire, then the Call `params` makes of URL and body, from the device
        it continues (`answering.continued`)."""
        body: dict[str, Any] = {}
        form: dict[str, Any] | None = None
        raw = b""
        files: Uploads = NO_UPLOADS
        if request.method in params.BODY_METHODS and request.can_read_body:
            kind = params.body_kind(request.headers.get("Content-Type", ""))
            # An upstream may take the request: every body's bytes are kept to send on as they came
            # (a form's parse below reuses them; a multipart body is parsed from them).
            keep = self.upstream is not None
            if keep and kind is not params.BodyKind.JSON:  # read() leaves them where post() finds them
                raw = await self._within_time(request.read())
            if kind is params.BodyKind.JSON:
                raw = await self._raw_body(request)
                body = params.decode_json_body(raw)
            elif kind is params.BodyKind.FORM:
                form = params.php_pairs(await self._form_pairs(request))
                body = dict(form)
            elif kind is params.BodyKind.MULTIPART:
                reading = read_form(request, self.max_body, self.max_fields, raw if keep else None)
                fields, files = await self._within_time(reading)
                form = params.php_pairs(fields)
                body = dict(form)
        call = params.complete_call(
            url,
            body,
            form,
            base_url=f"{request.scheme}://{request.host}",
            mock_scenario=request.headers.get(HEADER, ""),
            method=request.method,
            headers=request.raw_headers,
            raw_body=raw,
            files=files,
        )
        return answering.continued(call, self.runtime.releases.primary, request)

    async def _relay(self, request: web.Request, call: Call, ctx: Context) -> Relayed | None:
        """The upstream's answer, when the call is one it takes (`upstream.policy`); what it
        answers tells the device as much as the mock's would (`answering.answered`)."""
        upstream = self.upstream
        if upstream is None or not upstream.takes(call, ctx):
            return None
        relayed = await upstream.forward(call, request.raw_path, ctx)
        answering.answered(call, relayed.answer, ctx, request)
        return relayed

    def _observe(
        self,
        request: web.Request,
        call: Call,
        ctx: Context,
        reason: str,
        answer: Answer,
        relayed: Relayed | None,
        response: web.Response,
        started: float,
    ) -> None:
        """The served record, and the response it got, to every observer (`Runtime.served`)."""
        runtime = self.runtime
        notice = runtime.client_notice(call) if runtime.later_client is not None else ""
        body = answer.body
        raw_path = request.raw_path
        weight = cut.weight(raw_path, call, request.content.total_bytes)
        served = make_served(
            id=next(runtime.ids),
            time=ctx.state.clock.now(),
            method=request.method,
            url=raw_path,
            call=call if call.files is NO_UPLOADS else call.without_file_bytes(),  # no file kept
            pick=answer.pick,
            code=body.code if isinstance(body, Envelope) else None,
            # isinstance first: `in` would ask the Envelope's __eq__ (Python) of each fault.
            status=NO_ANSWER if isinstance(body, Fault) and body in DROPPED else response.status,
            latency_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
            release=ctx.profile.name,
            release_reason=reason,
            upstream=None if relayed is None else relayed.visit,
            weight=weight,
        )
        # One comparison for the usual request; a large one is kept cut by every observer.
        runtime.served(served if weight <= cut.LARGE else cut.kept(served), response)

    async def _form_pairs(self, request: web.Request) -> list[tuple[str, str]]:
        """An urlencoded body's pairs, as aiohttp's `post()` reads them (its charset, its field
        cap) but with refusals that say what is wrong: `post()` lets a body that is not text in
        its charset, or an unknown charset, escape as a bare exception."""
        data = await self._within_time(request.read())
        if not data:
            return []
        charset = request.charset or "utf-8"
        try:
            text = data.rstrip().decode(charset)
        except (UnicodeDecodeError, LookupError) as exc:
            reason = m.FORM_NOT_TEXT.format(charset=charset, error=exc)
            raise web.HTTPBadRequest(reason=reason) from None
        try:
            return query_to_pairs(text, max_fields=self.max_fields, encoding=charset)
        except ValueError:
            raise too_many_fields("form body", self.max_fields) from None

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


def parse_url(request: web.Request, max_fields: int) -> UrlInputs | None:
    """The route and query of an API URL (None: not an API path); memoised per raw URL. The
    client's own URLs have nothing to unquote and are split as they are; others go through yarl.
    413 past `max_fields` query pairs."""
    plain = params.split_plain_url(request.raw_path)
    path, pairs = plain if plain is not None else (request.path, list(request.query.items()))
    if len(pairs) > max_fields:
        raise too_many_fields("query string", max_fields)
    return params.api_url_inputs(path, pairs)


def too_many_fields(where: str, limit: int) -> web.HTTPRequestEntityTooLarge:
    """aiohttp's own answer past its field cap (413), saying which bound and how to raise it."""
    text = m.TOO_MANY_FIELDS.format(where=where, limit=limit)
    return web.HTTPRequestEntityTooLarge(max_size=limit, reason=text)


def passed_on(relayed: Relayed) -> web.Response:
    """The upstream's answer as it came: status, content type, bytes, cookies, redirect."""
    response = web.Response(status=relayed.visit.status, body=relayed.body)
    if relayed.content_type is not None:
        response.headers["Content-Type"] = relayed.content_type
    for name, value in relayed.headers:
        response.headers.add(name, value)
    return response
