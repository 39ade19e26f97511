"""The aiohttp edge: resolve -> collect -> dispatch -> deliver -> journal."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Final

from aiohttp import web

from . import keys, params, routing
from .actions import controller_exists, lookup
from .answer import Answer
from .context import Context
from .contract import messages as m
from .envelope import Envelope
from .faults import deliver, respond
from .journal import NO_ANSWER, Entry, log_line
from .params import Call
from .scenarios.model import Fault

access_log = logging.getLogger("mockserver.access")

# ThinkPHP answers OPTIONS itself, before any ShopXO code (§1.2).
OPTIONS_HEADERS: Final = {"Allow": "GET, POST, PUT, DELETE", "Content-Type": "text/html; charset=utf-8"}
SCENARIO_HEADER: Final = "X-Mock-Scenario"
DROPPED: Final = (Fault.RESET, Fault.EMPTY, Fault.HANG)  # faults that never send a status


async def api(request: web.Request) -> web.StreamResponse:
    started = time.perf_counter()
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=OPTIONS_HEADERS)
    path_info = routing.entry_path_info(request.path)
    if path_info is None:
        return respond(Envelope(m.NOT_AN_API_PATH, m.UNKNOWN_ROUTE), status=404)
    route = routing.resolve(request.query.get("s", path_info))
    call = await collect(request, route)
    ctx = request.app[keys.LIVE].context
    action = lookup(route.key, ctx)
    if action is None:
        answer = Answer(unknown_route(route, ctx, ctx.profile.lang(call.text("lang"))))
    else:
        answer = await action(call, ctx)
    response = await deliver(request, answer, request.app[keys.STOPPING], request.app[keys.SETTINGS].hang_seconds)
    record(request, call, answer, response, ctx, started)
    return response


async def collect(request: web.Request, route: routing.Route) -> Call:
    """Read the query and body off the wire and hand them to `params` as plain values."""
    query = params.php_pairs((k, v) for k, v in request.query.items() if k != "s")
    form: dict[str, Any] | None = None
    raw = b""
    if request.method in params.BODY_METHODS and request.can_read_body:
        try:
            async with asyncio.timeout(request.app[keys.SETTINGS].body_timeout):
                if request.content_type in params.FORM_TYPES:
                    posted = await request.post()
                    form = params.php_pairs((k, v) for k, v in posted.items() if isinstance(v, str))
                else:
                    raw = await request.read()
        except TimeoutError:
            raise web.HTTPRequestTimeout(reason="the request body did not arrive in time") from None
    body = params.body_params(request.method, request.content_type, form, raw)
    base_url = f"{request.scheme}://{request.host}"
    return params.build_call(route, query, body, form, base_url, request.headers.get(SCENARIO_HEADER, ""))


def unknown_route(route: routing.Route, ctx: Context, lang: str) -> Envelope:
    """-1000 for a controller or action the mock has no answer for (§1.1)."""
    if not controller_exists(route.controller, ctx):
        text = f"{m.CONTROLLER_NOT_EXIST.in_lang(lang)}({route.typed_controller.lower()})"
        return Envelope(text, m.UNKNOWN_ROUTE)
    return Envelope(f"{m.ILLEGAL_ACCESS.in_lang(lang)}({route.typed_action})", m.UNKNOWN_ROUTE)


def record(
    request: web.Request, call: Call, answer: Answer, response: web.StreamResponse, ctx: Context, started: float
) -> None:
    """One journal entry and one access-log line per API request."""
    journal = request.app[keys.JOURNAL]
    pick = answer.pick
    entry = Entry(
        id=journal.next_id(),
        time=ctx.state.clock.now(),
        method=request.method,
        url=str(request.rel_url),
        action=f"{call.route.controller}/{call.route.action}".lower(),
        params=call.params,
        client_type=call.client_type,
        device=call.text("uuid"),
        authcode=call.text("authcode"),
        scenario=pick.scenario.name if pick and pick.scenario else None,
        rule=pick.rule.value if pick else "built-in",
        near_misses=pick.near_misses if pick else (),
        code=answer.body.code if isinstance(answer.body, Envelope) else None,
        status=NO_ANSWER if answer.body in DROPPED else response.status,
        latency_ms=(time.perf_counter() - started) * 1000,
    )
    journal.record(entry)
    if access_log.isEnabledFor(logging.INFO):
        access_log.info(log_line(entry))
